#pragma once
// Per-conversation ordering: every conversation maps to one of a fixed set of
// strands over the I/O threads. Units on a strand run one at a time in arrival
// order, so one chat's events are processed in order while other chats run in
// parallel. An idle lane runs a unit at once, on the thread that read the
// request, with no hand-off to another thread: a commit never waits for the
// disk there. With storage.sync on, a unit's result comes back only after the
// WAL sync that covers it (see wal_syncer.hpp), and the lane is free meanwhile.
#include "gateway/blocking.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/asio/strand.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace pg::gateway {

class wal_syncer;

class lanes {
public:
    // `syncer`: null when the store does not sync.
    lanes(net::any_io_executor ex, std::size_t count, wal_syncer* syncer);

    // `unit` returns a unit_result; it runs on the key's lane.
    template <class F>
    net::awaitable<unit_result> run(std::string_view key, F unit)
    {
        auto const i = std::hash<std::string_view>{}(key) % strands_.size();
        auto result = run_blocking(strands_[i], std::move(unit));
        return syncer_ ? settled(std::move(result)) : std::move(result);
    }

private:
    net::awaitable<unit_result> settled(net::awaitable<unit_result> unit);

    std::vector<net::strand<net::any_io_executor>> strands_;
    wal_syncer* syncer_;
};

}  // namespace pg::gateway
