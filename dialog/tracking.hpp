#pragma once
// Tracking numbers: short, unique, easy to type, not guessable in sequence.
// A petition number (unique, from the store) goes through a keyed 40-bit
// permutation and is written as 8 Crockford base-32 characters, "7KQM-2X4D".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg::dialog {

std::string tracking_number(std::uint64_t petition_number, std::string_view key);

// What a citizen typed -> the canonical form, or nullopt if it cannot be one.
// Case, spaces, the hyphen and full-width forms do not matter; O reads as 0, I and L as 1.
std::optional<std::string> normalize_tracking(std::string_view typed);

}  // namespace pg::dialog
