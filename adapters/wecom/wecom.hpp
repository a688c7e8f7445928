#pragma once
// WeCom (企业微信) self-built app: the officials' side. Members talk 1:1 with the
// app; the gateway posts cards, updates and replies as app messages. No threads
// and no buttons: staff name the tracking number in a command, and a choice is
// typed as its number. The crypto and the callback XML are adapters/wechat's.
//
// Config (channel keys beyond id, type, enabled, api_base):
//   corp_id           the CorpID: the receiveid every decrypted push must carry
//   corp_secret       the app's Secret, for gettoken (secret)
//   agent_id          the app's AgentId: messages go out as this app; pushes for another app are ignored
//   token             the callback Token (secret)
//   encoding_aes_key  the callback EncodingAESKey, 43 characters (secret): WeCom always encrypts
//
// Chat ids (what a channel's staff chat and the inbound events name):
//   "user:<UserID>[|<UserID>...]"  members (an inbound member's own chat is "user:<UserID>")
//   "party:<id>[|<id>...]"         departments, by numeric id
//   "tag:<id>[|<id>...]"           tags, by numeric id
//   "chat:<chatid>"                a group chat the app created (appchat)
#include "adapters/platform.hpp"
#include "adapters/wechat/wechat.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::adapters::wecom {

// An app text message's content is at most 2048 bytes of UTF-8 (WeCom cuts the
// rest). max_text counts UTF-16 units, and one unit is at most 3 bytes, so a text
// within 682 units always fits; render() still clips at 2048 bytes.
inline constexpr std::size_t max_content_bytes = 2048;
inline constexpr std::size_t max_text_units = max_content_bytes / 3;

struct settings {
    std::string corp_id;
    std::string corp_secret;
    std::int64_t agent_id = 0;
    wechat::secrets callback;  // token, key, receive_id = corp_id
};

// A member's push -> one event:
//   text -> text, chat "user:<UserID>", user_id and user_name the UserID, message_id the MsgId;
//   voice with Recognition -> text (what WeCom heard);
//   a push for another AgentID, events (enter_agent, subscribe, ...) and other
//   message types -> ignored, `detail` naming what it was.
// Dedupe key "wecom:<channel>:<MsgId>"; an event has none, so
// "wecom:<channel>:<UserID>:<CreateTime>:<Event>".
model::inbound_event member_event(wechat::callback_message const& m, std::string const& channel_id,
                                  std::int64_t agent_id);

class wecom_platform final : public platform {
public:
    wecom_platform(std::string channel_id, settings s);

    capabilities const& can() const override;
    // GET: msg_signature over the encrypted echostr; the answer is echostr decrypted.
    model::result<http_answer> verify_url(model::raw_request const& req, model::timestamp now) const override;
    // POST: signed, decrypted (receiveid = corp_id), parsed; answered with an empty 200.
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp now) const override;
    // GET /cgi-bin/gettoken?corpid=..&corpsecret=..
    std::optional<model::api_call> credential_call() const override;
    // {"errcode":0,"access_token":..,"expires_in":..}; else a failure naming the errcode.
    model::result<credential> read_credential(model::api_response const& r, model::timestamp now) const override;
    // text (and open_thread, which never comes) -> message/send or appchat/send by the
    // chat id's form; another form -> a failure; callback_ack and photo -> empty path.
    model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx) const override;
    // errcode 0 -> ok; an access_token refused -> refresh_credential; WeCom busy or
    // rate limited, 429, 5xx, no answer -> retry; any other errcode -> permanent.
    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override;

private:
    std::string channel_id_;
    settings s_;
};

adapters::platform_kind wecom_kind();

}  // namespace pg::adapters::wecom
