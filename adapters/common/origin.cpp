#include "adapters/common/origin.hpp"

#include "model/ascii.hpp"

#include <algorithm>

namespace pg::adapters {
namespace {

std::string_view trim(std::string_view s)
{
    auto const b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

}  // namespace

bool same_origin(std::string_view origin, std::string_view host)
{
    if (host.empty())
        return false;
    for (std::string_view scheme : {"http://", "https://"})
        if (origin.size() > scheme.size() && model::iequals_ascii(origin.substr(0, scheme.size()), scheme) &&
            model::iequals_ascii(origin.substr(scheme.size()), host))
            return true;
    return false;
}

std::string host_name(std::string_view host)
{
    host = trim(host);
    std::string_view name;
    if (host.starts_with('[')) {  // an IPv6 literal: "[::1]" or "[::1]:8080"
        auto const close = host.find(']');
        if (close == std::string_view::npos)
            return {};
        auto const rest = host.substr(close + 1);
        if (!rest.empty() && !rest.starts_with(':'))
            return {};
        name = host.substr(0, close + 1);
    } else {
        name = host.substr(0, host.find(':'));
    }
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(), model::ascii_lower);
    return out;
}

bool host_allowed(std::string_view host, std::vector<std::string> const& allowed)
{
    auto const name = host_name(host);
    return std::any_of(allowed.begin(), allowed.end(), [&](std::string const& a) {
        return a == "*" || (!name.empty() && model::iequals_ascii(a, name));
    });
}

bool forwarded_https(std::string_view x_forwarded_proto)
{
    return model::iequals_ascii(trim(x_forwarded_proto.substr(0, x_forwarded_proto.find(','))), "https");
}

}  // namespace pg::adapters
