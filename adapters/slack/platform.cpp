// Slack on the platform contract: a staff channel, a thread per petition.
#include "adapters/platform.hpp"
#include "adapters/slack/slack.hpp"

#include <nlohmann/json.hpp>

namespace pg::adapters::slack {
namespace {

constexpr setting settings[] = {
    {"bot_token", setting_kind::secret_word, true},
    {"signing_secret", setting_kind::secret_word, true},
};

class app final : public platform {
public:
    app(std::string channel_id, secrets s) : channel_id_(std::move(channel_id)), secrets_(std::move(s)) {}

    capabilities const& can() const override
    {
        // Slack's own limit is 40,000 characters; a card stays far below it.
        static capabilities const c{.buttons = true, .threads = true, .thread_carries_text = true, .max_text = 4096};
        return c;
    }
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp now) const override
    {
        auto events = parse_event(req, channel_id_, secrets_, now);
        if (!events)
            return events.error();
        webhook_input in;
        for (auto& ev : events.value()) {
            if (ev.kind == model::event_kind::challenge)  // url_verification: echo it, store nothing
                return webhook_input{{}, {.body = std::move(ev.text)}};
            in.events.push_back(std::move(ev));
        }
        return in;
    }
    model::result<model::api_call> render(model::outbound_message const& m, send_context const&) const override
    {
        return slack::render(m, secrets_);
    }
    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        return slack::interpret(r, now);
    }

private:
    std::string channel_id_;
    secrets secrets_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    return std::make_unique<app>(
        c.id, secrets{c.options.at("signing_secret").get<std::string>(), c.options.at("bot_token").get<std::string>()});
}

}  // namespace

platform_kind kind() { return {"slack", "https://slack.com/api", settings, make, R"({"bot_token": "xoxb-1-2-abc", "signing_secret": "8f742231b10e8888abcd99yyyzzz85a5"})"}; }

}  // namespace pg::adapters::slack
