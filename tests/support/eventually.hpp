#pragma once
// Polls `condition` until it holds or `limit` passes: for conditions no one
// notifies about (a metric, a stored record, another thread's progress).
// Returns whether it held.
#include <chrono>
#include <functional>
#include <thread>

namespace pg::testing {

inline bool eventually(std::function<bool()> const& condition,
                       std::chrono::milliseconds limit = std::chrono::seconds{15})
{
    auto const deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (condition())
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::milliseconds{10});
    }
}

}  // namespace pg::testing
