#include "dialog/petition_flow.hpp"

#include "demo_data.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace pg::dialog {
namespace {

using model::entry_kind;
using model::petition_action;
using model::status;
using namespace std::chrono;

model::timestamp const now = sys_days{2026y / November / 28} + 11h + 14min + 39s;  // a fixed clock
std::string const stamp = "2026-11-28 11:14 UTC";
std::string const tracking = "7KQM-2X4D";
actor const li_wei{model::actor_kind::staff, "u-77", "Li Wei", "staff-tg"};
actor const citizen{model::actor_kind::citizen, "u-42", {}, "telegram"};

petition_context context(std::string staff_language = "en")
{
    return {now, fixture::demo_data(), std::move(staff_language), {}};
}

model::petition petition(status s, std::string language = "en")
{
    model::petition p;
    p.number = 7;
    p.tracking = tracking;
    p.channel_id = "telegram";
    p.chat_id = "5001";
    p.user_id = "u-42";
    p.language = std::move(language);
    p.category = "roads";
    p.department = "transport";
    p.location_text = "Main Street 12";
    p.description = "Deep pothole in the right lane, about 30 cm wide.";
    p.photo_ids = {"ph-1"};
    p.current = s;
    p.submitted_at = now - days{2};
    p.response_due_at = now + days{1};
    p.deadline_at = now + days{8};
    return p;
}

model::staff_command command(petition_action a, std::string text = {}, std::string department = {},
                             std::string assignee = {})
{
    return {a, std::move(department), std::move(assignee), std::move(text)};
}

std::string shipped(std::string const& code, std::string const& key)
{
    for (auto const& l : fixture::demo_data().locales)
        if (l.code == code)
            return l.texts.at(key);
    return {};
}

bool has(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

std::string citizen_text(petition_outcome const& out)
{
    std::string s;
    for (auto const& m : out.to_citizen)
        s += m.text + "\n";
    return s;
}

// Every staff action, from a status that allows it: what the timeline, the
// staff and the citizen get.
TEST(apply_staff, each_action_records_confirms_and_notifies)
{
    struct case_ {
        char const* name;
        status from;
        model::staff_command cmd;
        status to;
        entry_kind kind;
        std::string note;
        std::string staff_text;
        std::string citizen_says;  // empty: the citizen hears nothing
    };
    case_ const cases[] = {
        {"accept", status::submitted, command(petition_action::accept), status::accepted, entry_kind::transition, "",
         "Accepted by Li Wei at " + stamp + ".", "has been accepted"},
        {"accept with a message", status::reopened, command(petition_action::accept, "We will look again."),
         status::accepted, entry_kind::transition, "We will look again.",
         "Accepted by Li Wei at " + stamp + ".\nSent to the citizen: We will look again.",
         "Message from the officials: We will look again."},
        {"reject", status::submitted, command(petition_action::reject, "Private land: not the city's road."),
         status::rejected, entry_kind::transition, "Private land: not the city's road.",
         "Rejected by Li Wei at " + stamp + ".\nReason: Private land: not the city's road.",
         "Reason: Private land: not the city's road."},
        {"transfer", status::accepted, command(petition_action::transfer, "Drain, not road", "water"),
         status::transferred, entry_kind::transition, "Drain, not road",
         "Transferred to Water Authority by Li Wei at " + stamp + ".\nReason: Drain, not road",
         "passed to the Water Authority"},
        {"transfer again", status::transferred, command(petition_action::transfer, "Park path", "parks"),
         status::transferred, entry_kind::transition, "Park path",
         "Transferred to Parks Department by Li Wei at " + stamp + ".\nReason: Park path",
         "passed to the Parks Department"},
        {"progress", status::accepted, command(petition_action::progress, "Crew booked for Friday."),
         status::in_progress, entry_kind::transition, "Crew booked for Friday.",
         "Progress recorded by Li Wei at " + stamp + ".\nSent to the citizen: Crew booked for Friday.",
         "Message from the officials: Crew booked for Friday."},
        {"progress again", status::in_progress, command(petition_action::progress, "Crew on site."),
         status::in_progress, entry_kind::transition, "Crew on site.",
         "Progress recorded by Li Wei at " + stamp + ".\nSent to the citizen: Crew on site.", "is being worked on"},
        {"answer", status::in_progress, command(petition_action::answer, "The pothole was filled today."),
         status::answered, entry_kind::transition, "The pothole was filled today.",
         "Answered by Li Wei at " + stamp + ". The answer has been sent to the citizen.",
         "The pothole was filled today."},
        {"close", status::answered, command(petition_action::close), status::closed, entry_kind::transition, "",
         "Closed by Li Wei at " + stamp + ".", "has been closed"},
        {"reopen", status::answered, command(petition_action::reopen), status::reopened, entry_kind::transition, "",
         "Reopened by Li Wei at " + stamp + ".", "has been reopened"},
        {"note", status::accepted, command(petition_action::note, "Called the contractor, no answer"),
         status::accepted, entry_kind::note, "Called the contractor, no answer",
         "Internal note by Li Wei at " + stamp + ": Called the contractor, no answer", ""},
        {"assign", status::transferred, command(petition_action::assign, "", "", "  Wang Fang "),
         status::transferred, entry_kind::assignment, "Wang Fang",
         "Assigned to Wang Fang by Li Wei at " + stamp + ".", ""},
    };
    for (auto const& c : cases) {
        auto const p = petition(c.from);
        auto const out = apply_staff(p, c.cmd, li_wei, context());
        ASSERT_TRUE(out.applied) << c.name;
        EXPECT_EQ(out.next.current, c.to) << c.name;
        ASSERT_EQ(out.timeline.size(), 1u) << c.name;
        auto const& e = out.timeline[0];
        EXPECT_EQ(e.at, now) << c.name;
        EXPECT_EQ(e.kind, c.kind) << c.name;
        EXPECT_EQ(e.to, c.to) << c.name;
        EXPECT_EQ(e.actor, model::actor_kind::staff) << c.name;
        EXPECT_EQ(e.actor_id, "u-77") << c.name;
        EXPECT_EQ(e.actor_name, "Li Wei") << c.name;
        EXPECT_EQ(e.channel_id, "staff-tg") << c.name;
        EXPECT_EQ(e.department, out.next.department) << c.name;
        EXPECT_EQ(e.note, c.note) << c.name;
        EXPECT_EQ(out.staff_text, c.staff_text) << c.name;
        if (c.citizen_says.empty()) {
            EXPECT_TRUE(out.to_citizen.empty()) << c.name;
            continue;
        }
        ASSERT_EQ(out.to_citizen.size(), 1u) << c.name;
        auto const& m = out.to_citizen[0];
        EXPECT_EQ(m.kind, model::message_kind::text) << c.name;
        EXPECT_EQ(m.channel_id, "telegram") << c.name;
        EXPECT_EQ(m.chat_id, "5001") << c.name;
        EXPECT_TRUE(has(m.text, c.citizen_says)) << c.name << ": " << m.text;
        EXPECT_TRUE(has(m.text, tracking)) << c.name;
        EXPECT_TRUE(has(m.text, stamp)) << c.name;
        EXPECT_EQ(m.text.find('{'), std::string::npos) << c.name << ": " << m.text;
    }
}

TEST(apply_staff, transfer_and_assign_change_the_petition)
{
    auto const moved = apply_staff(petition(status::accepted), command(petition_action::transfer, "Drain", "water"),
                                   li_wei, context());
    EXPECT_EQ(moved.next.department, "water");
    EXPECT_EQ(moved.next.transfers, 1);
    EXPECT_EQ(moved.timeline[0].department, "water");
    // Water gets its own time to sign for it; the petition's answer deadline stands.
    auto const days = deadline_days_for(fixture::demo_data().citizen, "roads");
    EXPECT_EQ(moved.next.response_due_at, add_days(now, days.response, calendar{}));
    EXPECT_EQ(moved.next.deadline_at, petition(status::accepted).deadline_at);
    auto const given = apply_staff(petition(status::accepted), command(petition_action::assign, "", "", "Wang Fang"),
                                   li_wei, context());
    EXPECT_EQ(given.next.assignee, "Wang Fang");
    EXPECT_EQ(given.next.department, "transport");
    EXPECT_EQ(given.next.current, status::accepted);
}

TEST(apply_staff, the_answer_asks_for_a_rating_with_short_buttons)
{
    auto const out = apply_staff(petition(status::accepted), command(petition_action::answer, "Filled today."),
                                 li_wei, context());
    ASSERT_EQ(out.to_citizen.size(), 1u);
    auto const& m = out.to_citizen[0];
    EXPECT_TRUE(has(m.text, "Filled today."));
    EXPECT_TRUE(has(m.text, shipped("en", "notify.rate")));
    ASSERT_EQ(m.buttons.size(), 1u);
    ASSERT_EQ(m.buttons[0].size(), 5u);
    for (int n = 1; n <= 5; ++n) {
        auto const& b = m.buttons[0][std::size_t(n - 1)];
        EXPECT_EQ(b.label, std::to_string(n));
        EXPECT_EQ(b.data, "r:" + tracking + ":" + std::to_string(n));
        EXPECT_LE(b.data.size(), 64u);
    }
}

// Followers (the duplicate offer) get the same news; only the filer is asked to rate.
TEST(apply_staff, followers_get_the_news_without_the_rating_question)
{
    auto const answered = apply_staff(petition(status::accepted), command(petition_action::answer, "Filled today."),
                                      li_wei, context());
    EXPECT_TRUE(has(answered.follower_text, "Filled today.")) << answered.follower_text;
    EXPECT_TRUE(has(answered.follower_text, tracking)) << answered.follower_text;
    EXPECT_FALSE(has(answered.follower_text, shipped("en", "notify.rate"))) << answered.follower_text;

    auto const accepted = apply_staff(petition(status::submitted), command(petition_action::accept), li_wei, context());
    ASSERT_EQ(accepted.to_citizen.size(), 1u);
    EXPECT_EQ(accepted.follower_text, accepted.to_citizen[0].text);

    auto const note = apply_staff(petition(status::accepted), command(petition_action::note, "internal"), li_wei,
                                  context());
    EXPECT_TRUE(note.follower_text.empty()) << "notes reach no citizen";
}

TEST(apply_staff, a_long_answer_arrives_whole_in_several_messages)
{
    std::string answer;
    for (int i = 0; i < 120; ++i)
        answer += "Paragraph " + std::to_string(i) + ": the works are planned in stages, see the notice.\n";
    auto const out =
        apply_staff(petition(status::accepted), command(petition_action::answer, answer), li_wei, context());
    ASSERT_GE(out.to_citizen.size(), 2u);
    std::string joined;
    for (auto const& m : out.to_citizen) {
        EXPECT_LE(utf16_units(m.text), 4000u);
        joined += m.text;
    }
    EXPECT_TRUE(has(joined, std::string(trim(answer))));
    EXPECT_TRUE(out.to_citizen.front().buttons.empty());
    EXPECT_EQ(out.to_citizen.back().buttons.size(), 1u) << "the rating buttons come last";
}

TEST(apply_staff, the_citizen_hears_in_the_petitions_language)
{
    auto const zh = apply_staff(petition(status::submitted, "zh-CN"), command(petition_action::accept), li_wei,
                                context());
    ASSERT_EQ(zh.to_citizen.size(), 1u);
    EXPECT_EQ(zh.to_citizen[0].text, stamp + "\n您的诉求 " + tracking + " 已受理，正在办理中。");
    EXPECT_EQ(zh.staff_text, "Accepted by Li Wei at " + stamp + ".") << "the staff keep their own language";

    auto const moved = apply_staff(petition(status::accepted, "zh-CN"),
                                   command(petition_action::transfer, "Drain", "water"), li_wei, context());
    EXPECT_TRUE(has(moved.to_citizen[0].text, "已转交水务局办理")) << moved.to_citizen[0].text;

    auto const staff_zh = apply_staff(petition(status::submitted), command(petition_action::accept), li_wei,
                                      context("zh-CN"));
    EXPECT_EQ(staff_zh.staff_text, "Li Wei已于" + stamp + "受理。");
    EXPECT_TRUE(has(staff_zh.to_citizen[0].text, "has been accepted")) << "the citizen keeps theirs";
}

TEST(apply_staff, notes_and_assignments_never_reach_the_citizen)
{
    std::string const secret = "Neighbour Mr. Smith complains a lot, low priority";
    for (auto s : {status::submitted, status::accepted, status::transferred, status::in_progress, status::answered,
                   status::reopened}) {
        auto const note = apply_staff(petition(s), command(petition_action::note, secret), li_wei, context());
        EXPECT_TRUE(note.applied);
        EXPECT_TRUE(note.to_citizen.empty());
        EXPECT_TRUE(has(note.staff_text, secret));
        auto const assign = apply_staff(petition(s), command(petition_action::assign, "", "", "Wang Fang"), li_wei,
                                        context());
        EXPECT_TRUE(assign.applied);
        EXPECT_TRUE(assign.to_citizen.empty());
    }
}

TEST(apply_staff, refusals_change_nothing_and_say_why)
{
    struct case_ {
        char const* name;
        status from;
        model::staff_command cmd;
        std::string staff_text;
    };
    case_ const cases[] = {
        {"answer a closed petition", status::closed, command(petition_action::answer, "Done"),
         "Cannot answer petition 7KQM-2X4D: it is closed."},
        {"accept an accepted one", status::accepted, command(petition_action::accept),
         "Cannot accept petition 7KQM-2X4D: it is accepted."},
        {"note on a rejected one", status::rejected, command(petition_action::note, "x"),
         "Cannot add a note to petition 7KQM-2X4D: it is rejected."},
        {"answer before accepting", status::submitted, command(petition_action::answer, "Done"),
         "Cannot answer petition 7KQM-2X4D: it is submitted."},
        {"transfer to the same department", status::accepted, command(petition_action::transfer, "x", "transport"),
         "Cannot transfer petition 7KQM-2X4D: it is already with Transport Department."},
        {"transfer nowhere", status::accepted, command(petition_action::transfer, "x", " "),
         "Cannot transfer petition 7KQM-2X4D: no department given."},
        {"transfer without a reason", status::accepted, command(petition_action::transfer, " ", "water"),
         "Cannot transfer petition 7KQM-2X4D: please give the reason after the department, so the next "
         "department knows why it is theirs."},
        {"empty answer", status::accepted, command(petition_action::answer, " \n "),
         "Cannot answer petition 7KQM-2X4D: the answer is empty."},
        {"empty reason", status::submitted, command(petition_action::reject, ""),
         "Cannot reject petition 7KQM-2X4D: please give a reason."},
        {"empty note", status::accepted, command(petition_action::note, ""),
         "Cannot add a note to petition 7KQM-2X4D: the note is empty."},
        {"nobody to assign", status::accepted, command(petition_action::assign, "", "", ""),
         "Cannot assign petition 7KQM-2X4D: no name given."},
    };
    for (auto const& c : cases) {
        auto const p = petition(c.from);
        auto const out = apply_staff(p, c.cmd, li_wei, context());
        EXPECT_FALSE(out.applied) << c.name;
        EXPECT_EQ(out.next.current, p.current) << c.name;
        EXPECT_EQ(out.next.department, p.department) << c.name;
        EXPECT_EQ(out.next.assignee, p.assignee) << c.name;
        EXPECT_TRUE(out.timeline.empty()) << c.name;
        EXPECT_TRUE(out.to_citizen.empty()) << c.name;
        EXPECT_EQ(out.staff_text, c.staff_text) << c.name;
    }
    auto const zh = apply_staff(petition(status::closed), command(petition_action::answer, "x"), li_wei,
                                context("zh-CN"));
    EXPECT_EQ(zh.staff_text, "无法答复诉求 7KQM-2X4D：目前为“已办结”。");
}

citizen_request request(citizen_request::kind k, int rating = 0, bool resolved = true);

petition_context capped_at(int max_transfers)
{
    auto ctx = context();
    ctx.max_transfers = max_transfers;
    return ctx;
}

// Back and forth between two departments: the transfer that reaches the cap
// escalates once; past it only a supervisor moves the petition on.
TEST(apply_staff, transfers_past_the_cap_go_to_the_coordinating_office)
{
    auto p = petition(status::accepted);
    char const* const between[] = {"water", "transport", "water"};
    std::vector<petition_outcome> outs;
    for (auto const* to : between) {
        outs.push_back(apply_staff(p, command(petition_action::transfer, "Not ours", to), li_wei, capped_at(3)));
        ASSERT_TRUE(outs.back().applied) << to;
        p = outs.back().next;
    }
    EXPECT_EQ(p.transfers, 3);
    EXPECT_TRUE(outs[0].supervisor_text.empty());
    EXPECT_TRUE(outs[1].supervisor_text.empty());
    auto const& third = outs[2];
    EXPECT_EQ(third.supervisor_text,
              "⚠ Petition 7KQM-2X4D has been transferred 3 times and is now with Water Authority. The coordinating "
              "office decides where it belongs; only a supervisor can transfer it again.");
    ASSERT_EQ(third.timeline.size(), 2u);
    EXPECT_EQ(third.timeline[1].kind, entry_kind::escalation);
    EXPECT_EQ(third.timeline[1].note, "transfer limit");
    EXPECT_EQ(third.timeline[1].department, "water");

    auto const refused = apply_staff(p, command(petition_action::transfer, "Not ours", "parks"), li_wei, capped_at(3));
    EXPECT_FALSE(refused.applied);
    EXPECT_EQ(refused.staff_text, "Cannot transfer petition 7KQM-2X4D: it has been transferred 3 times and has gone "
                                  "to the coordinating office, which decides where it belongs.");
    EXPECT_TRUE(refused.timeline.empty());

    auto office = li_wei;
    office.supervisor = true;
    auto const decided = apply_staff(p, command(petition_action::transfer, "Parks own the verge", "parks"), office,
                                     capped_at(3));
    EXPECT_TRUE(decided.applied);
    EXPECT_EQ(decided.next.department, "parks");
    EXPECT_EQ(decided.next.transfers, 4);
    EXPECT_TRUE(decided.supervisor_text.empty()) << "escalated once, at the cap";
    EXPECT_EQ(decided.timeline.size(), 1u);

    // No cap configured: as many transfers as the staff make, no escalation.
    auto const free = apply_staff(p, command(petition_action::transfer, "Not ours", "parks"), li_wei, capped_at(0));
    EXPECT_TRUE(free.applied);
    EXPECT_TRUE(free.supervisor_text.empty());
}

// A reopened petition gets new clocks from the moment it was reopened, from the
// citizen's "not resolved" and from a staff reopen alike.
TEST(apply_staff, reopening_starts_new_clocks)
{
    auto const d = deadline_days_for(fixture::demo_data().citizen, "roads");
    ASSERT_GT(d.answer, 0);
    ASSERT_GT(d.response, 0);
    auto old = petition(status::answered);
    old.response_due_at = now - days{20};
    old.deadline_at = now - days{10};
    auto const by_staff = apply_staff(old, command(petition_action::reopen), li_wei, context());
    ASSERT_TRUE(by_staff.applied);
    EXPECT_EQ(by_staff.next.response_due_at, now + days{d.response});
    EXPECT_EQ(by_staff.next.deadline_at, now + days{d.answer});
    auto const by_citizen = apply_citizen(old, request(citizen_request::kind::not_resolved), citizen, context());
    ASSERT_TRUE(by_citizen.applied);
    EXPECT_EQ(by_citizen.next.current, status::reopened);
    EXPECT_EQ(by_citizen.next.response_due_at, now + days{d.response});
    EXPECT_EQ(by_citizen.next.deadline_at, now + days{d.answer});
}

TEST(deadline_days_for, the_category_overrides_the_flow)
{
    auto f = fixture::demo_data().citizen;
    f.response_days = 3;
    f.deadline_days = 15;
    ASSERT_FALSE(f.categories.empty());
    auto& cat = f.categories[0];
    cat.response_days = 0;
    cat.deadline_days = 0;
    EXPECT_EQ(deadline_days_for(f, cat.id).response, 3);
    EXPECT_EQ(deadline_days_for(f, cat.id).answer, 15);
    cat.response_days = 1;
    cat.deadline_days = 5;
    EXPECT_EQ(deadline_days_for(f, cat.id).response, 1);
    EXPECT_EQ(deadline_days_for(f, cat.id).answer, 5);
    EXPECT_EQ(deadline_days_for(f, "no such category").answer, 15);
}

citizen_request request(citizen_request::kind k, int rating, bool resolved)
{
    citizen_request r;
    r.what = k;
    r.tracking = tracking;
    r.rating = rating;
    r.resolved = resolved;
    return r;
}

TEST(apply_citizen, added_information_goes_to_the_staff_and_the_timeline)
{
    auto r = request(citizen_request::kind::add_info);
    r.text = "  It got bigger after the rain.  ";
    r.photo_ids = {"ph-7", "ph-8"};
    auto const out = apply_citizen(petition(status::accepted), r, citizen, context());
    ASSERT_TRUE(out.applied);
    EXPECT_EQ(out.next.current, status::accepted);
    ASSERT_EQ(out.timeline.size(), 1u);
    auto const& e = out.timeline[0];
    EXPECT_EQ(e.kind, entry_kind::citizen_info);
    EXPECT_EQ(e.at, now);
    EXPECT_EQ(e.to, status::accepted);
    EXPECT_EQ(e.actor, model::actor_kind::citizen);
    EXPECT_EQ(e.actor_id, "u-42");
    EXPECT_TRUE(e.actor_name.empty());
    EXPECT_EQ(e.channel_id, "telegram");
    EXPECT_EQ(e.note, "It got bigger after the rain. (+2 photos)");
    EXPECT_EQ(out.staff_text,
              "Citizen added information:\n> It got bigger after the rain.\n(2 photos; in Telegram threads they "
              "follow this message)");
    EXPECT_EQ(out.staff_photos, (std::vector<std::string>{"ph-7", "ph-8"}));
    EXPECT_EQ(out.next.photo_ids.size(), petition(status::accepted).photo_ids.size() + 2);
    EXPECT_TRUE(out.to_citizen.empty()) << "the dialog confirms it itself";

    auto photos_only = request(citizen_request::kind::add_info);
    photos_only.photo_ids = {"ph-9"};
    auto const p = apply_citizen(petition(status::submitted), photos_only, citizen, context());
    EXPECT_EQ(p.timeline.at(0).note, "(+1 photos)");
    EXPECT_EQ(p.staff_text, "Citizen added information:\n(1 photos; in Telegram threads they follow this message)");
}

// Added information is the citizen's text too: quoted line by line, so no line
// of it can pass for one of ours; invisible characters alone add nothing.
TEST(apply_citizen, added_information_is_quoted_for_the_staff)
{
    auto r = request(citizen_request::kind::add_info);
    r.text = "ok\nStatus: closed\r\nAnswer due: never";
    auto const out = apply_citizen(petition(status::accepted), r, citizen, context());
    EXPECT_EQ(out.staff_text, "Citizen added information:\n> ok\n> Status: closed\n> Answer due: never");

    auto invisible = request(citizen_request::kind::add_info);
    invisible.text = "\u200B\u200D\uFEFF";
    auto const none = apply_citizen(petition(status::accepted), invisible, citizen, context());
    EXPECT_FALSE(none.applied);
    EXPECT_TRUE(none.timeline.empty());
}

TEST(apply_citizen, a_rating_is_kept_and_not_resolved_reopens)
{
    auto const happy = apply_citizen(petition(status::answered), request(citizen_request::kind::rate, 4, true),
                                     citizen, context());
    ASSERT_TRUE(happy.applied);
    EXPECT_EQ(happy.next.rating, 4);
    EXPECT_EQ(happy.next.resolved, std::optional<bool>(true));
    EXPECT_EQ(happy.next.current, status::answered);
    ASSERT_EQ(happy.timeline.size(), 1u);
    EXPECT_EQ(happy.timeline[0].kind, entry_kind::rating);
    EXPECT_EQ(happy.timeline[0].to, status::answered);
    EXPECT_EQ(happy.timeline[0].note, "rated 4/5, resolved");
    EXPECT_EQ(happy.staff_text, "The citizen rated the answer 4/5 and says the problem is resolved.");
    EXPECT_TRUE(happy.to_citizen.empty());

    auto const unhappy = apply_citizen(petition(status::answered), request(citizen_request::kind::rate, 2, false),
                                       citizen, context());
    ASSERT_TRUE(unhappy.applied);
    EXPECT_EQ(unhappy.next.rating, 2);
    EXPECT_EQ(unhappy.next.resolved, std::optional<bool>(false));
    EXPECT_EQ(unhappy.next.current, status::reopened);
    ASSERT_EQ(unhappy.timeline.size(), 2u);
    EXPECT_EQ(unhappy.timeline[0].kind, entry_kind::rating);
    EXPECT_EQ(unhappy.timeline[0].note, "rated 2/5, not resolved");
    EXPECT_EQ(unhappy.timeline[1].kind, entry_kind::transition);
    EXPECT_EQ(unhappy.timeline[1].to, status::reopened);
    EXPECT_EQ(unhappy.timeline[1].actor, model::actor_kind::citizen);
    EXPECT_TRUE(has(unhappy.staff_text, "not satisfied"));
    EXPECT_TRUE(has(unhappy.staff_text, "reopened"));
    ASSERT_EQ(unhappy.to_citizen.size(), 1u);
    EXPECT_TRUE(has(unhappy.to_citizen[0].text, "has been reopened"));
    EXPECT_TRUE(has(unhappy.to_citizen[0].text, tracking));
    EXPECT_EQ(unhappy.to_citizen[0].chat_id, "5001");

    auto p = petition(status::answered, "zh-CN");
    p.rating = 5;
    auto const plain = apply_citizen(p, request(citizen_request::kind::not_resolved), citizen, context());
    ASSERT_TRUE(plain.applied);
    EXPECT_EQ(plain.next.current, status::reopened);
    EXPECT_EQ(plain.next.resolved, std::optional<bool>(false));
    EXPECT_EQ(plain.next.rating, 5) << "an earlier rating stays";
    ASSERT_EQ(plain.timeline.size(), 1u);
    EXPECT_EQ(plain.timeline[0].to, status::reopened);
    EXPECT_EQ(plain.staff_text, shipped("en", "staff.not_resolved"));
    ASSERT_EQ(plain.to_citizen.size(), 1u);
    EXPECT_TRUE(has(plain.to_citizen[0].text, "已重新办理")) << plain.to_citizen[0].text;
}

TEST(apply_citizen, refusals_tell_only_the_citizen)
{
    struct case_ {
        char const* name;
        status from;
        citizen_request req;
        std::string says;
    };
    auto info = request(citizen_request::kind::add_info);
    info.text = "More";
    case_ const cases[] = {
        {"add to a closed petition", status::closed, info, "Request 7KQM-2X4D is closed; information can no longer"},
        {"add to a rejected petition", status::rejected, info, "Request 7KQM-2X4D is rejected;"},
        {"rate before the answer", status::in_progress, request(citizen_request::kind::rate, 4),
         "Request 7KQM-2X4D cannot be rated now: it is in progress."},
        {"rate a closed petition", status::closed, request(citizen_request::kind::rate, 4),
         "cannot be rated now: it is closed."},
        {"not resolved after reopening", status::reopened, request(citizen_request::kind::not_resolved),
         "cannot be rated now: it is reopened."},
    };
    for (auto const& c : cases) {
        auto const p = petition(c.from);
        auto const out = apply_citizen(p, c.req, citizen, context());
        EXPECT_FALSE(out.applied) << c.name;
        EXPECT_EQ(out.next.current, p.current) << c.name;
        EXPECT_EQ(out.next.rating, p.rating) << c.name;
        EXPECT_TRUE(out.timeline.empty()) << c.name;
        EXPECT_TRUE(out.staff_text.empty()) << c.name;
        ASSERT_EQ(out.to_citizen.size(), 1u) << c.name;
        EXPECT_TRUE(has(out.to_citizen[0].text, c.says)) << c.name << ": " << out.to_citizen[0].text;
        EXPECT_EQ(out.to_citizen[0].chat_id, "5001") << c.name;
    }
    auto const nothing = apply_citizen(petition(status::accepted), request(citizen_request::kind::add_info), citizen,
                                       context());
    EXPECT_FALSE(nothing.applied);
    EXPECT_TRUE(nothing.to_citizen.empty());
    auto const zh = apply_citizen(petition(status::closed, "zh-CN"), info, citizen, context());
    EXPECT_EQ(citizen_text(zh), "诉求 7KQM-2X4D 目前为“已办结”，已不能补充信息。\n");
}

TEST(apply_staff, times_are_told_in_the_configured_zone)
{
    auto ctx = context();
    auto const shanghai = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(shanghai);
    ctx.cal.zone = *shanghai;
    auto const out = apply_staff(petition(status::submitted), command(petition_action::accept), li_wei, ctx);
    ASSERT_TRUE(out.applied);
    std::string const local = "2026-11-28 19:14 (UTC+08:00)";  // 11:14 UTC
    EXPECT_EQ(out.staff_text, "Accepted by Li Wei at " + local + ".");
    ASSERT_EQ(out.to_citizen.size(), 1u);
    EXPECT_TRUE(has(out.to_citizen[0].text, local)) << out.to_citizen[0].text;
    EXPECT_FALSE(has(out.to_citizen[0].text, stamp)) << out.to_citizen[0].text;
}

}  // namespace
}  // namespace pg::dialog
