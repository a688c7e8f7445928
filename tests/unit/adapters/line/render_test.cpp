#include "adapters/line/line.hpp"

#include "adapters/common/utf8.hpp"
#include "tests/unit/adapters/line/line_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace pg::adapters::line {
namespace {

using json = nlohmann::json;
using model::button;
using model::message_kind;
using model::outbound_message;
using namespace std::chrono_literals;
using namespace test;

model::timestamp const event_at = model::from_millis(t0_ms);

outbound_message text_to_citizen(std::string text)
{
    outbound_message m;
    m.channel_id = "line";
    m.chat_id = citizen;
    m.text = std::move(text);
    return m;
}

outbound_message answer_to_event(std::string text)
{
    auto m = text_to_citizen(std::move(text));
    m.reply_token = "38ef843bde154d9b91c21320ffd17a0f";
    m.reply_token_at = event_at;
    return m;
}

send_context at(model::timestamp now, std::uint32_t attempt = 0, std::uint64_t seq = 42)
{
    return {.now = now, .credential = {}, .heard_at = {}, .attempt = attempt, .seq = seq};
}

model::api_call rendered(outbound_message const& m, send_context const& ctx)
{
    auto call = render(m, ctx, channel());
    EXPECT_TRUE(call) << call.error().detail;
    return call ? *call : model::api_call{};
}

std::string header(model::api_call const& c, std::string const& name)
{
    for (auto const& [k, v] : c.headers)
        if (k == name)
            return v;
    return {};
}

TEST(line_render, an_answer_inside_the_tokens_life_is_a_reply)
{
    auto const call = rendered(answer_to_event("Thank you. Which category?"), at(event_at + 3s));
    EXPECT_EQ(call.method, "POST");
    EXPECT_EQ(call.path, "/v2/bot/message/reply");
    EXPECT_EQ(call.content_type, "application/json");
    EXPECT_EQ(header(call, "Authorization"), std::string("Bearer ") + token);
    EXPECT_EQ(header(call, "X-Line-Retry-Key"), "") << "a reply takes no retry key";
    EXPECT_EQ(json::parse(call.body), json::parse(R"({"replyToken":"38ef843bde154d9b91c21320ffd17a0f",
        "messages":[{"type":"text","text":"Thank you. Which category?"}]})"));
}

TEST(line_render, a_push_goes_to_the_chat_with_a_retry_key)
{
    auto const call = rendered(text_to_citizen("7K3M-9Q2P was accepted."), at(event_at, 0, 42));
    EXPECT_EQ(call.path, "/v2/bot/message/push");
    EXPECT_EQ(header(call, "Authorization"), std::string("Bearer ") + token);
    EXPECT_EQ(header(call, "X-Line-Retry-Key"), retry_key("line", citizen, 42));
    EXPECT_EQ(json::parse(call.body),
              json::parse(std::string(R"({"to":")") + citizen +
                          R"(","messages":[{"type":"text","text":"7K3M-9Q2P was accepted."}]})"));
}

TEST(line_render, reply_or_push_by_the_tokens_age)
{
    struct case_ { char const* name; std::chrono::milliseconds age; char const* path; };
    case_ const cases[] = {
        {"at once", 0ms, "/v2/bot/message/reply"},
        {"49 s", 49s, "/v2/bot/message/reply"},
        {"49.999 s", 49'999ms, "/v2/bot/message/reply"},
        {"50 s: the configured lifetime has passed", 50s, "/v2/bot/message/push"},
        {"an hour", 1h, "/v2/bot/message/push"},
    };
    for (auto const& c : cases)
        EXPECT_EQ(rendered(answer_to_event("hi"), at(event_at + c.age)).path, c.path) << c.name;

    // reply_token_seconds moves the boundary.
    auto s = channel();
    s.reply_token_lifetime = 20s;
    EXPECT_EQ(render(answer_to_event("hi"), at(event_at + 19s), s)->path, "/v2/bot/message/reply");
    EXPECT_EQ(render(answer_to_event("hi"), at(event_at + 20s), s)->path, "/v2/bot/message/push");
}

TEST(line_render, every_retry_pushes_with_the_same_key_and_every_entry_has_its_own)
{
    auto const m = answer_to_event("hi");
    EXPECT_EQ(rendered(m, at(event_at, 0, 42)).path, "/v2/bot/message/reply");
    auto const first_push = rendered(m, at(event_at + 1s, 1, 42));
    EXPECT_EQ(first_push.path, "/v2/bot/message/push") << "the token may be spent: a retry pushes";
    EXPECT_TRUE(json::parse(first_push.body).contains("to"));
    EXPECT_FALSE(json::parse(first_push.body).contains("replyToken"));
    auto const key = header(first_push, "X-Line-Retry-Key");
    EXPECT_FALSE(key.empty());
    for (std::uint32_t attempt = 2; attempt < 6; ++attempt)
        EXPECT_EQ(header(rendered(m, at(event_at + 5min, attempt, 42)), "X-Line-Retry-Key"), key) << attempt;
    EXPECT_NE(header(rendered(m, at(event_at, 1, 43)), "X-Line-Retry-Key"), key);
    EXPECT_NE(header(rendered(text_to_citizen("hi"), at(event_at, 0, 41)), "X-Line-Retry-Key"), key);
}

TEST(line_render, buttons_become_quick_replies_with_postbacks)
{
    auto m = answer_to_event("Which category?");
    m.buttons = {{{"Roads and pavements", "c:roads"}, {"Street lighting", "c:lighting"}},
                 {{"Back", "back"}, {"Cancel", "cancel"}},
                 {}};
    auto const body = json::parse(rendered(m, at(event_at)).body);
    auto const items = body["messages"][0]["quickReply"]["items"];
    ASSERT_EQ(items.size(), 4u);
    EXPECT_EQ(items[0], json::parse(R"({"type":"action","action":{"type":"postback","label":"Roads and pavements",
                                        "data":"c:roads","displayText":"Roads and pavements"}})"));
    EXPECT_EQ(items[3]["action"]["data"], "cancel");
    EXPECT_EQ(body["messages"][0]["text"], "Which category?");
}

TEST(line_render, a_long_label_is_clipped_to_20_and_shown_whole_when_pressed)
{
    auto m = text_to_citizen("Choose");
    std::string const label = "Noise from a building site at night";
    std::string const chinese = "道路、人行道和自行车道的维修问题";  // 16 characters: fits
    std::string const emoji = "\U0001F6A7\U0001F6A7\U0001F6A7\U0001F6A7\U0001F6A7\U0001F6A7\U0001F6A7\U0001F6A7"
                              "\U0001F6A7\U0001F6A7\U0001F6A7";  // 11 emoji: 22 UTF-16 units
    m.buttons = {{{label, "c:noise"}, {chinese, "c:roads"}, {emoji, "c:works"}}};
    auto const items = json::parse(rendered(m, at(event_at)).body)["messages"][0]["quickReply"]["items"];
    EXPECT_EQ(items[0]["action"]["label"], "Noise from a buildi\u2026");
    EXPECT_EQ(items[0]["action"]["displayText"], label);
    EXPECT_EQ(items[1]["action"]["label"], chinese);
    auto const clipped = items[2]["action"]["label"].get<std::string>();
    EXPECT_EQ(clipped, emoji.substr(0, 9 * 4) + "\u2026") << "9 emoji (18 units) and the ellipsis";
}

TEST(line_render, a_location_request_is_a_location_quick_reply_on_top)
{
    auto m = text_to_citizen("Where is it?");
    m.location_label = "Share my location";
    m.buttons = {{{"Back", "back"}, {"Cancel", "cancel"}}};
    auto const items = json::parse(rendered(m, at(event_at)).body)["messages"][0]["quickReply"]["items"];
    ASSERT_EQ(items.size(), 3u);
    EXPECT_EQ(items[0], json::parse(R"({"type":"action","action":{"type":"location","label":"Share my location"}})"));
    EXPECT_EQ(items[1]["action"]["type"], "postback");
}

TEST(line_render, thirteen_quick_replies_fit_and_fourteen_choices_become_lines_in_the_text)
{
    auto screen = [](std::size_t categories) {
        // As the dialog writes a category screen: the text numbers the categories, the
        // buttons repeat them and add Back and Cancel.
        outbound_message m = text_to_citizen("Which category?");
        std::vector<button> row;
        for (std::size_t i = 1; i <= categories; ++i) {
            m.text += "\n" + std::to_string(i) + ". Category " + std::to_string(i);
            m.buttons.push_back({{"Category " + std::to_string(i), "c:" + std::to_string(i)}});
        }
        m.buttons.push_back({{"Back", "back"}, {"Cancel", "cancel"}});
        return m;
    };
    auto const fits = json::parse(rendered(screen(11), at(event_at)).body)["messages"][0];
    EXPECT_EQ(fits["quickReply"]["items"].size(), 13u);

    auto const m = screen(12);  // 14 buttons
    auto const over = json::parse(rendered(m, at(event_at)).body)["messages"][0];
    EXPECT_FALSE(over.contains("quickReply"));
    // The numbered categories stay as they are (a typed number is their press); the
    // others are listed by label, which typed is theirs.
    EXPECT_EQ(over["text"], m.text + "\n\n\u2022 Back\n\u2022 Cancel");
}

TEST(line_render, a_text_is_cut_to_5000_units_but_never_its_listed_choices)
{
    auto m = text_to_citizen(std::string(6000, 'a'));
    EXPECT_EQ(json::parse(rendered(m, at(event_at)).body)["messages"][0]["text"].get<std::string>().size(), 5000u);

    for (int i = 0; i < 14; ++i)
        m.buttons.push_back({{"Choice " + std::to_string(i), "x" + std::to_string(i)}});
    auto const text = json::parse(rendered(m, at(event_at)).body)["messages"][0]["text"].get<std::string>();
    EXPECT_EQ(utf16_length(text), 5000u);
    EXPECT_TRUE(text.ends_with("\u2022 Choice 13")) << text.substr(text.size() - 40);

    // Choices that alone pass the limit are cut with the rest (a dialog never writes such labels).
    auto huge = text_to_citizen("Pick one");
    for (int i = 0; i < 14; ++i)
        huge.buttons.push_back({{std::string(400, char('a' + i)), "x" + std::to_string(i)}});
    auto const cut = json::parse(rendered(huge, at(event_at)).body)["messages"][0]["text"].get<std::string>();
    EXPECT_EQ(utf16_length(cut), 5000u);
    EXPECT_NE(cut.find("\n\n\u2022 aaaa"), std::string::npos) << "the choices before the text";

    EXPECT_EQ(json::parse(rendered(text_to_citizen(" \n"), at(event_at)).body)["messages"][0]["text"], "\u2026")
        << "LINE refuses a blank text";
}

TEST(line_render, acks_and_photos_call_nothing_and_threads_are_refused)
{
    auto ack = text_to_citizen("");
    ack.kind = message_kind::callback_ack;
    ack.callback_id = "cb";
    EXPECT_TRUE(rendered(ack, at(event_at)).path.empty());

    auto photo = text_to_citizen("caption");
    photo.kind = message_kind::photo;
    photo.media_id = "354718705033693859";
    EXPECT_TRUE(rendered(photo, at(event_at)).path.empty());

    auto thread = text_to_citizen("card");
    thread.kind = message_kind::open_thread;
    auto refused = render(thread, at(event_at), channel());
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().detail.find("open_thread"), std::string::npos);

    auto nowhere = text_to_citizen("hi");
    nowhere.chat_id.clear();
    EXPECT_FALSE(render(nowhere, at(event_at), channel()));
}

TEST(line_render, the_platform_renders_with_its_configured_lifetime)
{
    auto o = options();
    o["reply_token_seconds"] = 10;
    auto const p = make_with(o);
    EXPECT_EQ(p->render(answer_to_event("hi"), at(event_at + 9s))->path, "/v2/bot/message/reply");
    EXPECT_EQ(p->render(answer_to_event("hi"), at(event_at + 10s))->path, "/v2/bot/message/push");
    auto const fresh = make_with(options());  // the default: 50 s
    EXPECT_EQ(fresh->render(answer_to_event("hi"), at(event_at + 49s))->path, "/v2/bot/message/reply");
    EXPECT_EQ(fresh->render(answer_to_event("hi"), at(event_at + 50s))->path, "/v2/bot/message/push");
}

}  // namespace
}  // namespace pg::adapters::line
