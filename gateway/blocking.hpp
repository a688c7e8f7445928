#pragma once
// Run a blocking call (RocksDB, fsync) on an executor of the blocking pool and
// resume the awaiting coroutine on its own executor with the result. The call is
// dispatched, not posted: on an executor the caller is already running on (an
// idle lane strand over the I/O threads), it runs at once, with no hand-off.
#include "gateway/net.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace pg::gateway {

// Not a coroutine on purpose: GCC 12 (Debian 12) destroys a coroutine's
// by-value strand parameter twice in optimised builds, freeing a lane's strand
// after its first use (the second message of a conversation, the second action
// on a petition, crashed the process). async_initiate makes the awaitable.
template <class Executor, class F>
auto run_blocking(Executor ex, F fn)
{
    using R = std::invoke_result_t<F&>;
    static_assert(std::is_default_constructible_v<R>, "run_blocking: the result stands in empty when fn throws");
    // An exception from fn (a storage read that failed) is rethrown in the
    // awaiting coroutine (use_awaitable throws a non-null exception_ptr):
    // escaping a pool thread, it would end the process.
    return net::async_initiate<decltype(net::use_awaitable) const, void(std::exception_ptr, R)>(
        [ex](auto handler, F fn) {
            net::dispatch(ex, [h = std::move(handler), fn = std::move(fn)]() mutable {
                std::exception_ptr failure;
                std::optional<R> r;
                try {
                    r.emplace(fn());
                } catch (...) {
                    failure = std::current_exception();
                }
                auto home = net::get_associated_executor(h);
                net::dispatch(home, [h = std::move(h), failure, r = std::move(r)]() mutable {
                    std::move(h)(failure, r ? std::move(*r) : R{});
                });
            });
        },
        net::use_awaitable, std::move(fn));
}

}  // namespace pg::gateway
