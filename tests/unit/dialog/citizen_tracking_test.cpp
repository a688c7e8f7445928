#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using std::chrono::days;
using std::chrono::hours;

std::string const mine_old = tracking_number(11, "k");
std::string const mine_new = tracking_number(12, "k");
std::string const theirs = tracking_number(13, "k");
std::string const secret_description = "Broken fence behind the school on Elm Road 5, dangerous for children.";
std::string const secret_location = "Elm Road 5, behind the school";

model::petition make_petition(std::string tracking, std::string chat_id, std::string user_id, std::string category,
                              model::timestamp at)
{
    model::petition p;
    p.tracking = std::move(tracking);
    p.channel_id = channel;
    p.chat_id = std::move(chat_id);
    p.user_id = std::move(user_id);
    p.language = "en";
    p.category = std::move(category);
    p.department = "transport";
    p.location_text = good_location;
    p.description = good_description;
    p.current = model::status::submitted;
    p.submitted_at = at;
    p.deadline_at = at + days{10};
    return p;
}

// A transition entry, as the store keeps it.
model::timeline_event entry(model::timestamp at, model::status to, model::actor_kind actor, std::string actor_id,
                            std::string department, std::string note)
{
    model::timeline_event e;
    e.at = at;
    e.kind = model::entry_kind::transition;
    e.to = to;
    e.actor = actor;
    e.actor_id = std::move(actor_id);
    e.channel_id = channel;
    e.department = std::move(department);
    e.note = std::move(note);
    return e;
}

struct tracking_harness : harness {
    tracking_harness()
    {
        using model::actor_kind;
        using model::status;
        lookup.add(make_petition(mine_old, chat, user, "roads", t0 - days{20}),
                   {entry(t0 - days{20}, status::submitted, actor_kind::citizen, user, "transport", "submitted")});
        auto newer = make_petition(mine_new, chat, user, "lighting", t0 - days{2});
        newer.current = status::accepted;
        lookup.add(newer,
                   {entry(t0 - days{2}, status::submitted, actor_kind::citizen, user, "public_works", "submitted"),
                    entry(t0 - days{1}, status::accepted, actor_kind::staff, "staff-1", "public_works",
                          "We will send a crew on Friday.")});
        auto other = make_petition(theirs, "9999", "u-999", "parks", t0 - days{3});
        other.description = secret_description;
        other.location_text = secret_location;
        other.current = status::transferred;
        lookup.add(other, {entry(t0 - days{3}, status::submitted, actor_kind::citizen, "u-999", "parks", "submitted"),
                           entry(t0 - days{3} + hours{2}, status::transferred, actor_kind::staff, "staff-2",
                                 "sanitation", "Called Mr. Smith at u-999 about the fence")});
    }
    model::conversation state_at(dialog_step s)
    {
        auto st = at(s);
        st.petitions = {mine_old, mine_new};
        return st;
    }
};

TEST(track, lists_own_petitions_newest_first_with_a_button_each)
{
    tracking_harness h;
    auto const out = h.run(h.state_at(dialog_step::menu), text_event("2"));
    EXPECT_EQ(out.next.step, dialog_step::track);
    auto const& reply = last_text(out);
    auto const newer = reply.find("1. " + mine_new);
    auto const older = reply.find("2. " + mine_old);
    ASSERT_NE(newer, std::string::npos) << reply;
    ASSERT_NE(older, std::string::npos) << reply;
    EXPECT_TRUE(has(reply, "Street lighting"));
    EXPECT_TRUE(has(reply, shipped("en", "status.accepted")));
    EXPECT_TRUE(has(reply, "2023-11-12"));
    EXPECT_FALSE(has(reply, theirs));
    EXPECT_EQ(last_buttons(out), (std::vector<std::string>{"t:" + mine_new, "t:" + mine_old, "menu"}));
}

TEST(track, with_nothing_filed_invites_a_tracking_number)
{
    harness h;
    auto const out = h.run(at(dialog_step::menu), button_event("m:track"));
    EXPECT_EQ(out.next.step, dialog_step::track);
    EXPECT_TRUE(has(last_text(out), shipped("en", "track.none")));
}

TEST(track, own_petition_shows_details_and_timeline)
{
    struct case_ { char const* name; dialog_step from; model::inbound_event ev; };
    auto const typed = mine_new.substr(0, 4) + mine_new.substr(5);
    std::string lower;
    for (char c : typed)
        lower += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    case_ const cases[] = {
        {"button at track", dialog_step::track, button_event("t:" + mine_new)},
        {"list number", dialog_step::track, text_event("1")},
        {"typed at the menu, lower case without hyphen", dialog_step::menu, text_event(lower)},
        {"typed at track", dialog_step::track, text_event(mine_new)},
    };
    for (auto const& c : cases) {
        tracking_harness h;
        auto const out = h.run(h.state_at(c.from), c.ev);
        auto const& reply = last_text(out);
        EXPECT_EQ(out.next.step, dialog_step::track) << c.name;
        EXPECT_TRUE(has(reply, mine_new)) << c.name;
        EXPECT_TRUE(has(reply, good_description)) << c.name;
        EXPECT_TRUE(has(reply, good_location)) << c.name;
        EXPECT_TRUE(has(reply, "Street lighting")) << c.name;
        EXPECT_TRUE(has(reply, "2023-11-12 22:13 UTC")) << c.name;
        EXPECT_TRUE(has(reply, "We will send a crew on Friday.")) << c.name;
        EXPECT_TRUE(has(reply, "Public Works Department")) << c.name;
        EXPECT_LT(reply.find(shipped("en", "status.submitted")), reply.find("We will send")) << "oldest first";
        EXPECT_FALSE(has(reply, "Public Works Department \u00b7 submitted")) << "a note that repeats the status";
    }
}

