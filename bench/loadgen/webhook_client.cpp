#include "bench/loadgen/webhook_client.hpp"

#include <boost/asio/write.hpp>

namespace pg::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

webhook_client::webhook_client(net::io_context& ioc, std::size_t index, webhook_target const& target,
                               webhook_driver& driver)
    : socket_(ioc), retry_(ioc), index_(index), target_(target), driver_(driver)
{
}

void webhook_client::start() { connect(); }

void webhook_client::connect()
{
    state_ = phase::connecting;
    auto const gen = ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    in_.clear();
    socket_.async_connect(target_.endpoint, [this, gen](boost::system::error_code ec) {
        if (gen != generation_ || state_ == phase::closed)
            return;
        if (ec) {
            // Nothing was in flight: only retry, a little later.
            state_ = phase::idle;
            retry_.expires_after(std::chrono::milliseconds{100});
            retry_.async_wait([this, gen](boost::system::error_code tec) {
                if (!tec && gen == generation_ && state_ == phase::idle)
                    connect();
            });
            return;
        }
        socket_.set_option(tcp::no_delay(true), ec);
        pull();
    });
}

void webhook_client::resume()
{
    if (state_ == phase::parked)
        pull();
}

void webhook_client::pull()
{
    body_.clear();
    if (!driver_.next_request(index_, body_)) {
        state_ = phase::parked;
        return;
    }
    state_ = phase::busy;
    out_.clear();
    out_ += target_.head;
    out_ += std::to_string(body_.size());
    out_ += "\r\n\r\n";
    out_ += body_;
    started_ = clock_type::now();
    auto const gen = generation_;
    net::async_write(socket_, net::buffer(out_), [this, gen](boost::system::error_code ec, std::size_t) {
        if (gen != generation_ || state_ != phase::busy)
            return;
        if (ec) {
            fail("write: " + ec.message());
            return;
        }
        read();
    });
}

void webhook_client::read()
{
    constexpr std::size_t chunk = 4096;
    auto const gen = generation_;
    socket_.async_read_some(net::buffer(in_.prepare(chunk), chunk), [this, gen](boost::system::error_code ec,
                                                                                std::size_t n) {
        if (gen != generation_ || state_ != phase::busy)
            return;
        if (ec) {
            fail("read: " + ec.message());
            return;
        }
        in_.commit(n);
        http_message m;
        auto const r = frame(in_.data(), m);
        if (r == frame_result::incomplete) {
            read();
            return;
        }
        if (r == frame_result::bad) {
            fail("malformed HTTP response");
            return;
        }
        auto const micros = static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::microseconds>(clock_type::now() - started_).count());
        int const status = status_of(m.start_line);
        bool const close = m.close;
        in_.consume(m.size);
        if (in_.size() != 0) {
            fail("bytes after the response");
            return;
        }
        state_ = phase::idle;
        driver_.on_answer(index_, status, micros);
        if (state_ == phase::closed)
            return;
        if (close)
            connect();
        else
            pull();
    });
}

void webhook_client::fail(std::string const& what)
{
    bool const had_request = state_ == phase::busy;
    ++generation_;
    boost::system::error_code ignored;
    socket_.close(ignored);
    state_ = phase::idle;
    if (had_request)
        driver_.on_failure(index_, what);
    if (state_ == phase::closed)
        return;
    auto const gen = generation_;
    retry_.expires_after(std::chrono::milliseconds{100});
    retry_.async_wait([this, gen](boost::system::error_code ec) {
        if (!ec && gen == generation_ && state_ == phase::idle)
            connect();
    });
}

void webhook_client::abort()
{
    if (state_ == phase::busy)
        fail("no answer within the timeout");
}

void webhook_client::close()
{
    state_ = phase::closed;
    ++generation_;
    retry_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
}

}  // namespace pg::bench
