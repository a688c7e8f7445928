#pragma once
// A 429's Retry-After header, for any platform's interpret().
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters {

// A week caps a garbage Retry-After without cutting a real one short.
inline constexpr std::int64_t max_retry_after_seconds = 7 * 24 * 3600;

// Retry-After in delta-seconds, white space around it allowed, clamped to
// 0..max_retry_after_seconds; nullopt when absent or not an integer (the
// HTTP-date form included: no platform here sends it).
std::optional<std::int64_t> retry_after_seconds(std::string_view header);

}  // namespace pg::adapters
