#include "gateway/channel.hpp"

#include "adapters/slack/slack.hpp"
#include "adapters/telegram/telegram.hpp"
#include "adapters/webchat/webchat.hpp"

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

channel bind_webchat(config::channel_settings const& c)
{
    namespace wc = adapters::webchat;
    auto const secrets = std::make_shared<wc::secrets const>(wc::secrets{c.session_secret});
    channel ch{
        c,
        false,
        [secrets, id = c.id](model::raw_request const& r, model::timestamp now) {
            return wc::parse(r, id, *secrets, now);
        },
        [](model::outbound_message const& m) { return wc::render(m); },
        [](model::api_response const& r, model::timestamp now) { return wc::interpret(r, now); },
    };
    ch.history_frame = [](model::inbound_event const& ev) { return wc::citizen_frame(ev); };
    return ch;
}

channel bind(config::channel_settings const& c)
{
    switch (c.type) {
    case config::channel_type::telegram: return bind_telegram(c);
    case config::channel_type::slack: return bind_slack(c);
    case config::channel_type::webchat: return bind_webchat(c);
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

void channel_table::deliver_locally(
    config::channel_type type, std::function<model::delivery_verdict(model::outbox_entry const&, std::string const&)> fn)
{
    for (auto& c : channels_)
        if (c.settings.type == type)
            c.deliver_local = fn;
}

channel const* channel_table::find(std::string_view id) const
{
    for (auto const& c : channels_)
        if (c.settings.id == id)
            return &c;
    return nullptr;
}

}  // namespace pg::gateway
