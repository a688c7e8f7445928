#pragma once
// A time zone resolved once, when the config is loaded (that reads the system's
// tz database, /usr/share/zoneinfo); after that every conversion is a lookup in
// memory, so the pure layers may use it. The default zone is UTC and needs no
// database at all. The tz library stays out of this header.
#include "model/time.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace pg::model {

// A local (wall clock) time in some zone, milliseconds.
using local_millis = std::chrono::local_time<std::chrono::milliseconds>;

class zone {
public:
    zone() = default;  // UTC

    // The IANA zone with this name ("Asia/Shanghai"), its rules loaded now;
    // nullopt when the tz database has no such zone. "UTC" is the default zone.
    // Does file I/O: call it at config load, never on a request.
    static std::optional<zone> locate(std::string_view name);

    std::string const& name() const { return name_; }
    bool is_utc() const { return tz_ == nullptr; }

    local_millis to_local(timestamp t) const;
    // A wall-clock time back to UTC. In a gap (clocks go forward) the instant the
    // gap ends; in an overlap (clocks go back) the earlier of the two.
    timestamp to_sys(local_millis t) const;
    // The zone's offset from UTC at t (+08:00 in Shanghai).
    std::chrono::seconds offset(timestamp t) const;
    // When the local day `d` starts, in UTC.
    timestamp start_of(std::chrono::local_days d) const;

    friend bool operator==(zone const& a, zone const& b) { return a.tz_ == b.tz_; }

private:
    date::time_zone const* tz_ = nullptr;  // nullptr: UTC
    std::string name_ = "UTC";
};

// The local date of t: "2026-12-05".
std::string format_local_date(timestamp t, zone const& z);
// "2026-12-05" for a local day.
std::string format_day(std::chrono::local_days d);
// A time a person reads: "2026-11-28 11:14 UTC" in UTC (as format_utc_minutes),
// else the local time with its offset, "2026-12-05 21:30 (UTC+08:00)".
std::string format_local_minutes(timestamp t, zone const& z);

}  // namespace pg::model
