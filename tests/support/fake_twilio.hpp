#pragma once
// Twilio Programmable Messaging as the gateway meets it, for integration tests
// (wire protocol: /work/shared/platforms/twilio.md).
//
// fake_twilio_api: the Messages REST API on 127.0.0.1 (one fake_platform):
// POST /2010-04-01/Accounts/<sid>/Messages.json with HTTP Basic auth and form
// fields, answered 201 {"sid":"SM<32 hex>","status":"queued",...} as Twilio does,
// or with Twilio's error JSON ({"code":N,"message":...,"status":S}) when the
// request is one Twilio would refuse, a number opted out, or a test says so.
//
// The webhook builders: what Twilio POSTs to our webhook (an inbound SMS or MMS,
// a status callback), form-encoded and signed with X-Twilio-Signature. Form
// encoding, HMAC-SHA1 and segment counting here are written apart from
// adapters/sms on purpose: the tests check the gateway against them.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::testing::twilio {

using fields = std::vector<std::pair<std::string, std::string>>;

struct account {
    std::string account_sid = "AC00112233445566778899aabbccddeeff";
    std::string auth_token = "f0e1d2c3b4a5968778695a4b3c2d1e0f";
    std::string from = "+15005550006";  // the number the gateway sends from
};

// One accepted send.
struct sent_sms {
    std::string sid;  // what the fake answered: "SM" + 32 hex
    std::string to;
    std::string from;
    std::string messaging_service_sid;
    std::string body;
    std::string status_callback;
    std::size_t num_segments = 0;  // counted as the network counts them
};

// Every call the fake answered, accepted or not.
struct api_call {
    std::string method;
    std::string path;
    int status = 0;  // HTTP status answered
    int code = 0;    // Twilio error code answered; 0 when accepted
    std::string body;
};

// The codes it answers, checked in this order (HTTP status in brackets):
//   20404 (404) another path, or another account's; 20003 (401) Basic auth missing or wrong;
//   scripted by fail_next (21610 -> 400, 20429 -> 429, 500 -> HTTP 500 with code 20500, others 400);
//   21604 no To; 21211 To not E.164; 21603 neither From nor MessagingServiceSid;
//   21606 From not the account's number; 21602 no Body; 21617 Body over 1600 characters;
//   21610 To opted out (opt_out()).
class fake_twilio_api {
public:
    explicit fake_twilio_api(account a = {});
    ~fake_twilio_api();
    fake_twilio_api(fake_twilio_api const&) = delete;
    fake_twilio_api& operator=(fake_twilio_api const&) = delete;

    std::string base_url() const { return platform_.base_url(); }
    fake_platform& platform() { return platform_; }
    account const& credentials() const { return account_; }

    // The next send answers `code` (see above) and changes nothing; queued. retry_after
    // > 0 adds a Retry-After header.
    void fail_next(int code, int retry_after_seconds = 0);
    // Sends to `number` answer 21610 (it texted STOP) until opted back in. Call it
    // beside posting the citizen's STOP: the fake does not see the webhook.
    void opt_out(std::string const& number, bool out = true);

    std::vector<sent_sms> sent() const;
    std::vector<sent_sms> sent_to(std::string const& number) const;
    std::vector<api_call> calls() const;
    // Bounded waits (woken on each request). `pred` runs under the platform's lock:
    // use this class's accessors, not platform().requests().
    bool wait_until(std::function<bool(fake_twilio_api const&)> const& pred,
                    std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_sent_to(std::string const& number, std::size_t n,
                          std::chrono::milliseconds limit = std::chrono::seconds{15}) const;

private:
    struct state;
    account account_;
    std::unique_ptr<state> state_;
    fake_platform platform_;  // last: destroyed first, so no request runs against a dead state
};

// ---- Webhooks, as Twilio posts them

// What an inbound SMS carries (MessageSid, AccountSid, From, To, Body, NumMedia,
// SmsStatus=received, ...). media: (url, content type) pairs make it an MMS.
fields inbound_sms(account const& a, std::string const& from, std::string const& body, std::string const& message_sid,
                   std::vector<std::pair<std::string, std::string>> const& media = {});
// A status callback for a message we sent. error_code "" leaves ErrorCode out.
fields status_callback(account const& a, std::string const& message_sid, std::string const& status,
                       std::string const& to, std::string const& error_code = "");
// "SM" + 32 hex digits, from a counter.
std::string message_sid(std::uint64_t n);

// application/x-www-form-urlencoded as Twilio writes it: ' ' as '+', UTF-8 percent-encoded.
std::string form_encode(fields const& f);
// base64(HMAC-SHA1(token, url + name + value sorted by name, then value)).
std::string signature(std::string const& auth_token, std::string const& url, fields const& f);

// POSTs `f` to the gateway at `path`, signed over `public_url` (what Twilio was
// configured with); `signature_override` non-empty replaces the signature.
http_result post_signed(unsigned short gateway_port, std::string const& path, std::string const& auth_token,
                        std::string const& public_url, fields const& f, std::string const& signature_override = "");

// Segments as a carrier counts them: GSM 03.38 septets (160, or 153 each when
// concatenated), else UTF-16 units (70, or 67 each).
std::size_t count_segments(std::string_view utf8);

}  // namespace pg::testing::twilio
