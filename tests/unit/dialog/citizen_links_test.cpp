// One citizen, several chats: "link" hands out a one-time code, "link <code>"
// from another chat joins the two, "notify here" chooses where pushes go, and
// "my requests" lists what the citizen filed from any linked chat.
#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using std::chrono::days;
using std::chrono::minutes;

model::identity const here{channel, chat};
model::identity const elsewhere{"wechat", "oWx-openid-1"};

model::petition filed_from(model::identity const& from, std::string tracking, model::timestamp at)
{
    model::petition p;
    p.tracking = std::move(tracking);
    p.channel_id = from.channel_id;
    p.chat_id = from.chat_id;
    p.language = "en";
    p.category = "roads";
    p.department = "transport";
    p.location_text = good_location;
    p.description = good_description;
    p.submitted_at = at;
    p.deadline_at = at + days{10};
    return p;
}

TEST(link, asks_for_a_code_that_the_gateway_stores_for_ten_minutes)
{
    harness h;
    auto const out = h.run(at(dialog_step::menu), text_event("link"));
    ASSERT_TRUE(out.link);
    EXPECT_EQ(out.link->what, link_request::kind::issue);
    EXPECT_EQ(out.link->code.code, "042137");
    EXPECT_EQ(out.link->code.issued_to, here);
    EXPECT_EQ(out.link->code.expires_at, t0 + minutes{10});
    EXPECT_TRUE(has(all_text(out), "042137")) << all_text(out);
    EXPECT_TRUE(has(all_text(out), "10 minutes")) << all_text(out);
    EXPECT_EQ(out.next.step, dialog_step::menu);  // the dialog goes on where it was
}

TEST(link, is_understood_in_chinese_with_or_without_a_space)
{
    harness h;
    auto const asked = h.run(at(dialog_step::menu, "zh-CN"), text_event("关联"));
    ASSERT_TRUE(asked.link);
    EXPECT_EQ(asked.link->what, link_request::kind::issue);

    h.lookup.codes["042137"] = {"042137", elsewhere, t0 + minutes{5}};
    for (auto const* typed : {"关联 042137", "关联042137", "LINK 042137"}) {
        auto const out = h.run(at(dialog_step::menu, "zh-CN"), text_event(typed));
        ASSERT_TRUE(out.link) << typed;
        EXPECT_EQ(out.link->what, link_request::kind::redeem) << typed;
    }
}

TEST(link, a_valid_code_from_another_chat_joins_the_two)
{
    harness h;
    h.lookup.codes["042137"] = {"042137", elsewhere, t0 + minutes{5}};
    auto const out = h.run(at(dialog_step::track), text_event("link 042137"));
    ASSERT_TRUE(out.link);
    EXPECT_EQ(out.link->what, link_request::kind::redeem);
    EXPECT_EQ(out.link->code.issued_to, elsewhere);
    EXPECT_EQ(out.link->code.code, "042137");
    EXPECT_TRUE(has(all_text(out), shipped("en", "link.done"))) << all_text(out);
}

TEST(link, an_expired_unknown_or_own_code_links_nothing_and_says_why)
{
    harness h;
    h.lookup.codes["111111"] = {"111111", elsewhere, t0};  // expired at this very moment
    h.lookup.codes["222222"] = {"222222", here, t0 + minutes{5}};
    struct case_ {
        char const* typed;
        char const* says;
    } const cases[] = {
        {"link 111111", "link.bad"},
        {"link 333333", "link.bad"},
        {"link 222222", "link.same"},
    };
    for (auto const& c : cases) {
        auto const out = h.run(at(dialog_step::menu), text_event(c.typed));
        EXPECT_FALSE(out.link) << c.typed;
        EXPECT_TRUE(has(all_text(out), shipped("en", c.says))) << c.typed << ": " << all_text(out);
    }
}

TEST(link, seven_digits_or_other_words_are_not_a_link_command)
{
    harness h;
    h.lookup.codes["042137"] = {"042137", elsewhere, t0 + minutes{5}};
    for (auto const* typed : {"link 0421371", "pothole 042137", "042137"}) {
        auto const out = h.run(at(dialog_step::menu), text_event(typed));
        EXPECT_FALSE(out.link) << typed;
    }
}

TEST(link, notify_here_asks_for_pushes_in_this_chat)
{
    harness h;
    auto const out = h.run(at(dialog_step::menu), text_event("notify here"));
    ASSERT_TRUE(out.link);
    EXPECT_EQ(out.link->what, link_request::kind::prefer_here);
    EXPECT_TRUE(has(all_text(out), shipped("en", "notify.here")));
}

TEST(link, my_requests_lists_what_was_filed_from_linked_chats_newest_first)
{
    harness h;
    auto const local = tracking_number(21, "k");
    auto const remote = tracking_number(22, "k");
    auto const strangers = tracking_number(23, "k");
    h.lookup.add(filed_from(here, local, t0 - days{3}), {});
    h.lookup.add(filed_from(elsewhere, remote, t0 - days{1}), {});
    h.lookup.add(filed_from({"wechat", "someone-else"}, strangers, t0 - days{2}), {});
    h.linked = {elsewhere};
    // The gateway lists the linked chats' own numbers; a stale one of another chat is not shown.
    h.linked_petitions = {remote, strangers};
    auto state = at(dialog_step::menu);
    state.petitions = {local};
    auto const out = h.run(state, button_event("m:track"));
    auto const& reply = last_text(out);
    auto const first = reply.find("1. " + remote);
    auto const second = reply.find("2. " + local);
    EXPECT_NE(first, std::string::npos) << reply;
    EXPECT_NE(second, std::string::npos) << reply;
    EXPECT_EQ(reply.find(strangers), std::string::npos) << reply;
}

TEST(link, a_petition_filed_from_a_linked_chat_is_the_citizens_own)
{
    harness h;
    auto const remote = tracking_number(22, "k");
    h.lookup.add(filed_from(elsewhere, remote, t0 - days{1}), {});
    auto const before = h.run(at(dialog_step::track), text_event(remote));
    EXPECT_FALSE(before.next.target_petition == remote);  // not linked: not theirs to add to

    h.linked = {elsewhere};
    auto const after = h.run(at(dialog_step::track), text_event(remote));
    EXPECT_EQ(after.next.target_petition, remote);
    EXPECT_TRUE(has(last_text(after), good_description)) << last_text(after);
}

}  // namespace
}  // namespace pg::dialog
