#include "model/time.hpp"

#include <cstdio>

namespace pg::model {
namespace {

struct civil { int year; unsigned month, day, hour, minute, second, milli; };

civil split(timestamp t)
{
    using namespace std::chrono;
    auto const day = floor<days>(t);
    year_month_day const ymd{day};
    auto const in_day = t - day;
    auto const ms = in_day.count();
    return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()),
            unsigned(ms / 3'600'000), unsigned(ms / 60'000 % 60), unsigned(ms / 1000 % 60), unsigned(ms % 1000)};
}

}  // namespace

std::string format_utc_minutes(timestamp t)
{
    auto const c = split(t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u UTC", c.year, c.month, c.day, c.hour, c.minute);
    return buf;
}

std::string format_iso8601(timestamp t)
{
    auto const c = split(t);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02u:%02u:%02u.%03uZ", c.year, c.month, c.day, c.hour, c.minute,
                  c.second, c.milli);
    return buf;
}

}  // namespace pg::model
