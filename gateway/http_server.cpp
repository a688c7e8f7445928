#include "gateway/http_server.hpp"
#include "gateway/http_write.hpp"

#include "gateway/log.hpp"
#include "gateway/metrics.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <algorithm>
#include <mutex>
#include <string>
#include <system_error>
#include <unordered_map>

namespace pg::gateway {

using tcp = net::ip::tcp;

// Open connections, in all and by source. The total is raised only by the accept
// loop, so its check and its increment cannot race.
struct open_connections {
    std::atomic<std::size_t> total{0};
    std::mutex mutex;
    std::unordered_map<std::string, std::size_t> by_source;  // only under max_connections_per_source

    // Counts `source` in unless it holds `cap` connections already.
    bool take(std::string const& source, std::size_t cap)
    {
        std::lock_guard lock(mutex);
        auto& n = by_source[source];
        if (n >= cap)
            return false;
        ++n;
        return true;
    }
    void give_back(std::string const& source)
    {
        std::lock_guard lock(mutex);
        if (auto it = by_source.find(source); it != by_source.end() && --it->second == 0)
            by_source.erase(it);
    }
};

// A connection's place in the counts: taken at accept (so the next accept sees
// it) and given back when its coroutine ends.
class connection_slot {
public:
    connection_slot(std::shared_ptr<open_connections> counts, std::string source, bool by_source, bool in_reserve)
        : counts_(std::move(counts)), source_(std::move(source)), by_source_(by_source), in_reserve_(in_reserve)
    {
        ++counts_->total;
    }
    connection_slot(connection_slot&&) = default;  // the moved-from slot has no counts_ and gives nothing back
    connection_slot& operator=(connection_slot&&) = delete;
    ~connection_slot()
    {
        if (!counts_)
            return;
        if (by_source_)
            counts_->give_back(source_);
        --counts_->total;
    }

