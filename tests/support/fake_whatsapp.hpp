#pragma once
// The WhatsApp Cloud API as the gateway meets it, for integration tests (wire
// protocol: /work/shared/platforms/whatsapp.md).
//
// fake_graph_api: POST /<phone_number_id>/messages on 127.0.0.1 (one
// fake_platform), checking the Bearer token and each message's shape as Meta
// does (text, interactive button / list, template, image; Meta's limits on
// lengths and counts), answering like Meta: {"messages":[{"id":"wamid.<n>"}]}, or
// {"error":{"code":N,...}} when told to or when the request is wrong.
//
// The webhook builders: what Meta POSTs (and GETs) to our callback URL, as Meta
// writes it (compact JSON, non-ASCII as \u escapes), signed with
// X-Hub-Signature-256 by an HMAC written apart from adapters/ (slack_events.hpp's).
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::testing::wa {

// ---------------------------------------------------------------- the API

struct graph_account {
    std::string phone_number_id = "106540352242922";
    std::string access_token = "EAAGtestSystemUserToken0123456789";
};

// One accepted send, parsed. Fields a type does not have stay empty.
struct sent_message {
    std::string to;
    std::string type;              // text, interactive, template, image
    std::string text;              // text.body, interactive.body.text or image.caption
    std::string interactive_type;  // button, list
    std::vector<std::pair<std::string, std::string>> choices;  // (id, title) of each reply button / list row
    std::string template_name, template_language;
    std::vector<std::string> template_parameters;  // the body's text parameters, in order
    std::string media_id;
    std::string wamid;  // what the fake answered
    nlohmann::json body;
};

// Every call the fake answered, accepted or not.
struct api_call {
    std::string target;
    int status = 0;
    std::int64_t code = 0;  // the error code answered; 0 on success
    std::string to;         // the request's "to", when it had one
};

// The errors it answers, checked in this order:
//   404 / code 100   another path or method (not POST /<phone_number_id>/messages)
//   401 / code 190   no "Authorization: Bearer <access_token>", or another token
//   scripted         fail_next's codes, one per call, in order (HTTP 400 unless given; 190: 401)
//   400 / code 100   not a JSON object, messaging_product not "whatsapp", no "to", unknown type,
//                    or a field missing, of the wrong type or past Meta's limits (error_data.details
//                    names it): text.body 1..4096; interactive body.text 1..1024; 1..3 reply
//                    buttons, titles 1..20 and distinct, ids 1..256; a list's button 1..20, 1..10
//                    rows, titles 1..24, descriptions <= 72, ids 1..200 and distinct; a template's
//                    name and language.code; body parameters of type text, non-empty, without
//                    line breaks or tabs or more than four spaces in a row; image.id or link,
//                    caption <= 1024
class fake_graph_api {
public:
    explicit fake_graph_api(graph_account a = {});
    ~fake_graph_api();
    fake_graph_api(fake_graph_api const&) = delete;
    fake_graph_api& operator=(fake_graph_api const&) = delete;

    std::string base_url() const { return platform_.base_url(); }
    fake_platform& platform() { return platform_; }
    graph_account const& account() const { return account_; }

    // The next send answers {"error":{"code":code,...}} with `http_status` (0: Meta's usual,
    // 401 for 190 and 400 otherwise) and a Retry-After header when given. Queued.
    void fail_next(std::int64_t code, int http_status = 0, std::string retry_after = {});

    std::vector<sent_message> sends() const;  // accepted, oldest first
    std::vector<sent_message> sends_to(std::string const& to) const;
    std::vector<api_call> calls() const;      // everything
    // Bounded waits, woken by each request. `pred` runs under the platform's lock:
    // use this class's accessors, not platform().requests().
    bool wait_until(std::function<bool(fake_graph_api const&)> const& pred,
                    std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_sends_to(std::string const& to, std::size_t n,
                           std::chrono::milliseconds limit = std::chrono::seconds{15}) const;

private:
    struct state;
    graph_account account_;
    std::unique_ptr<state> state_;
    fake_platform platform_;  // last: destroyed first, so no request runs against a dead state
};

// ---------------------------------------------------------------- the webhooks

// The business number as set up in Meta's dashboard (and the gateway's config).
struct business {
    std::string path = "/webhook/whatsapp";  // our callback URL
    std::string phone_number_id = "106540352242922";
    std::string display_phone_number = "15550001111";
    std::string waba_id = "102290129340398";
    std::string app_secret = "wa-test-app-secret-0123456789abcd";
    std::string verify_token = "wa-test-verify-token";
};

// Who writes: wa_id is the phone number; user_id the business-scoped user id (may be empty).
struct user {
    std::string wa_id = "16505551234";
    std::string user_id = "US.13491208655302741918";
    std::string name = "Kerstin";
};

// One change value for `b` with the user's contact and these messages / statuses.
nlohmann::json change_value(business const& b, user const& u, nlohmann::json messages,
                            nlohmann::json statuses = nullptr);
// A message object; `content` goes under the type's own key (text: {"body": ...}).
nlohmann::json message(user const& u, std::string const& wamid, std::string const& type, nlohmann::json content,
                       std::int64_t timestamp);
// The whole notification around change values, written as Meta writes it.
std::string notification(business const& b, std::vector<nlohmann::json> const& values);

std::string text_notification(business const& b, user const& u, std::string const& wamid, std::string const& text,
                              std::int64_t timestamp);
// A tap on a reply button (or, with list = true, a list row) whose id we set.
std::string reply_notification(business const& b, user const& u, std::string const& wamid, std::string const& id,
                               std::string const& title, std::int64_t timestamp, bool list = false);
// A delivery status for a message we sent; error_code non-zero for "failed".
std::string status_notification(business const& b, user const& u, std::string const& our_wamid,
                                 std::string const& status, std::int64_t timestamp, std::int64_t error_code = 0);

// Compact JSON with non-ASCII as \uXXXX escapes (surrogate pairs above U+FFFF), as Meta writes it.
std::string meta_json(nlohmann::json const& j);
// "sha256=" + lower-case hex HMAC-SHA256(app secret, body).
std::string signature(std::string const& app_secret, std::string const& body);

// POSTs `body` to the gateway as Meta does: Content-Type application/json and the signature.
http_result deliver(unsigned short gateway_port, business const& b, std::string const& body);
// The same with the signature given (a forgery, a stale one).
http_result deliver_signed(unsigned short gateway_port, business const& b, std::string const& body,
                           std::string const& signature_header);
// Meta's GET check: hub.mode=subscribe, hub.challenge, hub.verify_token.
http_result verify(unsigned short gateway_port, business const& b, std::string const& challenge,
                   std::string const& verify_token);

}  // namespace pg::testing::wa
