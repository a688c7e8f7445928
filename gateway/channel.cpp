#include "gateway/channel.hpp"

#include "adapters/slack/slack.hpp"
#include "adapters/telegram/telegram.hpp"

namespace pg::gateway {
namespace {

channel bind_telegram(config::channel_settings const& c)
{
    namespace tg = adapters::telegram;
    auto const secrets = std::make_shared<tg::secrets const>(tg::secrets{c.webhook_secret, c.bot_token});
    return channel{
        c,
        false,
        [secrets, id = c.id](model::raw_request const& r, model::timestamp) { return tg::parse_update(r, id, *secrets); },
        [secrets](model::outbound_message const& m) { return tg::render(m, *secrets); },
        [](model::api_response const& r, model::timestamp now) { return tg::interpret(r, now); },
    };
}

channel bind_slack(config::channel_settings const& c)
{
    namespace sl = adapters::slack;
    auto const secrets = std::make_shared<sl::secrets const>(sl::secrets{c.signing_secret, c.bot_token});
    return channel{
        c,
        true,
        [secrets, id = c.id](model::raw_request const& r, model::timestamp now) {
            return sl::parse_event(r, id, *secrets, now);
        },
        [secrets](model::outbound_message const& m) { return sl::render(m, *secrets); },
        [](model::api_response const& r, model::timestamp now) { return sl::interpret(r, now); },
    };
}

channel bind(config::channel_settings const& c)
{
    switch (c.type) {
    case config::channel_type::telegram: return bind_telegram(c);
    case config::channel_type::slack: return bind_slack(c);
    }
    return bind_telegram(c);
}

}  // namespace

channel_table::channel_table(std::vector<config::channel_settings> const& configured)
{
    channels_.reserve(configured.size());
    for (auto const& c : configured)
        channels_.push_back(bind(c));
}

channel const* channel_table::find(std::string_view id) const
{
    for (auto const& c : channels_)
        if (c.settings.id == id)
            return &c;
    return nullptr;
}

}  // namespace pg::gateway
