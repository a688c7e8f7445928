#include "gateway/wal_syncer.hpp"

#include "gateway/log.hpp"
#include "gateway/metrics.hpp"

#include <boost/asio/post.hpp>

#include <algorithm>

namespace pg::gateway {

wal_syncer::wal_syncer(std::function<bool()> sync, metrics& m)
    : sync_(std::move(sync)), metrics_(m), thread_([this] { run(); })
{
}

wal_syncer::~wal_syncer()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void wal_syncer::after_sync(net::any_completion_handler<void(bool)> then)
{
    {
        std::lock_guard lock(mutex_);
        waiting_.push_back(std::move(then));
    }
    wake_.notify_one();
}

net::awaitable<bool> wal_syncer::synced()
{
    return net::async_initiate<decltype(net::use_awaitable) const, void(bool)>(
        [this](auto handler) {
            auto home = net::any_io_executor(net::get_associated_executor(handler));
            after_sync([home, h = std::move(handler)](bool ok) mutable {  // resumes on its own executor
                net::post(home, [h = std::move(h), ok]() mutable { std::move(h)(ok); });
            });
        },
        net::use_awaitable);
}

net::awaitable<void> wal_syncer::settle(std::span<unit_result> units)
{
    if (std::none_of(units.begin(), units.end(), [](auto const& u) { return u.unsynced; }))
        co_return;
    bool const ok = co_await synced();
    for (auto& u : units)
        if (u.unsynced)
            settled(u, ok);
}

void wal_syncer::settled(unit_result& unit, bool synced)
{
    unit.unsynced = false;
    if (!synced)
        unit = unit_result{storage::commit_status::failed, {}, "WAL sync failed"};
}

void wal_syncer::run()
{
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
        if (waiting_.empty())
            return;  // stopping, and nobody waits
        // Everyone in the batch registered after their write returned, so the
        // sync that starts now covers them all.
        auto batch = std::exchange(waiting_, {});
        lock.unlock();
        bool const ok = sync_();
        metrics_.add("pg_wal_syncs_total", {{"result", ok ? "ok" : "failed"}});
        metrics_.add("pg_wal_sync_waiters_total", {}, batch.size());
        if (!ok)
            log::error("wal_sync_failed", {{"waiters", static_cast<long long>(batch.size())}});
        for (auto& then : batch)  // in the order they were asked for
            std::move(then)(ok);
        lock.lock();
    }
}

}  // namespace pg::gateway
