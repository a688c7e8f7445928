#include "config/load.hpp"

#include <cstdlib>

namespace pg::config {

std::optional<std::string> process_env(std::string const& name)
{
    if (char const* v = std::getenv(name.c_str()))
        return std::string(v);
    return std::nullopt;
}

}  // namespace pg::config
