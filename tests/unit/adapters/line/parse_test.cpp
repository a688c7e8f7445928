#include "adapters/line/line.hpp"

#include "tests/unit/adapters/line/line_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pg::adapters::line {
namespace {

using json = nlohmann::json;
using model::chat_kind;
using model::errc;
using model::event_kind;
using namespace test;

model::result<webhook_input> parse(json events) { return parse_webhook(signed_request(body_of(std::move(events))), channel()); }

model::inbound_event one(json e)
{
    auto in = parse(json::array({std::move(e)}));
    EXPECT_TRUE(in) << in.error().detail;
    if (!in || in->events.size() != 1) {
        ADD_FAILURE() << "expected one event";
        return {};
    }
    return in->events[0];
}

TEST(line_parse, a_text_message_is_a_text_event_of_the_one_to_one_chat)
{
    auto in = parse(json::array({text_event("The street lamp at No. 12 is out")}));
    ASSERT_TRUE(in) << in.error().detail;
    EXPECT_EQ(in->answer.status, 200);
    EXPECT_TRUE(in->answer.body.empty());
    ASSERT_EQ(in->events.size(), 1u);
    auto const& ev = in->events[0];
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "The street lamp at No. 12 is out");
    EXPECT_EQ(ev.channel_id, "line");
    EXPECT_EQ(ev.chat_id, citizen);
    EXPECT_EQ(ev.user_id, citizen);
    EXPECT_EQ(ev.chat, chat_kind::private_chat);
    EXPECT_EQ(ev.dedupe_key, "line:line:01H810YECXQQZ37VAXPF6H9E6T");
    EXPECT_EQ(ev.message_id, "468789577898262530");
    EXPECT_EQ(ev.sent_at, model::from_millis(t0_ms));  // milliseconds, not seconds
    EXPECT_EQ(ev.reply_token, "38ef843bde154d9b91c21320ffd17a0f");
}

TEST(line_parse, the_consoles_verify_is_an_empty_200)
{
    auto in = parse(json::array());
    ASSERT_TRUE(in) << in.error().detail;
    EXPECT_TRUE(in->events.empty());
    EXPECT_EQ(in->answer.status, 200);
}

TEST(line_parse, every_event_of_a_batch_is_one_event_in_order)
{
    auto first = text_event("one");
    auto second = event("postback", "01H810YECXQQZ37VAXPF6H9E6U", "b7c0a0");
    second["postback"] = {{"data", "m:file"}};
    auto in = parse(json::array({first, second}));
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_EQ(in->events.size(), 2u);
    EXPECT_EQ(in->events[0].text, "one");
    EXPECT_EQ(in->events[1].kind, event_kind::button);
    EXPECT_EQ(in->events[1].dedupe_key, "line:line:01H810YECXQQZ37VAXPF6H9E6U");
    EXPECT_EQ(in->events[1].reply_token, "b7c0a0");
}

TEST(line_parse, each_message_type)
{
    auto location = message_event({{"type", "location"}, {"id", "325708"}, {"title", "City Hall"},
                                   {"address", "1-1 Main Street"}, {"latitude", 35.687574}, {"longitude", 139.72922}});
    auto ev = one(location);
    EXPECT_EQ(ev.kind, event_kind::location);
    ASSERT_TRUE(ev.location);
    EXPECT_DOUBLE_EQ(ev.location->latitude, 35.687574);
    EXPECT_DOUBLE_EQ(ev.location->longitude, 139.72922);
    EXPECT_EQ(ev.text, "City Hall, 1-1 Main Street");
    location["message"].erase("title");
    EXPECT_EQ(one(location).text, "1-1 Main Street");
    location["message"].erase("address");
    EXPECT_EQ(one(location).text, "");

    auto image = one(message_event({{"type", "image"}, {"id", "354718705033693859"}, {"quoteToken", "q"},
                                    {"contentProvider", {{"type", "line"}}},
                                    {"imageSet", {{"id", "E005D41A7288F4"}, {"index", 1}, {"total", 2}}}}));
    EXPECT_EQ(image.kind, event_kind::photo);
    EXPECT_EQ(image.photo_ids, std::vector<std::string>{"354718705033693859"});
    EXPECT_EQ(image.text, "");
    EXPECT_FALSE(image.reply_token.empty());

    struct media { char const* type; json extra; };
    media const unsupported[] = {
        {"sticker", {{"packageId", "446"}, {"stickerId", "1988"}, {"stickerResourceType", "ANIMATION"}}},
        {"video", {{"duration", 60000}, {"contentProvider", {{"type", "line"}}}}},
        {"audio", {{"duration", 60000}, {"contentProvider", {{"type", "line"}}}}},
        {"file", {{"fileName", "report.pdf"}, {"fileSize", 2138}}},
    };
    for (auto const& m : unsupported) {
        json message = m.extra;
        message["type"] = m.type;
        message["id"] = "325708";
        auto const u = one(message_event(message));
        EXPECT_EQ(u.kind, event_kind::unsupported) << m.type;
        EXPECT_EQ(u.detail, m.type);
        EXPECT_FALSE(u.reply_token.empty()) << "a hint is answered by reply";
    }
    auto const future = one(message_event({{"type", "hologram"}, {"id", "1"}}));
    EXPECT_EQ(future.kind, event_kind::unsupported);
    EXPECT_EQ(future.detail, "message:hologram");
}

