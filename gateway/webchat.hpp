#pragma once
// The web chat's transport: the page's session and history calls, its
// WebSocket, and local delivery of replies into the conversation's history.
//
//   GET /chat/{channel}/session        the session (made, and the cookie set, when there is no valid one)
//   GET /chat/{channel}/history?after=N the cookie's conversation, entries with seq > N
//   GET /chat/{channel}/ws             WebSocket: the client says {"after":N}, then gets what it missed
//                                      and every new entry as it is written; it may also send messages
//   POST /webhook/{channel}            a message (the router's standard route, adapters/webchat parse)
//
// Every call is scoped to the session in the cookie: there is no conversation
// id to ask for, so no citizen can read another's.
#include "config/settings.hpp"
#include "gateway/http_server.hpp"
#include "gateway/net.hpp"
#include "gateway/rate_limiter.hpp"
#include "storage/store.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::gateway {

class channel_table;
class lanes;
class metrics;
class unit_runner;
struct channel;

// Fills the session_secret of every web chat channel that has none from a
// random key kept in `<data_dir>/webchat_session_secret` (made once, mode
// 0600), so sessions stay valid across restarts without any configuration.
// Each channel gets its own key derived from it. Throws std::runtime_error
// naming the file when it cannot be read or made.
void provide_session_secrets(std::vector<config::channel_settings>& channels, std::string const& data_dir);

class webchat {
public:
    using clock_fn = std::function<model::timestamp()>;

    webchat(channel_table& channels, storage::store& store, net::thread_pool& pool, lanes& lanes,
            unit_runner& runner, metrics& m, config::server_settings const& server,
            clock_fn clock);
    ~webchat();

    // GET /chat/...: session and history.
    net::awaitable<response> handle(request const& req, std::string_view target);
    // A WebSocket upgrade request: answered (refused, or accepted and served until it closes).
    // Each message on the socket takes a token from `admit` (the client's
    // per-address bucket, as an HTTP post does) and one from its session's bucket.
    net::awaitable<void> upgrade(beast::tcp_stream stream, request req, source_admission admit);
    // A message of this session, however it came (a post or the socket), takes a
    // token from the session's bucket (server.rate_limit.session_*): nullopt when
    // it may go on, else how long until it may.
    std::optional<std::chrono::seconds> over_session_rate(std::string_view channel_id, std::string_view chat_id);

    // Something new in this conversation's history: live sockets read it.
    void notify(std::string const& channel_id, std::string const& chat_id);
    // Closes every socket (going away); new ones are refused.
    void stop();
    std::size_t sockets() const { return sockets_.load(); }

private:
    struct socket_session;

    model::delivery_verdict deliver(model::outbox_entry const& e, std::string const& frame);
    net::awaitable<void> serve_socket(std::shared_ptr<socket_session> s);
    net::awaitable<void> write_loop(std::shared_ptr<socket_session> s);
    // False when the socket should be closed (it sends faster than it reads our answers).
    net::awaitable<bool> accept_message(std::shared_ptr<socket_session> const& s, std::string const& text);
    bool add(std::shared_ptr<socket_session> const& s);  // false once stopping
    void remove(socket_session const* s);

    channel_table& channels_;
    storage::store& store_;
    net::thread_pool& pool_;
    lanes& lanes_;
    unit_runner& runner_;
    metrics& metrics_;
    config::server_settings server_;
    clock_fn clock_;
    std::unique_ptr<rate_limiter> session_limiter_;  // null: no per-session limit

    std::mutex mutex_;  // live_ and stopping_
    std::multimap<std::string, std::weak_ptr<socket_session>> live_;  // channel '\n' chat -> its sockets
    bool stopping_ = false;
    std::atomic<std::size_t> sockets_{0};
};

}  // namespace pg::gateway
