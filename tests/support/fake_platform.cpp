#include "tests/support/fake_platform.hpp"

#include "tests/support/eventually.hpp"
#include "tests/support/platform_faults.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <atomic>
#include <list>
#include <optional>
#include <map>
#include <sstream>
#include <stdexcept>

#include <cerrno>

#include <poll.h>
#include <sys/socket.h>

namespace pg::testing {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

struct fake_platform::impl {
    net::io_context ioc;
    tcp::acceptor acceptor{ioc};
    std::thread accept_thread;
    std::mutex mutex;
    mutable std::mutex data_mutex;
    mutable std::condition_variable changed;
    std::vector<recorded_request> received;
    script reply_with;
    std::list<std::thread> workers;
    std::list<std::shared_ptr<tcp::socket>> sockets;
    std::atomic<bool> stopping{false};
    std::size_t in_flight = 0;      // under data_mutex
    std::size_t max_in_flight = 0;  // under data_mutex
    std::map<std::string, std::size_t> in_flight_to;      // by chat, under data_mutex
    std::map<std::string, std::size_t> max_in_flight_to;  // by chat, under data_mutex
    std::size_t hangs_abandoned = 0;
    std::atomic<std::size_t> open_connections{0};
    tcp::socket port_holder{ioc};                     // bound to the port, never listening
    std::mutex listening_mutex;                       // guards the three below and the acceptor's state
    bool listening = false;
    std::atomic<bool> pausing{false};                 // the accept thread returns instead of serving
    std::atomic<unsigned short> probe_port{0};        // accept_queued: the probe's local port
    std::atomic<bool> probe_accepted{false};
    std::unique_ptr<tcp::acceptor> full_queue;        // drop_connections: listens, never accepts
    std::vector<std::unique_ptr<tcp::socket>> queue_fillers;

    void accept_loop()
    {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(ioc);
            boost::system::error_code ec;
            acceptor.accept(*socket, ec);
            if (ec || stopping || pausing)
                return;
            if (auto const peer = socket->remote_endpoint(ec); !ec && peer.port() == probe_port)
                probe_accepted = true;
            std::lock_guard lock(mutex);
            ++open_connections;
            sockets.push_back(socket);
            workers.emplace_back([this, socket] { serve(socket); });
        }
    }

    // Counts the request as being answered for as long as it lives.
    struct answering {
        impl& self;
        std::string chat;
        answering(impl& s, std::string c) : self(s), chat(std::move(c)) {}
        ~answering()
        {
            std::lock_guard lock(self.data_mutex);
            --self.in_flight;
            --self.in_flight_to[chat];
        }
    };

    // Reads until the client closes (or the fake stops): the client's timeout ends a hang.
    void hang(tcp::socket& socket)
    {
        char sink[256];
        boost::system::error_code ec;
        while (!ec)
            socket.read_some(net::buffer(sink), ec);
        if (!stopping) {
            std::lock_guard lock(data_mutex);
            ++hangs_abandoned;
        }
        changed.notify_all();
    }

    static bool trickle(tcp::socket& socket, http::response<http::string_body> const& res,
                        std::chrono::milliseconds gap)
    {
        std::ostringstream wire;
        wire << res;
        for (char c : wire.str()) {
            boost::system::error_code ec;
            net::write(socket, net::buffer(&c, 1), ec);
            if (ec)
                return false;
            std::this_thread::sleep_for(gap);  // the fault itself: a slow sender
        }
        return true;
    }

