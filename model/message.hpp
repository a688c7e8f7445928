#pragma once
// What leaves the gateway: an outbound message, the API call an adapter renders
// from it, and the adapter's verdict on the platform's answer.
#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::model {

struct button {
    std::string label;  // what the citizen sees
    std::string data;   // what comes back when pressed (<= 64 bytes on Telegram)
};

enum class message_kind {
    text,          // a chat message, maybe with buttons
    callback_ack,  // acknowledge a button press (stops the client's spinner)
    open_thread,   // staff side: open a petition's thread (Telegram createForumTopic named `title`;
                   // Slack: post `text` as the thread's parent). The platform's answer names the
                   // thread, which the dispatcher binds to `thread_key`.
    photo,         // re-post a photo the citizen sent (`media_id`) with `text` as its caption; only
                   // on the channel that received it, where the platform's file id is valid
};

struct outbound_message {
    message_kind kind = message_kind::text;
    std::string channel_id;
    std::string chat_id;
    std::string text;                          // final, already localized text
    std::vector<std::vector<button>> buttons;  // rows of inline buttons
    // Non-empty: offer a "share location" reply-keyboard button with this label.
    // Telegram then sends a reply keyboard instead of inline buttons, and each
    // button row becomes a row of plain text buttons (typed answers always work).
    std::string location_label;
    std::string thread_id;                     // staff forum topic / thread, if known when queued
    std::string thread_key;                    // a petition's tracking number: the dispatcher resolves
                                               // its thread in this chat at send time (it may have been
                                               // opened after this message was queued)
    std::string title;                         // open_thread: the topic name
    std::string callback_id;                   // for callback_ack
    std::string media_id;                      // photo: the platform's file id
    std::string language;                      // the citizen dialog's locale code when it wrote `text`
                                               // ("zh-CN"), so a page can match its own labels; else ""
    // When the person in this chat last wrote to us, as far as the gateway knew
    // when it queued the message; zero if unknown. Platforms with a reply window
    // (WeChat's 48 hours) choose free text or a template by it.
    timestamp heard_at{};
    // A status push: the petition and the status it announces ("accepted"), so a
    // platform that needs a template outside its window can fill one. Else empty.
    std::string notice_tracking;
    std::string notice_status;
    // A one-time handle for answering the event that caused this message (LINE's
    // replyToken), and when that event arrived: the platform may answer with it
    // while it lives, once. The gateway gives it to the first message a unit of
    // work queues to the event's own chat; empty on every other message.
    std::string reply_token;
    timestamp reply_token_at{};
};

// One HTTP call to a platform API, relative to the channel's api_base.
struct api_call {
    std::string method = "POST";
    std::string path;  // appended to api_base, e.g. "/bot<token>/sendMessage"
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Authorization, ...)
    std::string body;
};

struct api_response {
    int status = 0;  // HTTP status
    std::string body;
    std::string retry_after_header;  // "Retry-After", if any
};

// refresh_credential: the platform refused the fetched credential (expired or
// revoked access_token): the gateway fetches a new one and retries once at once.
enum class delivery { ok, retry, permanent, refresh_credential };

struct delivery_verdict {
    delivery outcome = delivery::ok;
    std::optional<timestamp> not_before;  // retry no sooner than this (429 retry_after)
    std::string reason;                   // for logs and dead letters; never message text
    std::string created_thread;           // open_thread succeeded: the new thread's id
    std::string sent_id;                  // ok: the platform's id for the message it took (WhatsApp's wamid,
                                          // Twilio's SM sid), which its later receipts name; else empty
};

// An outbound message waiting in the outbox. `seq` orders entries: per chat, lower first.
struct outbox_entry {
    std::uint64_t seq = 0;
    outbound_message message;
    std::uint32_t attempts = 0;
    timestamp created_at{};
};

}  // namespace pg::model
