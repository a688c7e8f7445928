#pragma once
// Slack (staff channel): verify + parse an Events API delivery, render an outbound
// message as a Web API call, interpret the API's answer. Pure: secrets and time
// come in as arguments.
#include "adapters/platform.hpp"
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"
#include "model/time.hpp"

#include <string>
#include <vector>

namespace pg::adapters::slack {

struct secrets {
    std::string signing_secret;  // the app's Signing Secret: signs every request Slack sends
    std::string bot_token;       // xoxb-...: goes in the Authorization header only, never in a path
};

// Verifies first (bad_signature): X-Slack-Request-Timestamp is Unix seconds within 300 s
// of `now` either way, and X-Slack-Signature is "v0=" + hex HMAC-SHA256(signing_secret,
// "v0:" + timestamp + ":" + raw body), compared in constant time. An empty configured
// secret refuses everything. Only then parses (malformed_body, naming the field).
//
// One event per delivery:
// - url_verification: kind `challenge`, `text` = the challenge, empty dedupe_key (the
//   gateway answers 200 with the text and stores nothing).
// - event_callback: dedupe_key "slack:<channel_id>:<event_id>", so Slack's retries
//   (X-Slack-Retry-Num) are duplicates. A message or app_mention becomes kind `text`
//   in a `group` chat (chat_id = Slack channel, message_id = ts, thread_id = thread_ts
//   for a reply in a thread) with mrkdwn made readable and a leading mention of our bot
//   removed; `from_bot` marks bot messages and our own echoes. Edits, deletions, joins
//   and other non-user subtypes, and other event types, are `ignored` with `detail`
//   naming the subtype or type.
// - any other envelope (app_rate_limited, ...): `ignored`, detail = its type, dedupe_key
//   "slack:<channel_id>:<type>:<event_time | minute_rate_limited | api_app_id>".
model::result<std::vector<model::inbound_event>> parse_event(model::raw_request const& req,
                                                             std::string const& channel_id, secrets const& s,
                                                             model::timestamp now);

// text -> POST /chat.postMessage (thread_ts when thread_id is set); open_thread -> the
// same without thread_ts: the posted message (`text`, else `title`) is the thread's
// parent, and its ts names the thread. Buttons become numbered text lines ("1. Accept"):
// staff answer by typing. callback_ack -> an api_call with an empty path: Slack has
// nothing to acknowledge, and the gateway sends nothing for an empty path.
model::api_call render(model::outbound_message const& m, secrets const& s);

// 2xx + ok:true -> ok, created_thread = the posted message's ts. ok:false: rate limits
// and Slack-side errors retry, anything else (channel_not_found, invalid_auth, ...) is
// permanent. 429 -> retry no sooner than Retry-After; 5xx / no answer -> retry; other
// 4xx -> permanent.
model::delivery_verdict interpret(model::api_response const& r, model::timestamp now);

// Its registration on the platform contract (platform.cpp).
platform_kind kind();

}  // namespace pg::adapters::slack
