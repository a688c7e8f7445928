#include "model/zone.hpp"  // first: proves the header stands alone

#include <gtest/gtest.h>

#include <chrono>

namespace pg::model {
namespace {

using namespace std::chrono;

timestamp utc(year_month_day d, milliseconds time_of_day) { return sys_days{d} + time_of_day; }
local_millis local(year_month_day d, milliseconds time_of_day)
{
    return local_millis{duration_cast<milliseconds>(sys_days{d}.time_since_epoch()) + time_of_day};
}

zone must(char const* name)
{
    auto z = zone::locate(name);
    EXPECT_TRUE(z) << name;
    return z ? *z : zone{};
}

TEST(zone, the_default_is_utc_and_needs_no_database)
{
    zone const z;
    EXPECT_TRUE(z.is_utc());
    EXPECT_EQ(z.name(), "UTC");
    auto const t = utc(2026y / December / 5, 13h + 30min);
    EXPECT_EQ(z.to_local(t).time_since_epoch(), t.time_since_epoch());
    EXPECT_EQ(z.to_sys(z.to_local(t)), t);
    EXPECT_EQ(z.offset(t), seconds{0});
    ASSERT_TRUE(zone::locate("UTC"));
    EXPECT_TRUE(zone::locate("UTC")->is_utc());
}

TEST(zone, unknown_names_are_not_found)
{
    for (auto const* name : {"", "Asia/Beijing", "Mars/Olympus_Mons", "../../etc/passwd", "asia/shanghai", "+08:00"})
        EXPECT_FALSE(zone::locate(name)) << name;
}

TEST(zone, converts_both_ways_with_the_offset_of_the_day)
{
    auto const shanghai = must("Asia/Shanghai");
    EXPECT_EQ(shanghai.name(), "Asia/Shanghai");
    EXPECT_FALSE(shanghai.is_utc());
    auto const t = utc(2026y / December / 5, 13h + 30min);
    EXPECT_EQ(shanghai.to_local(t), local(2026y / December / 5, 21h + 30min));
    EXPECT_EQ(shanghai.to_sys(local(2026y / December / 5, 21h + 30min)), t);
    EXPECT_EQ(shanghai.offset(t), hours{8});

    auto const berlin = must("Europe/Berlin");
    EXPECT_EQ(berlin.offset(utc(2026y / July / 1, 12h)), hours{2});
    EXPECT_EQ(berlin.offset(utc(2026y / December / 1, 12h)), hours{1});
}

TEST(zone, a_wall_time_in_a_gap_or_an_overlap_has_one_answer)
{
    auto const berlin = must("Europe/Berlin");
    // 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00 UTC); 02:30 never happens.
    EXPECT_EQ(berlin.to_sys(local(2026y / March / 29, 2h + 30min)), utc(2026y / March / 29, 1h));
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, the first at 00:30 UTC.
    EXPECT_EQ(berlin.to_sys(local(2026y / October / 25, 2h + 30min)), utc(2026y / October / 25, 30min));
    // A day's start is its local midnight in UTC.
    EXPECT_EQ(berlin.start_of(local_days{2026y / October / 25}), utc(2026y / October / 24, 22h));
    EXPECT_EQ(berlin.start_of(local_days{2026y / October / 26}), utc(2026y / October / 25, 23h));
}

TEST(zone, formats_local_dates_and_times_with_the_offset)
{
    auto const t = utc(2026y / December / 5, 13h + 30min + 59s);
    EXPECT_EQ(format_local_minutes(t, zone{}), "2026-12-05 13:30 UTC");
    EXPECT_EQ(format_local_minutes(t, zone{}), format_utc_minutes(t));
    EXPECT_EQ(format_local_minutes(t, must("Asia/Shanghai")), "2026-12-05 21:30 (UTC+08:00)");
    EXPECT_EQ(format_local_minutes(t, must("Asia/Kolkata")), "2026-12-05 19:00 (UTC+05:30)");
    EXPECT_EQ(format_local_minutes(t, must("America/St_Johns")), "2026-12-05 10:00 (UTC-03:30)");
    EXPECT_EQ(format_local_minutes(t, must("Europe/London")), "2026-12-05 13:30 (UTC+00:00)");

    // The date is the local one: 20:00 UTC is already tomorrow in Shanghai.
    auto const evening = utc(2026y / December / 5, 20h);
    EXPECT_EQ(format_local_date(evening, zone{}), "2026-12-05");
    EXPECT_EQ(format_local_date(evening, must("Asia/Shanghai")), "2026-12-06");
    EXPECT_EQ(format_local_date(evening, must("America/Los_Angeles")), "2026-12-05");
    EXPECT_EQ(format_day(local_days{2028y / February / 29}), "2028-02-29");
    EXPECT_EQ(format_local_date(from_millis(1'700'000'000'000), zone{}), "2023-11-14");
    EXPECT_EQ(format_local_date(from_millis(0), zone{}), "1970-01-01");
}

}  // namespace
}  // namespace pg::model
