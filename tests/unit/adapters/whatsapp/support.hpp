#pragma once
// What every WhatsApp adapter test needs: a channel made from options, signed
// webhook bodies, messages to a citizen.
#include "adapters/whatsapp/whatsapp.hpp"

#include "adapters/common/hmac.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>

namespace pg::adapters::whatsapp::test {

using nlohmann::json;
using namespace std::chrono_literals;

inline constexpr char const* our_number = "106540352242922";
inline constexpr char const* our_token = "EAAGsystemUserToken0123";
inline constexpr char const* our_app_secret = "wa-app-secret-0123456789abcdef01";
inline constexpr char const* our_verify_token = "petition-verify-2026";
inline constexpr char const* bsuid = "US.13491208655302741918";
inline constexpr char const* wa_id = "16505551234";

inline model::timestamp const now = model::from_millis(1'780'000'000'000);

inline json base_options()
{
    return {{"phone_number_id", our_number},
            {"access_token", our_token},
            {"app_secret", our_app_secret},
            {"verify_token", our_verify_token}};
}

inline json with_templates(json options)
{
    options["templates"] = {
        {"accepted",
         {{"name", "petition_status"},
          {"language", "en_US"},
          {"parameters", {"{tracking}", "{status}", "{text}"}}}},
        {"closed", {{"name", "petition_closed"}}},  // no parameters; language en_US by default
    };
    return options;
}

inline std::unique_ptr<platform const> make_with(json const& options = base_options())
{
    return kind().make(channel_config{"wa", "https://graph.facebook.com/v21.0", options});
}

// Signed as Meta signs: HMAC-SHA256 of the raw body under the app secret (the
// check itself is held to make_vectors.py's independent vectors in signature_test).
inline model::raw_request signed_post(std::string body, std::string const& secret = our_app_secret)
{
    auto const sig = "sha256=" + to_hex(hmac_sha256(secret, body));
    return {"POST", "/webhook/wa", {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", sig}},
            std::move(body)};
}

// One change's value for `number`, with a contact and the given messages / statuses.
inline json value_for(json messages, json statuses = nullptr, std::string const& number = our_number,
                      json contacts = json::array({{{"profile", {{"name", "Kerstin"}}},
                                                    {"wa_id", wa_id},
                                                    {"user_id", bsuid}}}))
{
    json v{{"messaging_product", "whatsapp"},
           {"metadata", {{"display_phone_number", "15550001111"}, {"phone_number_id", number}}}};
    if (!contacts.is_null())
        v["contacts"] = std::move(contacts);
    if (!messages.is_null())
        v["messages"] = std::move(messages);
    if (!statuses.is_null())
        v["statuses"] = std::move(statuses);
    return v;
}

// An initializer_list, not a json: `envelope({v})` from a single json would be
// a copy of v under clang and a one-element array under gcc.
inline json envelope(std::initializer_list<json> values)
{
    json changes = json::array();
    for (auto const& v : values)
        changes.push_back({{"value", v}, {"field", "messages"}});
    return {{"object", "whatsapp_business_account"},
            {"entry", json::array({{{"id", "102290129340398"}, {"changes", changes}}})}};
}

inline json message(std::string const& id, std::string const& type, json content)
{
    json m{{"from", wa_id}, {"id", id}, {"timestamp", "1780000000"}, {"type", type}};
    if (!content.is_null())
        m[type] = std::move(content);
    return m;
}

inline model::outbound_message to_citizen(std::string text, model::timestamp heard_at)
{
    model::outbound_message m;
    m.channel_id = "wa";
    m.chat_id = bsuid;
    m.text = std::move(text);
    m.heard_at = heard_at;
    return m;
}

inline model::outbound_message status_push(std::string status, model::timestamp heard_at)
{
    auto m = to_citizen("Your petition was accepted.", heard_at);
    m.notice_tracking = "7KQM-2X4D";
    m.notice_status = std::move(status);
    return m;
}

inline send_context context(model::timestamp heard_at = {}) { return {.now = now, .heard_at = heard_at}; }

// The bad_setting make() throws for `options`, or nullopt when it accepts them.
inline std::optional<bad_setting> refusal(json const& options)
{
    try {
        make_with(options);
    } catch (bad_setting const& b) {
        return b;
    }
    return std::nullopt;
}

}  // namespace pg::adapters::whatsapp::test
