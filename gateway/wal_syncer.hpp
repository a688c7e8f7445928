#pragma once
// Group commit without a blocked thread. With storage.sync on, a unit is
// written without waiting for the disk, on the I/O thread that read its
// request, and what acts on it (the 200, the replies) waits for the WAL sync
// after it. One thread syncs, back to back while anyone waits, so every unit
// written during one sync shares the next. Before, each unit held a pool
// thread through RocksDB's synced write, and handing work to that thread and
// back cost more than the fsync itself.
#include "gateway/net.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/asio/any_completion_handler.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace pg::gateway {

class metrics;

class wal_syncer {
public:
    // `sync`: makes everything written before the call durable; false when the
    // disk refused (storage::store::sync_wal).
    wal_syncer(std::function<bool()> sync, metrics& m);
    ~wal_syncer();  // waits for the sync under way; its waiters are resumed as usual
    wal_syncer(wal_syncer const&) = delete;
    wal_syncer& operator=(wal_syncer const&) = delete;

    // Calls `then` on the syncer's thread once a sync that began after this
    // call is done, with its result. The calls come in the order they were
    // asked for, so what `then` hands on (a unit's replies) keeps that order.
    // `then` must be quick: the next sync waits for it.
    void after_sync(net::any_completion_handler<void(bool)> then);

    // Resumes once everything written before the call is durable; false when
    // the disk refused the sync.
    net::awaitable<bool> synced();

    // Units written ahead of their sync wait for one (a single sync for all of
    // them). If it fails they become "failed", with nothing to send: they may
    // be lost, so nothing may act on them. Their outbox entries stay stored
    // and go out at the next start if they survived.
    net::awaitable<void> settle(std::span<unit_result> units);
    // What a unit written ahead becomes once its sync answered `synced`.
    static void settled(unit_result& unit, bool synced);

private:
    void run();

    std::function<bool()> sync_;
    metrics& metrics_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<net::any_completion_handler<void(bool)>> waiting_;
    bool stopping_ = false;
    std::thread thread_;  // last: started once the rest is ready
};

}  // namespace pg::gateway
