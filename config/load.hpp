#pragma once
// Reads the config file (and the flow and locale files it names) into settings,
// or throws config_error whose message names the file, the key and the reason.
#include "config/settings.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

namespace pg::config {

struct config_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Returns the value of an environment variable, or nullopt when unset.
using env_lookup = std::function<std::optional<std::string>(std::string const&)>;
std::optional<std::string> process_env(std::string const& name);

settings load(std::string const& path, env_lookup const& env = process_env);

}  // namespace pg::config
