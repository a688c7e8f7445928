#include "dialog/response_times.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace pg::dialog {
namespace {

using model::actor_kind;
using model::entry_kind;
using model::status;
using namespace std::chrono;

model::timestamp const t0 = sys_days{2026y / November / 2} + 9h;  // a fixed clock
model::timestamp const now = t0 + days{20};
calendar const every_day{};  // elapsed time, UTC

std::vector<milliseconds> ms(std::initializer_list<long long> v)
{
    std::vector<milliseconds> out;
    for (auto x : v)
        out.emplace_back(x);
    return out;
}

TEST(nearest_rank, picks_the_value_at_rank_ceil_p_n)
{
    struct case_ { char const* name; std::vector<milliseconds> values; int p; std::optional<long long> expect; };
    case_ const cases[] = {
        {"empty: none", {}, 50, std::nullopt},
        {"one value is every percentile", ms({7}), 50, 7},
        {"one value, p90", ms({7}), 90, 7},
        {"two values: median is the lower", ms({20, 10}), 50, 10},
        {"two values: p90 is the upper", ms({20, 10}), 90, 20},
        {"three values: median is the middle", ms({3, 1, 2}), 50, 2},
        {"four values: median is rank 2", ms({40, 10, 30, 20}), 50, 20},
        {"ten values: p90 is rank 9", ms({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}), 90, 9},
        {"eleven values: p90 is rank 10", ms({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}), 90, 10},
        {"p100 is the maximum", ms({5, 9, 1}), 100, 9},
        {"p1 is the minimum", ms({5, 9, 1}), 1, 1},
        {"ties", ms({4, 4, 4, 1}), 50, 4},
        {"p0 is not defined", ms({1}), 0, std::nullopt},
        {"p101 is not defined", ms({1}), 101, std::nullopt},
    };
    for (auto const& c : cases) {
        auto const got = nearest_rank(c.values, c.p);
        ASSERT_EQ(got.has_value(), c.expect.has_value()) << c.name;
        if (got) {
            EXPECT_EQ(got->count(), *c.expect) << c.name;
        }
    }
}

model::timeline_event entry(model::timestamp at, entry_kind kind, status to, actor_kind who)
{
    model::timeline_event e;
    e.at = at;
    e.kind = kind;
    e.to = to;
    e.actor = who;
    return e;
}

// A petition filed at `filed`; `steps` are (hours after filing, kind, status, actor).
struct step { int hours; entry_kind kind; status to; actor_kind who; };
petition_record record(std::string department, std::string category, std::string channel, model::timestamp filed,
                       status current, std::vector<step> steps)
{
    petition_record r;
    r.petition.department = std::move(department);
    r.petition.category = std::move(category);
    r.petition.channel_id = std::move(channel);
    r.petition.current = current;
    r.petition.submitted_at = filed;
    r.petition.response_due_at = filed + days{1};
    r.petition.deadline_at = filed + days{5};
    r.timeline.push_back(entry(filed, entry_kind::transition, status::submitted, actor_kind::citizen));
    for (auto const& s : steps)
        r.timeline.push_back(entry(filed + hours{s.hours}, s.kind, s.to, s.who));
    return r;
}

// A petition filed with `department` at t0, each entry naming the department
// that has the petition after it.
struct step_in { int hours; status to; actor_kind who; std::string department; };
petition_record record_in(std::string department, std::vector<step_in> steps)
{
    auto r = record(department, "roads", "telegram", t0, status::submitted, {});
    r.timeline.front().department = department;
    for (auto const& s : steps) {
        auto e = entry(t0 + hours{s.hours}, entry_kind::transition, s.to, s.who);
        e.department = s.department;
        r.petition.department = s.department;
        r.petition.current = s.to;
        r.timeline.push_back(std::move(e));
    }
    return r;
}

TEST(response_times, closed_resolved_and_satisfied_are_counted_apart)
{
    auto const T = entry_kind::transition;
    auto answered = [&](status current, std::optional<bool> resolved, int rating) {
        auto r = record("transport", "roads", "telegram", t0, current,
                        {{2, T, status::accepted, actor_kind::staff}, {10, T, status::answered, actor_kind::staff}});
        r.petition.resolved = resolved;
        r.petition.rating = rating;
        return r;
    };
    std::vector<petition_record> const records = {
        answered(status::closed, true, 5),          // closed, resolved, satisfied
        answered(status::closed, false, 2),         // closed by staff, yet the citizen says not resolved
        answered(status::reopened, false, 1),       // reopened: not resolved
        answered(status::answered, std::nullopt, 0),  // answered, no word from the citizen
        // an internal note only: no response, nothing answered
        record("transport", "roads", "telegram", t0, status::submitted,
               {{1, entry_kind::note, status::submitted, actor_kind::staff}}),
    };
    auto const f = response_times(records, t0 + hours{12}, every_day);
    EXPECT_EQ(f.total.received, 5u);
    EXPECT_EQ(f.total.answered, 4u);
    EXPECT_EQ(f.total.closed, 2u);
    EXPECT_EQ(f.total.resolved, 1u);
    EXPECT_EQ(f.total.not_resolved, 2u);
    EXPECT_EQ(f.total.rated, 3u);
    EXPECT_EQ(f.total.satisfied, 1u);
    EXPECT_EQ(f.total.first_response.count, 4u) << "a note is never a response";
}

TEST(response_times, no_petitions_no_groups_and_no_percentiles)
{
    auto const f = response_times({}, now, every_day);
    EXPECT_EQ(f.total.received, 0u);
    EXPECT_EQ(f.total.answered, 0u);
    EXPECT_EQ(f.total.overdue, 0u);
    EXPECT_EQ(f.total.first_response.count, 0u);
    EXPECT_FALSE(f.total.first_response.median);
    EXPECT_FALSE(f.total.answer.p90);
    EXPECT_TRUE(f.by_department.empty());
    EXPECT_TRUE(f.by_category.empty());
    EXPECT_TRUE(f.by_channel.empty());
    EXPECT_TRUE(f.by_month.empty());
}

TEST(response_times, first_response_is_the_first_staff_status_change_and_answer_the_first_answered)
{
    auto const T = entry_kind::transition;
    std::vector<petition_record> const records = {
        // a note by staff after 1 h is no response; accepted after 2 h is; answered after 10 h, then closed
        record("transport", "roads", "telegram", t0, status::closed,
               {{0, entry_kind::citizen_info, status::submitted, actor_kind::citizen},
                {1, entry_kind::note, status::submitted, actor_kind::staff},
                {2, T, status::accepted, actor_kind::staff},
                {10, T, status::answered, actor_kind::staff},
                {11, T, status::closed, actor_kind::staff}}),
        // accepted after 3 h, answered after 30 h; reopened and answered again later: the first answer counts
        record("transport", "lights", "slack", t0 + days{1}, status::answered,
               {{3, T, status::accepted, actor_kind::staff},
                {30, T, status::answered, actor_kind::staff},
                {40, T, status::reopened, actor_kind::citizen},
                {50, T, status::answered, actor_kind::staff}}),
        // a system reminder is not a response; never answered; past its deadline: overdue
        record("office", "other", "telegram", t0 + days{2}, status::submitted,
               {{20, entry_kind::reminder, status::submitted, actor_kind::system}}),
    };
    auto const f = response_times(records, now, every_day);

    EXPECT_EQ(f.total.received, 3u);
    EXPECT_EQ(f.total.answered, 2u);
    EXPECT_EQ(f.total.overdue, 1u);
    EXPECT_EQ(f.total.first_response.count, 2u);
    EXPECT_EQ(f.total.first_response.median, hours{2});  // of {2 h, 3 h}: rank ceil(1) = 1
    EXPECT_EQ(f.total.first_response.p90, hours{3});     // rank ceil(1.8) = 2
    EXPECT_EQ(f.total.answer.count, 2u);
    EXPECT_EQ(f.total.answer.median, hours{10});
    EXPECT_EQ(f.total.answer.p90, hours{30});

    ASSERT_EQ(f.by_department.size(), 2u);
    EXPECT_EQ(f.by_department[0].key, "office");  // sorted by key
    EXPECT_EQ(f.by_department[0].received, 1u);
    EXPECT_EQ(f.by_department[0].answered, 0u);
    EXPECT_EQ(f.by_department[0].overdue, 1u);
    EXPECT_EQ(f.by_department[0].first_response.count, 0u);  // an empty group: no percentiles
    EXPECT_FALSE(f.by_department[0].first_response.median);
    EXPECT_FALSE(f.by_department[0].answer.median);
    EXPECT_FALSE(f.by_department[0].answer.p90);
    EXPECT_EQ(f.by_department[1].key, "transport");
    EXPECT_EQ(f.by_department[1].received, 2u);
    EXPECT_EQ(f.by_department[1].answer.median, hours{10});

    ASSERT_EQ(f.by_category.size(), 3u);
    EXPECT_EQ(f.by_category[0].key, "lights");
    EXPECT_EQ(f.by_category[0].first_response.median, hours{3});
    EXPECT_EQ(f.by_category[0].answer.median, hours{30});

    ASSERT_EQ(f.by_channel.size(), 2u);
    EXPECT_EQ(f.by_channel[0].key, "slack");
    EXPECT_EQ(f.by_channel[1].key, "telegram");
    EXPECT_EQ(f.by_channel[1].received, 2u);
    EXPECT_EQ(f.by_channel[1].answered, 1u);
}

TEST(response_times, months_are_local_months_of_filing_in_the_calendar_zone)
{
    // 23:30 UTC on 30 November is 07:30 on 1 December in Shanghai.
    auto const late_nov = sys_days{2026y / November / 30} + 23h + 30min;
    auto const mid_nov = sys_days{2026y / November / 15} + 0h;
    std::vector<petition_record> const records = {
        record("transport", "roads", "telegram", mid_nov, status::submitted, {}),
        record("transport", "roads", "telegram", late_nov, status::submitted, {}),
    };
    auto const utc = response_times(records, late_nov, every_day);
    ASSERT_EQ(utc.by_month.size(), 1u);
    EXPECT_EQ(utc.by_month[0].key, "2026-11");
    EXPECT_EQ(utc.by_month[0].received, 2u);
    EXPECT_EQ(utc.time_zone, "UTC");

    auto const zone = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(zone) << "tzdata is installed";
    auto const local = response_times(records, late_nov, calendar{false, {}, {}, *zone});
    ASSERT_EQ(local.by_month.size(), 2u);
    EXPECT_EQ(local.by_month[0].key, "2026-11");
    EXPECT_EQ(local.by_month[1].key, "2026-12");
    EXPECT_EQ(local.by_month[1].received, 1u);
    EXPECT_EQ(local.time_zone, "Asia/Shanghai");
    EXPECT_EQ(local_month(sys_days{2031y / January / 1}, model::zone{}), "2031-01");
}

// A timeline entry naming the department it leaves the petition with.
step_in in(int hours, status to, actor_kind who, std::string department)
{
    return {hours, to, who, std::move(department)};
}

TEST(response_times, each_department_is_charged_only_its_own_time)
{
    // Filed with roads; roads accepts after 2 h and transfers to water after 30 h;
    // water starts work 4 h later and answers 10 h after the petition arrived;
    // the citizen closes it 2 h after that.
    auto const r = record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads"),
                                       in(30, status::transferred, actor_kind::staff, "water"),
                                       in(34, status::in_progress, actor_kind::staff, "water"),
                                       in(40, status::answered, actor_kind::staff, "water"),
                                       in(42, status::closed, actor_kind::citizen, "water")});
    auto const f = response_times({r}, now, every_day);

    // The petition's clock never resets.
    EXPECT_EQ(f.total.first_response.median, hours{2});
    EXPECT_EQ(f.total.answer.median, hours{40});
    EXPECT_EQ(f.total.closure.median, hours{42});
    EXPECT_EQ(f.total.held.median, hours{40});  // 30 h with roads + 10 h with water
    EXPECT_EQ(f.total.transferred, 1u);
    EXPECT_EQ(f.total.answered, 1u);
    EXPECT_EQ(f.total.closed, 1u);

    ASSERT_EQ(f.by_department.size(), 2u);
    auto const& roads = f.by_department[0];
    auto const& water = f.by_department[1];
    ASSERT_EQ(roads.key, "roads");
    EXPECT_EQ(roads.received, 1u);
    EXPECT_EQ(roads.transferred, 1u);
    EXPECT_EQ(roads.answered, 0u);
    EXPECT_EQ(roads.closed, 0u);
    EXPECT_EQ(roads.first_response.median, hours{2});
    EXPECT_EQ(roads.held.median, hours{30});
    EXPECT_FALSE(roads.answer.median) << "roads never answered";
    ASSERT_EQ(water.key, "water");
    EXPECT_EQ(water.received, 1u);
    EXPECT_EQ(water.transferred, 0u);
    EXPECT_EQ(water.answered, 1u);
    EXPECT_EQ(water.closed, 1u);
    EXPECT_EQ(water.first_response.median, hours{4}) << "from its arrival, not from the filing";
    EXPECT_EQ(water.answer.median, hours{10});
    EXPECT_EQ(water.closure.median, hours{12});
    EXPECT_EQ(water.held.median, hours{10});
}

