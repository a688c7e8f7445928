#pragma once
// One person across channels. A citizen who writes from WeChat and from SMS is
// two chats until they link them with a one-time code; then "my requests" lists
// what they filed anywhere, and status pushes go where they prefer and can still
// be reached.
#include "model/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::model {

// A chat on a channel: where a citizen can be written to.
struct identity {
    std::string channel_id;
    std::string chat_id;  // personal data (a phone number on SMS)
    bool operator==(identity const&) const = default;
};

struct citizen {
    std::vector<identity> identities;  // every linked chat, in the order linked; never empty
    // Where status pushes go first; none: the petition's own chat.
    std::optional<identity> preferred;
    // Chats that cannot be written to now: the person opted out (SMS STOP,
    // WeChat unsubscribe, LINE unfollow) or a push there failed for good. Writing
    // from it again takes it off.
    std::vector<identity> unreachable;
    bool operator==(citizen const&) const = default;
};

// Linked chats by the rule of one record: a chat never linked is a citizen of one.
citizen alone(identity const& i);
bool reachable(citizen const& c, identity const& i);

// A one-time code that links the chat that asked for it to the chat that sends it back.
struct link_code {
    std::string code;  // six digits
    identity issued_to;
    timestamp expires_at{};
    bool operator==(link_code const&) const = default;
};

// A status push a platform took (it gave the message an id), remembered so that
// its receipts (delivered, read, failed) reach the petition's timeline.
struct sent_notice {
    identity to;
    std::string sent_id;   // the platform's id for it
    std::string tracking;
    std::string status;    // the petition status it announced
    std::string state;     // the furthest receipt so far: "sent", "delivered", "read", "failed"
    timestamp at{};        // when that state was learned
    std::string text;      // the push itself, for the citizen's next chat if this one fails
    std::string language;
    bool operator==(sent_notice const&) const = default;
};

// Receipts may arrive out of order: the further state wins. sent < failed <
// delivered < read: a message the person's phone got was not lost, whatever
// came late. Unknown states ("queued", "accepted") count as sent.
bool further(std::string_view state, std::string_view than);
// "failed" and Twilio's "undelivered": the push did not reach the person.
bool failed_state(std::string_view state);

}  // namespace pg::model