    std::string const& source() const { return source_; }
    // Opened past max_connections - webhook_reserve: platform webhooks only.
    bool in_reserve() const { return in_reserve_; }

private:
    std::shared_ptr<open_connections> counts_;
    std::string source_;
    bool by_source_;
    bool in_reserve_;
};

namespace {

// After a failed accept: the first retry comes soon, later ones less often.
constexpr std::chrono::milliseconds first_accept_retry{10};
constexpr std::chrono::milliseconds last_accept_retry{1'000};
// At most one accept_failed line per this long; it counts the failures not logged.
constexpr std::chrono::seconds accept_log_interval{10};

}  // namespace

response plain_response(http::status status, std::string body, unsigned version, bool keep_alive)
{
    response res{status, version};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(keep_alive);
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

http_server::http_server(net::io_context& ioc, config::server_settings const& s, request_handler handler,
                         metrics& m)
    : ioc_(ioc),
      settings_(s),
      handler_(std::move(handler)),
      metrics_(m),
      acceptor_(net::make_strand(ioc)),
      accept_backoff_(acceptor_.get_executor()),
      accept_delay_(first_accept_retry),
      connections_(std::make_shared<open_connections>())
{
}

std::size_t http_server::connections() const
{
    return connections_->total.load();
}

void http_server::listen()
{
    auto const where = settings_.listen + ":" + std::to_string(settings_.port);
    boost::system::error_code ec;
    auto const address = net::ip::make_address(settings_.listen, ec);
    if (ec)
        throw std::system_error(ec, "server.listen " + settings_.listen);
    tcp::endpoint const ep{address, settings_.port};
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::system_error(ec, "cannot listen on " + where);
    port_ = acceptor_.local_endpoint().port();
}

void http_server::start()
{
    net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
}

void http_server::limit_per_source(std::function<bool(request const&)> applies)
{
    auto const& r = settings_.rate_limit;
    if (r.per_second == 0)
        return;
    limiter_ = std::make_shared<rate_limiter>(rate_limit{double(r.per_second), double(r.burst), r.max_sources});
    limited_ = std::move(applies);
}

// A 429 for a request over its client's limit, or nothing when it may go on.
std::optional<response> http_server::over_limit(request const& req, std::string const& source)
{
    if (!limiter_ || !limited_(req))
        return std::nullopt;
    auto const d = limiter_->take(source, std::chrono::steady_clock::now());
    if (d.allowed)
        return std::nullopt;
    metrics_.add("pg_http_connections_rejected_total", {{"reason", "rate_limit"}});
    metrics_.add("pg_http_requests_total", {{"route", "-"}, {"code", "429"}});
    auto res = plain_response(http::status::too_many_requests, "too many requests\n", req.version());
    res.set(http::field::retry_after, std::to_string(d.retry_after.count()));
    return res;
}

void http_server::stop_accepting()
{
    stopping_ = true;
    net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        accept_backoff_.cancel();
    });
}

// Out of descriptors (EMFILE, ENFILE) the pending connection stays queued and
// the next accept fails at once: retrying without a pause spins a core and floods
// the log. So wait, longer each time up to a bound, log at most once an interval,
// and keep serving the connections already open; closing any of them lets the
// next try succeed.
void http_server::note_accept_failure(boost::system::error_code const& ec)
{
    accept_failing_ = true;
    auto const now = std::chrono::steady_clock::now();
    if (accept_failure_logged_ && now - *accept_failure_logged_ < accept_log_interval) {
        ++accept_failures_unlogged_;
        return;
    }
    log::warn("accept_failed", {{"error", ec.message()},
                                {"suppressed", static_cast<long long>(accept_failures_unlogged_)},
                                {"retry_ms", static_cast<long long>(accept_delay_.count())}});
    accept_failure_logged_ = now;
    accept_failures_unlogged_ = 0;
    accept_resumed_owed_ = true;
}

void http_server::note_accept_success()
{
    if (!accept_failing_)
        return;
    accept_failing_ = false;
    accept_delay_ = first_accept_retry;
    if (!accept_resumed_owed_)
        return;
    log::info("accept_resumed", {{"suppressed", static_cast<long long>(accept_failures_unlogged_)}});
    accept_failures_unlogged_ = 0;
    accept_resumed_owed_ = false;
}

net::awaitable<void> http_server::accept_loop()
{
    while (!stopping_) {
        auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(ioc_), use_tuple);
        if (ec) {
            if (ec == net::error::operation_aborted || stopping_)
                break;
            note_accept_failure(ec);
            accept_backoff_.expires_after(accept_delay_);
            co_await accept_backoff_.async_wait(use_tuple);
            accept_delay_ = std::min(accept_delay_ * 2, last_accept_retry);
            continue;
        }
        note_accept_success();
        auto const open = connections_->total.load();
        if (open >= settings_.max_connections) {
            // Over the cap: close at once rather than let every client slow down.
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "max_connections"}});
            socket.close(ec);
            continue;
        }
        boost::system::error_code peer_ec;
        auto const peer = socket.remote_endpoint(peer_ec);
        auto source = peer_ec ? std::string("-") : source_key(peer.address());
        auto const per_source = settings_.max_connections_per_source;
        if (per_source > 0 && !connections_->take(source, per_source)) {
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "max_connections_per_source"}});
            socket.close(ec);
            continue;
        }
        bool const in_reserve = reserve_allows_ && settings_.webhook_reserve > 0 &&
                                open + 1 > settings_.max_connections - settings_.webhook_reserve;
        connection_slot slot(connections_, std::move(source), per_source > 0, in_reserve);
        socket.set_option(tcp::no_delay(true), ec);
        auto ex = socket.get_executor();
        net::co_spawn(ex, serve(std::move(socket), std::move(slot)), net::detached);
    }
}

