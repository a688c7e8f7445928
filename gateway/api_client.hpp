#pragma once
// HTTP(S) client for platform APIs, with keep-alive connections pooled per
// host. Network trouble is a response with status 0, never an exception.
// Not thread-safe: use it from one strand.
#include "gateway/net.hpp"
#include "model/message.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pg::gateway {

// An api_base split once: "https://api.telegram.org/prefix".
struct endpoint {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path_prefix;  // no trailing slash

    static std::optional<endpoint> parse(std::string_view url);
    std::string key() const { return (tls ? "https://" : "http://") + host + ":" + port; }
};

class api_client {
public:
    api_client(net::any_io_executor ex, net::ssl::context& tls, std::chrono::milliseconds timeout);
    ~api_client();

    net::awaitable<model::api_response> send(endpoint const& to, model::api_call const& call);

    std::size_t idle_connections() const;
    void close_all();

private:
    struct connection;
    net::awaitable<std::unique_ptr<connection>> open(endpoint const& to);

    net::any_io_executor ex_;
    net::ssl::context& tls_;
    std::chrono::milliseconds timeout_;
    std::map<std::string, std::vector<std::unique_ptr<connection>>> idle_;
    std::map<std::string, net::ip::tcp::resolver::results_type> resolved_;
};

}  // namespace pg::gateway
