#include "adapters/sms/form.hpp"

#include <optional>

namespace pg::adapters::sms {
namespace {

int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// One name or value, decoded once; nullopt on a broken escape.
std::optional<std::string> decode_part(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char const c = s[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (s.size() - i < 3)
                return std::nullopt;
            int const h = hex_value(s[i + 1]);
            int const l = hex_value(s[i + 2]);
            if (h < 0 || l < 0)
                return std::nullopt;
            out += static_cast<char>(h * 16 + l);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

model::failure malformed(std::string detail) { return {model::errc::malformed_body, std::move(detail)}; }

}  // namespace

model::result<form_fields> decode_form(std::string_view body)
{
    form_fields out;
    std::size_t position = 0;
    while (!body.empty()) {
        auto const amp = body.find('&');
        auto const piece = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (piece.empty())
            continue;
        ++position;
        if (out.size() == max_form_fields)
            return malformed("form: more than " + std::to_string(max_form_fields) + " fields");
        auto const eq = piece.find('=');
        auto name = decode_part(piece.substr(0, eq));
        if (!name)
            return malformed("form field #" + std::to_string(position) + ": broken percent-encoding in its name");
        auto value = decode_part(eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1));
        if (!value)
            return malformed("form field " + shown_name(*name) + ": broken percent-encoding (a '%' without two hex digits)");
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::string shown_name(std::string_view name)
{
    std::string out;
    for (unsigned char c : name.substr(0, 64))
        out += (c > 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
    return out;
}

std::string const* form_value(form_fields const& fields, std::string_view name)
{
    for (auto const& [k, v] : fields)
        if (k == name)
            return &v;
    return nullptr;
}

std::string form_encode(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (unsigned char c : s) {
        bool const unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                                c == '-' || c == '_' || c == '.' || c == '~';
        if (unreserved) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

}  // namespace pg::adapters::sms
