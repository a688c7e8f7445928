#pragma once
// Time is UTC milliseconds everywhere; only gateway/ reads the clock.
#include <chrono>
#include <cstdint>
#include <string>

namespace pg::model {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

constexpr std::int64_t to_millis(timestamp t) { return t.time_since_epoch().count(); }
constexpr timestamp from_millis(std::int64_t ms) { return timestamp{std::chrono::milliseconds{ms}}; }

// "2026-11-28 11:14 UTC": what a citizen reads in a timeline.
std::string format_utc_minutes(timestamp t);
// "2026-11-28T11:14:39.123Z": what logs and APIs carry.
std::string format_iso8601(timestamp t);

}  // namespace pg::model
