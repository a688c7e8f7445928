// LINE webhook: check the signature over the raw bytes, then turn each event of
// the batch into one event of ours.
#include "adapters/line/line.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/secret.hpp"
#include "adapters/common/utf8.hpp"
#include "model/password_hash.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::line {
namespace {

using json = nlohmann::json;
using model::chat_kind;
using model::event_kind;

// Milliseconds up to 9999-12-31: anything beyond is garbage.
constexpr std::int64_t max_unix_millis = 253'402'300'799'999;
// An event type or message type is outside input: a detail keeps a short prefix of it.
constexpr std::size_t max_detail_bytes = 32;

// Media the dialog cannot use: a hint is worth sending.
constexpr std::string_view unsupported_messages[] = {"sticker", "video", "audio", "file"};

template <std::size_t N>
bool one_of(std::string_view s, std::string_view const (&set)[N])
{
    return std::find(std::begin(set), std::end(set), s) != std::end(set);
}

std::string short_detail(std::string_view s)
{
    if (s.empty())
        return "empty";
    return std::string(utf8_prefix_bytes(s, max_detail_bytes));
}

model::failure bad_signature(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

std::string at(std::string const& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

// source: a user (one-to-one chat), a group or a room; returns its type. A group or
// room member's userId may be absent; the conversation would be the group's, which
// we do not serve.
std::string read_source(json_read& rd, json const& e, std::string const& path, model::inbound_event& ev)
{
    auto const source = rd.need_object(e, path, "source");
    if (source == nullptr)
        return {};
    auto const source_path = json_read::join(path, "source");
    auto const type = rd.need<std::string>(*source, source_path, "type");
    auto const user = rd.get<std::string>(*source, source_path, "userId");
    ev.user_id = user.value_or("");
    if (type == "user") {
        ev.chat = chat_kind::private_chat;
        if (!user)
            rd.missing(source_path, "userId");
        else if (user->empty())
            rd.fail(source_path + ".userId: empty");
        ev.chat_id = ev.user_id;
    } else if (type == "group") {
        ev.chat = chat_kind::group;
        ev.chat_id = rd.get<std::string>(*source, source_path, "groupId").value_or("");
    } else if (type == "room") {
        ev.chat = chat_kind::group;
        ev.chat_id = rd.get<std::string>(*source, source_path, "roomId").value_or("");
    } else if (type) {
        ev.chat = chat_kind::group;  // a kind of source not yet known: not a one-to-one chat
    }
    return type.value_or("");
}

void read_location(json_read& rd, json const& m, std::string const& path, model::inbound_event& ev)
{
    ev.kind = event_kind::location;
    auto const lat = rd.need<double>(m, path, "latitude");
    auto const lon = rd.need<double>(m, path, "longitude");
    if (lat && (*lat < -90 || *lat > 90))
        rd.fail(path + ".latitude: expected -90 to 90");
    if (lon && (*lon < -180 || *lon > 180))
        rd.fail(path + ".longitude: expected -180 to 180");
    if (lat && lon)
        ev.location = model::geo_point{*lat, *lon};
    // A place picked from the map names itself; the dialog keeps it as the typed location.
    auto const title = rd.get<std::string>(m, path, "title").value_or("");
    auto const address = rd.get<std::string>(m, path, "address").value_or("");
    ev.text = title.empty() || address.empty() ? title + address : title + ", " + address;
}

// message: text, a place, an image, or media the dialog cannot use.
void read_message(json_read& rd, json const& e, std::string const& path, model::inbound_event& ev)
{
    auto const m = rd.need_object(e, path, "message");
    if (m == nullptr)
        return;
    auto const mpath = json_read::join(path, "message");
    auto const type = rd.need<std::string>(*m, mpath, "type");
    auto const id = rd.need<std::string>(*m, mpath, "id");
    if (id && id->empty())
        rd.fail(mpath + ".id: empty");
    ev.message_id = id.value_or("");
    if (!type)
        return;
    if (*type == "text") {
        ev.kind = event_kind::text;
        ev.text = rd.need<std::string>(*m, mpath, "text").value_or("");
    } else if (*type == "location") {
        read_location(rd, *m, mpath, ev);
    } else if (*type == "image") {
        // The image itself is fetched by its message id (api-data.line.me); that id is all we keep.
        ev.kind = event_kind::photo;
        if (!ev.message_id.empty())
            ev.photo_ids.push_back(ev.message_id);
    } else {
        ev.kind = event_kind::unsupported;
        ev.detail = short_detail(one_of(*type, unsupported_messages) ? *type : "message:" + *type);
    }
}

void read_postback(json_read& rd, json const& e, std::string const& path, model::inbound_event& ev)
{
    auto const p = rd.need_object(e, path, "postback");
    if (p == nullptr)
        return;
    ev.kind = event_kind::button;
    ev.text = rd.need<std::string>(*p, json_read::join(path, "postback"), "data").value_or("");
}

model::inbound_event read_event(json_read& rd, json const& e, std::string const& path, std::string const& channel_id)
{
    model::inbound_event ev;
    ev.channel_id = channel_id;
    auto const type = rd.need<std::string>(e, path, "type");
    if (auto const id = rd.need<std::string>(e, path, "webhookEventId")) {
        if (id->empty())
            rd.fail(path + ".webhookEventId: empty");
        ev.dedupe_key = "line:" + channel_id + ":" + *id;
    }
    if (auto const ms = rd.need<std::int64_t>(e, path, "timestamp")) {
        if (*ms < 0 || *ms > max_unix_millis)
            rd.fail(path + ".timestamp: expected Unix milliseconds");
        else
            ev.sent_at = model::from_millis(*ms);
    }
    auto const source_type = read_source(rd, e, path, ev);
    auto const mode = rd.get<std::string>(e, path, "mode");
    bool redelivered = false;
    if (auto const delivery = rd.object(e, path, "deliveryContext"))
        redelivered = rd.get<bool>(*delivery, path + ".deliveryContext", "isRedelivery").value_or(false);
    auto const reply_token = rd.get<std::string>(e, path, "replyToken");
    if (!type)
        return ev;

    ev.kind = event_kind::ignored;
    if (mode == "standby") {  // another channel or module owns the chat: not ours to answer
        ev.detail = "standby";
        return ev;
    }
    if (ev.chat != chat_kind::private_chat) {  // we serve one-to-one chats
        ev.detail = short_detail(source_type);
        return ev;
    }
    if (*type == "message") {
        read_message(rd, e, path, ev);
    } else if (*type == "postback") {
        read_postback(rd, e, path, ev);
    } else if (*type == "follow") {
        // Added as a friend (or unblocked): greeted as Telegram's /start is.
        ev.kind = event_kind::text;
        ev.text = "/start";
    } else if (*type == "unfollow") {
        ev.detail = model::opted_out;  // blocked: pushes there fail silently from now on
    } else {
        // unsend, join, leave, memberJoined, memberLeft, beacon, videoPlayComplete,
        // accountLink and types not yet invented: recorded (a redelivery stays a duplicate), dropped.
        ev.detail = short_detail(*type);
    }
    // A redelivered event's token has usually expired: the answer is pushed instead.
    if (ev.kind != event_kind::ignored && !redelivered)
        ev.reply_token = reply_token.value_or("");
    return ev;
}

}  // namespace

std::string signature(std::string_view channel_secret, std::string_view body)
{
    return model::to_base64(hmac_sha256(channel_secret, body));
}

model::result<webhook_input> parse_webhook(model::raw_request const& req, settings const& s)
{
    auto const got = req.header(signature_header);
    if (got.empty())
        return bad_signature(std::string(signature_header) + " missing");
    if (s.channel_secret.empty())  // fail closed
        return bad_signature(std::string(signature_header) + " does not match (no channel secret configured)");
    // Over the bytes as they came: a re-encoded body (spacing, escapes) no longer matches.
    if (!same_secret(got, signature(s.channel_secret, req.body)))
        return bad_signature(std::string(signature_header) + " does not match the body");

    json body;
    if (auto f = parse_json_body(req.body, body))
        return *f;
    if (!body.is_object())
        return model::failure{model::errc::malformed_body, "body: expected a JSON object"};
    json_read rd;
    (void)rd.get<std::string>(body, "", "destination");
    auto const events = rd.array(body, "", "events");
    if (events == nullptr && rd.ok())
        rd.missing("", "events");
    webhook_input in;
    if (events != nullptr) {
        for (std::size_t i = 0; i < events->size(); ++i) {
            auto const path = at("events", i);
            auto const& e = (*events)[i];
            if (!e.is_object()) {
                rd.fail(path + ": expected an object");
                break;
            }
            in.events.push_back(read_event(rd, e, path, s.channel_id));
            if (!rd.ok())
                break;
        }
    }
    if (!rd.ok())
        return rd.error();
    return in;  // an empty 200
}

}  // namespace pg::adapters::line
