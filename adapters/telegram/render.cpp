// Telegram: an outbound message becomes one Bot API call with a JSON body.
#include "adapters/telegram/telegram.hpp"

#include "adapters/common/utf8.hpp"

#include "model/json_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters::telegram {
namespace {

using model::json_writer;

// sendMessage takes 1-4096 characters and answerCallbackQuery 0-200, counted after
// entity parsing; counting UTF-16 units (an emoji is two) never exceeds either.
constexpr std::size_t max_text_units = 4096;
constexpr std::size_t max_ack_units = 200;
constexpr std::size_t max_caption_units = 1024;
// createForumTopic takes a name of 1-128 characters.
constexpr std::size_t max_topic_name_units = 128;

// Telegram refuses an empty (or all-blank) text, and it cannot be split off a keyboard:
// a lone ellipsis keeps the message, and its buttons, deliverable.
constexpr std::string_view blank_text_stand_in = "\u2026";

// "-1001987654321" -> -1001987654321; "@city_news", "007" or "" -> nullopt. Only the
// canonical spelling converts, so the id sent is the id stored.
std::optional<std::int64_t> canonical_integer(std::string_view s)
{
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || std::to_string(v) != s)
        return std::nullopt;
    return v;
}

// Telegram takes chat ids as integers, and @username for public chats and channels.
// A thread id that is not an integer is sent as it is, so Telegram's 400 shows the
// mistake rather than the message landing in the General topic.
void put_id(json_writer& w, std::string_view key, std::string const& id)
{
    w.key(key);
    if (auto v = canonical_integer(id))
        w.i64(*v);
    else
        w.str(id);
}

std::string message_text(std::string_view text)
{
    auto const cut = utf8_prefix_utf16(text, max_text_units);
    return blank(cut) ? std::string(blank_text_stand_in) : std::string(cut);
}

// Each row of buttons: as given, empty rows dropped (Telegram rejects them).
template <class Button>
void put_rows(json_writer& w, std::vector<std::vector<model::button>> const& rows, Button put_button)
{
    for (auto const& row : rows) {
        if (row.empty())
            continue;
        w.begin_array();
        for (auto const& b : row)
            put_button(b);
        w.end_array();
    }
}

void put_reply_markup(json_writer& w, model::outbound_message const& m)
{
    w.key("reply_markup").begin_object();
    if (!m.location_label.empty()) {
        // A reply keyboard: the location request on top, then each button row as
        // plain text buttons, whose labels come back as typed text.
        w.key("keyboard").begin_array();
        w.begin_array().begin_object();
        w.key("text").str(m.location_label).key("request_location").boolean(true);
        w.end_object().end_array();
        put_rows(w, m.buttons, [&](model::button const& b) { w.begin_object().key("text").str(b.label).end_object(); });
        w.end_array();
        w.key("resize_keyboard").boolean(true).key("one_time_keyboard").boolean(true);
    } else if (std::any_of(m.buttons.begin(), m.buttons.end(), [](auto const& row) { return !row.empty(); })) {
        // callback_data must be 1-64 bytes. It is sent unchanged: the dialog keeps it
        // short, and a cut id would come back as a different, wrong, button.
        w.key("inline_keyboard").begin_array();
        put_rows(w, m.buttons, [&](model::button const& b) {
            w.begin_object().key("text").str(b.label).key("callback_data").str(b.data).end_object();
        });
        w.end_array();
    } else {
        w.key("remove_keyboard").boolean(true);  // an earlier location keyboard goes away
    }
    w.end_object();
}

void send_message(json_writer& w, model::outbound_message const& m)
{
    put_id(w, "chat_id", m.chat_id);
    w.key("text").str(message_text(m.text));  // plain text: no parse_mode, nothing to escape
    if (!m.thread_id.empty())
        put_id(w, "message_thread_id", m.thread_id);
    put_reply_markup(w, m);
}

void answer_callback_query(json_writer& w, model::outbound_message const& m)
{
    w.key("callback_query_id").str(m.callback_id);
    if (!m.text.empty())
        w.key("text").str(utf8_prefix_utf16(m.text, max_ack_units));
}

// A caption is at most 1024 characters; the photo goes out even with none.
void send_photo(json_writer& w, model::outbound_message const& m)
{
    put_id(w, "chat_id", m.chat_id);
    w.key("photo").str(m.media_id);
    if (!blank(m.text))
        w.key("caption").str(utf8_prefix_utf16(m.text, max_caption_units));
    if (!m.thread_id.empty())
        put_id(w, "message_thread_id", m.thread_id);
}

// The topic's name: the title, else the tracking number, never empty.
std::string topic_name(model::outbound_message const& m)
{
    for (auto const* name : {&m.title, &m.thread_key}) {
        auto const cut = utf8_prefix_utf16(*name, max_topic_name_units);
        if (!blank(cut))
            return std::string(cut);
    }
    return std::string(blank_text_stand_in);
}

void create_forum_topic(json_writer& w, model::outbound_message const& m)
{
    put_id(w, "chat_id", m.chat_id);
    w.key("name").str(topic_name(m));
}

}  // namespace

model::api_call render(model::outbound_message const& m, secrets const& s)
{
    model::api_call call;
    // Text from config or a citizen may hold invalid UTF-8: the writer sends U+FFFD
    // instead.
    json_writer w;
    w.begin_object();
    switch (m.kind) {
    case model::message_kind::text:
        call.path = "/bot" + s.bot_token + "/sendMessage";
        send_message(w, m);
        break;
    case model::message_kind::callback_ack:
        call.path = "/bot" + s.bot_token + "/answerCallbackQuery";
        answer_callback_query(w, m);
        break;
    case model::message_kind::open_thread:
        call.path = "/bot" + s.bot_token + "/createForumTopic";
        create_forum_topic(w, m);
        break;
    case model::message_kind::photo:
        call.path = "/bot" + s.bot_token + "/sendPhoto";
        send_photo(w, m);
        break;
    }
    call.body = w.end_object().take();
    return call;
}

}  // namespace pg::adapters::telegram
