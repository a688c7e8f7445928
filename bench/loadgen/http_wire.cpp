#include "bench/loadgen/http_wire.hpp"

#include "model/ascii.hpp"

#include <charconv>
#include <cstring>

namespace pg::bench {
namespace {

using model::iequals_ascii;

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

bool contains_token(std::string_view value, std::string_view token)
{
    while (!value.empty()) {
        auto const comma = value.find(',');
        if (iequals_ascii(trim(value.substr(0, comma)), token))
            return true;
        if (comma == std::string_view::npos)
            break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace

frame_result frame(std::string_view bytes, http_message& out, std::size_t body_limit)
{
    auto const head_end = bytes.find("\r\n\r\n");
    if (head_end == std::string_view::npos)
        return bytes.size() > 64 * 1024 ? frame_result::bad : frame_result::incomplete;

    auto head = bytes.substr(0, head_end);
    auto const first_eol = head.find("\r\n");
    out.start_line = head.substr(0, first_eol);
    if (out.start_line.empty())
        return frame_result::bad;
    bool const http10 = out.start_line.starts_with("HTTP/1.0") || out.start_line.ends_with("HTTP/1.0");
    bool keep_alive_token = false;
    bool close_token = false;
    bool have_length = false;
    std::size_t length = 0;

    head = first_eol == std::string_view::npos ? std::string_view{} : head.substr(first_eol + 2);
    while (!head.empty()) {
        auto const eol = head.find("\r\n");
        auto const line = head.substr(0, eol);
        head = eol == std::string_view::npos ? std::string_view{} : head.substr(eol + 2);
        auto const colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0)
            return frame_result::bad;
        auto const name = line.substr(0, colon);
        auto const value = trim(line.substr(colon + 1));
        if (iequals_ascii(name, "content-length")) {
            std::size_t v = 0;
            auto const [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc{} || p != value.data() + value.size() || (have_length && v != length))
                return frame_result::bad;
            length = v;
            have_length = true;
        } else if (iequals_ascii(name, "transfer-encoding")) {
            return frame_result::bad;  // nobody we talk to chunks; refuse rather than misframe
        } else if (iequals_ascii(name, "connection")) {
            close_token = close_token || contains_token(value, "close");
            keep_alive_token = keep_alive_token || contains_token(value, "keep-alive");
        }
    }
    if (length > body_limit)
        return frame_result::bad;
    auto const total = head_end + 4 + length;
    if (bytes.size() < total)
        return frame_result::incomplete;
    out.body = bytes.substr(head_end + 4, length);
    out.size = total;
    out.close = close_token || (http10 && !keep_alive_token);
    return frame_result::complete;
}

int status_of(std::string_view start_line)
{
    // "HTTP/1.1 200 OK"
    if (!start_line.starts_with("HTTP/1.") || start_line.size() < 12 || start_line[8] != ' ')
        return 0;
    int code = 0;
    auto const [p, ec] = std::from_chars(start_line.data() + 9, start_line.data() + 12, code);
    return ec == std::errc{} && p == start_line.data() + 12 ? code : 0;
}

std::string_view target_of(std::string_view start_line)
{
    auto const a = start_line.find(' ');
    if (a == std::string_view::npos)
        return {};
    auto const b = start_line.find(' ', a + 1);
    if (b == std::string_view::npos)
        return {};
    return start_line.substr(a + 1, b - a - 1);
}

char* byte_buffer::prepare(std::size_t n)
{
    if (begin_ == end_)
        begin_ = end_ = 0;
    if (bytes_.size() - end_ < n) {
        if (begin_ > 0) {  // move the unread tail to the front first
            std::memmove(bytes_.data(), bytes_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        if (bytes_.size() - end_ < n)
            bytes_.resize(end_ + n);
    }
    return bytes_.data() + end_;
}

void byte_buffer::consume(std::size_t n)
{
    begin_ += n;
    if (begin_ >= end_)
        begin_ = end_ = 0;
}

void append_json_escaped(std::string& out, std::string_view s)
{
    static constexpr char hex[] = "0123456789abcdef";
    for (char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c;
            }
        }
    }
}

}  // namespace pg::bench
