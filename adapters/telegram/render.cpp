// Telegram: an outbound message becomes one Bot API call with a JSON body.
#include "adapters/telegram/telegram.hpp"

#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters::telegram {
namespace {

using json = nlohmann::json;

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
json id_value(std::string const& id)
{
    if (auto v = canonical_integer(id))
        return *v;
    return id;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

std::string message_text(std::string_view text)
{
    auto const cut = utf8_prefix_utf16(text, max_text_units);
    return blank(cut) ? std::string(blank_text_stand_in) : std::string(cut);
}

json text_button(std::string const& label)
{
    json b = json::object();
    b["text"] = label;
    return b;
}

// Empty rows are dropped: Telegram rejects them.
json reply_markup(model::outbound_message const& m)
{
    json markup = json::object();
    if (!m.location_label.empty()) {
        // A reply keyboard: the location request on top, then each button row as
        // plain text buttons, whose labels come back as typed text.
        json location = text_button(m.location_label);
        location["request_location"] = true;
        json rows = json::array();
        rows.push_back(json::array({location}));
        for (auto const& row : m.buttons) {
            if (row.empty())
                continue;
            json r = json::array();
            for (auto const& b : row)
                r.push_back(text_button(b.label));
            rows.push_back(std::move(r));
        }
        markup["keyboard"] = std::move(rows);
        markup["resize_keyboard"] = true;
        markup["one_time_keyboard"] = true;
        return markup;
    }

    json rows = json::array();
    for (auto const& row : m.buttons) {
        if (row.empty())
            continue;
        json r = json::array();
        for (auto const& b : row) {
            // callback_data must be 1-64 bytes. It is sent unchanged: the dialog keeps it
            // short, and a cut id would come back as a different, wrong, button.
            json button = text_button(b.label);
            button["callback_data"] = b.data;
            r.push_back(std::move(button));
        }
        rows.push_back(std::move(r));
    }
    if (!rows.empty())
        markup["inline_keyboard"] = std::move(rows);
    else
        markup["remove_keyboard"] = true;  // an earlier location keyboard goes away
    return markup;
}

json send_message(model::outbound_message const& m)
{
    json body = json::object();
    body["chat_id"] = id_value(m.chat_id);
    body["text"] = message_text(m.text);  // plain text: no parse_mode, nothing to escape
    if (!m.thread_id.empty())
        body["message_thread_id"] = id_value(m.thread_id);
    body["reply_markup"] = reply_markup(m);
    return body;
}

json answer_callback_query(model::outbound_message const& m)
{
    json body = json::object();
    body["callback_query_id"] = m.callback_id;
    if (!m.text.empty())
        body["text"] = std::string(utf8_prefix_utf16(m.text, max_ack_units));
    return body;
}

// A caption is at most 1024 characters; the photo goes out even with none.
json send_photo(model::outbound_message const& m)
{
    json body = json::object();
    body["chat_id"] = id_value(m.chat_id);
    body["photo"] = m.media_id;
    if (!blank(m.text))
        body["caption"] = std::string(utf8_prefix_utf16(m.text, max_caption_units));
    if (!m.thread_id.empty())
        body["message_thread_id"] = id_value(m.thread_id);
    return body;
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

json create_forum_topic(model::outbound_message const& m)
{
    json body = json::object();
    body["chat_id"] = id_value(m.chat_id);
    body["name"] = topic_name(m);
    return body;
}

}  // namespace

model::api_call render(model::outbound_message const& m, secrets const& s)
{
    model::api_call call;
    json body;
    switch (m.kind) {
    case model::message_kind::text:
        call.path = "/bot" + s.bot_token + "/sendMessage";
        body = send_message(m);
        break;
    case model::message_kind::callback_ack:
        call.path = "/bot" + s.bot_token + "/answerCallbackQuery";
        body = answer_callback_query(m);
        break;
    case model::message_kind::open_thread:
        call.path = "/bot" + s.bot_token + "/createForumTopic";
        body = create_forum_topic(m);
        break;
    case model::message_kind::photo:
        call.path = "/bot" + s.bot_token + "/sendPhoto";
        body = send_photo(m);
        break;
    }
    // Text from config or a citizen may hold invalid UTF-8: it goes out as U+FFFD
    // instead of throwing.
    call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return call;
}

}  // namespace pg::adapters::telegram
