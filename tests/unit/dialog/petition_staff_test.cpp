#include "dialog/petition_flow.hpp"

#include "demo_data.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace pg::dialog {
namespace {

using model::entry_kind;
using model::status;
using namespace std::chrono;

model::timestamp const filed_at = sys_days{2026y / November / 23} + 9h + 30min;  // a Monday
constexpr auto remind_before = hours{24};

model::petition petition(status s)
{
    model::petition p;
    p.tracking = "7KQM-2X4D";
    p.channel_id = "telegram";
    p.chat_id = "5001";
    p.user_id = "u-42";
    p.language = "zh-CN";
    p.category = "roads";
    p.department = "transport";
    p.location_text = "Main Street 12";
    p.location = model::geo_point{48.137, 11.575};
    p.description = "Deep pothole in the right lane, about 30 cm wide.";
    p.photo_ids = {"ph-1", "ph-2"};
    p.current = s;
    p.submitted_at = filed_at;
    p.response_due_at = filed_at + days{2};
    p.deadline_at = filed_at + days{10};
    return p;
}

petition_context context(model::timestamp now, std::string staff_language = "en")
{
    return {now, fixture::demo_data(), std::move(staff_language), {}};
}

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

TEST(petition_card, shows_what_the_staff_need_and_not_the_citizens_ids)
{
    auto const card = petition_card(petition(status::submitted), context(filed_at));
    for (std::string want : {"7KQM-2X4D", "Category: Roads, pavements and traffic", "Department: Transport Department",
                             "Place:\n> Main Street 12 \u00b7 map point 48.13700, 11.57500",
                             "Description:\n> Deep pothole in the right lane, about 30 cm wide.", "Photos: 2",
                             "Filed via: telegram", "Submitted: 2026-11-23 09:30 UTC",
                             "Response due: 2026-11-25 09:30 UTC", "Answer due: 2026-12-03 09:30 UTC"})
        EXPECT_TRUE(has(card, want)) << want << "\nin\n" << card;
    EXPECT_FALSE(has(card, "5001")) << "the citizen's chat id";
    EXPECT_FALSE(has(card, "u-42")) << "the citizen's user id";

    auto bare = petition(status::submitted);
    bare.location_text.clear();
    bare.location.reset();
    bare.photo_ids.clear();
    auto const zh = petition_card(bare, context(filed_at, "zh-CN"));
    EXPECT_TRUE(has(zh, "类别：道路、人行道和交通")) << zh;
    EXPECT_TRUE(has(zh, "部门：交通运输局")) << zh;
    EXPECT_TRUE(has(zh, "地点：\n（无）")) << zh;
    EXPECT_TRUE(has(zh, "照片：0张")) << zh;
    EXPECT_EQ(zh.find('{'), std::string::npos) << zh;
}

std::vector<std::string> lines_of(std::string const& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    lines.push_back(text.substr(start));
    return lines;
}

std::size_t lines_starting(std::vector<std::string> const& lines, std::string const& prefix)
{
    return std::size_t(std::count_if(lines.begin(), lines.end(), [&](auto const& l) { return l.starts_with(prefix); }));
}

// A citizen who writes card lines into a description or a place must not be able
// to pass them off as the card's own: every line of theirs is quoted.
TEST(petition_card, quotes_citizen_text_so_it_cannot_forge_a_card_line)
{
    auto p = petition(status::submitted);
    p.description = "ok\nDepartment: parks\r\nAnswer due: never\u2028Photos: 9\rStatus: closed";
    p.location_text = "Main Street 12\nResponse due: never";
    p.location.reset();
    auto const lines = lines_of(petition_card(p, context(filed_at)));
    for (std::string forged : {"Department: parks", "Answer due: never", "Photos: 9", "Status: closed",
                               "Response due: never"})
        EXPECT_EQ(std::count(lines.begin(), lines.end(), "> " + forged), 1) << forged;
    EXPECT_EQ(lines_starting(lines, "Department:"), 1u);
    EXPECT_EQ(lines_starting(lines, "Answer due:"), 1u);
    EXPECT_EQ(lines_starting(lines, "Response due:"), 1u);
    EXPECT_EQ(lines_starting(lines, "Photos:"), 1u);
    EXPECT_EQ(lines_starting(lines, "Status:"), 0u);
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "> ok"), 1);
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "> Main Street 12"), 1);
}