net::awaitable<void> http_server::serve(tcp::socket socket, connection_slot slot)
{
    auto const& source = slot.source();
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    auto reject = [&](http::status status, std::string_view reason, std::string body) -> net::awaitable<void> {
        metrics_.add("pg_http_connections_rejected_total", {{"reason", reason}});
        metrics_.add("pg_http_requests_total", {{"route", "-"}, {"code", std::to_string(int(status))}});
        stream.expires_after(settings_.read_timeout);
        auto res = plain_response(status, std::move(body), 11, false);
        co_await write_message(stream, res);
    };

    for (std::size_t served = 0; !stopping_; ++served) {
        // Between requests a keep-alive connection may idle (a new one not so
        // long); once the first byte of a request arrives, the whole header must
        // follow within header_timeout.
        if (buffer.size() == 0) {
            stream.expires_after(served == 0 ? settings_.first_request_timeout : settings_.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
            if (ec == beast::error::timeout && served == 0)
                metrics_.add("pg_http_connections_rejected_total", {{"reason", "first_request_timeout"}});
            if (ec)
                break;
            buffer.commit(n);
        }

        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(settings_.header_limit));
        parser.body_limit(settings_.body_limit);
        stream.expires_after(settings_.header_timeout);
        auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, use_tuple);
        if (hec == http::error::header_limit) {
            co_await reject(http::status::request_header_fields_too_large, "header_limit", "header too large\n");
            break;
        }
        if (hec == http::error::body_limit) {  // a Content-Length over the limit is refused before the body
            co_await reject(http::status::payload_too_large, "body_limit", "body too large\n");
            break;
        }
        if (hec == beast::error::timeout) {
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "header_timeout"}});
            break;
        }
        if (hec) {
            if (hec != http::error::end_of_stream && hec != net::error::eof && hec != net::error::connection_reset)
                co_await reject(http::status::bad_request, "bad_request", "malformed HTTP request\n");
            break;
        }

        stream.expires_after(settings_.read_timeout);
        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (bec == http::error::body_limit) {
            co_await reject(http::status::payload_too_large, "body_limit", "body too large\n");
            break;
        }
        if (bec == beast::error::timeout) {
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "read_timeout"}});
            break;
        }
        if (bec) {
            co_await reject(http::status::bad_request, "bad_request", "malformed HTTP request\n");
            break;
        }

        if (slot.in_reserve() && !reserve_allows_(parser.get())) {
            co_await reject(http::status::service_unavailable, "webhook_reserve", "server busy\n");
            break;
        }

        if (upgrade_ && beast::websocket::is_upgrade(parser.get())) {
            // The socket is handed over for good: counted as a connection, not a request.
            auto req = parser.release();
            if (auto refused = over_limit(req, source)) {
                refused->keep_alive(false);
                stream.expires_after(settings_.read_timeout);
                co_await write_message(stream, *refused);
                break;
            }
            source_admission admit = [limiter = limiter_, source] {
                return limiter ? limiter->take(source, std::chrono::steady_clock::now()) : rate_decision{};
            };
            co_await upgrade_(std::move(stream), std::move(req), std::move(admit));
            co_return;
        }

        ++in_flight_;
        auto req = parser.release();
        bool const keep_alive = req.keep_alive();
        // HEAD is a GET whose answer loses its body but keeps its headers,
        // Content-Length included (RFC 9110 section 9.3.2): handlers see a GET.
        bool const head = req.method() == http::verb::head;
        if (head)
            req.method(http::verb::get);
        response res;
        if (auto refused = over_limit(req, source)) {
            res = std::move(*refused);
        } else {
            try {
                res = co_await handler_(std::move(req), source);
            } catch (std::exception const& e) {
                // A bug, not traffic: answer 500 so the platform retries, and keep serving.
                log::error("handler_failed", {{"error", e.what()}});
                res = plain_response(http::status::internal_server_error, "internal error\n");
            }
        }
        if (head) {
            auto const length = res.body().size();
            res.body().clear();
            res.content_length(length);
        }
        bool const last = served + 1 >= settings_.max_requests_per_connection;
        if (last && keep_alive)
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "max_requests_per_connection"}});
        res.keep_alive(keep_alive && !stopping_ && !last);
        stream.expires_after(settings_.read_timeout);
        auto [wec, wn] = co_await write_message(stream, res);
        --in_flight_;
        if (wec || !res.keep_alive())
            break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace pg::gateway
