#include "gateway/channel.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace pg::gateway {
namespace {

std::shared_ptr<adapters::platform const> bind(config::channel_settings const& c)
{
    auto const* kind = adapters::find_platform_kind(c.type);
    if (!kind)
        throw std::invalid_argument("channel " + c.id + ": no platform named " + c.type);
    static nlohmann::json const none = nlohmann::json::object();
    try {
        return kind->make({c.id, c.api_base, c.options ? *c.options : none});
    } catch (adapters::bad_setting const& bad) {
        throw std::invalid_argument("channel " + c.id + ": " + bad.key + ": " + bad.why);
    }
}

}  // namespace

channel_table::channel_table(std::vector<config::channel_settings> const& configured)
{
    channels_.reserve(configured.size());
    for (auto const& c : configured)
        channels_.push_back({c, bind(c), {}});
}

void channel_table::deliver_locally(
    std::string_view type, std::function<model::delivery_verdict(model::outbox_entry const&, std::string const&)> fn)
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
