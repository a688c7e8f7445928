#pragma once
// Per-conversation ordering: every conversation maps to one of a fixed set of
// strands over the I/O threads. Units on a strand run one at a time in arrival
// order, so one chat's events are processed in order while other chats run in
// parallel. An idle lane runs a unit at once, on the thread that read the
// request, with no hand-off to another thread: a commit never waits for the
// disk there.
//
// A unit's replies are handed on in the order its lane ran the units, not in
// the order their callers resume (they resume on their own connections'
// strands, on either thread). With storage.sync on they are handed on after
// the WAL sync that covers them (see wal_syncer.hpp), and the lane is free
// meanwhile.
#include "gateway/net.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/strand.hpp>

#include <exception>
#include <functional>
#include <string_view>
#include <vector>

namespace pg::gateway {

class wal_syncer;

class lanes {
public:
    // Takes a unit's replies: the dispatcher's enqueue.
    using send_fn = std::function<void(std::vector<model::outbox_entry>)>;

    // `syncer`: null when the store does not sync.
    lanes(net::any_io_executor ex, std::size_t count, wal_syncer* syncer, send_fn send);

    // Runs `unit` (returning a unit_result) on the key's lane and hands its
    // replies to `send`; the result comes back without them. A unit that
    // throws hands on nothing, and the exception is rethrown here.
    template <class F>
    net::awaitable<unit_result> run(std::string_view key, F unit)
    {
        auto const i = std::hash<std::string_view>{}(key) % strands_.size();
        // Not a coroutine, for the reason in blocking.hpp (GCC 12 and by-value strands).
        return net::async_initiate<decltype(net::use_awaitable) const, void(std::exception_ptr, unit_result)>(
            [this, i](auto handler, F unit) {
                net::dispatch(strands_[i], [this, h = std::move(handler), unit = std::move(unit)]() mutable {
                    auto home = net::any_io_executor(net::get_associated_executor(h));
                    std::exception_ptr failure;
                    unit_result r;
                    try {
                        r = unit();
                    } catch (...) {
                        failure = std::current_exception();
                    }
                    finish(failure, std::move(r), std::move(home), std::move(h));
                });
            },
            net::use_awaitable, std::move(unit));
    }

private:
    using done_handler = net::any_completion_handler<void(std::exception_ptr, unit_result)>;
    // On the lane, right after the unit: hands its replies on (now, or from the
    // syncer once they are durable) and resumes the caller on `home`.
    void finish(std::exception_ptr failure, unit_result r, net::any_io_executor home, done_handler done);

    std::vector<net::strand<net::any_io_executor>> strands_;
    wal_syncer* syncer_;
    send_fn send_;
};

}  // namespace pg::gateway