TEST(response_times, a_reopening_starts_a_new_answer_clock)
{
    // Answered after 10 h; the citizen reopens at 50 h; accepted again at 51 h and answered at 56 h.
    auto const r = record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads"),
                                       in(10, status::answered, actor_kind::staff, "roads"),
                                       in(50, status::reopened, actor_kind::citizen, "roads"),
                                       in(51, status::accepted, actor_kind::staff, "roads"),
                                       in(56, status::answered, actor_kind::staff, "roads")});
    auto const f = response_times({r}, now, every_day);
    EXPECT_EQ(f.total.answer.count, 1u) << "the petition's first answer";
    EXPECT_EQ(f.total.answer.median, hours{10});
    EXPECT_EQ(f.total.held.median, hours{16}) << "10 h, then 6 h after the reopening";
    ASSERT_EQ(f.by_department.size(), 1u);
    auto const& roads = f.by_department[0];
    EXPECT_EQ(roads.received, 1u);
    EXPECT_EQ(roads.answer.count, 2u);
    EXPECT_EQ(roads.answer.median, hours{6});   // of {10 h, 6 h}
    EXPECT_EQ(roads.answer.p90, hours{10});
    EXPECT_EQ(roads.first_response.median, hours{1});  // of {2 h, 1 h}
}

