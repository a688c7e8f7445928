#pragma once
// A fake platform API on 127.0.0.1:<any port>: real HTTP over a real socket.
// It records every request and answers each with a scripted reply (by default
// 200 {"ok":true,...} as the Bot API does). Tests wait on what it received with
// a bound, never by sleeping.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace pg::testing {

struct recorded_request {
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::steady_clock::time_point at{};  // when it was read: for lower bounds (retry_after), not speed
};

struct scripted_reply {
    int status = 200;
    std::string body = R"({"ok":true,"result":{"message_id":1}})";
    std::vector<std::pair<std::string, std::string>> headers;
    bool close_without_answer = false;  // close the connection instead of answering
    bool reset = false;                 // with close_without_answer: an RST, not a FIN
    bool hang = false;                  // never answer; hold the connection until the client gives up
    std::chrono::milliseconds delay{0};    // answer after this long (a slow platform)
    std::chrono::milliseconds trickle{0};  // write the answer one byte at a time, this long between bytes
};

class fake_platform {
public:
    using script = std::function<scripted_reply(recorded_request const&, std::size_t index)>;

    fake_platform();  // starts listening at once
    ~fake_platform();
    fake_platform(fake_platform const&) = delete;
    fake_platform& operator=(fake_platform const&) = delete;

    unsigned short port() const { return port_; }
    std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

    void set_script(script s);
    // Faults below HTTP, for the whole host. refuse_connections: nothing listens
    // on the port (connect fails at once, ECONNREFUSED). drop_connections: the
    // port listens but its accept queue is full, so the kernel drops each SYN and
    // a client's connect waits until its own timeout. accept_connections: serve
    // again on the same port. Connections already open are left as they are.
    void refuse_connections();
    void drop_connections();
    void accept_connections();
    std::vector<recorded_request> requests() const;
    std::size_t count() const;
    // True once `pred(requests)` holds; false after `limit` (the test then fails with what it saw).
    bool wait_until(std::function<bool(std::vector<recorded_request> const&)> const& pred,
                    std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    bool wait_for_count(std::size_t n, std::chrono::milliseconds limit = std::chrono::seconds{15}) const;
    // The most requests that were being answered at the same moment, over its life.
    std::size_t max_in_flight() const;
    // The same, for requests to one chat (Telegram chat_id / Slack channel, as view_of names it).
    std::size_t max_in_flight_to(std::string const& chat) const;
    // Connections accepted and not yet closed by either side.
    std::size_t open_connections() const;
    // True once every connection made to the port before the call has been
    // accepted (and so counts in open_connections), false after `limit`. A
    // connection still in the kernel's accept queue is not counted, yet its
    // request will be read. Nothing to wait for while refusing or dropping:
    // those queued connections are closed unread.
    bool accept_queued(std::chrono::milliseconds limit = std::chrono::seconds{15});
    // Hung requests whose connection the client closed (gave up on).
    std::size_t hangs_abandoned() const;

private:
    void listen_locked();
    void stop_listening_locked();

    struct impl;
    std::unique_ptr<impl> impl_;
    unsigned short port_ = 0;
};

}  // namespace pg::testing
