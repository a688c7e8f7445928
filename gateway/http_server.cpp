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

#include <system_error>

namespace pg::gateway {

using tcp = net::ip::tcp;

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
    : ioc_(ioc), settings_(s), handler_(std::move(handler)), metrics_(m), acceptor_(net::make_strand(ioc))
{
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
    });
}

net::awaitable<void> http_server::accept_loop()
{
    while (!stopping_) {
        auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(ioc_), use_tuple);
        if (ec) {
            if (ec == net::error::operation_aborted || stopping_)
                break;
            log::warn("accept_failed", {{"error", ec.message()}});
            continue;  // EMFILE and friends: keep serving the connections we have
        }
        if (connections_->load() >= settings_.max_connections) {
            // Over the cap: close at once rather than let every client slow down.
            metrics_.add("pg_http_connections_rejected_total", {{"reason", "max_connections"}});
            socket.close(ec);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto ex = socket.get_executor();
        net::co_spawn(ex, serve(std::move(socket)), net::detached);
    }
}

namespace {

struct connection_count {
    std::shared_ptr<std::atomic<std::size_t>> n;
    explicit connection_count(std::shared_ptr<std::atomic<std::size_t>> c) : n(std::move(c)) { ++*n; }
    ~connection_count() { --*n; }
};

}  // namespace

net::awaitable<void> http_server::serve(tcp::socket socket)
{
    connection_count counted(connections_);
    boost::system::error_code peer_ec;
    auto const peer = socket.remote_endpoint(peer_ec);
    auto const source = peer_ec ? std::string("-") : source_key(peer.address());
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
        // Between requests a keep-alive connection may idle; once the first byte
        // of a request arrives, the whole header must follow within header_timeout.
        if (buffer.size() == 0) {
            stream.expires_after(settings_.idle_timeout);
            auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), use_tuple);
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
                res = co_await handler_(std::move(req));
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
