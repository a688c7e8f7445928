#include "model/json_writer.hpp"

#include <charconv>
#include <cstdint>
#include <cstring>

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

namespace {

// Printable ASCII other than '"' and '\\': copied as it is.
constexpr bool plain_byte(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// Whether all eight bytes of w are plain. The tests are exact: a byte below
// 0x20, at or above 0x80, or equal to '"' or '\\' makes them say no.
constexpr bool plain_word(std::uint64_t w)
{
    constexpr std::uint64_t ones = 0x0101010101010101, highs = 0x8080808080808080;
    auto const has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
    auto const below_space = (w - ones * 0x20) & ~w & highs;
    return ((w & highs) | below_space | has_zero(w ^ (ones * '"')) | has_zero(w ^ (ones * '\\'))) == 0;
}

// Length of the prefix of s that needs no escaping: plain ASCII and
// well-formed UTF-8 sequences, eight ASCII bytes at a time where it can.
std::size_t clean_prefix(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        for (std::uint64_t w; i + 8 <= s.size(); i += 8) {
            std::memcpy(&w, s.data() + i, 8);
            if (!plain_word(w))
                break;
        }
        if (i == s.size())
            break;
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t n = plain_byte(c) ? 1 : c >= 0x80 ? utf8_sequence(s.substr(i)) : 0;
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

}  // namespace

json_writer& json_writer::str(std::string_view s)
{
    separate();
    out_.reserve(out_.size() + s.size() + 2);
    out_ += '"';
    while (!s.empty()) {
        // Most text needs no escaping: copy each run of it at once.
        auto const run = clean_prefix(s);
        out_.append(s.data(), run);
        s.remove_prefix(run);
        if (s.empty())
            break;
        char const c = s[0];
        if (c == '"' || c == '\\') {
            out_ += '\\';
            out_ += c;
        } else if (static_cast<unsigned char>(c) < 0x20) {
            escape_control(out_, c);
        } else {
            out_ += "\xef\xbf\xbd";  // U+FFFD for one bad byte
        }
        s.remove_prefix(1);
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
