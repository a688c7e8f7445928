#pragma once
// A configured channel bound to its platform adapter: the one place that
// switches on the channel type, so the server and dispatcher never do.
#include "config/settings.hpp"
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pg::gateway {

struct channel {
    config::channel_settings settings;
    bool thread_carries_text = false;  // open_thread posts the card itself (Slack), or only names a topic (Telegram)
    std::function<model::result<std::vector<model::inbound_event>>(model::raw_request const&, model::timestamp now)>
        parse;
    std::function<model::api_call(model::outbound_message const&)> render;
    std::function<model::delivery_verdict(model::api_response const&, model::timestamp)> interpret;
    // Web chat only (empty elsewhere). What the citizen sent, as the
    // conversation's history keeps it: the unit runner appends it in the unit.
    std::function<std::string(model::inbound_event const&)> history_frame;
    // Web chat only: there is no platform to call, so the dispatcher hands the
    // entry and its rendered body here (set by gateway/webchat).
    std::function<model::delivery_verdict(model::outbox_entry const&, std::string const& body)> deliver_local;
};

class channel_table {
public:
    explicit channel_table(std::vector<config::channel_settings> const& configured);
    channel const* find(std::string_view id) const;
    std::vector<channel> const& all() const { return channels_; }
    // Every channel of `type` delivers through `fn` instead of an API.
    void deliver_locally(config::channel_type type,
                         std::function<model::delivery_verdict(model::outbox_entry const&, std::string const&)> fn);

private:
    std::vector<channel> channels_;
};

}  // namespace pg::gateway