// Guided drafting's answers: quoted like the description, left out when not given.
TEST(petition_card, shows_since_and_outcome_quoted_when_given)
{
    auto p = petition(status::submitted);
    p.since = "last Monday\nDepartment: parks";
    p.outcome = "fill the hole";
    auto const card = petition_card(p, context(filed_at));
    EXPECT_TRUE(has(card, "Since:\n> last Monday\n> Department: parks\n")) << card;
    EXPECT_TRUE(has(card, "Outcome wanted:\n> fill the hole\nPhotos: 2")) << card;
    EXPECT_EQ(lines_starting(lines_of(card), "Department:"), 1u) << "a quoted line forges nothing";
    auto const zh = petition_card(p, context(filed_at, "zh-CN"));
    EXPECT_TRUE(has(zh, "期望结果：\n> fill the hole")) << zh;

    auto const plain = petition_card(petition(status::submitted), context(filed_at));
    EXPECT_FALSE(has(plain, "Since:")) << plain;
    EXPECT_FALSE(has(plain, "Outcome wanted:")) << plain;
    EXPECT_TRUE(has(plain, "wide.\nPhotos: 2")) << "no blank line where they would be: " << plain;
}

TEST(follow, notes_the_follower_without_naming_them_and_gives_an_answer_already_there)
{
    auto p = petition(status::accepted);
    p.followers = {{"telegram", "6001"}};
    auto const open = follow(p, {}, "en", context(filed_at + days{1}));
    EXPECT_EQ(open.entry.kind, entry_kind::note);
    EXPECT_EQ(open.entry.to, status::accepted);
    EXPECT_EQ(open.entry.actor, model::actor_kind::system);
    EXPECT_EQ(open.entry.note, "followed by another citizen");
    EXPECT_TRUE(open.entry.actor_id.empty());
    EXPECT_TRUE(has(open.staff_text, "(1 following)")) << open.staff_text;
    EXPECT_TRUE(open.answer.empty()) << "nothing answered yet";

    auto answered = petition(status::answered);
    model::timeline_event first, second;
    first.kind = second.kind = entry_kind::transition;
    first.to = second.to = status::answered;
    first.at = filed_at + days{2};
    first.note = "We will fill it next week.";
    second.at = filed_at + days{4};
    second.note = "Filled on Tuesday.";
    auto const late = follow(answered, {first, second}, "zh-CN", context(filed_at + days{5}));
    EXPECT_TRUE(has(late.answer, "Filled on Tuesday.")) << "the newest answer: " << late.answer;
    EXPECT_TRUE(has(late.answer, "7KQM-2X4D")) << late.answer;
    EXPECT_TRUE(has(late.answer, "2026-11-27")) << "when it was answered: " << late.answer;
    EXPECT_FALSE(has(late.answer, "Deep pothole")) << "not the filer's description";
}

// Each new thread says what a plain message there does, and how to answer.
TEST(petition_card, says_how_to_answer_the_citizen)
{
    auto const card = petition_card(petition(status::submitted), context(filed_at));
    EXPECT_TRUE(card.ends_with(
        "\n\nPlain messages here are internal notes; write `answer <text>` to answer the citizen."))
        << card;
    auto const zh = petition_card(petition(status::submitted), context(filed_at, "zh-CN"));
    EXPECT_TRUE(zh.ends_with("\n\n此处的普通消息是内部备注，不会发送给市民；发送 `答复 <内容>` 才会答复市民。")) << zh;

    auto answering = context(filed_at);
    answering.plain_reply = model::petition_action::answer;
    EXPECT_TRUE(petition_card(petition(status::submitted), answering)
                    .ends_with("Plain messages here answer the citizen; write `note <text>` for an internal note."));

    // A description long enough to be cut still leaves the hint whole.
    auto long_one = petition(status::submitted);
    long_one.description = std::string(5000, 'x');
    auto const cut = petition_card(long_one, context(filed_at));
    EXPECT_LE(utf16_units(cut), 4000u);
    EXPECT_TRUE(cut.ends_with("write `answer <text>` to answer the citizen.")) << cut.substr(cut.size() - 200);
}

TEST(thread_title, names_the_number_and_category_within_128)
{
    EXPECT_EQ(thread_title(petition(status::submitted), context(filed_at)),
              "7KQM-2X4D \u00b7 Roads, pavements and traffic");
    EXPECT_EQ(thread_title(petition(status::submitted), context(filed_at, "zh-CN")), "7KQM-2X4D · 道路、人行道和交通");

    auto data = fixture::demo_data();
    data.citizen.categories[0].labels["en"] = std::string(300, 'x');
    petition_context const ctx{filed_at, data, "en", {}};
    auto const long_title = thread_title(petition(status::submitted), ctx);
    EXPECT_LE(utf16_units(long_title), 128u);
    EXPECT_TRUE(long_title.starts_with("7KQM-2X4D"));
}

struct alert_want {
    entry_kind kind;
    char const* marker;
};

std::vector<alert_want> kinds_of(std::vector<deadline_alert> const& alerts)
{
    std::vector<alert_want> out;
    for (auto const& a : alerts)
        out.push_back({a.kind, a.entry.note.c_str()});
    return out;
}