    void serve(std::shared_ptr<tcp::socket> socket)
    {
        struct closing {
            std::atomic<std::size_t>& open;
            ~closing() { --open; }
        } counted_open{open_connections};
        boost::beast::flat_buffer buffer;
        for (;;) {
            http::request<http::string_body> req;
            boost::system::error_code ec;
            http::read(*socket, buffer, req, ec);
            if (ec)
                return;
            recorded_request r{std::string(req.method_string()), std::string(req.target()), {}, req.body(),
                               std::chrono::steady_clock::now()};
            for (auto const& f : req)
                r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
            auto chat = view_of(r).chat;
            scripted_reply reply;
            {
                std::lock_guard lock(data_mutex);
                if (reply_with)
                    reply = reply_with(r, received.size());
                received.push_back(std::move(r));
                max_in_flight = std::max(max_in_flight, ++in_flight);
                max_in_flight_to[chat] = std::max(max_in_flight_to[chat], ++in_flight_to[chat]);
            }
            // Counted until its answer starts out: past that the client may read
            // it and send its next request before this thread runs again, which
            // must not count as one more at once.
            std::optional<answering> counted;
            counted.emplace(*this, std::move(chat));
            changed.notify_all();
            if (reply.hang) {
                hang(*socket);
                return;
            }
            if (reply.close_without_answer) {
                counted.reset();
                if (reply.reset)
                    socket->set_option(net::socket_base::linger(true, 0), ec);
                socket->close(ec);
                return;
            }
            if (reply.delay.count() > 0)
                std::this_thread::sleep_for(reply.delay);  // the fault itself: a slow platform
            http::response<http::string_body> res{static_cast<http::status>(reply.status), 11};
            res.set(http::field::content_type, "application/json");
            for (auto const& [k, v] : reply.headers)
                res.set(k, v);
            res.body() = reply.body;
            res.keep_alive(req.keep_alive());
            res.prepare_payload();
            counted.reset();
            if (reply.trickle.count() > 0) {
                if (!trickle(*socket, res, reply.trickle))
                    return;
                if (!res.keep_alive())
                    return;
                continue;
            }
            http::write(*socket, res, ec);
            if (ec || !res.keep_alive())
                return;
        }
    }
};

namespace {

tcp::endpoint loopback(unsigned short port) { return {net::ip::make_address("127.0.0.1"), port}; }

// The holder, each listener in turn and the connections they accepted all bind
// one port: SO_REUSEPORT lets a new listener bind beside them.
template <class Socket>
void share_port(Socket& s)
{
    s.set_option(net::socket_base::reuse_address(true));
    int const on = 1;
    ::setsockopt(s.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
}

}  // namespace

fake_platform::fake_platform() : impl_(std::make_unique<impl>())
{
    // The port is held by a socket that is bound but never listens, so it stays
    // ours while nothing listens on it (a connect there is refused): without it,
    // any outgoing connection could take the free port as its own local one.
    auto& holder = impl_->port_holder;
    holder.open(tcp::v4());
    share_port(holder);
    holder.bind(loopback(0));
    port_ = holder.local_endpoint().port();
    std::lock_guard lock(impl_->listening_mutex);
    listen_locked();
}

// Opens the listening socket on port_ and starts accepting.
void fake_platform::listen_locked()
{
    auto& a = impl_->acceptor;
    a.open(tcp::v4());
    share_port(a);
    boost::system::error_code ec;
    a.bind(loopback(port_), ec);
    if (ec)
        throw std::runtime_error("fake_platform: listen again on port " + std::to_string(port_) + ": " + ec.message());
    a.listen();
    impl_->pausing = false;
    impl_->listening = true;
    impl_->accept_thread = std::thread([this] { impl_->accept_loop(); });
}

// Stops accepting and closes the listening socket; open connections go on.
void fake_platform::stop_listening_locked()
{
    if (!impl_->listening)
        return;
    impl_->pausing = true;
    // shutdown() wakes a blocked accept() on Linux; close() alone does not.
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RD);
    impl_->accept_thread.join();
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    impl_->listening = false;
}

void fake_platform::refuse_connections()
{
    std::lock_guard lock(impl_->listening_mutex);
    stop_listening_locked();
    impl_->queue_fillers.clear();
    impl_->full_queue.reset();
}

