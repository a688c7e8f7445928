#pragma once
// Accepts connections and runs one coroutine per connection: read with limits
// and deadlines -> handler -> write. The handler never sees a half-read request.
#include "config/settings.hpp"
#include "gateway/net.hpp"
#include "gateway/rate_limiter.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pg::gateway {

class metrics;
struct open_connections;
class connection_slot;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;
// `source` is the client's address as the rate limit keys it (source_key), for
// handlers that count per client (the console's login).
using request_handler = std::function<net::awaitable<response>(request, std::string source)>;
// Takes a token from the rate-limit bucket of a connection's client, the one
// its HTTP requests take from; always allowed when no limit is configured.
using source_admission = std::function<rate_decision()>;
// Takes a connection over after a WebSocket upgrade request (and answers it);
// each message on the socket asks `admit` first.
using upgrade_handler = std::function<net::awaitable<void>(beast::tcp_stream, request, source_admission admit)>;

class http_server {
public:
    http_server(net::io_context& ioc, config::server_settings const& s, request_handler handler, metrics& m);

    // Binds and listens (throws std::system_error naming the address on failure).
    void listen();
    unsigned short port() const { return port_; }
    void start();
    // No new connections or requests; running requests finish and are answered.
    void stop_accepting();
    // Requests for which `applies` holds take a token from their client's bucket
    // (settings.rate_limit); without one they get 429 and never reach the handler.
    void limit_per_source(std::function<bool(request const&)> applies);
    // A connection opened past max_connections - webhook_reserve serves only the
    // requests for which `allowed` holds (platform webhooks); any other gets 503
    // and the connection closes. Without it there is no reserve.
    void keep_reserve_for(std::function<bool(request const&)> allowed) { reserve_allows_ = std::move(allowed); }
    // WebSocket upgrade requests go to `h` instead of the request handler.
    void on_upgrade(upgrade_handler h) { upgrade_ = std::move(h); }
    std::size_t requests_in_flight() const { return in_flight_.load(); }
    std::size_t connections() const;

private:
    net::awaitable<void> accept_loop();
    net::awaitable<void> serve(net::ip::tcp::socket socket, connection_slot slot);
    void note_accept_failure(boost::system::error_code const& ec);
    void note_accept_success();
    std::optional<response> over_limit(request const& req, std::string const& source);

    net::io_context& ioc_;
    config::server_settings settings_;
    request_handler handler_;
    metrics& metrics_;
    net::ip::tcp::acceptor acceptor_;
    net::steady_timer accept_backoff_;  // after a failed accept (out of descriptors): wait, then try again
    std::chrono::milliseconds accept_delay_;
    // Failed accepts are logged at most once an interval, also when accepting
    // flaps between failing and working: each accept_failed line gets one
    // accept_resumed line, and the failures in no line are counted in the next.
    bool accept_failing_ = false;
    bool accept_resumed_owed_ = false;  // an accept_failed line awaits its accept_resumed
    std::size_t accept_failures_unlogged_ = 0;
    std::optional<std::chrono::steady_clock::time_point> accept_failure_logged_;
    unsigned short port_ = 0;
    std::atomic<std::size_t> in_flight_{0};
    // Shared with each connection: an idle keep-alive connection's coroutine is
    // destroyed with the io_context, after this server, and counts itself out then.
    std::shared_ptr<open_connections> connections_;
    std::atomic<bool> stopping_{false};
    std::shared_ptr<rate_limiter> limiter_;  // null: no limit configured; shared with open sockets
    std::function<bool(request const&)> limited_;
    std::function<bool(request const&)> reserve_allows_;
    upgrade_handler upgrade_;
};

response plain_response(http::status status, std::string body, unsigned version = 11, bool keep_alive = true);

}  // namespace pg::gateway
