#include "adapters/common/placeholders.hpp"

#include "model/petition.hpp"

namespace pg::adapters {

model::result<std::string> fill_placeholders(std::string_view pattern, placeholder_values const& v)
{
    std::string out;
    while (!pattern.empty()) {
        auto const open = pattern.find('{');
        out += pattern.substr(0, open);
        if (open == std::string_view::npos)
            break;
        auto const close = pattern.find('}', open);
        if (close == std::string_view::npos)
            return model::failure{model::errc::malformed_body,
                                  "an unclosed '{': placeholders are " + std::string(placeholder_names)};
        auto const name = pattern.substr(open + 1, close - open - 1);
        if (name == "text")
            out += v.text;
        else if (name == "tracking")
            out += v.tracking;
        else if (name == "status")
            out += v.status;
        else
            return model::failure{model::errc::malformed_body, "unknown placeholder {" + std::string(name) +
                                                                   "}: use " + std::string(placeholder_names)};
        pattern.remove_prefix(close + 1);
    }
    return out;
}

std::string status_names()
{
    std::string out;
    for (int i = 0;; ++i) {
        auto const name = model::to_string(static_cast<model::status>(i));
        if (!model::status_from_string(name))  // past the last status: "unknown"
            break;
        out += out.empty() ? "" : ", ";
        out += name;
    }
    return out;
}

}  // namespace pg::adapters
