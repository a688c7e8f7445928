#include "adapters/common/query.hpp"

namespace pg::adapters {
namespace {

int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decoded(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
            i += 2;
        } else {
            out += s[i];  // a stray '%' stays: the signature check then fails on it
        }
    }
    return out;
}

}  // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view name)
{
    auto const q = target.find('?');
    if (q == std::string_view::npos)
        return std::nullopt;
    auto rest = target.substr(q + 1);
    rest = rest.substr(0, rest.find('#'));
    while (!rest.empty()) {
        auto const amp = rest.find('&');
        auto const pair = rest.substr(0, amp);
        auto const eq = pair.find('=');
        if (percent_decoded(pair.substr(0, eq)) == name)
            return eq == std::string_view::npos ? std::string() : percent_decoded(pair.substr(eq + 1));
        if (amp == std::string_view::npos)
            break;
        rest.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

}  // namespace pg::adapters