TEST(line_parse, a_postback_is_a_button_press_with_its_data)
{
    auto e = event("postback");
    e["postback"] = {{"data", "c:roads"}, {"params", {{"datetime", "2026-12-05T09:00"}}}};
    auto const ev = one(e);
    EXPECT_EQ(ev.kind, event_kind::button);
    EXPECT_EQ(ev.text, "c:roads");
    EXPECT_EQ(ev.chat_id, citizen);
    EXPECT_FALSE(ev.reply_token.empty());
}

TEST(line_parse, a_follow_starts_the_dialog_as_telegrams_start_does)
{
    auto e = event("follow");
    e["follow"] = {{"isUnblocked", false}};
    auto const ev = one(e);
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "/start");
    EXPECT_EQ(ev.chat_id, citizen);
    EXPECT_EQ(ev.reply_token, "38ef843bde154d9b91c21320ffd17a0f");
}

TEST(line_parse, account_events_and_unknown_types_are_ignored_with_their_type)
{
    for (auto const* type : {"unfollow", "unsend", "join", "leave", "memberJoined", "memberLeft", "beacon",
                             "videoPlayComplete", "accountLink", "someTypeFrom2030"}) {
        auto e = event(type, "01H810YECXQQZ37VAXPF6H9E6V", std::string(type) == "unfollow" ? "" : "t0k3n");
        auto const ev = one(e);
        EXPECT_EQ(ev.kind, event_kind::ignored) << type;
        // Unfollowing (blocking) is an opt-out: the citizen's pushes go elsewhere.
        EXPECT_EQ(ev.detail, std::string(type) == "unfollow" ? model::opted_out : type);
        EXPECT_TRUE(ev.reply_token.empty()) << type << ": nothing answers an ignored event";
        EXPECT_EQ(ev.dedupe_key, "line:line:01H810YECXQQZ37VAXPF6H9E6V") << "recorded, so a redelivery stays a duplicate";
    }
    auto long_type = one(event(std::string(200, 'x')));
    EXPECT_EQ(long_type.detail.size(), 32u);
}

TEST(line_parse, standby_mode_is_not_ours_to_answer)
{
    auto e = text_event("hello");
    e["mode"] = "standby";
    e.erase("replyToken");
    auto const ev = one(e);
    EXPECT_EQ(ev.kind, event_kind::ignored);
    EXPECT_EQ(ev.detail, "standby");
    EXPECT_TRUE(ev.reply_token.empty());
}

TEST(line_parse, groups_and_rooms_are_ignored_as_group_chats)
{
    auto group = text_event("hello all");
    group["source"] = {{"type", "group"}, {"groupId", "Ca56f94637c0a1b2c3d4e5f6a7b8c9d0e"}, {"userId", citizen}};
    auto ev = one(group);
    EXPECT_EQ(ev.kind, event_kind::ignored);
    EXPECT_EQ(ev.chat, chat_kind::group);
    EXPECT_EQ(ev.chat_id, "Ca56f94637c0a1b2c3d4e5f6a7b8c9d0e");
    EXPECT_EQ(ev.detail, "group");
    EXPECT_TRUE(ev.reply_token.empty());

    auto room = text_event("hello all");
    room["source"] = {{"type", "room"}, {"roomId", "Ra8dbf4673c4c812cd491258042226c99"}};  // userId absent
    ev = one(room);
    EXPECT_EQ(ev.kind, event_kind::ignored);
    EXPECT_EQ(ev.chat, chat_kind::group);
    EXPECT_EQ(ev.chat_id, "Ra8dbf4673c4c812cd491258042226c99");
    EXPECT_EQ(ev.detail, "room");
    EXPECT_TRUE(ev.user_id.empty());

    auto joined = event("join");
    joined["source"] = {{"type", "group"}, {"groupId", "Ca56f94637c0a1b2c3d4e5f6a7b8c9d0e"}};
    EXPECT_EQ(one(joined).kind, event_kind::ignored);
}

