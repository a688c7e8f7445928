#include "adapters/common/options.hpp"

#include "adapters/common/placeholders.hpp"
#include "model/petition.hpp"

#include <algorithm>

namespace pg::adapters {

void refuse(std::string key, std::string why) { throw bad_setting{std::move(key), std::move(why)}; }

void refuse_unknown_keys(nlohmann::json const& obj, std::string const& path,
                         std::initializer_list<std::string_view> known)
{
    for (auto const& [k, v] : obj.items())
        if (std::find(known.begin(), known.end(), k) == known.end())
            refuse(path + "." + k, "unknown key");
}

void check_status_name(std::string const& status, std::string const& path)
{
    if (!model::status_from_string(status))
        refuse(path, "not a status: use " + status_names());
}

}  // namespace pg::adapters
