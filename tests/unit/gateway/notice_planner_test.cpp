// The notification planner: which of a citizen's chats a status push goes to,
// in which form, and why the others were passed over. Real platforms from the
// registry decide what they would refuse.
#include "gateway/notice_planner.hpp"

#include "adapters/platform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>

namespace pg::gateway {
namespace {

using std::chrono::hours;
using model::identity;

model::timestamp const t0 = model::from_millis(1'800'000'000'000);

config::channel_settings channel_of(std::string id, std::string type)
{
    auto const* kind = adapters::find_platform_kind(type);
    EXPECT_NE(kind, nullptr) << type;
    config::channel_settings c;
    c.id = std::move(id);
    c.type = std::move(type);
    c.api_base = "http://127.0.0.1:9";
    c.options = std::make_shared<nlohmann::json const>(nlohmann::json::parse(kind->example));
    return c;
}

// Telegram (no window), WeChat (48 hours; the example config has a template for
// "accepted" only) and the web chat.
channel_table const& channels()
{
    static channel_table const t({channel_of("telegram", "telegram"), channel_of("wechat", "wechat"),
                                  channel_of("webchat", "webchat")});
    return t;
}

identity const tg{"telegram", "5001"};
identity const wx{"wechat", "oWx-1"};
identity const web{"webchat", "w-1"};

model::outbound_message push_to(identity const& filed_from, std::string status)
{
    model::outbound_message m;
    m.channel_id = filed_from.channel_id;
    m.chat_id = filed_from.chat_id;
    m.text = "7K3M-9Q2P is now " + status;
    m.notice_tracking = "7K3M-9Q2P";
    m.notice_status = std::move(status);
    return m;
}

struct heard_map {
    std::map<std::string, model::timestamp> at;
    model::timestamp operator()(identity const& i) const
    {
        auto const it = at.find(i.channel_id + "/" + i.chat_id);
        return it == at.end() ? model::timestamp{} : it->second;
    }
    void set(identity const& i, model::timestamp t) { at[i.channel_id + "/" + i.chat_id] = t; }
};

TEST(notice_planner, a_citizen_of_one_chat_gets_the_push_there_as_text)
{
    heard_map heard;
    heard.set(tg, t0 - hours{200});
    auto const plan = plan_notice(push_to(tg, "answered"), model::alone(tg), heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "telegram");
    EXPECT_EQ(plan.message->chat_id, "5001");
    EXPECT_EQ(plan.message->heard_at, t0 - hours{200});
    EXPECT_EQ(plan.form, "text");
    EXPECT_TRUE(plan.passed.empty());
    EXPECT_EQ(describe(plan), "telegram (text)");
}

TEST(notice_planner, the_chosen_chat_comes_first_then_the_one_filed_from)
{
    heard_map heard;
    heard.set(wx, t0 - hours{1});
    model::citizen who{{tg, wx, web}, wx, {}};
    auto plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "wechat");
    EXPECT_EQ(plan.message->chat_id, "oWx-1");

    who.preferred.reset();
    plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "telegram");
}

TEST(notice_planner, a_chat_past_its_window_gets_a_template_or_is_passed_over)
{
    heard_map heard;
    heard.set(wx, t0 - hours{49});
    model::citizen const who{{wx, tg}, wx, {}};
    // "accepted" has a template: WeChat takes it outside the window.
    auto plan = plan_notice(push_to(tg, "accepted"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "wechat");
    EXPECT_EQ(plan.form, "template");
    // "answered" has none: WeChat would refuse it, so Telegram gets it, and the timeline says why.
    plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "telegram");
    ASSERT_EQ(plan.passed.size(), 1u);
    EXPECT_TRUE(plan.passed[0].starts_with("wechat: ")) << plan.passed[0];
    EXPECT_TRUE(describe(plan).starts_with("telegram (text); passed over wechat: ")) << describe(plan);
    EXPECT_EQ(describe(plan).find("oWx-1"), std::string::npos) << "no chat ids on the timeline";
}

TEST(notice_planner, other_linked_chats_go_by_who_wrote_last)
{
    heard_map heard;
    heard.set(wx, t0 - hours{3});
    heard.set(web, t0 - hours{1});
    model::citizen who{{tg, wx, web}, std::nullopt, {tg}};  // the chat filed from has opted out
    auto const plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "webchat");
    EXPECT_EQ(plan.passed, (std::vector<std::string>{"telegram: opted out or failing"}));
}

TEST(notice_planner, chats_already_tried_are_skipped_and_none_left_means_not_sent)
{
    heard_map heard;
    heard.set(wx, t0 - hours{100});
    model::citizen const who{{tg, wx}, std::nullopt, {}};
    std::vector<identity> const tried{tg};
    auto const plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0, tried);
    EXPECT_FALSE(plan.message);
    ASSERT_EQ(plan.passed.size(), 1u);
    EXPECT_TRUE(describe(plan).starts_with("not sent: no chat can take it; passed over wechat: ")) << describe(plan);
}

TEST(notice_planner, a_chat_whose_channel_is_gone_is_passed_over)
{
    heard_map heard;
    model::citizen const who{{identity{"retired", "1"}, tg}, identity{"retired", "1"}, {}};
    auto const plan = plan_notice(push_to(tg, "answered"), who, heard, channels(), t0);
    ASSERT_TRUE(plan.message);
    EXPECT_EQ(plan.message->channel_id, "telegram");
    EXPECT_EQ(plan.passed, (std::vector<std::string>{"retired: not a citizen channel now"}));
}

}  // namespace
}  // namespace pg::gateway
