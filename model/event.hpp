#pragma once
// One normalized inbound event: what every adapter's parse produces.
#include "model/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::model {

enum class event_kind {
    text,         // typed text (also a /command)
    button,       // an inline-button press; `text` holds its callback data
    location,     // a shared map location (`location`), maybe with text
    photo,        // one or more photos (`photo_ids`), `text` holds the caption
    unsupported,  // a sticker, voice note, ... in a private chat: worth a hint; `detail` says what
    ignored,      // acknowledged and dropped: group chatter, channel posts, service messages
    challenge,    // a URL-verification handshake (Slack): answer 200 with `text` as the body, store nothing
    receipt,      // the platform's word on a message we sent (WhatsApp statuses, Twilio status callbacks):
                  // `message_id` is the id the platform gave it when it took it (delivery_verdict::sent_id),
                  // `text` the state ("sent", "delivered", "read", "failed"), `detail` an error code
};

enum class chat_kind { private_chat, group, channel };

// An `ignored` event's detail when the person stopped the account's messages
// (SMS STOP, WeChat unsubscribe, LINE unfollow): their status pushes go to
// another linked chat until they write from this one again.
inline constexpr std::string_view opted_out = "opt_out";

struct geo_point {
    double latitude = 0;
    double longitude = 0;
    bool operator==(geo_point const&) const = default;
};

struct inbound_event {
    std::string dedupe_key;     // unique per platform delivery, e.g. "tg:telegram:1234567"
    std::string channel_id;     // the configured channel this came in on
    std::string chat_id;        // the platform's chat id, as text; the conversation key with channel_id
    std::string user_id;        // the sender, as text; may be empty (channel posts)
    chat_kind chat = chat_kind::private_chat;
    event_kind kind = event_kind::text;
    std::string text;           // text, caption or callback data
    std::optional<geo_point> location;
    std::vector<std::string> photo_ids;  // platform file ids, largest size only
    std::string language;       // the client's language hint ("en", "zh-hans"), may be empty
    std::string callback_id;    // a button press to acknowledge (Telegram answerCallbackQuery)
    std::string detail;         // for unsupported/ignored: what it was ("sticker", "edited_message")
    bool edited = false;        // an edit of an earlier message
    bool from_bot = false;      // sent by a bot (our own messages echoed back by Slack): never acted on
    std::string thread_id;      // staff side: Telegram forum topic id / Slack thread_ts; empty outside threads
    std::string thread_title;   // staff side: the topic's name when the platform repeats it (Telegram:
                                // the topic's creation message, which a message in the topic replies to)
    std::string message_id;     // the platform's message id (Telegram message_id, Slack ts)
    std::string user_name;      // staff side: display name for the timeline; never logged
    timestamp sent_at{};        // the platform's own time stamp
    std::string reply_token;    // a one-time handle to answer this event with (LINE's replyToken); usually empty
    bool operator==(inbound_event const&) const = default;
};

}  // namespace pg::model
