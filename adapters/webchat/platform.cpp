// The gateway's own web chat on the platform contract: the page posts to the
// webhook, and delivery is into the conversation's history (gateway/webchat).
#include "adapters/platform.hpp"
#include "adapters/webchat/webchat.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace pg::adapters::webchat {
namespace {

constexpr std::size_t min_session_secret = 16;  // characters: the HMAC key of the session cookies

constexpr setting settings[] = {
    // Absent or empty: the gateway makes one at first start and keeps it in the storage directory.
    {"session_secret", setting_kind::secret, false},
    {"secure_cookie", setting_kind::flag, false},  // Secure session cookie (always so behind https)
};

class page final : public platform {
public:
    page(std::string channel_id, secrets s) : channel_id_(std::move(channel_id)), secrets_(std::move(s)) {}

    capabilities const& can() const override
    {
        static capabilities const c{
            .buttons = true, .max_text = max_text_units, .local_delivery = true, .public_webhook = true};
        return c;
    }
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp now) const override
    {
        auto events = webchat::parse(req, channel_id_, secrets_, now);
        if (!events)
            return events.error();
        return webhook_input{std::move(events.value()), {}};
    }
    model::result<model::api_call> render(model::outbound_message const& m, send_context const&) const override
    {
        return webchat::render(m);
    }
    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        return webchat::interpret(r, now);
    }
    std::string history_frame(model::inbound_event const& ev) const override { return citizen_frame(ev); }

private:
    std::string channel_id_;
    secrets secrets_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    secrets s{c.options.value("session_secret", std::string())};
    bool const spaced = std::any_of(s.session_secret.begin(), s.session_secret.end(),
                                    [](char ch) { return std::isspace(static_cast<unsigned char>(ch)) != 0; });
    if (!s.session_secret.empty() && (s.session_secret.size() < min_session_secret || spaced))
        throw bad_setting{"session_secret", "expected at least " + std::to_string(min_session_secret) +
                                                " characters without whitespace"};
    return std::make_unique<page>(c.id, std::move(s));
}

}  // namespace

platform_kind kind() { return {type_name, "", settings, make, R"({"session_secret": "0123456789abcdef", "secure_cookie": false})"}; }

}  // namespace pg::adapters::webchat
