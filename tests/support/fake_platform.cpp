#include "tests/support/fake_platform.hpp"

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
#include <map>
#include <sstream>

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
            answering counted(*this, std::move(chat));
            changed.notify_all();
            if (reply.hang) {
                hang(*socket);
                return;
            }
            if (reply.close_without_answer) {
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

fake_platform::fake_platform() : impl_(std::make_unique<impl>())
{
    tcp::endpoint ep{net::ip::make_address("127.0.0.1"), 0};
    impl_->acceptor.open(ep.protocol());
    impl_->acceptor.set_option(net::socket_base::reuse_address(true));
    impl_->acceptor.bind(ep);
    impl_->acceptor.listen();
    port_ = impl_->acceptor.local_endpoint().port();
    impl_->accept_thread = std::thread([this] {
        for (;;) {
            auto socket = std::make_shared<tcp::socket>(impl_->ioc);
            boost::system::error_code ec;
            impl_->acceptor.accept(*socket, ec);
            if (ec || impl_->stopping)
                return;
            std::lock_guard lock(impl_->mutex);
            ++impl_->open_connections;
            impl_->sockets.push_back(socket);
            impl_->workers.emplace_back([this, socket] { impl_->serve(socket); });
        }
    });
}

fake_platform::~fake_platform()
{
    impl_->stopping = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    // Closing a listening socket does not wake accept() on Linux: connect once.
    {
        tcp::socket poke(impl_->ioc);
        poke.connect({net::ip::make_address("127.0.0.1"), port_}, ec);
    }
    impl_->accept_thread.join();
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
