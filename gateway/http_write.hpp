#pragma once
// Writes an HTTP message with a string body as one gather write: its head,
// rendered into a string, then its body. Beast's serializer walks the head
// through layers of buffer views, field by field, and cost more instructions
// than everything else in a small exchange (bench/README.md); the bytes on the
// wire are the same. A chunked message still goes through Beast.
#include "gateway/net.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <cstddef>
#include <string>
#include <tuple>

namespace pg::gateway {

template <bool is_request>
std::string render_head(http::message<is_request, http::string_body> const& m)
{
    std::string head;
    head.reserve(256);
    char digits[8];
    if constexpr (is_request) {
        head += m.method_string();
        head += ' ';
        head += m.target();
        head += m.version() == 10 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n";
    } else {
        head += m.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
        auto const code = std::to_chars(digits, digits + sizeof digits, m.result_int());
        head.append(digits, code.ptr);
        head += ' ';
        head += m.reason();
        head += "\r\n";
    }
    for (auto const& f : m) {
        head += f.name_string();
        head += ": ";
        head += f.value();
        head += "\r\n";
    }
    head += "\r\n";
    return head;
}

// Completes as http::async_write does: the error and the bytes written.
template <class Stream, bool is_request>
net::awaitable<std::tuple<boost::system::error_code, std::size_t>>
write_message(Stream& stream, http::message<is_request, http::string_body>& m)
{
    if (m.chunked())
        co_return co_await http::async_write(stream, m, use_tuple);
    auto const head = render_head(m);
    std::array<net::const_buffer, 2> const parts{net::buffer(head), net::buffer(m.body())};
    co_return co_await net::async_write(stream, parts, use_tuple);
}

}  // namespace pg::gateway