TEST(response_times, a_running_stint_has_no_held_time_yet)
{
    auto const r = record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads"),
                                       in(5, status::transferred, actor_kind::staff, "water")});
    auto const f = response_times({r}, now, every_day);
    EXPECT_FALSE(f.total.held.median) << "water still has it";
    ASSERT_EQ(f.by_department.size(), 2u);
    EXPECT_EQ(f.by_department[0].held.median, hours{5});
    EXPECT_EQ(f.by_department[1].held.count, 0u);
    EXPECT_EQ(f.by_department[1].received, 1u);
    EXPECT_EQ(f.by_department[1].first_response.count, 0u) << "the transfer was roads' response, not water's";
}

TEST(response_times, durations_count_working_time_only)
{
    // Filed Friday 27 November 2026 at 12:00 UTC, answered Monday 30 November at 12:00:
    // a weekend between, so 24 working hours; the Monday is a holiday in the second calendar.
    auto const friday_noon = sys_days{2026y / November / 27} + 12h;
    auto r = record_in("roads", {in(72, status::answered, actor_kind::staff, "roads")});
    r.timeline.front().at = friday_noon;
    r.timeline.back().at = friday_noon + hours{72};
    EXPECT_EQ(response_times({r}, now, every_day).total.answer.median, hours{72});
    EXPECT_EQ(response_times({r}, now, calendar{true}).total.answer.median, hours{24});
    EXPECT_EQ(response_times({r}, now, calendar{true, {"2026-11-30"}}).total.answer.median, hours{12});
    EXPECT_EQ(response_times({r}, now, calendar{true, {}, {"2026-11-28"}}).total.answer.median, hours{48})
        << "a make-up Saturday is worked";
}

