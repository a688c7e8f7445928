#pragma once
// SMS through Twilio Programmable Messaging (citizens) as a platform: signed
// form posts in (messages and status callbacks), answered with empty TwiML;
// every reply out through the Messages REST API, cut to whole segments.
//
// Its own config keys (see kind().settings):
//   account_sid            "AC" + 32 hex: the account, and the user name of Basic auth
//   auth_token             the account's Auth Token: signs webhooks, password of Basic auth
//   previous_auth_token    optional: the token before a rotation, still accepted on webhooks
//                          (Twilio signs with the primary token of the moment it sends)
//   from                   the sending number, E.164 ("+15005550006"); or instead
//   messaging_service_sid  "MG" + 32 hex: a Messaging Service picks the sender
//   public_url             the number's messaging webhook exactly as set in Twilio's console
//                          (https://host[:port]/webhook/<channel id>[?query]): what Twilio signs,
//                          never rebuilt from Host; also our StatusCallback
//   max_segments           1..10, default 3: the most segments one message may cost
//
// Why no TwiML reply: a reply in the HTTP answer is lost with the answer (a
// timeout, a dropped connection) and never retried or recorded. So the webhook
// is answered with an empty <Response/> once its events are committed, and every
// reply leaves through the outbox and the REST API, retried and recorded.
#include "adapters/platform.hpp"
#include "adapters/sms/form.hpp"
#include "model/event.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::sms {

platform_kind kind();

inline constexpr std::size_t default_max_segments = 3;
inline constexpr std::size_t most_segments = 10;

// The answer to every webhook: "no reply here" (replies go by the REST API).
inline constexpr std::string_view empty_twiml = R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";

// ---- The signature (X-Twilio-Signature)

// base64(HMAC-SHA1(auth_token, url + name + value of every field, sorted by name,
// then by value)). An identical name-value pair counts once, as Twilio's SDKs
// (twilio-python, twilio-node) count it.
std::string twilio_signature(std::string_view auth_token, std::string_view url, form_fields const& fields);

// The URLs a signature may be over: `public_url` as configured, and with the
// scheme's default port (:443 for https, :80 for http) added when it has none, or
// removed when it has that one. Twilio's SDKs accept the same.
std::vector<std::string> signed_url_variants(std::string_view public_url);

// Whether `header` is the signature of `fields` over one of the variants; in
// constant time for each.
bool signature_matches(std::string_view header, std::string_view auth_token, std::string_view public_url,
                       form_fields const& fields);

// ---- The webhook

struct webhook_settings {
    std::string channel_id;
    std::string auth_token;
    std::string previous_auth_token;  // "" when no rotation is under way
    std::string public_url;
};

// Opt-out (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, REVOKE, OPTOUT) and
// opt-in (START, UNSTOP, YES) keywords: the whole body, trimmed, any case.
bool opt_out_word(std::string_view body);
bool opt_in_word(std::string_view body);

// Signed fields -> the event they carry:
//   a status callback (MessageStatus) -> receipt: message_id MessageSid, text the
//     status, detail ErrorCode; chat the recipient (To); dedupe "sms:<ch>:<sid>:<status>";
//   an inbound message (Body, or SmsStatus=received) -> chat and user From, message_id
//     MessageSid, dedupe "sms:<ch>:<sid>": an opt-out or opt-in word -> ignored
//     ("opt_out" / "opt_in": Twilio answers those itself); media -> photo (the
//     image MediaUrlN, Body as caption) or, with no image, unsupported ("media");
//     else text.
// A failure names the field (malformed_body) or says it is neither (unsupported_update).
model::result<model::inbound_event> event_of(form_fields const& fields, std::string const& channel_id);

// A POST: signature, form and fields checked, in that order of trust: an unsigned
// request is bad_signature before its body is read. A GET is refused (POST only).
model::result<webhook_input> parse_webhook(model::raw_request const& req, webhook_settings const& s);

}  // namespace pg::adapters::sms
