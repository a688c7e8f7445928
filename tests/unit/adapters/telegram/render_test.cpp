#include "adapters/telegram/telegram.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>

namespace pg::adapters::telegram {
namespace {

using json = nlohmann::json;
using model::button;
using model::message_kind;
using model::outbound_message;

secrets const keys{"w3bh00k-Secret_2025", "123456789:AAE-not-a-real-token-0123456789abcdef"};
std::string const send_path = "/bot123456789:AAE-not-a-real-token-0123456789abcdef/sendMessage";
std::string const ack_path = "/bot123456789:AAE-not-a-real-token-0123456789abcdef/answerCallbackQuery";
std::string const topic_path = "/bot123456789:AAE-not-a-real-token-0123456789abcdef/createForumTopic";
std::string const photo_path = "/bot123456789:AAE-not-a-real-token-0123456789abcdef/sendPhoto";

outbound_message text_to(std::string chat_id, std::string text)
{
    outbound_message m;
    m.channel_id = "citizens";
    m.chat_id = std::move(chat_id);
    m.text = std::move(text);
    return m;
}

outbound_message with_buttons(outbound_message m, std::vector<std::vector<button>> rows, std::string location_label = {})
{
    m.buttons = std::move(rows);
    m.location_label = std::move(location_label);
    return m;
}

outbound_message in_thread(outbound_message m, std::string thread)
{
    m.thread_id = std::move(thread);
    return m;
}

outbound_message ack(std::string callback_id, std::string text)
{
    outbound_message m;
    m.kind = message_kind::callback_ack;
    m.channel_id = "citizens";
    m.chat_id = "5123456789";
    m.callback_id = std::move(callback_id);
    m.text = std::move(text);
    return m;
}

outbound_message open_topic(std::string chat_id, std::string title, std::string thread_key = "P-2025-00043")
{
    outbound_message m;
    m.kind = message_kind::open_thread;
    m.channel_id = "staff";
    m.chat_id = std::move(chat_id);
    m.title = std::move(title);
    m.thread_key = std::move(thread_key);
    m.text = "P-2025-00043 Roads\nPothole outside No. 3 Mill Lane";  // the card goes out as its own message
    return m;
}

outbound_message photo(std::string chat_id, std::string file_id, std::string caption = {})
{
    auto m = text_to(std::move(chat_id), std::move(caption));
    m.kind = message_kind::photo;
    m.media_id = std::move(file_id);
    return m;
}

// The body is compared as JSON, so the structure must match exactly: no missing and no extra keys.
TEST(telegram_render, each_message_shape)
{
    struct case_ { char const* name; outbound_message message; std::string path; char const* body; };
    case_ const cases[] = {
        {"plain text to a private chat", text_to("5123456789", "Thank you. Your petition is P-2025-00042."), send_path,
         R"({"chat_id":5123456789,"text":"Thank you. Your petition is P-2025-00042.","reply_markup":{"remove_keyboard":true}})"},
        {"52-bit user id", text_to("4503599627370001", "Hello"), send_path,
         R"({"chat_id":4503599627370001,"text":"Hello","reply_markup":{"remove_keyboard":true}})"},
        {"supergroup topic", in_thread(text_to("-1001987654321", "New petition P-2025-00042"), "877"), send_path,
         R"({"chat_id":-1001987654321,"text":"New petition P-2025-00042","message_thread_id":877,
             "reply_markup":{"remove_keyboard":true}})"},
        {"public channel by username", text_to("@citycouncil_news", "Update"), send_path,
         R"({"chat_id":"@citycouncil_news","text":"Update","reply_markup":{"remove_keyboard":true}})"},
        {"non-canonical number stays text", text_to("007", "x"), send_path,
         R"({"chat_id":"007","text":"x","reply_markup":{"remove_keyboard":true}})"},
        {"thread id that is not a number", in_thread(text_to("-1001987654321", "x"), "general"), send_path,
         R"({"chat_id":-1001987654321,"text":"x","message_thread_id":"general","reply_markup":{"remove_keyboard":true}})"},
        {"inline buttons", with_buttons(text_to("5123456789", "Which category fits best?"),
                                        {{{"Street lighting", "cat:light"}, {"Roads", "cat:roads"}}, {{"Cancel", "cancel"}}}),
         send_path,
         R"({"chat_id":5123456789,"text":"Which category fits best?","reply_markup":{"inline_keyboard":[
               [{"text":"Street lighting","callback_data":"cat:light"},{"text":"Roads","callback_data":"cat:roads"}],
               [{"text":"Cancel","callback_data":"cancel"}]]}})"},
        {"location keyboard with typed answers", with_buttons(text_to("5123456789", "Where is it?"),
                                                              {{{"Skip", "skip"}}, {{"Cancel", "cancel"}, {"Back", "back"}}},
                                                              "Share location"),
         send_path,
         R"({"chat_id":5123456789,"text":"Where is it?","reply_markup":{"keyboard":[
               [{"text":"Share location","request_location":true}],
               [{"text":"Skip"}],
               [{"text":"Cancel"},{"text":"Back"}]],
             "resize_keyboard":true,"one_time_keyboard":true}})"},
        {"location keyboard alone", with_buttons(text_to("5123456789", "Where?"), {}, "📍 Send location"), send_path,
         R"({"chat_id":5123456789,"text":"Where?","reply_markup":{"keyboard":[
               [{"text":"📍 Send location","request_location":true}]],"resize_keyboard":true,"one_time_keyboard":true}})"},
        {"empty rows are dropped", with_buttons(text_to("5123456789", "x"), {{}, {{"OK", "ok"}}, {}}), send_path,
         R"({"chat_id":5123456789,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"OK","callback_data":"ok"}]]}})"},
        {"only empty rows: no keyboard", with_buttons(text_to("5123456789", "x"), {{}}), send_path,
         R"({"chat_id":5123456789,"text":"x","reply_markup":{"remove_keyboard":true}})"},
        {"empty text gets a stand-in", text_to("5123456789", ""), send_path,
         R"({"chat_id":5123456789,"text":"…","reply_markup":{"remove_keyboard":true}})"},
        {"blank text gets a stand-in", text_to("5123456789", " \n\t"), send_path,
         R"({"chat_id":5123456789,"text":"…","reply_markup":{"remove_keyboard":true}})"},
        {"no markup is interpreted", text_to("5123456789", "<b>5 < 6 & *bold*</b>"), send_path,
         R"({"chat_id":5123456789,"text":"<b>5 < 6 & *bold*</b>","reply_markup":{"remove_keyboard":true}})"},
        {"CJK and emoji", text_to("6611223344", "已受理 P-2025-00042 ✅💡"), send_path,
         R"({"chat_id":6611223344,"text":"已受理 P-2025-00042 ✅💡","reply_markup":{"remove_keyboard":true}})"},
        {"invalid UTF-8 becomes U+FFFD", text_to("5123456789", "bad \xFF byte"), send_path,
         R"({"chat_id":5123456789,"text":"bad \ufffd byte","reply_markup":{"remove_keyboard":true}})"},
        {"callback answer with text", ack("2200993311847362195", "Saved"), ack_path,
         R"({"callback_query_id":"2200993311847362195","text":"Saved"})"},
        {"callback answer without text", ack("2200993311847362195", ""), ack_path,
         R"({"callback_query_id":"2200993311847362195"})"},
        {"open a forum topic", open_topic("-1001987654321", "P-2025-00043 Roads"), topic_path,
         R"({"chat_id":-1001987654321,"name":"P-2025-00043 Roads"})"},
        {"topic without a title: the tracking number", open_topic("-1001987654321", " "), topic_path,
         R"({"chat_id":-1001987654321,"name":"P-2025-00043"})"},
        {"topic with nothing to name it", open_topic("-1001987654321", "", ""), topic_path,
         R"({"chat_id":-1001987654321,"name":"…"})"},
        {"topic title in Chinese", open_topic("-1001987654321", "P-2025-00044 路灯不亮"), topic_path,
         R"({"chat_id":-1001987654321,"name":"P-2025-00044 路灯不亮"})"},
        {"topic in a chat named by username", open_topic("@city_staff", "P-2025-00043 Roads"), topic_path,
         R"({"chat_id":"@city_staff","name":"P-2025-00043 Roads"})"},
        {"citizen's photo re-posted into a topic", in_thread(photo("-1001987654321", "AgACAgIAAxkBAAIBQ2"), "1290"),
         photo_path, R"({"chat_id":-1001987654321,"photo":"AgACAgIAAxkBAAIBQ2","message_thread_id":1290})"},
        {"photo with a caption", photo("-1001987654321", "AgACAgIAAxkBAAIBQ2", "P-2025-00043"), photo_path,
         R"({"chat_id":-1001987654321,"photo":"AgACAgIAAxkBAAIBQ2","caption":"P-2025-00043"})"},
        {"staff reply into a topic", in_thread(text_to("-1001987654321", "Accepted by Chen."), "1290"), send_path,
         R"({"chat_id":-1001987654321,"text":"Accepted by Chen.","message_thread_id":1290,
             "reply_markup":{"remove_keyboard":true}})"},
    };
    for (auto const& c : cases) {
        auto const call = render(c.message, keys);
        EXPECT_EQ(call.method, "POST") << c.name;
        EXPECT_EQ(call.path, c.path) << c.name;
        EXPECT_EQ(call.content_type, "application/json") << c.name;
        EXPECT_TRUE(call.headers.empty()) << c.name;
        auto const body = json::parse(call.body, nullptr, false);
        ASSERT_FALSE(body.is_discarded()) << c.name << ": " << call.body;
        EXPECT_EQ(body, json::parse(c.body)) << c.name << "\n got: " << call.body;
    }
}

