#pragma once
// A fake Telegram Bot API on 127.0.0.1: answers POST /bot<token>/sendMessage and
// /answerCallbackQuery the way Telegram does ({"ok":true,"result":...}), and hands
// every sendMessage (chat id, text) to the load generator for checking.
// Runs on the caller's io_context; use it from that context's one thread.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace pg::bench {

struct fake_api_counters {
    std::uint64_t calls = 0;
    std::uint64_t send_message = 0;
    std::uint64_t answer_callback_query = 0;
    std::uint64_t other_methods = 0;  // answered 404, like Telegram
    std::uint64_t rejected = 0;       // wrong token, malformed HTTP or JSON, empty text
    std::uint64_t injected = 0;       // faults injected on purpose (--inject)
    std::uint64_t connections = 0;    // accepted over the run
};

class fake_api {
public:
    using on_send_message = std::function<void(std::int64_t chat_id, std::string_view text)>;

    // Binds 127.0.0.1:port (0: any free port); throws boost::system::system_error.
    fake_api(boost::asio::io_context& ioc, std::uint16_t port, std::string token, on_send_message on_message);
    ~fake_api();
    fake_api(fake_api const&) = delete;
    fake_api& operator=(fake_api const&) = delete;

    std::uint16_t port() const;
    void start();
    void stop();  // stops accepting; open connections end with the io_context

    fake_api_counters const& counters() const;

    // Self-test of the reply checks: every `every`-th sendMessage is either seen
    // but answered 502, so the gateway sends it again (`doubled`), or answered
    // 200 without being seen (`dropped`). Either must fail the run.
    enum class fault { none, doubled, dropped };
    void inject(fault f, std::uint64_t every);

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace pg::bench