TEST(response_times, durations_come_from_the_timeline_not_the_petition)
{
    // The petition's own submitted_at says otherwise; the timeline wins.
    auto r = record("transport", "roads", "telegram", t0, status::answered,
                    {{4, entry_kind::transition, status::answered, actor_kind::staff}});
    r.petition.submitted_at = t0 - days{30};
    auto const f = response_times({r}, now, every_day);
    EXPECT_EQ(f.total.answer.median, hours{4});
    EXPECT_EQ(f.total.first_response.median, hours{4});
    EXPECT_EQ(f.by_month.at(0).key, "2026-11");
}

TEST(response_times, a_group_that_waits_markedly_longer_is_flagged)
{
    // Ten petitions over telegram answered in 10 h; five over sms in 20 h, and
    // four over line in 40 h: too few to flag. Overall median: 10 h (rank 10 of 19).
    std::vector<petition_record> records;
    auto const add = [&](char const* channel, int n, int answer_hours) {
        for (int i = 0; i < n; ++i)
            records.push_back(record("transport", "roads", channel, t0, status::answered,
                                     {{answer_hours, entry_kind::transition, status::answered, actor_kind::staff}}));
    };
    add("telegram", 10, 10);
    add("sms", 5, 20);
    add("line", 4, 40);
    auto const f = response_times(records, now, every_day);
    ASSERT_EQ(f.total.answer.median, hours{10});
    std::vector<std::string> flagged;
    for (auto const& e : f.equity)
        flagged.push_back(e.dimension + ":" + e.key + ":" + e.clock);
    EXPECT_EQ(flagged, (std::vector<std::string>{"channel:sms:first_response", "channel:sms:answer"}));
    auto const& sms = f.equity.back();
    EXPECT_EQ(sms.count, 5u);
    EXPECT_EQ(sms.median, hours{20});
    EXPECT_EQ(sms.overall, hours{10});

    // Just under the ratio: nobody is flagged.
    records.clear();
    add("telegram", 10, 10);
    add("sms", 5, 14);
    EXPECT_TRUE(response_times(records, now, every_day).equity.empty());
}

