#include "gateway/static_files.hpp"

#include <boost/beast/http/field.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace pg::gateway {
namespace {

std::string_view content_type(std::string_view file)
{
    auto const dot = file.rfind('.');
    auto const ext = dot == std::string_view::npos ? std::string_view{} : file.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "ico") return "image/x-icon";
    if (ext == "json") return "application/json";
    return "application/octet-stream";
}

// Segments of plain names only: no "", ".", ".." or hidden files.
bool safe_relative(std::string_view p)
{
    if (p.empty() || p.size() > 200)
        return false;
    for (std::size_t start = 0; start <= p.size();) {
        auto end = p.find('/', start);
        if (end == std::string_view::npos)
            end = p.size();
        auto const seg = p.substr(start, end - start);
        if (seg.empty() || seg.front() == '.')
            return false;
        for (char c : seg)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
                return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

void add_page_security_headers(response& res)
{
    res.set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors 'none'");
    res.set(http::field::x_frame_options, "DENY");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set(http::field::cache_control, "no-cache");
}

std::optional<response> static_files::get(std::string_view relative, unsigned version) const
{
    if (!enabled() || !safe_relative(relative))
        return std::nullopt;
    auto const path = root_ + "/" + std::string(relative);
    // A directory opens as a stream that reads nothing (an empty 200); a fifo
    // would block. Only a regular file is a page.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream body;
    if (in.peek() != std::ifstream::traits_type::eof())  // inserting an empty file would set failbit
        body << in.rdbuf();
    if (in.bad() || body.bad())
        return std::nullopt;
    response res{http::status::ok, version};
    res.set(http::field::content_type, content_type(relative));
    add_page_security_headers(res);
    res.body() = std::move(body).str();
    res.prepare_payload();
    return res;
}

}  // namespace pg::gateway
