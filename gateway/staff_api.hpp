#pragma once
// The staff HTTP API for case-management systems, under /staff/api/:
//   GET  /staff/api/petitions?status=&department=&overdue=true&from=&to=&limit=
//   GET  /staff/api/petitions/{tracking}            (with its timeline)
//   POST /staff/api/petitions/{tracking}/actions    {"action":"transfer","department":"x","text":"...","actor":"Li"}
// Bearer tokens from config; the same lifecycle rules as the chat commands;
// errors are JSON with a reason.
#include "gateway/http_server.hpp"
#include "model/time.hpp"

#include <boost/asio/thread_pool.hpp>

#include <functional>

namespace pg::config { struct settings; }
namespace pg::storage { class store; }

namespace pg::gateway {

class dispatcher;
class lanes;
class metrics;
class unit_runner;

class staff_api {
public:
    using clock_fn = std::function<model::timestamp()>;
    staff_api(config::settings const& s, storage::store& store, unit_runner& runner, lanes& lanes,
              net::thread_pool& pool, dispatcher& outbox, metrics& m, clock_fn clock);

    bool enabled() const;
    net::awaitable<response> handle(request const& req, std::string_view path);

private:
    net::awaitable<response> list(request const& req);
    net::awaitable<response> one(std::string const& tracking);
    net::awaitable<response> act(std::string const& tracking, request const& req);

    config::settings const& settings_;
    storage::store& store_;
    unit_runner& runner_;
    lanes& lanes_;
    net::thread_pool& pool_;
    dispatcher& outbox_;
    metrics& metrics_;
    clock_fn clock_;
};

}  // namespace pg::gateway
