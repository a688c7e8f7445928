#pragma once
// A configured channel bound to its platform (adapters/platform.hpp). Nothing
// here names a platform: what differs between them is in their capabilities.
#include "adapters/platform.hpp"
#include "config/settings.hpp"
#include "model/message.hpp"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pg::gateway {

struct channel {
    config::channel_settings settings;
    std::shared_ptr<adapters::platform const> platform;
    // Platforms with local_delivery (the web chat): there is no API to call, so
    // the dispatcher hands the entry and its rendered body here (set by gateway/webchat).
    std::function<model::delivery_verdict(model::outbox_entry const&, std::string const& body)> deliver_local;

    adapters::capabilities const& can() const { return platform->can(); }
};

class channel_table {
public:
    // Throws std::invalid_argument for a channel whose type or settings its
    // platform refuses (config has checked them already).
    explicit channel_table(std::vector<config::channel_settings> const& configured);
    channel const* find(std::string_view id) const;
    std::vector<channel> const& all() const { return channels_; }
    // Every channel of `type` delivers through `fn` instead of an API.
    void deliver_locally(std::string_view type,
                         std::function<model::delivery_verdict(model::outbox_entry const&, std::string const&)> fn);

private:
    std::vector<channel> channels_;
};

}  // namespace pg::gateway
