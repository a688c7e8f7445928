#pragma once
// LINE Messaging API (citizens) as a platform: signed webhooks with batches of
// events in, answers out by reply token while it lives and by push after that.
// Wire notes: /work/shared/platforms/line.md.
//
// Its own config keys (see kind().settings):
//   channel_secret        the console's channel secret (32 hex digits): signs every webhook
//   access_token          a channel access token, sent as "Authorization: Bearer"
//   reply_token_seconds   how long after its event a reply token is still used (1..60, default 50);
//                         past it, and on every retry, the answer is pushed
#include "adapters/platform.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::adapters::line {

// A text message object carries at most 5000 characters (UTF-16 units here).
inline constexpr std::size_t max_text_units = 5000;
// Quick reply: at most 13 items, each label at most 20 characters.
inline constexpr std::size_t max_quick_replies = 13;
inline constexpr std::size_t max_label_units = 20;
// A postback's displayText: at most 300 characters.
inline constexpr std::size_t max_display_text_units = 300;
inline constexpr std::int64_t default_reply_token_seconds = 50;
inline constexpr std::int64_t max_reply_token_seconds = 60;

inline constexpr std::string_view signature_header = "X-Line-Signature";
inline constexpr std::string_view retry_key_header = "X-Line-Retry-Key";
inline constexpr std::string_view reply_path = "/v2/bot/message/reply";
inline constexpr std::string_view push_path = "/v2/bot/message/push";

struct settings {
    std::string channel_id;
    std::string channel_secret;  // secret: never logged
    std::string access_token;    // secret: never logged
    std::chrono::seconds reply_token_lifetime{default_reply_token_seconds};
};

// X-Line-Signature of `body`: base64(HMAC-SHA256(key = channel secret, raw body bytes)).
std::string signature(std::string_view channel_secret, std::string_view body);

// The X-Line-Retry-Key of an outbox entry: a v4-shaped UUID made from the channel,
// the chat and the entry's seq, so every retry of the entry carries the same key
// and no two entries share one.
std::string retry_key(std::string_view channel_id, std::string_view chat_id, std::uint64_t seq);

// Checks X-Line-Signature (bad_signature) before reading anything, then reads
// {"destination", "events": [...]} into one event per LINE event; none for the
// console's Verify (an empty array). A broken body is malformed_body naming the
// field. Answered with an empty 200.
model::result<webhook_input> parse_webhook(model::raw_request const& req, settings const& s);

// A text message by reply (a live reply token, first attempt) or by push (with its
// retry key); a callback_ack or a photo calls nothing (empty path).
model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx, settings const& s);

// 200 -> ok (sent_id: sentMessages[0].id); 409 -> ok (the retry key was accepted
// before); 400 "Invalid reply token" -> retry (the next attempt pushes); other 4xx
// -> permanent; 429 -> retry no sooner than Retry-After; 5xx and no answer -> retry.
model::delivery_verdict interpret(model::api_response const& r, model::timestamp now, settings const& s);

platform_kind kind();

}  // namespace pg::adapters::line
