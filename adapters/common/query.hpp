#pragma once
// Query parameters of a request target, for platforms that sign or check them
// (WeChat's signature, WhatsApp's hub.verify_token).
#include <optional>
#include <string>
#include <string_view>

namespace pg::adapters {

// One query parameter of `target`, percent-decoded once. A '+' stays a '+': the
// values read this way are base64, hex, digits and tokens, never form text.
// nullopt when absent; "" when present without a value.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

}  // namespace pg::adapters
