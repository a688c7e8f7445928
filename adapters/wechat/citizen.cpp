// A citizen's push on a WeChat Official Account -> one event for the dialog.
#include "adapters/wechat/wechat.hpp"

#include "adapters/common/utf8.hpp"
#include "model/ascii.hpp"

namespace pg::adapters::wechat {
namespace {

using model::event_kind;

// A platform word (MsgType, Event) kept as a detail: short, so outside input cannot bloat logs.
std::string word(std::string_view s) { return std::string(utf8_prefix_bytes(s, 32)); }

constexpr std::string_view qr_scene_prefix = "qrscene_";

// subscribe and SCAN come from following the account or scanning its QR code:
// the dialog's "/start", with the QR code's scene as its payload, as a Telegram
// deep link ("/start ref42") would carry it.
std::string start_command(std::string_view scene)
{
    return scene.empty() ? std::string("/start") : "/start " + std::string(scene);
}

void read_event(callback_message const& m, model::inbound_event& ev)
{
    auto const is = [&](std::string_view name) { return model::iequals_ascii(m.event, name); };
    if (is("subscribe")) {
        // A plain follow may carry an empty EventKey; only "qrscene_" names a scene.
        std::string_view key = m.event_key;
        ev.text = start_command(key.starts_with(qr_scene_prefix) ? key.substr(qr_scene_prefix.size()) : "");
    } else if (is("SCAN")) {
        ev.text = start_command(m.event_key);  // already following: EventKey is the bare scene
    } else if (is("unsubscribe")) {
        ev.kind = event_kind::ignored;  // nothing reaches the user any more
        ev.detail = model::opted_out;
    } else if (is("CLICK") && !m.event_key.empty()) {
        ev.kind = event_kind::button;  // a menu key, set up in the console to match the dialog's button data
        ev.text = m.event_key;
    } else {
        // VIEW (a menu link, already opened), LOCATION reports, template and
        // mass-send job reports, ...
        ev.kind = event_kind::ignored;
        ev.detail = word(m.event);
    }
}

}  // namespace

model::inbound_event citizen_event(callback_message const& m, std::string const& channel_id)
{
    model::inbound_event ev;
    ev.channel_id = channel_id;
    ev.chat_id = m.from_user_name;  // the openid: one per user and account
    ev.user_id = m.from_user_name;
    ev.chat = model::chat_kind::private_chat;
    ev.message_id = m.msg_id;
    ev.sent_at = model::from_millis(m.create_time * 1000);
    // Events carry no MsgId; the same push retried repeats all of these.
    ev.dedupe_key = "wx:" + channel_id + ":" +
                    (m.msg_id.empty() ? m.from_user_name + ":" + std::to_string(m.create_time) + ":" +
                                            (m.msg_type == "event" ? m.event : m.msg_type) + ":" + m.event_key
                                      : m.msg_id);

    std::string_view const type = m.msg_type;
    if (type == "text") {
        ev.kind = event_kind::text;
        ev.text = m.content;
    } else if (type == "image") {
        ev.kind = event_kind::photo;
        ev.photo_ids = {m.media_id};
    } else if (type == "voice" && !m.recognition.empty()) {
        ev.kind = event_kind::text;  // WeChat's speech recognition: the citizen said this
        ev.text = m.recognition;
    } else if (type == "location" && m.location) {
        ev.kind = event_kind::location;
        ev.location = m.location;
        ev.text = m.label;
    } else if (type == "event") {
        read_event(m, ev);
    } else {
        ev.kind = event_kind::unsupported;  // voice unrecognised, video, shortvideo, link, file, ...
        ev.detail = word(type);
    }
    return ev;
}

model::result<std::vector<model::inbound_event>> parse_citizen_push(model::raw_request const& req,
                                                                     std::string const& channel_id,
                                                                     secrets const& s)
{
    auto xml = open_push(req, s, push_mode::wechat);
    if (!xml)
        return xml.error();
    auto m = parse_message(*xml);
    if (!m)
        return m.error();
    return std::vector<model::inbound_event>{citizen_event(*m, channel_id)};
}

}  // namespace pg::adapters::wechat
