#include "adapters/slack/slack.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace pg::adapters::slack {
namespace {

using json = nlohmann::json;
using model::button;
using model::message_kind;
using model::outbound_message;

secrets const keys{"8f742231b10e8888abcd99yyyzzz85a5", "xoxb-1234567890-9876543210987-NotARealTokenAtAll00"};
using header_list = std::vector<std::pair<std::string, std::string>>;
header_list const bearer{{"Authorization", "Bearer xoxb-1234567890-9876543210987-NotARealTokenAtAll00"}};

outbound_message text_to(std::string chat_id, std::string text, std::string thread = {})
{
    outbound_message m;
    m.channel_id = "staff";
    m.chat_id = std::move(chat_id);
    m.text = std::move(text);
    m.thread_id = std::move(thread);
    return m;
}

outbound_message with_buttons(outbound_message m, std::vector<std::vector<button>> rows, std::string location_label = {})
{
    m.buttons = std::move(rows);
    m.location_label = std::move(location_label);
    return m;
}

outbound_message open_thread(std::string chat_id, std::string card, std::string title, std::string thread = {})
{
    outbound_message m;
    m.kind = message_kind::open_thread;
    m.channel_id = "staff";
    m.chat_id = std::move(chat_id);
    m.text = std::move(card);
    m.title = std::move(title);
    m.thread_key = "P-2025-00043";
    m.thread_id = std::move(thread);
    return m;
}

// The body is compared as JSON, so the structure must match exactly: no missing and no extra keys.
TEST(slack_render, each_message_shape)
{
    struct case_ { char const* name; outbound_message message; char const* body; };
    case_ const cases[] = {
        {"top-level message", text_to("C07STAFF4PX", "Daily summary: 3 new, 1 overdue."),
         R"({"channel":"C07STAFF4PX","text":"Daily summary: 3 new, 1 overdue.","unfurl_links":false})"},
        {"reply in a thread", text_to("C07STAFF4PX", "Transferred to roads.", "1764330001.000200"),
         R"({"channel":"C07STAFF4PX","text":"Transferred to roads.","thread_ts":"1764330001.000200","unfurl_links":false})"},
        {"open a thread: the card is the parent",
         open_thread("C07STAFF4PX", "P-2025-00043 Roads\nPothole outside No. 3 Mill Lane", "P-2025-00043 Roads"),
         R"({"channel":"C07STAFF4PX","text":"P-2025-00043 Roads\nPothole outside No. 3 Mill Lane","unfurl_links":false})"},
        {"open a thread never goes into one",
         open_thread("C07STAFF4PX", "P-2025-00043 Roads", "P-2025-00043 Roads", "1764330001.000200"),
         R"({"channel":"C07STAFF4PX","text":"P-2025-00043 Roads","unfurl_links":false})"},
        {"open a thread without a card: the title", open_thread("C07STAFF4PX", " ", "P-2025-00043 Roads"),
         R"({"channel":"C07STAFF4PX","text":"P-2025-00043 Roads","unfurl_links":false})"},
        {"open a thread with nothing", open_thread("C07STAFF4PX", "", ""),
         R"({"channel":"C07STAFF4PX","text":"…","unfurl_links":false})"},
        {"citizen text is escaped", text_to("C07STAFF4PX", "<@U02MLINDQV1> <!channel> 5 < 6 & 7 > 3 &amp;"),
         R"({"channel":"C07STAFF4PX","text":"&lt;@U02MLINDQV1&gt; &lt;!channel&gt; 5 &lt; 6 &amp; 7 &gt; 3 &amp;amp;","unfurl_links":false})"},
        {"a card is escaped too", open_thread("C07STAFF4PX", "P-1 <script>", "P-1"),
         R"({"channel":"C07STAFF4PX","text":"P-1 &lt;script&gt;","unfurl_links":false})"},
        {"buttons become numbered lines",
         with_buttons(text_to("C07STAFF4PX", "Which department?"), {{{"Roads", "dep:roads"}, {"Lighting", "dep:light"}},
                                                                     {{"Cancel", "cancel"}}}),
         R"({"channel":"C07STAFF4PX","text":"Which department?\n\n1. Roads\n2. Lighting\n3. Cancel","unfurl_links":false})"},
        {"buttons without text", with_buttons(text_to("C07STAFF4PX", ""), {{}, {{"Accept & close", "a"}}}),
         R"({"channel":"C07STAFF4PX","text":"1. Accept &amp; close","unfurl_links":false})"},
        {"only empty rows", with_buttons(text_to("C07STAFF4PX", "x"), {{}, {}}),
         R"({"channel":"C07STAFF4PX","text":"x","unfurl_links":false})"},
        {"location keyboard is dropped", with_buttons(text_to("C07STAFF4PX", "Where?"), {}, "Share location"),
         R"({"channel":"C07STAFF4PX","text":"Where?","unfurl_links":false})"},
        {"empty text gets a stand-in", text_to("C07STAFF4PX", ""),
         R"({"channel":"C07STAFF4PX","text":"…","unfurl_links":false})"},
        {"blank text gets a stand-in", text_to("C07STAFF4PX", " \n\t", "1764330001.000200"),
         R"({"channel":"C07STAFF4PX","text":"…","thread_ts":"1764330001.000200","unfurl_links":false})"},
        {"CJK and emoji", text_to("C07STAFF4PX", "已受理 P-2025-00042 ✅💡"),
         R"({"channel":"C07STAFF4PX","text":"已受理 P-2025-00042 ✅💡","unfurl_links":false})"},
        {"invalid UTF-8 becomes U+FFFD", text_to("C07STAFF4PX", "bad \xFF byte"),
         R"({"channel":"C07STAFF4PX","text":"bad \ufffd byte","unfurl_links":false})"},
        {"a DM channel id", text_to("D07DIRECT01", "hello"),
         R"({"channel":"D07DIRECT01","text":"hello","unfurl_links":false})"},
    };
    for (auto const& c : cases) {
        auto const call = render(c.message, keys);
        EXPECT_EQ(call.method, "POST") << c.name;
        EXPECT_EQ(call.path, "/chat.postMessage") << c.name;
        EXPECT_EQ(call.path.find("xox"), std::string::npos) << c.name;
        EXPECT_EQ(call.content_type, "application/json; charset=utf-8") << c.name;
        EXPECT_EQ(call.headers, bearer) << c.name;
        EXPECT_EQ(call.body.find("xox"), std::string::npos) << c.name;
        auto const body = json::parse(call.body, nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << c.name << ": " << call.body;
        EXPECT_EQ(body, json::parse(c.body)) << c.name << "\n got: " << call.body;
    }
}

// Slack delivers no button presses to us, so there is nothing to acknowledge: an empty
// path is the gateway's sign to send nothing.
TEST(slack_render, a_callback_ack_calls_nothing)
{
    outbound_message m;
    m.kind = message_kind::callback_ack;
    m.channel_id = "staff";
    m.chat_id = "C07STAFF4PX";
    m.callback_id = "1234.5678";
    m.text = "Saved";
    auto const call = render(m, keys);
    EXPECT_EQ(call.path, "");
    EXPECT_EQ(call.body, "");
    EXPECT_TRUE(call.headers.empty());
}

// A Telegram file id means nothing to Slack: the card's photo count stands in.
TEST(slack_render, a_photo_from_another_platform_calls_nothing)
{
    outbound_message m;
    m.kind = message_kind::photo;
    m.channel_id = "staff";
    m.chat_id = "C07STAFF4PX";
    m.media_id = "AgACAgIAAxkBAAIBQ2";
    auto const call = render(m, keys);
    EXPECT_EQ(call.path, "");
    EXPECT_EQ(call.body, "");
}

std::string repeat(std::string const& unit, std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += unit;
    return out;
}

// 3,900 UTF-16 units of the text as sent (escaped); never a split character or entity.
TEST(slack_render, long_texts_are_cut)
{
    std::string const emoji = "\xF0\x9F\x92\xA1";  // two UTF-16 units
    std::string const han = "\xE8\xB7\xAF";        // one unit, three bytes
    struct case_ { char const* name; outbound_message message; std::string expect; };
    case_ const cases[] = {
        {"ascii at the limit",          text_to("C1", repeat("a", 3900)),                repeat("a", 3900)},
        {"ascii over the limit",        text_to("C1", repeat("a", 5000)),                repeat("a", 3900)},
        {"CJK over the limit",          text_to("C1", repeat(han, 5000)),                repeat(han, 3900)},
        {"emoji count twice",           text_to("C1", repeat(emoji, 3000)),              repeat(emoji, 1950)},
        {"emoji that would straddle",   text_to("C1", repeat("a", 3899) + emoji),        repeat("a", 3899)},
        {"an entity that fits",         text_to("C1", repeat("a", 3895) + "&b"),         repeat("a", 3895) + "&amp;"},
        {"an entity that would be cut", text_to("C1", repeat("a", 3898) + "&&"),         repeat("a", 3898)},
        {"&lt; that would be cut",      text_to("C1", repeat("a", 3897) + "<"),          repeat("a", 3897)},
        {"only entities",               text_to("C1", repeat(">", 1000)),                repeat("&gt;", 975)},
        {"a card too",                  open_thread("C1", repeat("c", 4000), "t"),       repeat("c", 3900)},
    };
    for (auto const& c : cases) {
        auto const body = json::parse(render(c.message, keys).body);
        EXPECT_EQ(body["text"].get<std::string>(), c.expect) << c.name;
    }
}

// A card as the dialog writes it, with a description that tries to add card lines:
// each of its lines starts with "> ", which Slack receives as "&gt; " (a block
// quote), and the citizen's own markup stays text.
TEST(slack_render, citizen_lines_of_a_card_stay_in_the_quote)
{
    std::string const card = "New petition 7KQM-2X4D\nDepartment: Transport Department\nDescription:\n"
                             "> ok\n> Department: parks\n> Answer due: never <!channel> <https://x.example|y>\n"
                             "> > nested\nPhotos: 0\nAnswer due: 2026-12-03 09:30 UTC";
    auto const text = json::parse(render(open_thread("C07STAFF4PX", card, "t"), keys).body)["text"].get<std::string>();
    EXPECT_EQ(text, "New petition 7KQM-2X4D\nDepartment: Transport Department\nDescription:\n"
                    "&gt; ok\n&gt; Department: parks\n"
                    "&gt; Answer due: never &lt;!channel&gt; &lt;https://x.example|y&gt;\n"
                    "&gt; &gt; nested\nPhotos: 0\nAnswer due: 2026-12-03 09:30 UTC");
}

}  // namespace
}  // namespace pg::adapters::slack