TEST(track, someone_elses_petition_shows_status_and_timeline_only)
{
    for (auto from : {dialog_step::menu, dialog_step::track}) {
        tracking_harness h;
        auto const out = h.run(h.state_at(from), text_event(theirs));
        auto const& reply = last_text(out);
        EXPECT_EQ(out.next.step, dialog_step::track);
        EXPECT_TRUE(has(reply, theirs));
        EXPECT_TRUE(has(reply, shipped("en", "status.transferred")));
        EXPECT_TRUE(has(reply, "2023-11-11 22:13 UTC"));
        EXPECT_TRUE(has(reply, "Sanitation Department"));
        EXPECT_FALSE(has(reply, secret_description));
        EXPECT_FALSE(has(reply, "Broken fence"));
        EXPECT_FALSE(has(reply, "Elm Road"));
        EXPECT_FALSE(has(reply, "u-999"));
        EXPECT_FALSE(has(reply, "9999"));
        EXPECT_FALSE(has(reply, "staff-2"));
        EXPECT_FALSE(has(reply, "Mr. Smith"));
    }
}

TEST(track, a_tracking_number_as_first_message_gets_the_welcome_then_the_details)
{
    tracking_harness h;
    auto const out = h.run(model::conversation{}, text_event(theirs));
    ASSERT_EQ(out.replies.size(), 2u);
    EXPECT_TRUE(has(out.replies[0].text, shipped("en", "welcome")));
    EXPECT_TRUE(has(out.replies[1].text, theirs));
    EXPECT_FALSE(has(out.replies[1].text, secret_description));
    EXPECT_EQ(out.next.step, dialog_step::track);
}

TEST(track, own_by_chat_even_when_no_longer_remembered)
{
    tracking_harness h;
    auto st = h.state_at(dialog_step::track);
    st.petitions.clear();
    auto const out = h.run(st, text_event(mine_old));
    EXPECT_TRUE(has(last_text(out), good_description));
}

TEST(track, not_found_says_so_and_reprompts)
{
    tracking_harness h;
    auto const unknown = tracking_number(999, "k");
    for (auto from : {dialog_step::menu, dialog_step::track}) {
        auto const st = h.state_at(from);
        auto const out = h.run(st, text_event(unknown));
        EXPECT_EQ(out.next.step, dialog_step::track);
        EXPECT_TRUE(has(last_text(out), unknown));
        EXPECT_TRUE(has(last_text(out), head_of("en", "track.not_found")));
        EXPECT_TRUE(has(last_text(out), head_of("en", "track.list"))) << "re-prompted with the list";
    }
    auto const garbage = h.run(h.state_at(dialog_step::track), text_event("where is my request"));
    EXPECT_EQ(garbage.next.step, dialog_step::track);
    EXPECT_TRUE(has(last_text(garbage), shipped("en", "expect.track")));
}

TEST(track, a_long_timeline_keeps_the_newest_entries_within_the_limit)
{
    tracking_harness h;
    std::vector<model::timeline_event> tl;
    for (int i = 0; i < 200; ++i)
        tl.push_back(entry(t0 + hours{i}, model::status::in_progress, model::actor_kind::staff, "s", "parks",
                           "Update " + std::to_string(i) + ": " + std::string(400, 'x')));
    h.lookup.timelines[mine_new] = tl;
    auto const out = h.run(h.state_at(dialog_step::track), text_event(mine_new));
    auto const& reply = last_text(out);
    EXPECT_LE(utf16_units(reply), 4000u);
    EXPECT_TRUE(has(reply, "Update 199:"));
    EXPECT_FALSE(has(reply, "Update 0:"));
    EXPECT_TRUE(has(reply, "earlier entries not shown"));
    EXPECT_TRUE(has(reply, good_description));
}

TEST(track, times_are_shown_in_the_configured_zone)
{
    tracking_harness h;
    auto const shanghai = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(shanghai);
    h.cal.zone = *shanghai;
    auto const out = h.run(h.state_at(dialog_step::track), text_event(mine_new));
    auto const& reply = last_text(out);
    // Submitted 2023-11-12 22:13 UTC: the next morning in Shanghai.
    EXPECT_TRUE(has(reply, "2023-11-13 06:13 (UTC+08:00)")) << reply;
    EXPECT_FALSE(has(reply, " UTC\n")) << reply;
}

}  // namespace
}  // namespace pg::dialog
