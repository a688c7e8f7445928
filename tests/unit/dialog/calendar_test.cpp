// The deadline calendar: working days in local dates with holidays, make-up
// working days and a time zone; and the working time between two instants.
#include "dialog/petition_flow.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace pg::dialog {
namespace {

using namespace std::chrono;

model::timestamp utc(year_month_day d, milliseconds time_of_day) { return sys_days{d} + time_of_day; }

model::zone must(char const* name)
{
    auto z = model::zone::locate(name);
    EXPECT_TRUE(z) << name;
    return z ? *z : model::zone{};
}

// 2026: Friday 2026-09-25, Saturday 09-26 (worked in this calendar), Thursday 10-01
// to Wednesday 10-07 holidays, Saturday 10-10 worked.
calendar china(model::zone z)
{
    return calendar{true,
                    {"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"},
                    {"2026-09-26", "2026-10-10"},
                    std::move(z)};
}

TEST(is_working_day, weekdays_less_holidays_plus_make_up_days)
{
    auto const cal = china({});
    EXPECT_TRUE(is_working_day(local_days{2026y / September / 25}, cal));   // Friday
    EXPECT_TRUE(is_working_day(local_days{2026y / September / 26}, cal));   // make-up Saturday
    EXPECT_FALSE(is_working_day(local_days{2026y / September / 27}, cal));  // Sunday
    EXPECT_FALSE(is_working_day(local_days{2026y / October / 1}, cal));     // holiday Thursday
    EXPECT_FALSE(is_working_day(local_days{2026y / October / 3}, cal));     // Saturday
    EXPECT_TRUE(is_working_day(local_days{2026y / October / 8}, cal));      // Thursday
    EXPECT_TRUE(is_working_day(local_days{2026y / October / 10}, cal));     // make-up Saturday
    EXPECT_FALSE(is_working_day(local_days{2026y / October / 11}, cal));    // Sunday
}

TEST(add_days, counts_make_up_days_and_skips_holidays)
{
    auto const cal = china({});
    auto const at = 10h + 15min;
    // Friday + 1 is the make-up Saturday; without it, Monday.
    EXPECT_EQ(add_days(utc(2026y / September / 25, at), 1, cal), utc(2026y / September / 26, at));
    EXPECT_EQ(add_days(utc(2026y / September / 25, at), 1, calendar{true}), utc(2026y / September / 28, at));
    // Wednesday 09-30 + 1: the holidays and the weekend go by, Thursday 10-08.
    EXPECT_EQ(add_days(utc(2026y / September / 30, at), 1, cal), utc(2026y / October / 8, at));
    // + 3: Thursday, Friday, the make-up Saturday.
    EXPECT_EQ(add_days(utc(2026y / September / 30, at), 3, cal), utc(2026y / October / 10, at));
    // From inside the holiday: the first working day after it.
    EXPECT_EQ(add_days(utc(2026y / October / 2, at), 1, cal), utc(2026y / October / 8, at));
    // 15 working days from Friday 09-25: 09-26, 09-28..30, 10-08..10, 10-12..16, 10-19..21.
    EXPECT_EQ(add_days(utc(2026y / September / 25, at), 15, cal), utc(2026y / October / 21, at));
}

TEST(add_days, counts_in_local_dates_and_keeps_the_local_time_of_day)
{
    auto const shanghai = must("Asia/Shanghai");
    // Friday 2026-11-27 23:30 UTC is Saturday 07:30 in Shanghai: one working
    // day later is Monday 07:30 there (Sunday 23:30 UTC), where UTC says Monday 23:30.
    auto const late_friday = utc(2026y / November / 27, 23h + 30min);
    EXPECT_EQ(add_days(late_friday, 1, calendar{true, {}, {}, shanghai}), utc(2026y / November / 29, 23h + 30min));
    EXPECT_EQ(add_days(late_friday, 1, calendar{true}), utc(2026y / November / 30, 23h + 30min));
    // A holiday is a local date: Monday 11-30 off in Shanghai.
    EXPECT_EQ(add_days(late_friday, 1, calendar{true, {"2026-11-30"}, {}, shanghai}),
              utc(2026y / November / 30, 23h + 30min));
    // Calendar days count local dates too.
    EXPECT_EQ(add_days(late_friday, 2, calendar{false, {}, {}, shanghai}), utc(2026y / November / 29, 23h + 30min));

    auto const berlin = must("Europe/Berlin");
    // Over the end of summer time (Sunday 2026-10-25): Friday 09:00 CEST (07:00 UTC)
    // + 1 working day is Monday 09:00 CET (08:00 UTC), in both counts.
    auto const friday_nine = utc(2026y / October / 23, 7h);
    EXPECT_EQ(add_days(friday_nine, 1, calendar{true, {}, {}, berlin}), utc(2026y / October / 26, 8h));
    EXPECT_EQ(add_days(friday_nine, 3, calendar{false, {}, {}, berlin}), utc(2026y / October / 26, 8h));
    // Into the gap of 2026-03-29 (02:00 -> 03:00): 02:30 does not exist, 03:00 CEST does.
    auto const saturday_half_past_two = utc(2026y / March / 28, 1h + 30min);  // 02:30 CET
    EXPECT_EQ(add_days(saturday_half_past_two, 1, calendar{false, {}, {}, berlin}), utc(2026y / March / 29, 1h));
    // Zero or fewer days: the same instant moved by that many days.
    EXPECT_EQ(add_days(friday_nine, 0, calendar{true, {}, {}, berlin}), friday_nine);
}

TEST(working_time_between, is_plain_elapsed_time_without_working_days)
{
    calendar const plain{false, {"2026-11-30"}, {}, must("Asia/Shanghai")};
    auto const from = utc(2026y / November / 27, 12h);
    EXPECT_EQ(working_time_between(from, utc(2026y / November / 30, 12h), plain), hours{72});
    EXPECT_EQ(working_time_between(from, from, plain), milliseconds{0});
    EXPECT_EQ(working_time_between(utc(2026y / November / 30, 12h), from, plain), milliseconds{0});
}

TEST(working_time_between, counts_only_working_days)
{
    calendar const working{true};
    auto const friday_noon = utc(2026y / November / 27, 12h);
    auto const monday_noon = utc(2026y / November / 30, 12h);
    // Within a day.
    EXPECT_EQ(working_time_between(utc(2026y / November / 30, 9h), utc(2026y / November / 30, 17h), working),
              hours{8});
    // Over a weekend: Friday afternoon and Monday morning.
    EXPECT_EQ(working_time_between(friday_noon, monday_noon, working), hours{24});
    // Over a weekend and a Monday holiday.
    EXPECT_EQ(working_time_between(friday_noon, utc(2026y / December / 1, 12h), calendar{true, {"2026-11-30"}}),
              hours{24});
    // A make-up Saturday counts whole.
    EXPECT_EQ(working_time_between(friday_noon, monday_noon, calendar{true, {}, {"2026-11-28"}}), hours{48});
    // Wholly on a weekend or a holiday: nothing.
    EXPECT_EQ(working_time_between(utc(2026y / November / 28, 1h), utc(2026y / November / 29, 23h), working),
              milliseconds{0});
    // Backwards or empty: nothing.
    EXPECT_EQ(working_time_between(monday_noon, friday_noon, working), milliseconds{0});
    EXPECT_EQ(working_time_between(monday_noon, monday_noon, working), milliseconds{0});
    // Milliseconds are kept.
    EXPECT_EQ(working_time_between(monday_noon, monday_noon + 1234ms, working), 1234ms);
}

TEST(working_time_between, the_days_are_local_dates)
{
    calendar const shanghai{true, {}, {}, must("Asia/Shanghai")};
    // Friday 20:00 UTC is Saturday 04:00 in Shanghai; Monday 00:00 UTC is Monday
    // 08:00 there: only Monday's first eight hours are working time. In UTC it
    // would be Friday's last four.
    auto const from = utc(2026y / November / 27, 20h);
    auto const to = utc(2026y / November / 30, 0h);
    EXPECT_EQ(working_time_between(from, to, shanghai), hours{8});
    EXPECT_EQ(working_time_between(from, to, calendar{true}), hours{4});
}

TEST(working_time_between, a_day_with_a_clock_change_is_as_long_as_it_is)
{
    auto const berlin = must("Europe/Berlin");
    // Sunday 2026-10-25 has 25 hours, Sunday 2026-03-29 has 23; worked as make-up days.
    calendar const autumn{true, {}, {"2026-10-25"}, berlin};
    EXPECT_EQ(working_time_between(berlin.start_of(local_days{2026y / October / 24}),
                                   berlin.start_of(local_days{2026y / October / 26}), autumn),
              hours{25});
    calendar const spring{true, {}, {"2026-03-29"}, berlin};
    EXPECT_EQ(working_time_between(berlin.start_of(local_days{2026y / March / 28}),
                                   berlin.start_of(local_days{2026y / March / 30}), spring),
              hours{23});
    // A week over the change: five working days of 24 hours, of 169 hours elapsed.
    calendar const plain_berlin{true, {}, {}, berlin};
    auto const monday = berlin.start_of(local_days{2026y / October / 19});
    auto const next_monday = berlin.start_of(local_days{2026y / October / 26});
    EXPECT_EQ(next_monday - monday, hours{169});
    EXPECT_EQ(working_time_between(monday, next_monday, plain_berlin), hours{120});
}

TEST(working_time_between, adds_up_over_consecutive_spans)
{
    // A stage clock is the sum of its pieces: however [from, to) is cut, the
    // working time of the pieces adds up to that of the whole.
    auto const cal = china(must("Asia/Shanghai"));
    auto const from = utc(2026y / September / 20, 5h + 17min);
    auto const to = utc(2026y / October / 20, 19h + 3min);
    auto const whole = working_time_between(from, to, cal);
    for (auto step : {hours{1}, hours{7}, hours{13}, hours{24}, hours{61}}) {
        milliseconds sum{0};
        for (auto t = from; t < to; t += step)
            sum += working_time_between(t, std::min(t + step, to), cal);
        EXPECT_EQ(sum, whole) << step.count() << " h steps";
    }
    // In Shanghai from Sunday 09-20 13:17 to Wednesday 10-21 03:03: working are 09-21..26, 09-28..30,
    // 10-08..10, 10-12..16, 10-19..20 (19 whole days) and 10-21 until 03:03.
    EXPECT_EQ(whole, hours{19 * 24} + 3h + 3min);
}

}  // namespace
}  // namespace pg::dialog
