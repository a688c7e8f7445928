// Telegram on the platform contract: a citizen channel and a staff forum group.
#include "adapters/platform.hpp"
#include "adapters/telegram/telegram.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pg::adapters::telegram {
namespace {

constexpr setting settings[] = {
    {"bot_token", setting_kind::secret_word, true},
    {"webhook_secret", setting_kind::secret, true},  // its own shape, checked below
};

// Telegram's secret_token: 1-256 characters of A-Z a-z 0-9 _ -.
bool is_secret_token(std::string_view s)
{
    return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

class bot final : public platform {
public:
    bot(std::string channel_id, secrets s) : channel_id_(std::move(channel_id)), secrets_(std::move(s)) {}

    capabilities const& can() const override
    {
        static capabilities const c{.buttons = true, .threads = true, .thread_carries_text = false, .max_text = 4096};
        return c;
    }
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp) const override
    {
        auto events = parse_update(req, channel_id_, secrets_);
        if (!events)
            return events.error();
        return webhook_input{std::move(events.value()), {}};
    }
    model::result<model::api_call> render(model::outbound_message const& m, send_context const&) const override
    {
        return telegram::render(m, secrets_);
    }
    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        return telegram::interpret(r, now);
    }

private:
    std::string channel_id_;
    secrets secrets_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    secrets s{c.options.at("webhook_secret").get<std::string>(), c.options.at("bot_token").get<std::string>()};
    if (!is_secret_token(s.webhook_secret))
        throw bad_setting{"webhook_secret", "expected 1 to 256 characters of A-Z a-z 0-9 _ -"};
    return std::make_unique<bot>(c.id, std::move(s));
}

}  // namespace

platform_kind kind() { return {"telegram", "https://api.telegram.org", settings, make, R"({"bot_token": "123456:ABC-def", "webhook_secret": "hook-secret_1"})"}; }

}  // namespace pg::adapters::telegram
