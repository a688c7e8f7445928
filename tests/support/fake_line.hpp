#pragma once
// LINE's Messaging API as the gateway meets it, for integration tests (wire
// protocol: /work/shared/platforms/line.md).
//
// fake_line_api: POST /v2/bot/message/reply and /v2/bot/message/push on 127.0.0.1
// (one fake_platform), answering as the real API does: a reply token works once,
// and only a token this fake issued and the test has not expired; a push needs the
// Bearer token and an X-Line-Retry-Key, and a key it accepted before gets 409; the
// request bodies are checked as LINE checks them (message objects, text length,
// quick replies), so that a test fails when the gateway sends what LINE would refuse.
// Anything else: HTTP 404.
//
// The webhook builders: event objects as LINE writes them, batched into a body
// and signed (X-Line-Signature) with HMAC-SHA256 written here apart from
// adapters/line, so the tests check the gateway against an independent signer.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace pg::testing::line {

// ---------------------------------------------------------------- the API

struct api_settings {
    std::string access_token = "test-line-channel-access-token/0123456789+abcdef=";
    // Pushes without X-Line-Retry-Key are refused (400, naming the header). LINE takes
    // them, but the gateway must always send one: a test that wants LINE's own
    // leniency turns this off.
    bool require_retry_key = true;
};

// One accepted send, parsed.
struct sent_message {
    std::string endpoint;     // "reply" or "push"
    std::string to;           // push: the user id
    std::string reply_token;  // reply: the token used
    std::string retry_key;    // push: X-Line-Retry-Key
    std::string text;         // messages[0].text
    nlohmann::json messages;  // the whole messages array
    std::string id;           // what the fake answered in sentMessages[0].id
};

// Every call the fake answered, accepted or not.
struct api_call {
    std::string path;
    int status = 0;
    std::string answer;       // the body it answered
    std::string retry_key;    // "" when absent
    std::string reply_token;  // "" when absent or not a reply
    std::string body;
};

// What it answers, checked in this order:
//   any    404 unknown path; 405 not POST; scripted by fail_next / drop_answer_next
//   both   401 {"message":"Authentication failed..."} without "Authorization: Bearer <access_token>";
//          400 Content-Type not application/json or the body not a JSON object;
//          400 {"message":"The request body has N error(s)","details":[{"message","property"}]} for a
//              messages array not of 1..5 text objects, a text empty or over 5000 UTF-16 units, a
//              quickReply not of 1..13 action items, a label not of 1..20 characters, postback data
//              not of 1..300, a displayText over 300, an action type other than postback / location
//   reply  400 {"message":"Invalid reply token"} for a token it did not issue, used once already
//          or expired by the test
//   push   400 for a `to` that is not a LINE user, group or room id (U/C/R + 32 hex digits); 400
//          for a missing (with require_retry_key) or non-UUID X-Line-Retry-Key; 409 {"message":
//          "The retry key is already accepted","sentMessages":[...]} for a key it accepted before
class fake_line_api {
public:
    explicit fake_line_api(api_settings s = {});
    ~fake_line_api();
    fake_line_api(fake_line_api const&) = delete;
    fake_line_api& operator=(fake_line_api const&) = delete;

    std::string base_url() const { return platform_.base_url(); }
    fake_platform& platform() { return platform_; }  // raw requests, connection faults
    api_settings const& settings() const { return settings_; }

    // ---- reply tokens: the test decides how long each lives
    std::string issue_reply_token();   // a fresh token, valid once until expired
    void expire_reply_tokens();        // every token issued so far stops working

    // ---- scripted faults, queued per path prefix ("/v2/bot/message/push")
    // The next such call answers `status` with `body` and changes nothing (a retry key stays unused).
    void fail_next(std::string const& path_prefix, int status, std::string body = R"({"message":"Internal server error"})");
    // The next such call is accepted (sent, its retry key used up) but the connection is
    // closed before the answer: the sender cannot know it went out.
    void drop_answer_next(std::string const& path_prefix);

    // ---- what it saw
    std::vector<sent_message> sent() const;     // accepted replies and pushes, in order
    std::vector<sent_message> replies() const;  // accepted replies
    std::vector<sent_message> pushes() const;   // accepted pushes
    std::vector<api_call> calls() const;        // everything, with the status answered
    // Bounded waits (notified on each request): true once `pred` holds. `pred` runs
    // under the platform's lock: use this class's accessors, not platform().requests().
    bool wait_until(std::function<bool(fake_line_api const&)> const& pred,
                    std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_sent(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds{15}) const;

private:
    struct state;
    api_settings settings_;
    std::unique_ptr<state> state_;
    fake_platform platform_;  // last: destroyed first, so no request runs against a dead state
};

// ---------------------------------------------------------------- the webhooks

// The channel as configured in the LINE Developers console (and in the gateway's config).
struct channel {
    std::string path = "/webhook/line";
    std::string secret = "8c570fa6dd201bb328f1c1eac23a96d8";
    std::string bot_user_id = "Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3";  // "destination"
};

// base64(HMAC-SHA256(secret, body)), by OpenSSL's HMAC and EVP_EncodeBlock.
std::string sign(std::string const& secret, std::string const& body);

struct webhook {
    std::string target;
    std::string body;
    std::string signature;  // X-Line-Signature
};

// Common fields of an event from `user_id` in a one-to-one chat, active mode.
// reply_token "" leaves replyToken out. timestamp in milliseconds.
struct event_base {
    std::string user_id;
    std::string webhook_event_id;  // a ULID-like id, unique per event
    std::int64_t timestamp_ms = 0;
    std::string reply_token;
    bool redelivery = false;
};

nlohmann::json text_event(event_base const& b, std::string const& text);
nlohmann::json postback_event(event_base const& b, std::string const& data);
nlohmann::json follow_event(event_base const& b);
nlohmann::json image_event(event_base const& b, std::string const& message_id);
nlohmann::json location_event(event_base const& b, double latitude, double longitude, std::string const& title,
                              std::string const& address);
// Any type with the common fields only (unfollow, join, ...).
nlohmann::json bare_event(event_base const& b, std::string const& type);

// {"destination":..., "events":[...]} as compact JSON, signed with the channel's secret.
webhook signed_webhook(channel const& c, std::vector<nlohmann::json> const& events);
// POSTs it to the gateway as LINE does (Content-Type application/json, X-Line-Signature).
http_result deliver(unsigned short gateway_port, webhook const& w);

// A fresh ULID-shaped id (26 characters of Crockford base32), for webhookEventId.
std::string new_event_id();

}  // namespace pg::testing::line