std::string repeat(std::string const& unit, std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += unit;
    return out;
}

// Telegram counts UTF-16 units; the cut never splits a character. Topic names: 1-128.
TEST(telegram_render, long_texts_are_cut_to_telegram_limits)
{
    std::string const emoji = "\xF0\x9F\x92\xA1";  // two UTF-16 units
    std::string const han = "\xE8\xB7\xAF";        // one unit, three bytes
    struct case_ { char const* name; outbound_message message; std::string expect; };
    case_ const cases[] = {
        {"ascii at the limit",       text_to("1", repeat("a", 4096)),             repeat("a", 4096)},
        {"ascii over the limit",     text_to("1", repeat("a", 5000)),             repeat("a", 4096)},
        {"CJK over the limit",       text_to("1", repeat(han, 5000)),             repeat(han, 4096)},
        {"emoji count twice",        text_to("1", repeat(emoji, 3000)),           repeat(emoji, 2048)},
        {"emoji that would straddle", text_to("1", repeat("a", 4095) + emoji),    repeat("a", 4095)},
        {"callback answer: 200",     ack("7", repeat("b", 300)),                  repeat("b", 200)},
        {"topic name: 128",          open_topic("1", repeat("t", 200)),           repeat("t", 128)},
        {"topic name: CJK",          open_topic("1", repeat(han, 200)),           repeat(han, 128)},
        {"topic name: emoji",        open_topic("1", "a" + repeat(emoji, 100)),   "a" + repeat(emoji, 63)},
        {"callback answer emoji",    ack("7", "a" + repeat(emoji, 100)),          "a" + repeat(emoji, 99)},
    };
    for (auto const& c : cases) {
        auto const body = json::parse(render(c.message, keys).body);
        auto const field = c.message.kind == message_kind::open_thread ? "name" : "text";
        EXPECT_EQ(body[field].get<std::string>(), c.expect) << c.name;
    }
}