TEST(response_times, districts_the_caller_set_are_grouped_and_a_slow_one_is_flagged)
{
    std::vector<stage_times> measured;
    auto const add = [&](std::string district, int n, int answer_hours) {
        for (int i = 0; i < n; ++i) {
            auto st = measure_stages(record("transport", "roads", "telegram", t0, status::answered,
                                            {{answer_hours, entry_kind::transition, status::answered, actor_kind::staff}}),
                                     now, every_day);
            st.district = district;
            measured.push_back(std::move(st));
        }
    };
    add("old_town", 10, 10);
    add("harbour", 5, 30);
    add("", 3, 10);  // no districts configured for these: in no district group
    auto const f = response_times(measured, every_day.zone);
    ASSERT_EQ(f.by_district.size(), 2u);
    EXPECT_EQ(f.by_district[0].key, "harbour");
    EXPECT_EQ(f.by_district[0].received, 5u);
    EXPECT_EQ(f.by_district[1].key, "old_town");
    EXPECT_EQ(f.total.received, 18u);
    std::vector<std::string> flagged;
    for (auto const& e : f.equity)
        flagged.push_back(e.dimension + ":" + e.key + ":" + e.clock);
    EXPECT_EQ(flagged, (std::vector<std::string>{"district:harbour:first_response", "district:harbour:answer"}));
}

TEST(response_times, time_of_day_is_the_local_quarter_of_filing)
{
    // 23:30 UTC is 07:30 in Shanghai.
    auto const late = sys_days{2026y / November / 30} + 23h + 30min;
    std::vector<petition_record> const records = {record("transport", "roads", "telegram", late, status::submitted, {})};
    EXPECT_EQ(response_times(records, now, every_day).by_time_of_day.at(0).key, "18-24");
    auto const zone = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(zone);
    EXPECT_EQ(response_times(records, now, calendar{false, {}, {}, *zone}).by_time_of_day.at(0).key, "06-12");
}

// A pause (with its reason) and the resume that ends it, `from` to `to` hours
// after t0, in `department`'s hands and status `at`.
void add_pause(petition_record& r, int from, std::optional<int> to, status at, std::string const& department)
{
    auto pause = entry(t0 + hours{from}, entry_kind::pause, at, actor_kind::staff);
    pause.department = department;
    pause.note = "waiting for the citizen";
    std::vector<model::timeline_event> added{pause};
    if (to) {
        auto resume = entry(t0 + hours{*to}, entry_kind::resume, at, actor_kind::staff);
        resume.department = department;
        added.push_back(resume);
    }
    r.timeline.insert(r.timeline.end(), added.begin(), added.end());
    std::stable_sort(r.timeline.begin(), r.timeline.end(), [](auto const& a, auto const& b) { return a.at < b.at; });
}

