#pragma once
// The gateway's own web chat page: session cookies, parse of what the page
// posts, and the JSON frames the page draws. Pure: the session's random id,
// the secret and the time come in as arguments.
//
// A session is a random id the gateway makes; the cookie carries it with the
// time it was issued and an HMAC over both, so any gateway holding the secret
// (also after a restart) knows it without storing anything. The session id is
// the conversation's chat id: a citizen's history is reachable only through a
// cookie the gateway signed.
#include "adapters/platform.hpp"
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"
#include "model/time.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::webchat {

struct secrets {
    std::string session_secret;  // HMAC key of the session cookies
};

// Random bytes per session id (the gateway draws them): 32 hex characters.
inline constexpr std::size_t session_id_bytes = 16;
// A cookie older than this is refused; the page's session call re-issues it,
// so only a citizen away for longer starts over.
inline constexpr std::chrono::seconds session_max_age{180 * 24 * 3600};

// Limits on what the page may post.
inline constexpr std::size_t max_client_id = 64;       // bytes of "id"
inline constexpr std::size_t max_text_units = 4096;    // UTF-16 units of "text", as Telegram counts
inline constexpr std::size_t max_button_data = 64;     // bytes of "button", as Telegram's callback data
inline constexpr std::size_t max_language = 35;        // bytes of "language" (a BCP 47 tag)

// "pg_chat_<channel_id>": one cookie per web chat channel, so two channels on
// one host do not overwrite each other's session.
std::string cookie_name(std::string_view channel_id);

// `random` (session_id_bytes bytes) -> the session id, lower-case hex.
std::string new_session_id(std::string_view random);

// "<id>.<issued unix seconds>.<hex HMAC-SHA256(secret, id "." issued)>".
std::string cookie_value(std::string_view session_id, model::timestamp issued, std::string_view secret);

// The Set-Cookie header value: HttpOnly (page script never sees it),
// SameSite=Strict (no other site's page sends it), Path=/, Max-Age; Secure when
// `secure` (the page came over HTTPS: the cookie must never travel in clear).
std::string set_cookie(std::string_view channel_id, std::string_view value, bool secure = false);

// The session id named by a Cookie header, or nullopt: no cookie of this
// channel, a garbled one, a wrong MAC (compared in constant time), one issued
// more than session_max_age before `now` or later than a minute after it, or an
// empty secret (fail closed). Several cookies of the name: the first valid one.
std::optional<std::string> verify_session(std::string_view cookie_header, std::string_view channel_id,
                                          std::string_view secret, model::timestamp now);

// A request from another site's page: an Origin header that is present and is
// not "http(s)://" + the Host header. Browsers send Origin on every POST and
// every WebSocket handshake, so this stops cross-site posts and socket
// hijacking even where SameSite is not honoured.
bool cross_origin(model::raw_request const& req);

// Verifies (bad_signature: cross origin, no or bad cookie), then parses the
// JSON body (malformed_body, naming the field):
//   {"id": "<client message id>", "text": "..."}
//   {"id": "...", "button": "<data>"}
//   {"id": "...", "location": {"latitude": .., "longitude": ..}}
// plus an optional "language" (navigator.language). Exactly one of text,
// button, location; no other keys. The event: chat_id and user_id = the
// session, private chat, dedupe key "web:<channel>:<session>:<id>" so a resend
// is processed once, sent_at = now.
model::result<std::vector<model::inbound_event>> parse(model::raw_request const& req, std::string const& channel_id,
                                                        secrets const& s, model::timestamp now);

// What the page draws for a message from the gateway:
//   {"kind":"text","text":"...","buttons":[[{"label":"..","data":".."}]],"location_label":"..","language":"zh-CN"}
// buttons, location_label and language (the dialog's, for the page's own labels)
// only when present. Invalid UTF-8 becomes U+FFFD.
std::string gateway_frame(model::outbound_message const& m);

// What the page draws for what the citizen sent (the history keeps it):
//   {"kind":"text","id":"..","text":".."}
//   {"kind":"button","id":"..","data":".."}            (the page shows the pressed button's label)
//   {"kind":"location","id":"..","latitude":..,"longitude":..}
std::string citizen_frame(model::inbound_event const& ev);

// A text message -> an api_call whose body is gateway_frame (delivery is local:
// the path is "local"); callback_ack and thread messages -> an empty path, i.e.
// nothing to deliver.
model::api_call render(model::outbound_message const& m);

// Local delivery has no platform answer to judge: always ok.
model::delivery_verdict interpret(model::api_response const& r, model::timestamp now);

// Its registration on the platform contract (platform.cpp), as "type" names it.
inline constexpr std::string_view type_name = "webchat";
platform_kind kind();

}  // namespace pg::adapters::webchat
