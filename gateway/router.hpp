#pragma once
// target -> handler: /webhook/{channel}, /healthz, /metrics, the staff API and
// the pages under web.root.
#include "gateway/http_server.hpp"
#include "model/time.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pg::gateway {

class backup_endpoint;
class channel_table;
class console;
class lanes;
class metrics;
class open311_api;
class staff_api;
class static_files;
class unit_runner;
class webchat;

class router {
public:
    using clock_fn = std::function<model::timestamp()>;
    router(channel_table const& channels, lanes& lanes, unit_runner& runner, staff_api& api, static_files const& pages,
           backup_endpoint& backup, metrics& m, std::function<std::uint64_t()> outbox_depth, clock_fn clock);

    net::awaitable<response> operator()(request req, std::string source);
    // Whether the per-source rate limit covers this request (http_server::limit_per_source).
    bool rate_limited(request const& req) const;
    // Whether this is a platform's delivery (POST /webhook/{a platform channel}),
    // what the connections kept in reserve serve (http_server::keep_reserve_for).
    bool platform_webhook(request const& req) const;
    // /chat/... (the web chat's session and history calls) go to `w`.
    void serve_webchat(webchat& w) { webchat_ = &w; }
    // The staff console's login and API, and the public page's API, go to `c`.
    void serve_console(console& c) { console_ = &c; }
    // /open311/... (the Open311 GeoReport v2 API) go to `o`, when it is on.
    void serve_open311(open311_api& o) { open311_ = &o; }
    // Pages, web chat and console requests whose Host header names none of
    // `hosts` get 421 and reach no handler (server.allowed_hosts). Not set: any Host.
    void allow_hosts(std::vector<std::string> hosts) { allowed_hosts_ = std::move(hosts); }

private:
    net::awaitable<response> webhook(std::string_view channel_id, request const& req);
    bool platform_webhook_path(std::string_view path) const;
    // What a browser reaches: the pages, the web chat's calls, the console and the public page.
    bool browser_route(std::string_view target) const;

    channel_table const& channels_;
    lanes& lanes_;
    unit_runner& runner_;
    staff_api& staff_api_;
    static_files const& pages_;
    backup_endpoint& backup_;
    metrics& metrics_;
    std::function<std::uint64_t()> outbox_depth_;
    clock_fn clock_;
    webchat* webchat_ = nullptr;
    console* console_ = nullptr;
    open311_api* open311_ = nullptr;
    std::optional<std::vector<std::string>> allowed_hosts_;
};

}  // namespace pg::gateway
