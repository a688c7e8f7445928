#include "model/json_writer.hpp"

#include <charconv>

namespace pg::model {
namespace {

// Length of the well-formed UTF-8 sequence at the start of s, or 0 if there is
// none (Unicode table 3-7: no overlongs, no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence(std::string_view s)
{
    auto const b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    auto const cont = [&](std::size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) {
        return i < s.size() && b(i) >= lo && b(i) <= hi;
    };
    unsigned const c = b(0);
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        return cont(1) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned const lo = c == 0xe0 ? 0xa0 : 0x80;
        unsigned const hi = c == 0xed ? 0x9f : 0xbf;
        return cont(1, lo, hi) && cont(2) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned const lo = c == 0xf0 ? 0x90 : 0x80;
        unsigned const hi = c == 0xf4 ? 0x8f : 0xbf;
        return cont(1, lo, hi) && cont(2) && cont(3) ? 4 : 0;
    }
    return 0;
}

void escape_control(std::string& out, char c)
{
    switch (c) {
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
    }
    constexpr char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[(c >> 4) & 0xf];
    out += hex[c & 0xf];
}

}  // namespace

void json_writer::separate()
{
    if (need_comma_)
        out_ += ',';
    need_comma_ = true;
}

json_writer& json_writer::begin_object()
{
    separate();
    out_ += '{';
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_object()
{
    out_ += '}';
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::begin_array()
{
    separate();
    out_ += '[';
    need_comma_ = false;
    return *this;
}

json_writer& json_writer::end_array()
{
    out_ += ']';
    need_comma_ = true;
    return *this;
}

json_writer& json_writer::key(std::string_view k)
{
    separate();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    need_comma_ = false;
    return *this;
}

// Printable ASCII other than '"' and '\\': copied as it is.
constexpr bool plain_byte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

json_writer& json_writer::str(std::string_view s)
{
    separate();
    out_.reserve(out_.size() + s.size() + 2);
    out_ += '"';
    while (!s.empty()) {
        // Most text is plain: copy each run of it at once.
        std::size_t run = 0;
        while (run < s.size() && plain_byte(static_cast<unsigned char>(s[run])))
            ++run;
        out_.append(s.data(), run);
        s.remove_prefix(run);
        if (s.empty())
            break;
        char const c = s[0];
        std::size_t n = 1;
        if (c == '"' || c == '\\') {
            out_ += '\\';
            out_ += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            escape_control(out_, c);
        } else if ((n = utf8_sequence(s)) > 0) {
            out_.append(s.substr(0, n));
        } else {
            out_ += "\xef\xbf\xbd";  // U+FFFD for one bad byte
            n = 1;
        }
        s.remove_prefix(n);
    }
    out_ += '"';
    return *this;
}

json_writer& json_writer::u64(std::uint64_t n)
{
    separate();
    char buf[24];
    auto const r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    return *this;
}

json_writer& json_writer::i64(std::int64_t n)
{
    separate();
    char buf[24];
    auto const r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    return *this;
}

json_writer& json_writer::boolean(bool b)
{
    separate();
    out_ += b ? "true" : "false";
    return *this;
}

json_writer& json_writer::number(double d)
{
    separate();
    char buf[32];
    auto const r = std::to_chars(buf, buf + sizeof buf, d);
    out_.append(buf, r.ptr);
    return *this;
}

}  // namespace pg::model
