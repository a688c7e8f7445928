// Telegram webhook: verify the secret header, then turn one Update into one event.
#include "adapters/telegram/telegram.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/json_simd.hpp"
#include "adapters/common/secret.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string_view>

namespace pg::adapters::telegram {
namespace {

// Key order is kept as sent, so "the first key after update_id" names the payload.
using json = nlohmann::ordered_json;
using model::chat_kind;
using model::event_kind;

constexpr std::string_view secret_header = "X-Telegram-Bot-Api-Secret-Token";

// Unix seconds up to 9999-12-31: anything beyond is garbage, and would overflow as milliseconds.
constexpr std::int64_t max_unix_seconds = 253'402'300'799;

// Media Telegram delivers but the dialog cannot use: a hint is worth sending.
// `animation` comes before `document`: animations repeat themselves as a document.
constexpr std::string_view unsupported_fields[] = {
    "sticker", "voice", "video", "video_note", "audio", "animation", "document", "contact", "poll", "dice", "game",
};

// Service messages: members joining or leaving, pins, topics, migrations, ... Also the
// old undocumented spellings (new_chat_participant, ...) that still arrive.
constexpr std::string_view service_fields[] = {
    "new_chat_members", "new_chat_member", "new_chat_participant", "left_chat_member", "left_chat_participant",
    "new_chat_title", "new_chat_photo", "delete_chat_photo", "group_chat_created", "supergroup_chat_created",
    "channel_chat_created", "message_auto_delete_timer_changed", "migrate_to_chat_id", "migrate_from_chat_id",
    "pinned_message", "forum_topic_created", "forum_topic_edited", "forum_topic_closed", "forum_topic_reopened",
    "general_forum_topic_hidden", "general_forum_topic_unhidden", "write_access_allowed", "users_shared",
    "user_shared", "chat_shared", "proximity_alert_triggered", "boost_added", "chat_background_set",
    "video_chat_scheduled", "video_chat_started", "video_chat_ended", "video_chat_participants_invited",
    "giveaway_created", "giveaway_completed", "connected_website", "successful_payment", "refunded_payment",
};

// Keys every kind of message may carry beside its content. The first key of a message
// that is none of these (and not handled) names what the message was.
constexpr std::string_view envelope_fields[] = {
    "message_id", "message_thread_id", "direct_messages_topic", "from", "sender_chat", "sender_boost_count",
    "sender_business_bot", "date", "business_connection_id", "chat", "forward_origin", "forward_from",
    "forward_from_chat", "forward_from_message_id", "forward_signature", "forward_sender_name", "forward_date",
    "is_topic_message", "is_automatic_forward", "reply_to_message", "external_reply", "quote", "reply_to_story",
    "reply_to_checklist_task_id", "via_bot", "edit_date", "has_protected_content", "is_from_offline",
    "is_paid_post", "media_group_id", "author_signature", "paid_star_count", "entities", "caption",
    "caption_entities", "show_caption_above_media", "has_media_spoiler", "link_preview_options",
    "suggested_post_info", "effect_id", "reply_markup",
};

template <std::size_t N>
bool one_of(std::string_view key, std::string_view const (&set)[N])
{
    return std::find(std::begin(set), std::end(set), key) != std::end(set);
}

model::failure bad_signature(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

std::optional<model::failure> check_secret(model::raw_request const& req, secrets const& s)
{
    auto const got = req.header(secret_header);
    if (got.empty())  // absent, or present and empty: Telegram never sends an empty one
        return bad_signature(std::string(secret_header) + " missing");
    if (s.webhook_secret.empty())  // fail closed: no configured secret accepts nothing
        return bad_signature(std::string(secret_header) + " does not match (no secret configured)");
    if (!same_secret(got, s.webhook_secret))
        return bad_signature(std::string(secret_header) + " does not match");
    return std::nullopt;
}

// The first key other than update_id: Telegram sends exactly one payload per update.
template <class Json>
std::string_view payload_key(Json const& update)
{
    for (auto const& [key, value] : update.items())
        if (key != "update_id")
            return key;
    return {};
}

// Telegram's own webhook samples omit chat.type; user (private) chats have positive
// ids and groups negative ones, so the sign decides when the type is absent or new.
chat_kind chat_kind_of(std::optional<std::string> const& type, std::int64_t id)
{
    if (type == "private")
        return chat_kind::private_chat;
    if (type == "group" || type == "supergroup")
        return chat_kind::group;
    if (type == "channel")
        return chat_kind::channel;
    return id > 0 ? chat_kind::private_chat : chat_kind::group;
}

template <class Json>
void read_unix_time(json_read& rd, Json const& obj, std::string_view path, std::string_view key, model::timestamp& out)
{
    auto const seconds = rd.get<std::int64_t>(obj, path, key);
    if (!seconds)
        return;
    if (*seconds < 0 || *seconds > max_unix_seconds)
        return rd.fail(json_read::join(path, key) + ": expected Unix seconds");
    out = model::from_millis(*seconds * 1000);
}

// chat.id (required when `chat_required`) and chat.type.
template <class Json>
void read_chat(json_read& rd, Json const& owner, std::string const& path, model::inbound_event& ev, bool chat_required)
{
    auto const chat = chat_required ? rd.need_object(owner, path, "chat") : rd.object(owner, path, "chat");
    if (chat == nullptr)
        return;
    auto const chat_path = json_read::join(path, "chat");
    auto const id = chat_required ? rd.need<std::int64_t>(*chat, chat_path, "id")
                                  : rd.get<std::int64_t>(*chat, chat_path, "id");
    if (id)
        ev.chat_id = std::to_string(*id);
    ev.chat = chat_kind_of(rd.get<std::string>(*chat, chat_path, "type"), id.value_or(0));
}

std::string trimmed(std::string const& s)
{
    auto const first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

// from.id, from.is_bot, from.language_code and a display name ("Maria Lindqvist", else
// the username); `from` is absent in channels.
template <class Json>
void read_from(json_read& rd, Json const& owner, std::string const& path, model::inbound_event& ev)
{
    auto const from = rd.object(owner, path, "from");
    if (from == nullptr)
        return;
    auto const from_path = json_read::join(path, "from");
    if (auto id = rd.get<std::int64_t>(*from, from_path, "id"))
        ev.user_id = std::to_string(*id);
    ev.from_bot = rd.get<bool>(*from, from_path, "is_bot").value_or(false);
    ev.language = rd.get<std::string>(*from, from_path, "language_code").value_or("");
    auto const first = trimmed(rd.get<std::string>(*from, from_path, "first_name").value_or(""));
    auto const last = trimmed(rd.get<std::string>(*from, from_path, "last_name").value_or(""));
    ev.user_name = first.empty() || last.empty() ? first + last : first + " " + last;
    if (ev.user_name.empty())
        ev.user_name = trimmed(rd.get<std::string>(*from, from_path, "username").value_or(""));
}

// message_thread_id names a forum topic only when is_topic_message is true: in a
// non-forum supergroup a reply carries the replied-to message's id there as well, and
// routing by it would put the reply into some other petition's thread.
template <class Json>
void read_topic(json_read& rd, Json const& m, std::string const& path, model::inbound_event& ev)
{
    auto const thread = rd.get<std::int64_t>(m, path, "message_thread_id");
    auto const in_topic = rd.get<bool>(m, path, "is_topic_message");
    if (!thread || !in_topic.value_or(false))
        return;
    ev.thread_id = std::to_string(*thread);
    // Unless it answers a particular message, a message in a topic replies to the
    // topic's creation message, which carries the topic's name. Only a hint: a
    // strange shape here leaves the title empty and rejects nothing.
    auto const reply = json_read::find(m, "reply_to_message");
    if (reply == nullptr)
        return;
    auto const created = json_read::find(*reply, "forum_topic_created");
    if (created == nullptr)
        return;
    if (auto const name = json_read::find(*created, "name"); name && name->is_string())
        ev.thread_title = name->template get<std::string>();
}

// In groups a command may name its bot ("/start@PetitionDeskBot ref42"); the dialog
// wants the command alone, so "@name" leaves the first word.
std::string without_bot_mention(std::string text)
{
    if (!text.starts_with('/'))
        return text;
    auto const word_end = text.find_first_of(" \t\r\n");
    auto const at = text.find('@');
    if (at < word_end)  // also when the command is the whole text (word_end == npos)
        text.erase(at, word_end == std::string::npos ? std::string::npos : word_end - at);
    return text;
}

template <class Json>
void read_geo(json_read& rd, Json const& loc, std::string const& path, model::inbound_event& ev)
{
    auto const lat = rd.need<double>(loc, path, "latitude");
    auto const lon = rd.need<double>(loc, path, "longitude");
    if (lat && lon)
        ev.location = model::geo_point{*lat, *lon};
}

// What a message holds: text, photo, a place, unsupported media, or something to ignore.
template <class Json>
void read_content(json_read& rd, Json const& m, std::string const& path, model::inbound_event& ev)
{
    if (auto text = rd.get<std::string>(m, path, "text")) {
        ev.kind = event_kind::text;
        ev.text = without_bot_mention(std::move(*text));
        return;
    }
    if (auto const sizes = rd.array(m, path, "photo")) {
        ev.kind = event_kind::photo;
        ev.text = rd.get<std::string>(m, path, "caption").value_or("");
        if (sizes->empty())
            return rd.fail(json_read::join(path, "photo") + ": no sizes");
        // Sizes come smallest first; the last is the one worth keeping.
        auto const last_path = json_read::join(path, "photo") + "[" + std::to_string(sizes->size() - 1) + "]";
        if (!sizes->back().is_object())
            return rd.fail(last_path + ": expected an object");
        if (auto id = rd.need<std::string>(sizes->back(), last_path, "file_id"))
            ev.photo_ids.push_back(std::move(*id));
        return;
    }
    // A venue message carries `location` too: look at the venue first.
    if (auto const venue = rd.object(m, path, "venue")) {
        auto const venue_path = json_read::join(path, "venue");
        ev.kind = event_kind::location;
        if (auto const loc = rd.need_object(*venue, venue_path, "location"))
            read_geo(rd, *loc, json_read::join(venue_path, "location"), ev);
        auto const title = rd.get<std::string>(*venue, venue_path, "title").value_or("");
        auto const address = rd.get<std::string>(*venue, venue_path, "address").value_or("");
        ev.text = title.empty() || address.empty() ? title + address : title + ", " + address;
        return;
    }
    if (auto const loc = rd.object(m, path, "location")) {
        ev.kind = event_kind::location;
        read_geo(rd, *loc, json_read::join(path, "location"), ev);
        return;
    }
    for (auto const field : unsupported_fields) {
        if (json_read::find(m, field) != nullptr) {
            ev.kind = event_kind::unsupported;
            ev.detail = field;
            return;
        }
    }
    ev.kind = event_kind::ignored;
    std::string_view first_other;  // the first key that is neither envelope nor service: story, invoice, ...
    for (auto const& [key, value] : m.items()) {
        if (one_of(key, service_fields) || key.starts_with("forum_topic_")) {
            ev.detail = "service";
            return;
        }
        if (first_other.empty() && !one_of(key, envelope_fields))
            first_other = key;
    }
    ev.detail = first_other.empty() ? "message" : std::string(first_other);
}

// message, edited_message, channel_post, edited_channel_post: all a Message.
template <class Json>
void read_message(json_read& rd, Json const& m, std::string const& path, model::inbound_event& ev)
{
    read_chat(rd, m, path, ev, true);
    read_from(rd, m, path, ev);
    read_unix_time(rd, m, path, "date", ev.sent_at);
    if (auto id = rd.get<std::int64_t>(m, path, "message_id"))
        ev.message_id = std::to_string(*id);
    read_topic(rd, m, path, ev);
    if (path == "channel_post" || path == "edited_channel_post") {
        ev.chat = chat_kind::channel;
        ev.kind = event_kind::ignored;
        ev.detail = path;
        return;
    }
    read_content(rd, m, path, ev);
}

// A button press. It carries no time of its own. Without a message (a button under an
// inline-mode message) or without data (a game button) nothing can be done but answer it.
template <class Json>
void read_callback(json_read& rd, Json const& q, model::inbound_event& ev)
{
    std::string const path = "callback_query";
    if (auto id = rd.need<std::string>(q, path, "id"))
        ev.callback_id = std::move(*id);
    read_from(rd, q, path, ev);
    // An inaccessible message (date == 0) still names its chat.
    // A press under a message in a forum topic belongs to that topic's thread; the
    // press itself is not a message, so message_id stays empty.
    auto const message = rd.object(q, path, "message");
    if (message != nullptr) {
        read_chat(rd, *message, path + ".message", ev, true);
        read_topic(rd, *message, path + ".message", ev);
    }
    auto data = rd.get<std::string>(q, path, "data");
    if (message == nullptr) {
        ev.kind = event_kind::ignored;
        ev.detail = "inline_message_id";
    } else if (!data) {
        ev.kind = event_kind::ignored;
        ev.detail = json_read::find(q, "game_short_name") != nullptr ? "game_short_name" : "callback_query";
    } else {
        ev.kind = event_kind::button;
        ev.text = std::move(*data);
    }
}

// my_chat_member, chat_member, message_reaction, and kinds not yet invented: dropped,
// with whatever chat, sender and time they name. An update we drop must not fail the
// delivery, so its fields are read with a reader whose errors are thrown away.
template <class Ptr>
void read_other(Ptr payload, std::string_view key, model::inbound_event& ev)
{
    ev.kind = event_kind::ignored;
    ev.detail = key.empty() ? "empty" : std::string(key);
    if (payload == nullptr)
        return;
    json_read lenient;
    std::string const path(key);
    read_chat(lenient, *payload, path, ev, false);
    read_from(lenient, *payload, path, ev);
    read_unix_time(lenient, *payload, path, "date", ev.sent_at);
}

// One Update, already parsed: an nlohmann tree or a simdjson tape.
template <class Json>
model::result<std::vector<model::inbound_event>> read_update(Json const& update, std::string const& channel_id)
{
    json_read rd;
    auto const update_id = rd.need<std::int64_t>(update, "", "update_id");
    if (!update_id)
        return rd.error();

    model::inbound_event ev;
    ev.dedupe_key = "tg:" + channel_id + ":" + std::to_string(*update_id);
    ev.channel_id = channel_id;

    auto const key = payload_key(update);
    std::string const path(key);
    if (key == "message" || key == "edited_message" || key == "channel_post" || key == "edited_channel_post") {
        ev.edited = key.starts_with("edited_");
        if (auto const m = rd.need_object(update, "", key))
            read_message(rd, *m, path, ev);
    } else if (key == "callback_query") {
        if (auto const q = rd.need_object(update, "", key))
            read_callback(rd, *q, ev);
    } else {
        read_other(json_read::find(update, key), key, ev);
    }
    if (!rd.ok())
        return rd.error();
    return std::vector<model::inbound_event>{std::move(ev)};
}

model::result<std::vector<model::inbound_event>> read_update_nlohmann(std::string_view body,
                                                                      std::string const& channel_id)
{
    json update;
    if (auto f = parse_json_body(body, update))
        return *f;
    if (!update.is_object())
        return model::failure{model::errc::malformed_body, "body: expected a JSON object"};
    return read_update(update, channel_id);
}

// Deeper than this, simdjson refuses and nlohmann's exact depth check decides.
constexpr std::size_t simd_max_depth = max_json_depth / 2;

}  // namespace

model::result<std::vector<model::inbound_event>> parse_update(model::raw_request const& req,
                                                               std::string const& channel_id, secrets const& s)
{
    if (auto f = check_secret(req, s))
        return *f;
    // The usual update, well-formed, is read from simdjson's tape (it checks
    // syntax, UTF-8 and depth in one pass). Whatever simdjson refuses, nlohmann
    // parses again: its verdict, and the byte it names, is the answer.
    thread_local simdjson::dom::parser fast = simd_parser(simd_max_depth);
    simdjson::dom::element root;
    if (!req.body.empty() && fast.parse(req.body.data(), req.body.size()).get(root) == simdjson::SUCCESS &&
        root.is_object())
        return read_update(simd_value{root}, channel_id);
    return read_update_nlohmann(req.body, channel_id);
}

model::result<std::vector<model::inbound_event>> parse_update_nlohmann(model::raw_request const& req,
                                                                       std::string const& channel_id,
                                                                       secrets const& s)
{
    if (auto f = check_secret(req, s))
        return *f;
    return read_update_nlohmann(req.body, channel_id);
}

}  // namespace pg::adapters::telegram
