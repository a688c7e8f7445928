#pragma once
// WeChat Official Account (citizens) and WeCom (staff) callbacks: the pieces
// both share. Verify a URL check or a POST (crypto.hpp), read the callback
// XML, turn a citizen's message into an event, render a passive reply. Pure:
// the token, the key, the random bytes and the time come in as arguments.
#include "adapters/common/query.hpp"
#include "adapters/wechat/crypto.hpp"
#include "model/event.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::wechat {

// Limits on outside XML. A real push is well under 4 KiB, its ciphertext a third
// larger; a text message holds a few thousand characters at most.
inline constexpr std::size_t max_body_bytes = 128 * 1024;  // a POST body, and a decrypted message
inline constexpr std::size_t max_field_bytes = 16 * 1024;  // any one field but Encrypt
inline constexpr std::size_t max_xml_depth = 8;            // elements inside one another, <xml> counted

// ---- Verification: GET URL checks and signed POSTs ----

struct secrets {
    std::string token;                 // the console's Token
    std::optional<aes_key> key;        // the EncodingAESKey; absent in plain mode
    std::optional<aes_key> previous_key;  // tried as well while a new key rolls out
    std::string receive_id;            // AppID (WeChat), CorpID or suite id (WeCom)
};

// One query parameter of `target`, percent-decoded once (adapters/common/query.hpp).
using adapters::query_param;

// WeChat's GET check: signature over (token, timestamp, nonce); the answer body is
// echostr, as sent (plain text, also in safe mode). bad_signature when it does not match.
model::result<std::string> answer_url_check(model::raw_request const& req, secrets const& s);

// WeCom's GET check: msg_signature over (token, timestamp, nonce, echostr); the
// answer body is echostr decrypted (its receiveid checked).
model::result<std::string> answer_encrypted_url_check(model::raw_request const& req, secrets const& s);

enum class push_mode {
    wechat,  // query signature always; with a key, also msg_signature over <Encrypt>
    wecom,   // query msg_signature over <Encrypt>; always encrypted
};

// A POST from the platform -> the message XML it carries, signatures checked and
// decrypted. With a key, a body without <Encrypt> is refused (no downgrade to plain
// mode), and in compatible mode only the encrypted copy is read.
model::result<std::string> open_push(model::raw_request const& req, secrets const& s, push_mode mode);

// ---- The callback XML ----

// Every field a citizen's or a member's push may carry; empty when absent.
// Text as sent (entities and CDATA resolved), never trimmed.
struct callback_message {
    std::string to_user_name;    // WeChat: the account's gh_ id; WeCom: the CorpID
    std::string from_user_name;  // WeChat: the user's openid; WeCom: the member's UserID
    std::int64_t create_time = 0;  // Unix seconds
    std::string msg_type;        // text, image, voice, video, shortvideo, location, link, event, ...
    std::string msg_id;          // 64-bit: kept as text
    std::string content;         // text
    std::string pic_url;         // image
    std::string media_id;        // image, voice, video
    std::string format;          // voice: amr, speex
    std::string recognition;     // voice, when speech recognition is on
    std::string thumb_media_id;  // video
    std::optional<model::geo_point> location;  // Location_X (latitude), Location_Y (longitude)
    std::string scale;           // location: map zoom
    std::string label;           // location: the place's name
    std::string title, description, url;  // link
    std::string event;           // event: subscribe, unsubscribe, SCAN, LOCATION, CLICK, VIEW, ...
    std::string event_key;       // CLICK: menu key; VIEW: URL; subscribe: "qrscene_<scene>"; SCAN: scene
    std::string ticket;          // subscribe / SCAN from a parameterised QR code
    std::string agent_id;        // WeCom: the app
    std::string encrypt;         // safe / compatible mode: the ciphertext
};

// Reads a callback body: UTF-8, within the limits above, one <xml> root whose
// fields are text; no DOCTYPE (so no entity of ours to expand). Checks the
// common fields (ToUserName, FromUserName, CreateTime, MsgType) and the ones its
// MsgType needs; a failure (malformed_body) names the field, never its text.
model::result<callback_message> parse_message(std::string_view xml);

// The encrypted envelope of a safe-mode or WeCom push: only Encrypt is required.
model::result<callback_message> parse_envelope(std::string_view xml);

// ---- A citizen on WeChat ----

// One message -> one event, chat and user being the openid:
//   text -> text; image -> photo (its MediaId); voice -> text when WeChat
//   recognised the speech, else unsupported; location -> location (Label as text);
//   video, shortvideo, link, ... -> unsupported;
//   subscribe -> "/start" (with "qrscene_x": "/start x"), SCAN -> "/start <scene>"
//   (as Telegram's deep links); CLICK -> button with EventKey as its data;
//   unsubscribe, VIEW, LOCATION reports, job reports, ... -> ignored.
// Dedupe key "wx:<channel>:<MsgId>"; an event has none, so
// "wx:<channel>:<openid>:<CreateTime>:<Event>:<EventKey>".
model::inbound_event citizen_event(callback_message const& m, std::string const& channel_id);

// open_push + parse_message + citizen_event, for the citizen channel.
model::result<std::vector<model::inbound_event>> parse_citizen_push(model::raw_request const& req,
                                                                     std::string const& channel_id,
                                                                     secrets const& s);

// ---- Passive replies ----

// What a push is answered with when nothing is said in reply.
inline constexpr std::string_view success_body = "success";

// A text reply to `m`: the parties swapped, CreateTime `now_seconds`, `content` in
// CDATA ("]]>" split across two sections; invalid UTF-8 and characters XML cannot
// carry become U+FFFD).
std::string render_text_reply(callback_message const& m, std::string_view content, std::int64_t now_seconds);

// The safe-mode answer: <xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>.
std::string render_envelope(reply_envelope const& e);

// `text` as one or more CDATA sections: "]]>" cannot appear inside one.
std::string cdata(std::string_view text);

}  // namespace pg::adapters::wechat
