#include "gateway/api_client.hpp"

#include "gateway/http_write.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <cerrno>

#include <variant>

namespace pg::gateway {

using tcp = net::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

struct api_client::connection {
    std::variant<std::monostate, beast::tcp_stream, tls_stream> stream;
    beast::flat_buffer buffer;

    beast::tcp_stream& tcp_layer()
    {
        if (auto* s = std::get_if<beast::tcp_stream>(&stream))
            return *s;
        return beast::get_lowest_layer(std::get<tls_stream>(stream));
    }
};

std::optional<endpoint> endpoint::parse(std::string_view url)
{
    endpoint e;
    if (url.starts_with("https://")) {
        e.tls = true;
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    auto const slash = url.find('/');
    auto authority = url.substr(0, slash);
    e.path_prefix = slash == std::string_view::npos ? "" : std::string(url.substr(slash));
    while (!e.path_prefix.empty() && e.path_prefix.back() == '/')
        e.path_prefix.pop_back();
    auto const colon = authority.rfind(':');
    if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
        e.host = std::string(authority.substr(0, colon));
        e.port = std::string(authority.substr(colon + 1));
    } else {
        e.host = std::string(authority);
        e.port = e.tls ? "443" : "80";
    }
    if (e.host.empty() || e.port.empty())
        return std::nullopt;
    return e;
}

api_client::api_client(net::any_io_executor ex, net::ssl::context& tls, std::chrono::milliseconds timeout)
    : ex_(std::move(ex)), tls_(tls), timeout_(timeout)
{
}

api_client::~api_client() = default;

std::size_t api_client::idle_connections() const
{
    std::size_t n = 0;
    for (auto const& [k, v] : idle_)
        n += v.size();
    return n;
}

void api_client::close_all()
{
    idle_.clear();
}

net::awaitable<std::unique_ptr<api_client::connection>> api_client::open(endpoint const& to)
{
    // A copy of the addresses (it shares them), never an iterator into resolved_:
    // other sends on this strand resolve, connect and fail while this one waits,
    // and each failure erases the entry.
    auto const key = to.key();
    tcp::resolver::results_type addresses;
    if (auto it = resolved_.find(key); it != resolved_.end()) {
        addresses = it->second;
    } else {
        tcp::resolver resolver(ex_);
        auto [ec, results] = co_await resolver.async_resolve(to.host, to.port, use_tuple);
        if (ec)
            co_return nullptr;
        addresses = results;
        resolved_.insert_or_assign(key, std::move(results));
    }

    auto c = std::make_unique<connection>();
    if (to.tls)
        c->stream.emplace<tls_stream>(ex_, tls_);
    else
        c->stream.emplace<beast::tcp_stream>(ex_);

    auto& tcp = c->tcp_layer();
    tcp.expires_after(timeout_);
    auto [ec, ep] = co_await tcp.async_connect(addresses, use_tuple);
    if (ec) {
        resolved_.erase(key);  // the address may have moved: resolve afresh next time
        co_return nullptr;
    }
    tcp.socket().set_option(tcp::no_delay(true));

    if (auto* s = std::get_if<tls_stream>(&c->stream)) {
        // SNI and host name verification: the platform must prove it is who api_base names.
        if (!SSL_set_tlsext_host_name(s->native_handle(), to.host.c_str()))
            co_return nullptr;
        s->set_verify_mode(net::ssl::verify_peer);
        s->set_verify_callback(net::ssl::host_name_verification(to.host));
        auto [hec] = co_await s->async_handshake(net::ssl::stream_base::client, use_tuple);
        if (hec)
            co_return nullptr;
    }
    co_return c;
}

namespace {

// An idle keep-alive connection is usable only if nothing is waiting on it: a
// FIN (the server's idle timeout), an RST or stray bytes all mean drop it.
bool still_open(tcp::socket& s)
{
    char byte;
    auto const n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

template <class Stream>
net::awaitable<model::api_response> exchange(Stream& stream, beast::tcp_stream& tcp, beast::flat_buffer& buffer,
                                             http::request<http::string_body>& req,
                                             std::chrono::milliseconds timeout, bool& reusable)
{
    model::api_response out;
    reusable = false;
    tcp.expires_after(timeout);
    auto [wec, wn] = co_await write_message(stream, req);
    if (wec)
        co_return out;
    http::response_parser<http::string_body> parser;
    parser.body_limit(8 << 20);
    auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
    if (rec)
        co_return out;
    auto res = parser.release();
    out.status = static_cast<int>(res.result_int());
    out.body = std::move(res.body());
    if (auto h = res.find(http::field::retry_after); h != res.end())
        out.retry_after_header = std::string(h->value());
    reusable = res.keep_alive();
    co_return out;
}

}  // namespace

net::awaitable<model::api_response> api_client::send(endpoint const& to, model::api_call const& call)
{
    http::request<http::string_body> req;
    req.method(call.method == "GET" ? http::verb::get : http::verb::post);
    req.target(to.path_prefix + call.path);
    req.version(11);
    req.set(http::field::host, to.host);
    req.set(http::field::user_agent, "petition-gateway");
    req.keep_alive(true);
    for (auto const& [k, v] : call.headers)
        req.set(k, v);
    if (req.method() == http::verb::post) {
        req.set(http::field::content_type, call.content_type);
        req.body() = call.body;
        req.prepare_payload();
    }

    // Each call goes out once: a request that failed after it was written may
    // have been carried out, so sending it again here would bypass the
    // dispatcher's backoff and budget (and double a hang's wait). Idle
    // connections the server has closed are dropped before use instead.
    auto const key = to.key();
    std::unique_ptr<connection> c;
    for (auto& idle = idle_[key]; !c && !idle.empty(); idle.pop_back())
        if (still_open(idle.back()->tcp_layer().socket()))
            c = std::move(idle.back());
    if (!c)
        c = co_await open(to);
    if (!c)
        co_return model::api_response{};
    bool reusable = false;
    model::api_response r;
    if (auto* s = std::get_if<tls_stream>(&c->stream))
        r = co_await exchange(*s, c->tcp_layer(), c->buffer, req, timeout_, reusable);
    else
        r = co_await exchange(std::get<beast::tcp_stream>(c->stream), c->tcp_layer(), c->buffer, req, timeout_,
                              reusable);
    if (reusable) {
        c->tcp_layer().expires_never();
        idle_[key].push_back(std::move(c));
    }
    co_return r;
}

}  // namespace pg::gateway
