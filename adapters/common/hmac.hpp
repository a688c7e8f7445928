#pragma once
// HMAC for platforms that sign their webhooks (Slack, Twilio, ...).
#include <string>
#include <string_view>

namespace pg::adapters {

// HMAC-SHA256 of `message` under `key` (the key's bytes as given: no hex or base64
// decoding): 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

// HMAC-SHA1, the same way: 20 raw bytes. Twilio's X-Twilio-Signature still uses it.
std::string hmac_sha1(std::string_view key, std::string_view message);

// Lower-case hex, two digits per byte.
std::string to_hex(std::string_view bytes);

}  // namespace pg::adapters
