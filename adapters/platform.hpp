#pragma once
// The platform contract: what the gateway needs from a messaging platform, and
// all a new platform provides. One implementation per platform folder, one
// registration line in adapters/registry.cpp; config reads the platform's own
// settings through its `settings` list, and nothing in config/, gateway/ or
// dialog/ names a platform. Pure, as every adapter: time, secrets and fetched
// credentials come in as arguments.
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"
#include "model/time.hpp"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters {

// What a platform can do; the gateway and the dialog adapt to it.
struct capabilities {
    // Inline buttons. Without them the dialog numbers every choice in the text
    // and a typed number stands for a press (WeChat, SMS).
    bool buttons = true;
    // At most this many buttons on one message (WhatsApp's list: 10, LINE's quick
    // replies: 13); the dialog numbers a screen with more. 0: no limit.
    std::size_t max_buttons = 0;
    // A staff chat keeps one thread per petition (Telegram topics, Slack threads).
    // Without threads a staff member names the tracking number in the command.
    bool threads = false;
    // Opening a thread posts the card itself (Slack's parent message) rather than
    // only naming a topic the card is then posted into (Telegram).
    bool thread_carries_text = false;
    // The longest text one message may carry, in UTF-16 code units.
    std::size_t max_text = 4096;
    // Free text reaches a person only this long after they last wrote (WeChat's
    // 48 hours); past it, render() sends a template or refuses. Zero: no window.
    std::chrono::milliseconds reply_window{0};
    // Delivered into the gateway's own history, not through an API (web chat).
    bool local_delivery = false;
    // Every message costs money (SMS): a status push goes here only when none of
    // the citizen's other chats can take it.
    bool paid_per_message = false;
    // An organisation's own app (WeCom): whoever writes to it is staff, each in
    // their own chat with the app, so every event on it is a staff event.
    bool staff_only = false;
    // Its webhook is posted by the public (web chat's page): rate limited and
    // Host-checked like a page, never given the platforms' reserved connections.
    bool public_webhook = false;
};

// What the gateway answers a webhook with once its events are committed: an
// empty 200 for most platforms; "success" or a passive reply (WeChat), a
// challenge echoed (Slack's url_verification), TwiML.
struct http_answer {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
};

struct webhook_input {
    std::vector<model::inbound_event> events;  // each one unit of work; may be none
    http_answer answer;
};

// A credential the gateway fetches from the platform and keeps fresh (an
// access_token): the platform says how to fetch it and how long it lives.
struct credential {
    std::string value;               // secret: never logged
    model::timestamp expires_at{};
};

// What render() knows beyond the message itself.
struct send_context {
    model::timestamp now{};
    std::string_view credential;          // the current fetched credential; empty if the platform has none
    model::timestamp heard_at{};          // the message's `heard_at`: when the person last wrote, if known
    std::uint32_t attempt = 0;            // sends of this message tried before (LINE: a reply token failed, push)
    std::uint64_t seq = 0;                // the outbox entry's seq: the same on every retry, so an
                                          // idempotency key (LINE's X-Line-Retry-Key) can be made from it
};

class platform {
public:
    virtual ~platform() = default;

    virtual capabilities const& can() const = 0;

    // GET /webhook/{channel}: a URL check (WeChat's echostr, WhatsApp's
    // hub.challenge). Platforms without one: 405.
    virtual model::result<http_answer> verify_url(model::raw_request const& req, model::timestamp now) const;

    // POST /webhook/{channel}: verify, then parse. A failure changes nothing;
    // its code picks the HTTP status (model/result.hpp).
    virtual model::result<webhook_input> parse(model::raw_request const& req, model::timestamp now) const = 0;

    // The call that fetches the credential; nullopt when the platform has none.
    virtual std::optional<model::api_call> credential_call() const { return std::nullopt; }
    // Reads the answer to credential_call(). A failure's detail names the error code, never the secret.
    virtual model::result<credential> read_credential(model::api_response const& r, model::timestamp now) const;

    // The API call that sends `m`. An empty path: nothing to call (ok). A failure:
    // the platform would refuse it (outside its window with no template for it),
    // so it is never sent; its detail says why and becomes the dead letter's reason.
    virtual model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx) const = 0;

    // The platform's answer -> ok, retry (maybe not before a time), permanent, or
    // refresh_credential (the credential was refused: fetch a new one, then retry once).
    virtual model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const = 0;

    // Calls that set the platform up from config (WeChat's custom menu), run by
    // `petition-gateway publish --channel ID`. Empty: nothing to publish.
    virtual std::vector<model::api_call> setup_calls(std::string_view credential) const;

    // The pieces a text goes out as: by default cut to max_text UTF-16 units, after
    // a line break where one is near. SMS counts GSM-7 or UCS-2 segments instead.
    virtual std::vector<std::string> fit_text(std::string_view text) const;

    // Web chat: what the citizen sent, as the conversation's history keeps it. Empty elsewhere.
    virtual std::string history_frame(model::inbound_event const& ev) const;
};

// ---- Registration and settings ----

// The shape of one of a platform's own config keys. Config checks the shape,
// expands ${ENV} and refuses published default secrets; the platform's make()
// checks the meaning.
enum class setting_kind {
    word,         // a non-empty string without white space
    secret_word,  // the same, a secret (never echoed; no default written in the file)
    secret,       // any string, a secret; may be absent or empty (then generated or off)
    text,         // any string
    flag,         // true / false
    number,       // an integer
    object,       // a JSON object, read by make()
};

struct setting {
    std::string_view key;
    setting_kind kind;
    bool required = false;
};

// A channel as config read it: common keys, and the platform's own keys in
// `options` (present ones only, secrets expanded).
struct channel_config {
    std::string id;
    std::string api_base;
    nlohmann::json const& options;
};

// A setting make() refused: the key (a path below the channel, "templates.accepted")
// and why, in words for whoever edits the file. Never the secret's value.
struct bad_setting {
    std::string key;
    std::string why;
};

struct platform_kind {
    std::string_view name;              // "type" in the config file
    std::string_view default_api_base;  // when "api_base" is absent; "" = calls no API (then api_base is refused)
    std::span<setting const> settings;  // its own keys, beyond id, type, enabled, api_base
    // Throws bad_setting. Called at load (to check) and at start (to bind).
    std::unique_ptr<platform const> (*make)(channel_config const& c);
    // Its own keys in a working config, as a JSON object: what the contract test
    // makes every platform from, and a start for whoever writes a config.
    std::string_view example = "{}";
};

// Every platform the gateway speaks, in registry.cpp.
std::span<platform_kind const> platform_kinds();
platform_kind const* find_platform_kind(std::string_view name);

}  // namespace pg::adapters