TEST(line_parse, a_redelivered_event_has_no_reply_token_so_its_answer_is_pushed)
{
    auto e = text_event("hello");
    e["deliveryContext"]["isRedelivery"] = true;
    auto const ev = one(e);
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_TRUE(ev.reply_token.empty());
    EXPECT_EQ(ev.dedupe_key, "line:line:01H810YECXQQZ37VAXPF6H9E6T") << "the same key as the first delivery";

    auto without = text_event("hello");
    without.erase("replyToken");
    without.erase("deliveryContext");
    EXPECT_TRUE(one(without).reply_token.empty());
}

TEST(line_parse, broken_shapes_are_malformed_naming_the_field)
{
    struct case_ {
        char const* name;
        std::string body;
        char const* field;
    };
    auto with = [](auto change) {
        auto e = text_event("hello");
        change(e);
        return body_of(json::array({e}));
    };
    case_ const cases[] = {
        {"not an object", "[]", "body"},
        {"no events", R"({"destination":"U1"})", "events: missing"},
        {"events not an array", R"({"destination":"U1","events":{}})", "events: expected an array"},
        {"destination not a string", R"({"destination":1,"events":[]})", "destination: expected a string"},
        {"an event not an object", R"({"destination":"U1","events":[1]})", "events[0]: expected an object"},
        {"no type", with([](json& e) { e.erase("type"); }), "events[0].type: missing"},
        {"no webhookEventId", with([](json& e) { e.erase("webhookEventId"); }), "events[0].webhookEventId: missing"},
        {"empty webhookEventId", with([](json& e) { e["webhookEventId"] = ""; }), "events[0].webhookEventId: empty"},
        {"timestamp a string", with([](json& e) { e["timestamp"] = "1692251666727"; }), "events[0].timestamp: expected an integer"},
        {"timestamp negative", with([](json& e) { e["timestamp"] = -1; }), "events[0].timestamp"},
        {"no source", with([](json& e) { e.erase("source"); }), "events[0].source: missing"},
        {"user without userId", with([](json& e) { e["source"].erase("userId"); }), "events[0].source.userId: missing"},
        {"no message", with([](json& e) { e.erase("message"); }), "events[0].message: missing"},
        {"text not a string", with([](json& e) { e["message"]["text"] = 5; }), "events[0].message.text: expected a string"},
        {"no message id", with([](json& e) { e["message"].erase("id"); }), "events[0].message.id: missing"},
        {"latitude out of range", with([](json& e) {
             e["message"] = {{"type", "location"}, {"id", "1"}, {"latitude", 91.0}, {"longitude", 0.0}};
         }), "events[0].message.latitude"},
        {"postback without data", with([](json& e) {
             e["type"] = "postback";
             e["postback"] = json::object();
         }), "events[0].postback.data: missing"},
        {"isRedelivery not a boolean", with([](json& e) { e["deliveryContext"]["isRedelivery"] = "yes"; }),
         "events[0].deliveryContext.isRedelivery: expected a boolean"},
        {"not JSON", "{\"events\": [", "body: not JSON"},
        {"invalid UTF-8", "{\"events\":[],\"destination\":\"\xff\"}", "body: invalid UTF-8"},
    };
    for (auto const& c : cases) {
        auto out = parse_webhook(signed_request(c.body), channel());
        ASSERT_FALSE(out) << c.name;
        EXPECT_EQ(out.error().code, errc::malformed_body) << c.name;
        EXPECT_NE(out.error().detail.find(c.field), std::string::npos) << c.name << ": " << out.error().detail;
        EXPECT_EQ(out.error().detail.find("hello"), std::string::npos) << "never the text";
    }
    // The second event is named by its index.
    auto bad = text_event("x");
    bad.erase("source");
    auto out = parse(json::array({text_event("fine"), bad}));
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().detail.find("events[1].source: missing"), std::string::npos) << out.error().detail;
}

TEST(line_parse, the_platform_parses_as_the_function_does)
{
    auto const p = make_with(options());
    auto in = p->parse(signed_request(body_of(json::array({text_event("hi")}))), model::from_millis(t0_ms));
    ASSERT_TRUE(in) << in.error().detail;
    EXPECT_EQ(in->events.at(0).dedupe_key, "line:line:01H810YECXQQZ37VAXPF6H9E6T");
    EXPECT_FALSE(p->parse(signed_request(body_of(json::array()), "0123456789abcdef0123456789abcdef"),
                          model::from_millis(t0_ms)));
}

}  // namespace
}  // namespace pg::adapters::line