// callback_data must be 1-64 bytes; the renderer sends what the dialog gave it, so an
// overlong id fails loudly (Telegram's 400) instead of coming back as another button.
// A card as the dialog writes it, with a description that tries to add card lines.
// Telegram gets plain text (no parse_mode): the "> " that fences each citizen line
// arrives as written, and the citizen's markup is not read as entities.
TEST(telegram_render, citizen_lines_of_a_card_stay_in_the_quote)
{
    std::string const card = "New petition 7KQM-2X4D\nDepartment: Transport Department\nDescription:\n"
                             "> ok\n> Department: parks\n> Answer due: never <b>x</b> *y*\n"
                             "Photos: 0\nAnswer due: 2026-12-03 09:30 UTC";
    auto const body = json::parse(render(in_thread(text_to("-1001234567890", card), "77"), keys).body);
    EXPECT_FALSE(body.contains("parse_mode"));
    EXPECT_FALSE(body.contains("entities"));
    EXPECT_EQ(body["text"], card);
}

TEST(telegram_render, callback_data_is_sent_unchanged)
{
    std::string const data(80, 'd');
    auto const body = json::parse(render(with_buttons(text_to("1", "x"), {{{"Long", data}}}), keys).body);
    EXPECT_EQ(body["reply_markup"]["inline_keyboard"][0][0]["callback_data"], data);
}

}  // namespace
}  // namespace pg::adapters::telegram