void fake_platform::drop_connections()
{
    std::lock_guard lock(impl_->listening_mutex);
    stop_listening_locked();
    if (impl_->full_queue)
        return;
    // A backlog of 0 holds one connection; fill it, and the kernel drops every
    // later SYN. Connect until one no longer completes: the queue is full.
    auto q = std::make_unique<tcp::acceptor>(impl_->ioc);
    q->open(tcp::v4());
    share_port(*q);
    boost::system::error_code ec;
    q->bind(loopback(port_), ec);
    if (ec)
        throw std::runtime_error("fake_platform: bind the full queue to port " + std::to_string(port_) + ": " + ec.message());
    q->listen(0);
    impl_->full_queue = std::move(q);
    for (int i = 0; i < 16; ++i) {
        auto s = std::make_unique<tcp::socket>(impl_->ioc);
        s->open(tcp::v4());
        s->non_blocking(true);
        // ::connect, not Asio's: a blocking connect waits for the dropped SYN's
        // last retransmission (minutes), whatever the socket's mode.
        auto const to = loopback(port_);
        bool const started = ::connect(s->native_handle(), to.data(), to.size()) == 0 || errno == EINPROGRESS;
        pollfd p{s->native_handle(), POLLOUT, 0};
        bool const completed = started && ::poll(&p, 1, 200) == 1;
        impl_->queue_fillers.push_back(std::move(s));
        if (!completed)
            return;
    }
    throw std::runtime_error("fake_platform: the accept queue never filled");
}

void fake_platform::accept_connections()
{
    std::lock_guard lock(impl_->listening_mutex);
    if (impl_->listening)
        return;
    impl_->queue_fillers.clear();
    impl_->full_queue.reset();
    listen_locked();
}

fake_platform::~fake_platform()
{
    impl_->stopping = true;
    {
        std::lock_guard lock(impl_->listening_mutex);
        stop_listening_locked();
        impl_->queue_fillers.clear();
        impl_->full_queue.reset();
    }
    boost::system::error_code ec;
    std::lock_guard lock(impl_->mutex);
    for (auto& s : impl_->sockets)
        s->shutdown(tcp::socket::shutdown_both, ec);
    for (auto& t : impl_->workers)
        t.join();
}

void fake_platform::set_script(script s)
{
    std::lock_guard lock(impl_->data_mutex);
    impl_->reply_with = std::move(s);
}

std::vector<recorded_request> fake_platform::requests() const
{
    std::lock_guard lock(impl_->data_mutex);
    return impl_->received;
}

std::size_t fake_platform::count() const
{
    std::lock_guard lock(impl_->data_mutex);
    return impl_->received.size();
}

bool fake_platform::wait_until(std::function<bool(std::vector<recorded_request> const&)> const& pred,
                               std::chrono::milliseconds limit) const
{
    std::unique_lock lock(impl_->data_mutex);
    return impl_->changed.wait_for(lock, limit, [&] { return pred(impl_->received); });
}

std::size_t fake_platform::open_connections() const
{
    return impl_->open_connections.load();
}

bool fake_platform::accept_queued(std::chrono::milliseconds limit)
{
    std::lock_guard lock(impl_->listening_mutex);
    if (!impl_->listening)
        return true;
    // The accept queue is first in, first out: once a probe connected now is
    // accepted, every connection before it is too.
    tcp::socket probe(impl_->ioc);
    probe.open(tcp::v4());
    boost::system::error_code ec;
    probe.bind(loopback(0), ec);
    if (ec)
        return false;
    impl_->probe_accepted = false;
    impl_->probe_port = probe.local_endpoint().port();
    probe.connect(loopback(port_), ec);
    bool const accepted = !ec && eventually([&] { return impl_->probe_accepted.load(); }, limit);
    impl_->probe_port = 0;
    return accepted;
}

std::size_t fake_platform::max_in_flight() const
{
    std::lock_guard lock(impl_->data_mutex);
    return impl_->max_in_flight;
}

std::size_t fake_platform::max_in_flight_to(std::string const& chat) const
{
    std::lock_guard lock(impl_->data_mutex);
    auto const it = impl_->max_in_flight_to.find(chat);
    return it == impl_->max_in_flight_to.end() ? 0 : it->second;
}

std::size_t fake_platform::hangs_abandoned() const
{
    std::lock_guard lock(impl_->data_mutex);
    return impl_->hangs_abandoned;
}

bool fake_platform::wait_for_count(std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([n](auto const& r) { return r.size() >= n; }, limit);
}

}  // namespace pg::testing
