#pragma once
// target -> handler: /webhook/{channel}, /healthz, /metrics.
#include "gateway/http_server.hpp"
#include "model/time.hpp"

#include <functional>

namespace pg::gateway {

class channel_table;
class dispatcher;
class lanes;
class metrics;
class staff_api;
class unit_runner;

class router {
public:
    using clock_fn = std::function<model::timestamp()>;
    router(channel_table const& channels, lanes& lanes, unit_runner& runner, dispatcher& dispatcher, staff_api& api,
           metrics& m, std::function<std::uint64_t()> outbox_depth, clock_fn clock);

    net::awaitable<response> operator()(request req);

private:
    net::awaitable<response> webhook(std::string_view channel_id, request const& req);

    channel_table const& channels_;
    lanes& lanes_;
    unit_runner& runner_;
    dispatcher& dispatcher_;
    staff_api& staff_api_;
    metrics& metrics_;
    std::function<std::uint64_t()> outbox_depth_;
    clock_fn clock_;
};

}  // namespace pg::gateway
