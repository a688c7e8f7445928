#pragma once
// An HTTP request as the gateway read it off the socket: what adapters verify and parse.
#include "model/ascii.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::model {

struct raw_request {
    std::string method;   // "POST"
    std::string target;   // "/webhook/telegram?x=1"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    // Case-insensitive; empty when absent.
    std::string_view header(std::string_view name) const
    {
        for (auto const& [k, v] : headers)
            if (iequals_ascii(k, name))
                return v;
        return {};
    }
};

}  // namespace pg::model
