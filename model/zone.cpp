#include "model/zone.hpp"

#include <date/tz.h>

#include <cstdio>
#include <cstdlib>
#include <exception>

namespace pg::model {
namespace {

date::local_time<std::chrono::milliseconds> to_date(local_millis t)
{
    return date::local_time<std::chrono::milliseconds>{t.time_since_epoch()};
}

}  // namespace

std::optional<zone> zone::locate(std::string_view name)
{
    if (name == "UTC")
        return zone{};
    zone z;
    try {
        z.tz_ = date::locate_zone(name);
        // The OS database is read lazily, per zone, on the first conversion:
        // make that happen here, so no later call touches the disk.
        (void)z.tz_->get_info(date::sys_seconds{});
    } catch (std::exception const&) {
        return std::nullopt;
    }
    z.name_ = std::string(name);
    return z;
}

local_millis zone::to_local(timestamp t) const
{
    if (!tz_)
        return local_millis{t.time_since_epoch()};
    return local_millis{tz_->to_local(t).time_since_epoch()};
}

timestamp zone::to_sys(local_millis t) const
{
    if (!tz_)
        return timestamp{t.time_since_epoch()};
    auto const lt = to_date(t);
    auto const info = tz_->get_info(lt);
    switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // first: the earlier instant
        return timestamp{t.time_since_epoch()} - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     std::chrono::seconds{info.first.offset});
    case date::local_info::nonexistent:  // the gap ends where the second period begins
        return std::chrono::time_point_cast<std::chrono::milliseconds>(info.second.begin);
    }
    return timestamp{t.time_since_epoch()};
}

std::chrono::seconds zone::offset(timestamp t) const
{
    if (!tz_)
        return std::chrono::seconds{0};
    return tz_->get_info(t).offset;
}

timestamp zone::start_of(std::chrono::local_days d) const
{
    return to_sys(local_millis{std::chrono::duration_cast<std::chrono::milliseconds>(d.time_since_epoch())});
}

std::string format_day(std::chrono::local_days d)
{
    std::chrono::year_month_day const ymd{std::chrono::sys_days{d.time_since_epoch()}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
    return buf;
}

std::string format_local_date(timestamp t, zone const& z)
{
    return format_day(std::chrono::floor<std::chrono::days>(z.to_local(t)));
}

std::string format_local_minutes(timestamp t, zone const& z)
{
    if (z.is_utc())
        return format_utc_minutes(t);
    auto const local = z.to_local(t);
    auto const day = std::chrono::floor<std::chrono::days>(local);
    auto const minutes = std::chrono::floor<std::chrono::minutes>(local - day).count();
    auto const off = std::chrono::floor<std::chrono::minutes>(z.offset(t)).count();
    auto const abs_off = std::abs(off);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s %02d:%02d (UTC%c%02d:%02d)", format_day(day).c_str(), int(minutes / 60),
                  int(minutes % 60), off < 0 ? '-' : '+', int(abs_off / 60), int(abs_off % 60));
    return buf;
}

}  // namespace pg::model