TEST(response_times, paused_time_is_left_out_of_every_clock_and_stint_and_counted_apart)
{
    // Roads pauses 1-3 h before signing for it at 4 h, and transfers it at 30 h;
    // water pauses 32-37 h, starts work at 38 h, answers at 44 h; closed at 46 h.
    auto r = record_in("roads", {in(4, status::accepted, actor_kind::staff, "roads"),
                                 in(30, status::transferred, actor_kind::staff, "water"),
                                 in(38, status::in_progress, actor_kind::staff, "water"),
                                 in(44, status::answered, actor_kind::staff, "water"),
                                 in(46, status::closed, actor_kind::citizen, "water")});
    add_pause(r, 1, 3, status::submitted, "roads");
    add_pause(r, 32, 37, status::transferred, "water");

    auto const m = measure_stages(r, now, every_day);
    EXPECT_EQ(m.clocks.first_response, hours{2});
    EXPECT_EQ(m.clocks.answer, hours{37});
    EXPECT_EQ(m.clocks.closure, hours{39});
    EXPECT_EQ(m.clocks.held, hours{37});  // 28 h with roads + 9 h with water
    EXPECT_EQ(m.clocks.paused, hours{7});
    EXPECT_EQ(m.clocks.pauses, 2u);
    ASSERT_EQ(m.stints.size(), 2u);
    EXPECT_EQ(m.stints[0].clocks.first_response, hours{2});
    EXPECT_EQ(m.stints[0].clocks.held, hours{28});
    EXPECT_EQ(m.stints[0].clocks.paused, hours{2});
    EXPECT_EQ(m.stints[0].clocks.pauses, 1u);
    EXPECT_EQ(m.stints[1].clocks.first_response, hours{3});
    EXPECT_EQ(m.stints[1].clocks.answer, hours{9});
    EXPECT_EQ(m.stints[1].clocks.closure, hours{11});
    EXPECT_EQ(m.stints[1].clocks.held, hours{9});
    EXPECT_EQ(m.stints[1].clocks.paused, hours{5});

    auto const f = response_times({r}, now, every_day);
    EXPECT_EQ(f.total.paused, 1u);
    EXPECT_EQ(f.total.pauses, 2u);
    EXPECT_EQ(f.total.paused_time.median, hours{7});
    ASSERT_EQ(f.by_department.size(), 2u);
    EXPECT_EQ(f.by_department[0].pauses, 1u);
    EXPECT_EQ(f.by_department[0].paused_time.median, hours{2});
    EXPECT_EQ(f.by_department[1].paused, 1u);
    EXPECT_EQ(f.by_department[1].paused_time.median, hours{5});

    // Never paused: nothing paused, and no paused figure.
    auto const plain = response_times({record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads")})},
                                      now, every_day);
    EXPECT_EQ(plain.total.paused, 0u);
    EXPECT_EQ(plain.total.paused_time.count, 0u);
}

TEST(response_times, a_running_pause_counts_up_to_now)
{
    auto r = record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads")});
    add_pause(r, 10, std::nullopt, status::accepted, "roads");
    auto const m = measure_stages(r, t0 + hours{15}, every_day);
    EXPECT_EQ(m.clocks.paused, hours{5});
    EXPECT_EQ(m.stints[0].clocks.paused, hours{5});
    EXPECT_EQ(m.clocks.pauses, 1u);
    EXPECT_EQ(measure_stages(r, now, every_day).clocks.paused, hours{470});
}

TEST(response_times, paused_time_is_working_time)
{
    // Filed Monday 2 November 09:00; paused Friday 6 November 12:00 to Monday 9
    // November 12:00 (24 working hours); answered Tuesday 10 November 09:00.
    auto r = record_in("roads", {in(2, status::accepted, actor_kind::staff, "roads"),
                                 in(192, status::answered, actor_kind::staff, "roads")});
    add_pause(r, 99, 171, status::accepted, "roads");
    auto const m = measure_stages(r, now, calendar{true});
    EXPECT_EQ(m.clocks.paused, hours{24});
    EXPECT_EQ(m.clocks.answer, hours{120}) << "144 working hours less the 24 paused";
}

TEST(missed_deadline, names_the_deadline_an_overdue_petition_missed)
{
    model::petition p;
    p.submitted_at = t0;
    p.response_due_at = t0 + days{1};
    p.deadline_at = t0 + days{5};
    p.current = status::submitted;
    EXPECT_FALSE(missed_deadline(p, t0 + hours{2}));
    EXPECT_EQ(missed_deadline(p, t0 + days{2}), p.response_due_at);  // not accepted in time
    p.current = status::in_progress;
    EXPECT_FALSE(missed_deadline(p, t0 + days{2}));
    EXPECT_EQ(missed_deadline(p, t0 + days{6}), p.deadline_at);  // not answered in time
    p.current = status::answered;
    EXPECT_FALSE(missed_deadline(p, t0 + days{6}));
}

}  // namespace
}  // namespace pg::dialog
