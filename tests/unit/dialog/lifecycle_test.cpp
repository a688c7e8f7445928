#include "dialog/petition_flow.hpp"

#include "demo_data.hpp"

#include <gtest/gtest.h>

#include <array>
#include <chrono>

namespace pg::dialog {
namespace {

using model::petition_action;
using model::status;
using namespace std::chrono;

constexpr std::array<status, 8> all_statuses{status::submitted,   status::accepted, status::rejected,
                                             status::transferred, status::in_progress, status::answered,
                                             status::closed,      status::reopened};
constexpr std::array<petition_action, 11> all_actions{
    petition_action::accept, petition_action::reject, petition_action::transfer,
    petition_action::progress, petition_action::answer, petition_action::close,
    petition_action::reopen, petition_action::note, petition_action::assign,
    petition_action::pause, petition_action::resume};

// DESIGN.md "Petition lifecycle", written out in full: row = from, column = action.
// pause and resume also depend on the clock (pause only when running, resume only when paused).
//                  accept  reject  transfer progress answer close  reopen  note   assign pause resume
constexpr std::optional<status> no = std::nullopt;
constexpr auto S = status::submitted, A = status::accepted, R = status::rejected, T = status::transferred,
               P = status::in_progress, N = status::answered, C = status::closed, O = status::reopened;
constexpr std::array<std::array<std::optional<status>, 11>, 8> expected{{
    /* submitted   */ {A,     R,      no,      no,      no,    no,    no,     S,     S,     S,    S},
    /* accepted    */ {no,    no,     T,       P,       N,     no,    no,     A,     A,     A,    A},
    /* rejected    */ {no,    no,     no,      no,      no,    no,    no,     no,    no,    no,   no},
    /* transferred */ {no,    no,     T,       P,       N,     no,    no,     T,     T,     T,    T},
    /* in_progress */ {no,    no,     no,      P,       N,     no,    no,     P,     P,     P,    P},
    /* answered    */ {no,    no,     no,      no,      no,    C,     O,      N,     N,     no,   no},
    /* closed      */ {no,    no,     no,      no,      no,    no,    no,     no,    no,    no,   no},
    /* reopened    */ {A,     no,     no,      no,      no,    no,    no,     O,     O,     O,    O},
}};

TEST(next_status, follows_the_lifecycle_for_every_status_and_action)
{
    for (std::size_t s = 0; s < all_statuses.size(); ++s)
        for (std::size_t a = 0; a < all_actions.size(); ++a) {
            auto const got = next_status(all_statuses[s], all_actions[a]);
            EXPECT_EQ(got, expected[s][a]) << model::to_string(all_statuses[s]) << " x "
                                           << model::to_string(all_actions[a]);
        }
}

// apply_staff agrees with the table for every pair: applied ones reach the
// status, refused ones change nothing and tell the staff why.
TEST(next_status, apply_staff_applies_exactly_the_allowed_pairs)
{
    petition_context const ctx{sys_days{2026y / November / 28} + 11h + 14min, fixture::demo_data(), "en", {}};
    actor const who{model::actor_kind::staff, "u-77", "Li Wei", "staff-tg"};
    for (std::size_t s = 0; s < all_statuses.size(); ++s)
        for (std::size_t a = 0; a < all_actions.size(); ++a) {
            model::petition p;
            p.tracking = "7KQM-2X4D";
            p.channel_id = "telegram";
            p.chat_id = "5001";
            p.language = "en";
            p.category = "roads";
            p.department = "transport";
            p.current = all_statuses[s];
            model::staff_command cmd;
            cmd.action = all_actions[a];
            cmd.department = "water";
            cmd.assignee = "Wang Fang";
            cmd.text = "Some text";
            if (cmd.action == petition_action::resume)
                p.paused_since = ctx.now - 1h;  // what resume needs besides the status
            auto const where = std::string(model::to_string(all_statuses[s])) + " x " +
                               std::string(model::to_string(all_actions[a]));
            auto const out = apply_staff(p, cmd, who, ctx);
            EXPECT_EQ(out.applied, expected[s][a].has_value()) << where;
            if (out.applied) {
                EXPECT_EQ(out.next.current, *expected[s][a]) << where;
                ASSERT_EQ(out.timeline.size(), 1u) << where;
                EXPECT_EQ(out.timeline[0].to, *expected[s][a]) << where;
            } else {
                EXPECT_EQ(out.next.current, p.current) << where;
                EXPECT_EQ(out.next.department, p.department) << where;
                EXPECT_TRUE(out.timeline.empty()) << where;
                EXPECT_TRUE(out.to_citizen.empty()) << where;
                EXPECT_EQ(out.staff_text.rfind("Cannot ", 0), 0u) << where << ": " << out.staff_text;
            }
        }
}

// A fixed day and time of day; the calendar below is November/December 2026.
constexpr auto at_11_14 = 11h + 14min + 39s + 123ms;
model::timestamp day(year_month_day d) { return sys_days{d} + at_11_14; }

TEST(add_days, counts_calendar_or_working_days_at_the_same_time_of_day)
{
    calendar const plain{};
    calendar const working{true, {}};
    calendar const holidays{true, {"2026-11-30", "2026-12-25", "2027-01-01"}};
    calendar const weekend_holiday{true, {"2026-11-28"}};
    struct case_ {
        char const* name;
        year_month_day from;
        int days;
        calendar const& cal;
        year_month_day want;
    };
    case_ const cases[] = {
        {"calendar: over a weekend", 2026y / November / 27, 1, plain, 2026y / November / 28},
        {"calendar: month end", 2026y / November / 30, 1, plain, 2026y / December / 1},
        {"calendar: year end", 2026y / December / 31, 1, plain, 2027y / January / 1},
        {"calendar: leap day", 2028y / February / 28, 1, plain, 2028y / February / 29},
        {"calendar: 15 days", 2026y / November / 20, 15, plain, 2026y / December / 5},
        {"calendar: zero", 2026y / November / 20, 0, plain, 2026y / November / 20},
        {"working: Friday + 1 = Monday", 2026y / November / 27, 1, working, 2026y / November / 30},
        {"working: Thursday + 1 = Friday", 2026y / November / 26, 1, working, 2026y / November / 27},
        {"working: Saturday + 1 = Monday", 2026y / November / 28, 1, working, 2026y / November / 30},
        {"working: Sunday + 1 = Monday", 2026y / November / 29, 1, working, 2026y / November / 30},
        {"working: Monday + 5 = next Monday", 2026y / November / 23, 5, working, 2026y / November / 30},
        {"working: Friday + 10 = two weeks on", 2026y / November / 27, 10, working, 2026y / December / 11},
        {"working: month end", 2026y / November / 30, 1, working, 2026y / December / 1},
        {"holiday: Friday + 1 skips Monday", 2026y / November / 27, 1, holidays, 2026y / December / 1},
        {"holiday: Christmas", 2026y / December / 24, 3, holidays, 2026y / December / 30},
        {"holiday: Christmas and New Year", 2026y / December / 24, 5, holidays, 2027y / January / 4},
        {"holiday: year end", 2026y / December / 31, 1, holidays, 2027y / January / 4},
        {"holiday: on a weekend changes nothing", 2026y / November / 26, 2, weekend_holiday, 2026y / November / 30},
        {"working: zero", 2026y / November / 28, 0, working, 2026y / November / 28},
    };
    for (auto const& c : cases)
        EXPECT_EQ(add_days(day(c.from), c.days, c.cal), day(c.want)) << c.name;
}

}  // namespace
}  // namespace pg::dialog
