#pragma once
// Structured logs: one JSON object per line on stderr. Fields carry ids and
// counts, never message text or personal data (those go at debug level only).
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace pg::gateway::log {

enum class level { debug = 0, info, warn, error };

void set_level(level l);
bool parse_level(std::string_view name, level& out);
bool enabled(level l);

using value = std::variant<std::string_view, long long, double, bool>;
using field = std::pair<std::string_view, value>;

// log::write(level::info, "commit", {{"channel", id}, {"ms", 3}});
void write(level l, std::string_view event, std::initializer_list<field> fields = {});

inline void debug(std::string_view e, std::initializer_list<field> f = {}) { if (enabled(level::debug)) write(level::debug, e, f); }
inline void info(std::string_view e, std::initializer_list<field> f = {}) { if (enabled(level::info)) write(level::info, e, f); }
inline void warn(std::string_view e, std::initializer_list<field> f = {}) { if (enabled(level::warn)) write(level::warn, e, f); }
inline void error(std::string_view e, std::initializer_list<field> f = {}) { write(level::error, e, f); }

}  // namespace pg::gateway::log
