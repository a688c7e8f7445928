#pragma once
// An HTTP request as the gateway read it off the socket: what adapters verify and parse.
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
            if (k.size() == name.size() && equal_ci(k, name))
                return v;
        return {};
    }

private:
    static bool equal_ci(std::string_view a, std::string_view b)
    {
        for (std::size_t i = 0; i < a.size(); ++i) {
            char x = a[i], y = b[i];
            if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
            if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
            if (x != y)
                return false;
        }
        return true;
    }
};

}  // namespace pg::model
