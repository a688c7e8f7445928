// A petition's clock pauses only with a recorded reason: the pause and resume
// actions, what they do to the deadlines, and the alerts while paused.
#include "dialog/petition_flow.hpp"
#include "dialog/staff_commands.hpp"

#include "demo_data.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace pg::dialog {
namespace {

using model::entry_kind;
using model::petition_action;
using model::status;
using namespace std::chrono;

model::timestamp utc(year_month_day d, milliseconds at = {}) { return sys_days{d} + at; }

// Friday 2026-11-27 16:00 UTC; Monday 11-30 is a holiday in this calendar.
model::timestamp const friday_four = utc(2026y / November / 27, 16h);
calendar const working{true, {"2026-11-30"}, {}, {}};
actor const li_wei{model::actor_kind::staff, "u-77", "Li Wei", "staff-tg"};

petition_context context(model::timestamp now, calendar cal = working)
{
    return {now, fixture::demo_data(), "en", std::move(cal)};
}

model::petition petition(status s)
{
    model::petition p;
    p.number = 7;
    p.tracking = "7KQM-2X4D";
    p.channel_id = "telegram";
    p.chat_id = "5001";
    p.language = "en";
    p.category = "roads";
    p.department = "transport";
    p.current = s;
    p.submitted_at = utc(2026y / November / 26, 9h);
    p.response_due_at = utc(2026y / December / 4, 20h);  // a Friday evening
    p.deadline_at = utc(2026y / December / 9, 12h);      // a Wednesday
    return p;
}

model::staff_command command(petition_action a, std::string text = {}, std::string department = {})
{
    return {a, std::move(department), {}, std::move(text)};
}

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

std::string citizen_text(petition_outcome const& out)
{
    std::string s;
    for (auto const& m : out.to_citizen)
        s += m.text + "\n";
    return s;
}

model::petition paused(status s, model::timestamp since = friday_four)
{
    auto out = apply_staff(petition(s), command(petition_action::pause, "Waiting for the utility's survey"), li_wei,
                           context(since));
    EXPECT_TRUE(out.applied) << out.staff_text;
    return out.next;
}

TEST(pause, records_the_reason_and_actor_keeps_the_status_and_tells_the_citizen)
{
    auto const out = apply_staff(petition(status::in_progress),
                                 command(petition_action::pause, "  Waiting for the utility's survey  "), li_wei,
                                 context(friday_four));
    ASSERT_TRUE(out.applied) << out.staff_text;
    EXPECT_EQ(out.next.current, status::in_progress);
    EXPECT_EQ(out.next.paused_since, friday_four);
    // The deadlines wait; they move on when it resumes.
    EXPECT_EQ(out.next.deadline_at, petition(status::in_progress).deadline_at);
    ASSERT_EQ(out.timeline.size(), 1u);
    auto const& e = out.timeline[0];
    EXPECT_EQ(e.kind, entry_kind::pause);
    EXPECT_EQ(e.to, status::in_progress);
    EXPECT_EQ(e.note, "Waiting for the utility's survey");
    EXPECT_EQ(e.actor, model::actor_kind::staff);
    EXPECT_EQ(e.actor_id, "u-77");
    EXPECT_EQ(e.actor_name, "Li Wei");
    EXPECT_EQ(e.department, "transport");
    EXPECT_TRUE(has(out.staff_text, "Clock paused by Li Wei at 2026-11-27 16:00 UTC")) << out.staff_text;
    EXPECT_TRUE(has(out.staff_text, "Reason: Waiting for the utility's survey")) << out.staff_text;
    auto const told = citizen_text(out);
    EXPECT_TRUE(has(told, "7KQM-2X4D is paused")) << told;
    EXPECT_TRUE(has(told, "Reason: Waiting for the utility's survey")) << told;
    ASSERT_FALSE(out.to_citizen.empty());
    EXPECT_EQ(out.to_citizen.back().notice_tracking, "7KQM-2X4D");
    EXPECT_EQ(out.to_citizen.back().notice_status, "in_progress");
}

TEST(pause, is_allowed_wherever_a_clock_runs)
{
    for (auto s : {status::submitted, status::accepted, status::transferred, status::in_progress, status::reopened}) {
        auto const out = apply_staff(petition(s), command(petition_action::pause, "Waiting for the citizen"), li_wei,
                                     context(friday_four));
        EXPECT_TRUE(out.applied) << model::to_string(s);
    }
    for (auto s : {status::answered, status::closed, status::rejected}) {
        auto const out = apply_staff(petition(s), command(petition_action::pause, "Waiting for the citizen"), li_wei,
                                     context(friday_four));
        EXPECT_FALSE(out.applied) << model::to_string(s);
        EXPECT_TRUE(has(out.staff_text, "Cannot pause petition 7KQM-2X4D: it is")) << out.staff_text;
    }
}

TEST(pause, needs_a_visible_reason_of_bounded_length)
{
    for (std::string const& reason : std::vector<std::string>{"", "   ", "\u200B\u200B\u3000",
                                                              std::string(max_pause_reason + 1, 'x')}) {
        auto const out = apply_staff(petition(status::accepted), command(petition_action::pause, reason), li_wei,
                                     context(friday_four));
        EXPECT_FALSE(out.applied) << reason.size();
        EXPECT_FALSE(out.next.paused_since);
        EXPECT_TRUE(out.timeline.empty());
        EXPECT_TRUE(out.to_citizen.empty());
        EXPECT_EQ(out.staff_text, "Cannot pause petition 7KQM-2X4D: give the reason (1 to 500 characters); a clock "
                                  "pauses only with a recorded reason.");
    }
    auto const longest = apply_staff(petition(status::accepted),
                                     command(petition_action::pause, std::string(max_pause_reason, 'x')), li_wei,
                                     context(friday_four));
    EXPECT_TRUE(longest.applied) << longest.staff_text;
}

TEST(pause, twice_is_refused_and_resume_only_when_paused)
{
    auto const p = paused(status::accepted);
    auto const again = apply_staff(p, command(petition_action::pause, "Another reason"), li_wei,
                                   context(friday_four + 1h));
    EXPECT_FALSE(again.applied);
    EXPECT_EQ(again.next.paused_since, friday_four);
    EXPECT_EQ(again.staff_text, "Cannot pause petition 7KQM-2X4D: it has been paused since 2026-11-27 16:00 UTC.");

    auto const running = apply_staff(petition(status::accepted), command(petition_action::resume), li_wei,
                                     context(friday_four));
    EXPECT_FALSE(running.applied);
    EXPECT_TRUE(running.timeline.empty());
    EXPECT_EQ(running.staff_text, "Cannot resume petition 7KQM-2X4D: it is not paused.");
    auto const answered = apply_staff(petition(status::answered), command(petition_action::resume), li_wei,
                                      context(friday_four));
    EXPECT_FALSE(answered.applied);
}

// Paused Friday 16:00 to Tuesday 10:00, over a weekend and Monday's holiday:
// 8 working hours (Friday 16:00-24:00) and Tuesday's first 10.
TEST(resume, moves_the_deadlines_on_by_the_paused_working_time)
{
    auto const tuesday_ten = utc(2026y / December / 1, 10h);
    auto const out = apply_staff(paused(status::submitted), command(petition_action::resume), li_wei,
                                 context(tuesday_ten));
    ASSERT_TRUE(out.applied) << out.staff_text;
    EXPECT_FALSE(out.next.paused_since);
    EXPECT_EQ(out.next.current, status::submitted);
    // 18 h of working time: Wednesday 12:00 + 18 h is Thursday 06:00.
    EXPECT_EQ(out.next.deadline_at, utc(2026y / December / 10, 6h));
    // Awaiting sign-for, so that deadline moves too: Friday 20:00 + 4 h to midnight,
    // the weekend skipped, Monday 14:00.
    EXPECT_EQ(out.next.response_due_at, utc(2026y / December / 7, 14h));
    ASSERT_EQ(out.timeline.size(), 1u);
    EXPECT_EQ(out.timeline[0].kind, entry_kind::resume);
    EXPECT_EQ(out.timeline[0].actor_id, "u-77");
    EXPECT_TRUE(has(out.staff_text, "Clock resumed by Li Wei at 2026-12-01 10:00 UTC; it was paused since "
                                    "2026-11-27 16:00 UTC"))
        << out.staff_text;
    EXPECT_TRUE(has(out.staff_text, "Answer due: 2026-12-10 06:00 UTC")) << out.staff_text;
    EXPECT_TRUE(has(citizen_text(out), "7KQM-2X4D has resumed")) << citizen_text(out);

    // Signed for already: only the answer deadline runs, and only it moves.
    auto const accepted = apply_staff(paused(status::accepted), command(petition_action::resume), li_wei,
                                      context(tuesday_ten));
    EXPECT_EQ(accepted.next.response_due_at, petition(status::accepted).response_due_at);
    EXPECT_EQ(accepted.next.deadline_at, utc(2026y / December / 10, 6h));
}

TEST(resume, in_elapsed_time_without_working_days)
{
    calendar const every_day{};
    auto const p = apply_staff(petition(status::accepted), command(petition_action::pause, "Survey"), li_wei,
                               context(friday_four, every_day))
                       .next;
    auto const out = apply_staff(p, command(petition_action::resume), li_wei,
                                 context(utc(2026y / December / 1, 10h), every_day));
    EXPECT_EQ(out.next.deadline_at, petition(status::accepted).deadline_at + hours{90});
}

TEST(add_working_time, skips_weekends_and_holidays_and_inverts_working_time_between)
{
    // Friday 20:00 + 6 h: 4 h on Friday, the weekend and Monday's holiday skipped, Tuesday 02:00.
    auto const from = utc(2026y / November / 27, 20h);
    auto const to = add_working_time(from, hours{6}, working);
    EXPECT_EQ(to, utc(2026y / December / 1, 2h));
    EXPECT_EQ(working_time_between(from, to, working), hours{6});
    // From a day off, the time starts on the next working day.
    EXPECT_EQ(add_working_time(utc(2026y / November / 28, 12h), hours{1}, working), utc(2026y / December / 1, 1h));
    EXPECT_EQ(add_working_time(from, milliseconds{0}, working), from);
}

TEST(paused_petition, a_status_change_resumes_it_first_on_the_record)
{
    auto const tuesday_ten = utc(2026y / December / 1, 10h);
    auto const out = apply_staff(paused(status::in_progress), command(petition_action::answer, "Repaired."), li_wei,
                                 context(tuesday_ten));
    ASSERT_TRUE(out.applied) << out.staff_text;
    EXPECT_EQ(out.next.current, status::answered);
    EXPECT_FALSE(out.next.paused_since);
    EXPECT_EQ(out.next.deadline_at, utc(2026y / December / 10, 6h));
    ASSERT_EQ(out.timeline.size(), 2u);
    EXPECT_EQ(out.timeline[0].kind, entry_kind::resume);
    EXPECT_EQ(out.timeline[0].note, "answer");
    EXPECT_EQ(out.timeline[0].to, status::in_progress);
    EXPECT_EQ(out.timeline[1].kind, entry_kind::transition);
    EXPECT_EQ(out.timeline[1].to, status::answered);
    EXPECT_TRUE(has(out.staff_text, "Clock resumed by Li Wei")) << out.staff_text;
    EXPECT_TRUE(has(out.staff_text, "Answered by Li Wei")) << out.staff_text;

    // A transfer: resumed, and the next department gets its own sign-for time from now.
    auto const moved = apply_staff(paused(status::accepted), command(petition_action::transfer, "Drain", "water"),
                                   li_wei, context(tuesday_ten));
    ASSERT_TRUE(moved.applied) << moved.staff_text;
    EXPECT_FALSE(moved.next.paused_since);
    EXPECT_EQ(moved.timeline.front().kind, entry_kind::resume);
    EXPECT_EQ(moved.next.response_due_at,
              add_days(tuesday_ten, deadline_days_for(fixture::demo_data().citizen, "roads").response, working));
}

TEST(paused_petition, notes_and_assignments_leave_it_paused)
{
    auto const p = paused(status::accepted);
    auto const noted = apply_staff(p, command(petition_action::note, "Called the utility"), li_wei,
                                   context(friday_four + 1h));
    ASSERT_TRUE(noted.applied);
    EXPECT_EQ(noted.next.paused_since, friday_four);
    ASSERT_EQ(noted.timeline.size(), 1u);
    EXPECT_EQ(noted.timeline[0].kind, entry_kind::note);
}

TEST(paused_petition, is_not_overdue_and_raises_no_alerts)
{
    auto const p = paused(status::submitted);
    auto const long_after = p.deadline_at + days{30};
    EXPECT_FALSE(model::overdue(p, long_after));
    EXPECT_TRUE(due_alerts(p, {}, hours{24}, context(long_after)).empty());
    EXPECT_TRUE(due_alerts(p, {}, hours{24}, context(p.response_due_at - 1h)).empty());

    // Running again, its deadlines count as before.
    auto running = p;
    running.paused_since.reset();
    EXPECT_TRUE(model::overdue(running, long_after));
    EXPECT_EQ(due_alerts(running, {}, hours{24}, context(long_after)).size(), 2u);
}

TEST(staff_commands, pause_needs_a_reason_and_resume_takes_none)
{
    std::vector<std::string> const departments{"transport", "water"};
    auto const pause = parse_staff_text("pause Waiting for the survey", departments);
    ASSERT_EQ(pause.what, parsed_staff_text::kind::command);
    EXPECT_EQ(pause.command.action, petition_action::pause);
    EXPECT_EQ(pause.command.text, "Waiting for the survey");

    auto const zh = parse_staff_text("暂停：等待市民补充照片", departments);
    ASSERT_EQ(zh.what, parsed_staff_text::kind::command);
    EXPECT_EQ(zh.command.action, petition_action::pause);
    EXPECT_EQ(zh.command.text, "等待市民补充照片");

    auto const bare = parse_staff_text("/pause", departments);
    ASSERT_EQ(bare.what, parsed_staff_text::kind::invalid);
    EXPECT_EQ(bare.error, "/pause needs a reason after the command word.");

    for (auto const* text : {"resume", "/resume", "恢复"}) {
        auto const r = parse_staff_text(text, departments);
        ASSERT_EQ(r.what, parsed_staff_text::kind::command) << text;
        EXPECT_EQ(r.command.action, petition_action::resume) << text;
    }
    EXPECT_EQ(model::petition_action_from_string("pause"), petition_action::pause);
    EXPECT_EQ(model::to_string(petition_action::resume), "resume");
}

}  // namespace
}  // namespace pg::dialog