TEST(due_alerts, remind_before_and_escalate_after_each_deadline)
{
    auto const response = filed_at + days{2};
    auto const answer = filed_at + days{10};
    auto const R = entry_kind::reminder, E = entry_kind::escalation;
    struct case_ {
        char const* name;
        status s;
        model::timestamp now;
        std::vector<alert_want> want;
    };
    case_ const cases[] = {
        {"just filed", status::submitted, filed_at, {}},
        {"before the reminder", status::submitted, response - remind_before - milliseconds{1}, {}},
        {"reminder starts", status::submitted, response - remind_before, {{R, "response deadline"}}},
        {"at the response deadline", status::submitted, response, {{R, "response deadline"}}},
        {"just after it", status::submitted, response + milliseconds{1}, {{E, "response deadline"}}},
        {"accepted in time", status::accepted, response + hours{1}, {}},
        {"before the answer reminder", status::accepted, answer - remind_before - milliseconds{1}, {}},
        {"answer reminder", status::accepted, answer - remind_before, {{R, "answer deadline"}}},
        {"at the answer deadline", status::in_progress, answer, {{R, "answer deadline"}}},
        {"after the answer deadline", status::in_progress, answer + milliseconds{1}, {{E, "answer deadline"}}},
        {"transferred, not yet signed for", status::transferred, response + milliseconds{1},
         {{E, "response deadline"}}},
        {"never accepted, both passed", status::submitted, answer + days{1},
         {{E, "response deadline"}, {E, "answer deadline"}}},
        {"reopened counts as not accepted", status::reopened, answer + days{1},
         {{E, "response deadline"}, {E, "answer deadline"}}},
        {"answered", status::answered, answer + days{1}, {}},
        {"closed", status::closed, answer + days{1}, {}},
        {"rejected", status::rejected, answer + days{1}, {}},
    };
    for (auto const& c : cases) {
        auto const alerts = due_alerts(petition(c.s), {}, remind_before, context(c.now));
        auto const got = kinds_of(alerts);
        ASSERT_EQ(got.size(), c.want.size()) << c.name;
        for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].kind, c.want[i].kind) << c.name;
            EXPECT_STREQ(got[i].marker, c.want[i].marker) << c.name;
            auto const& e = alerts[i].entry;
            EXPECT_EQ(e.kind, alerts[i].kind) << c.name;
            EXPECT_EQ(e.at, c.now) << c.name;
            EXPECT_EQ(e.to, c.s) << c.name;
            EXPECT_EQ(e.actor, model::actor_kind::system) << c.name;
            EXPECT_TRUE(e.actor_id.empty()) << c.name;
            EXPECT_EQ(e.department, "transport") << c.name;
            EXPECT_TRUE(has(alerts[i].staff_text, "7KQM-2X4D")) << c.name;
        }
    }
}

TEST(due_alerts, say_the_deadline_and_status_in_the_staff_language)
{
    auto const due = filed_at + days{2};
    auto const reminder = due_alerts(petition(status::submitted), {}, remind_before, context(due - hours{1}));
    ASSERT_EQ(reminder.size(), 1u);
    EXPECT_EQ(reminder[0].staff_text, "Reminder: petition 7KQM-2X4D should be accepted by 2026-11-25 09:30 UTC.");
    auto const late = due_alerts(petition(status::submitted), {}, remind_before, context(due + hours{1}, "zh-CN"));
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].staff_text, "已超期：诉求 7KQM-2X4D 应在2026-11-25 09:30 UTC前受理，目前仍为“已提交”。");
}

// The checker runs every minute; the timeline it is given holds what it raised before.
TEST(due_alerts, each_alert_is_raised_once)
{
    auto p = petition(status::submitted);
    std::vector<model::timeline_event> timeline;
    std::vector<alert_want> raised;
    for (auto now = filed_at; now <= filed_at + days{12}; now += minutes{30}) {
        if (now >= filed_at + days{3} && p.current == status::submitted)
            p.current = status::accepted;  // accepted late, after the escalation
        for (auto const& a : due_alerts(p, timeline, remind_before, context(now))) {
            raised.push_back({a.kind, a.entry.note == "response deadline" ? "response deadline" : "answer deadline"});
            timeline.push_back(a.entry);
        }
    }
    ASSERT_EQ(raised.size(), 4u);
    EXPECT_EQ(raised[0].kind, entry_kind::reminder);
    EXPECT_STREQ(raised[0].marker, "response deadline");
    EXPECT_EQ(raised[1].kind, entry_kind::escalation);
    EXPECT_STREQ(raised[1].marker, "response deadline");
    EXPECT_EQ(raised[2].kind, entry_kind::reminder);
    EXPECT_STREQ(raised[2].marker, "answer deadline");
    EXPECT_EQ(raised[3].kind, entry_kind::escalation);
    EXPECT_STREQ(raised[3].marker, "answer deadline");
}

