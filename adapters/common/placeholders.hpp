#pragma once
// Status-push templates (WeChat template messages, WhatsApp message templates):
// the config writes a field as text with placeholders, filled per message.
#include "model/result.hpp"

#include <string>
#include <string_view>

namespace pg::adapters {

// What a template's text may name.
struct placeholder_values {
    std::string_view text, tracking, status;
};

inline constexpr std::string_view placeholder_names = "{text}, {tracking} or {status}";

// `pattern` with each {text}, {tracking} and {status} replaced; a failure names the
// first placeholder that is not one of them, or an unclosed '{'. Config checks a
// pattern once by filling it with empty values.
model::result<std::string> fill_placeholders(std::string_view pattern, placeholder_values const& v);

// Every petition status by name, for a config error: "submitted, accepted, ...".
std::string status_names();

}  // namespace pg::adapters
