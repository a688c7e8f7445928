#pragma once
// Per-conversation ordering: every conversation maps to one of a fixed set of
// strands. Work on a strand runs one at a time in arrival order, so one chat's
// events are processed in order while other chats run in parallel (and their
// commits share WAL syncs).
//
// The strands sit on the blocking pool when a commit waits for a WAL sync, and
// on the I/O threads when it does not: then an idle lane runs its work at once
// on the thread that read the request, with no hand-off to another thread.
#include "gateway/blocking.hpp"

#include <boost/asio/strand.hpp>

#include <functional>
#include <string_view>
#include <vector>

namespace pg::gateway {

class lanes {
public:
    lanes(net::any_io_executor ex, std::size_t count)
    {
        strands_.reserve(count);
        for (std::size_t i = 0; i < count; ++i)
            strands_.push_back(net::make_strand(ex));
    }

    template <class F>
    auto run(std::string_view key, F fn)
    {
        auto const i = std::hash<std::string_view>{}(key) % strands_.size();
        return run_blocking(strands_[i], std::move(fn));
    }

private:
    std::vector<net::strand<net::any_io_executor>> strands_;
};

}  // namespace pg::gateway
