#pragma once
// Run a blocking call (RocksDB, fsync) on an executor of the blocking pool and
// resume the awaiting coroutine on its own executor with the result.
#include "gateway/net.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <type_traits>
#include <utility>

namespace pg::gateway {

template <class Executor, class F>
auto run_blocking(Executor ex, F fn)
{
    using R = std::invoke_result_t<F&>;
    // co_spawn would default-construct R when fn throws; async_initiate keeps the type honest.
    return net::async_initiate<decltype(net::use_awaitable) const, void(R)>(
        [ex](auto handler, F fn) {
            net::post(ex, [h = std::move(handler), fn = std::move(fn)]() mutable {
                R r = fn();
                auto home = net::get_associated_executor(h);
                net::dispatch(home, [h = std::move(h), r = std::move(r)]() mutable { std::move(h)(std::move(r)); });
            });
        },
        net::use_awaitable, std::move(fn));
}

}  // namespace pg::gateway