// A timeline entry: `kind` with `note`, or a transition to `to` at `at`.
model::timeline_event raised(entry_kind kind, char const* marker)
{
    model::timeline_event e;
    e.kind = kind;
    e.note = marker;
    return e;
}

model::timeline_event moved(status to, model::timestamp at)
{
    model::timeline_event e;
    e.at = at;
    e.to = to;
    return e;
}

// A reopening restarts the clocks: the new deadlines are reminded of and
// escalated again, although the old ones were.
TEST(due_alerts, a_reopened_petition_is_alerted_on_its_new_deadlines)
{
    auto p = petition(status::answered);
    std::vector<model::timeline_event> timeline;
    for (auto const kind : {entry_kind::reminder, entry_kind::escalation})
        for (auto const* marker : {"response deadline", "answer deadline"})
            timeline.push_back(raised(kind, marker));
    auto const reopened_at = filed_at + days{20};
    timeline.push_back(moved(status::reopened, reopened_at));
    p.current = status::reopened;
    p.response_due_at = reopened_at + days{2};
    p.deadline_at = reopened_at + days{10};

    EXPECT_TRUE(due_alerts(p, timeline, remind_before, context(reopened_at + hours{1})).empty());
    auto const late = due_alerts(p, timeline, remind_before, context(p.response_due_at + hours{1}));
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].kind, entry_kind::escalation);
    EXPECT_EQ(late[0].entry.note, "response deadline");
    EXPECT_EQ(late[0].due, p.response_due_at);
    timeline.push_back(late[0].entry);
    EXPECT_TRUE(due_alerts(p, timeline, remind_before, context(p.response_due_at + hours{2})).empty());
}

// A transfer gives the next department its own sign-for deadline: the first
// department's escalation does not stand for it, the answer deadline's does.
TEST(due_alerts, a_transfer_renews_only_the_sign_for_deadline)
{
    auto p = petition(status::accepted);
    auto const moved_at = filed_at + days{11};  // past the answer deadline
    std::vector<model::timeline_event> const timeline = {raised(entry_kind::escalation, "response deadline"),
                                                         raised(entry_kind::escalation, "answer deadline"),
                                                         moved(status::transferred, moved_at)};
    p.current = status::transferred;
    p.response_due_at = moved_at + days{2};

    EXPECT_TRUE(due_alerts(p, timeline, remind_before, context(moved_at + hours{1})).empty())
        << "the answer deadline was escalated already";
    EXPECT_TRUE(model::overdue(p, moved_at + hours{1})) << "yet it is still late";
    auto const late = due_alerts(p, timeline, remind_before, context(p.response_due_at + hours{1}));
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].kind, entry_kind::escalation);
    EXPECT_EQ(late[0].entry.note, "response deadline");
    EXPECT_EQ(late[0].due, p.response_due_at);
}

// Escalation and model::overdue are one definition seen twice.
TEST(due_alerts, escalate_exactly_when_the_petition_is_overdue)
{
    for (auto s : {status::submitted, status::accepted, status::rejected, status::transferred, status::in_progress,
                   status::answered, status::closed, status::reopened})
        for (auto now = filed_at; now <= filed_at + days{12}; now += hours{6}) {
            auto const p = petition(s);
            auto const alerts = due_alerts(p, {}, remind_before, context(now));
            bool const escalated = std::any_of(alerts.begin(), alerts.end(),
                                               [](auto const& a) { return a.kind == entry_kind::escalation; });
            EXPECT_EQ(escalated, model::overdue(p, now)) << model::to_string(s) << " at " << model::format_iso8601(now);
        }
}

TEST(due_alerts, ignore_a_deadline_that_was_never_set)
{
    auto p = petition(status::submitted);
    p.response_due_at = {};  // filed before first-response deadlines existed
    auto const alerts = due_alerts(p, {}, remind_before, context(filed_at + days{5}));
    EXPECT_TRUE(alerts.empty());
}

TEST(petition_card, times_are_in_the_configured_zone)
{
    auto ctx = context(filed_at);
    auto const berlin = model::zone::locate("Europe/Berlin");
    ASSERT_TRUE(berlin);
    ctx.cal.zone = *berlin;
    auto const card = petition_card(petition(status::submitted), ctx);
    for (std::string want : {"Submitted: 2026-11-23 10:30 (UTC+01:00)", "Response due: 2026-11-25 10:30 (UTC+01:00)",
                             "Answer due: 2026-12-03 10:30 (UTC+01:00)"})
        EXPECT_TRUE(has(card, want)) << want << "\nin\n" << card;
}

}  // namespace
}  // namespace pg::dialog
