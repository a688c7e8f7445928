#pragma once
// One keep-alive HTTP/1.1 connection to the webhook under test, closed loop:
// ask the driver for a body, POST it, wait for the whole answer, report it,
// ask again. Runs on the caller's io_context; use it from that context's one thread.
#include "bench/loadgen/http_wire.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace pg::bench {

class webhook_driver {
public:
    virtual ~webhook_driver() = default;
    // Appends the next request body for connection `conn` to `body`; false
    // when there is nothing to send now (the connection parks until resume()).
    virtual bool next_request(std::size_t conn, std::string& body) = 0;
    // The whole answer arrived `micros` after the request started to be written.
    virtual void on_answer(std::size_t conn, int status, std::uint64_t micros) = 0;
    // The request in flight (if any) is lost: connection error, timeout, bad HTTP.
    virtual void on_failure(std::size_t conn, std::string const& what) = 0;
};

struct webhook_target {
    boost::asio::ip::tcp::endpoint endpoint;
    std::string head;  // request line and headers up to "Content-Length: "
};

class webhook_client {
public:
    webhook_client(boost::asio::io_context& ioc, std::size_t index, webhook_target const& target,
                   webhook_driver& driver);
    webhook_client(webhook_client const&) = delete;
    webhook_client& operator=(webhook_client const&) = delete;

    void start();   // connect, then pull requests from the driver
    void resume();  // a parked connection asks the driver again
    void abort();   // drop the connection (a request overran its deadline); reconnects
    void close();   // for good

    bool parked() const { return state_ == phase::parked; }
    bool busy() const { return state_ == phase::busy; }
    std::chrono::steady_clock::time_point busy_since() const { return started_; }

private:
    enum class phase { idle, connecting, parked, busy, closed };

    void connect();
    void pull();
    void read();
    void fail(std::string const& what);

    boost::asio::ip::tcp::socket socket_;
    boost::asio::steady_timer retry_;
    std::size_t index_;
    webhook_target const& target_;
    webhook_driver& driver_;
    phase state_ = phase::idle;
    std::string body_;
    std::string out_;
    byte_buffer in_;
    std::chrono::steady_clock::time_point started_{};
    std::uint64_t generation_ = 0;  // bumps on every (re)connect: stale handlers see a different value
};

}  // namespace pg::bench
