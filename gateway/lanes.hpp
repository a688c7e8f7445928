#pragma once
// Per-conversation ordering: every conversation maps to one of a fixed set of
// strands over the blocking pool. Work posted to a strand runs one at a time in
// posting order, so one chat's events are processed in arrival order while
// other chats run in parallel (and their commits share WAL syncs).
#include "gateway/blocking.hpp"

#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace pg::gateway {

class lanes {
public:
    lanes(net::thread_pool& pool, std::size_t count)
    {
        strands_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            strands_.push_back(net::make_strand(pool.get_executor()));
    }

    template <class F>
    auto run(std::string_view key, F fn)
    {
        auto const i = std::hash<std::string_view>{}(key) % strands_.size();
        return run_blocking(strands_[i], std::move(fn));
    }

private:
    std::vector<net::strand<net::thread_pool::executor_type>> strands_;
};

}  // namespace pg::gateway
