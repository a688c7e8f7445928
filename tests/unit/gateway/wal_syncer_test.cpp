// Group commit: a unit written ahead of its WAL sync is acted on only after a
// sync that began after it was written, one sync serves everyone waiting, and
// a failed sync leaves nothing to act on. The sync is RocksDB's own, held at a
// gate so the test can see who resumes when.
#include "gateway/wal_syncer.hpp"

#include "gateway/lanes.hpp"
#include "gateway/metrics.hpp"
#include "storage/rocks_store.hpp"
#include "tests/support/eventually.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <unistd.h>

namespace pg::gateway {
namespace {

using pg::testing::eventually;

// The store's sync, behind a gate the test opens one sync at a time.
class gated_sync {
public:
    explicit gated_sync(storage::local_storage& s) : store_(s) {}

    bool operator()()
    {
        ++started_;
        std::unique_lock lock(mutex_);
        opened_.wait(lock, [&] { return allowed_ >= started_; });
        bool const ok = succeed_ && store_.sync_wal();
        ++finished_;
        return ok;
    }
    void allow(int n)
    {
        std::lock_guard lock(mutex_);
        allowed_ += n;
        opened_.notify_all();
    }
    // No sync passes that was not allowed after this call (with no sync under way).
    void close()
    {
        std::lock_guard lock(mutex_);
        allowed_ = started_;
    }
    void fail_from_now() { succeed_ = false; }
    int started() const { return started_; }
    int finished() const { return finished_; }

private:
    storage::local_storage& store_;
    std::mutex mutex_;
    std::condition_variable opened_;
    int allowed_ = 0;
    std::atomic<int> started_{0};
    std::atomic<int> finished_{0};
    std::atomic<bool> succeed_{true};
};

// A fresh directory, removed with everything in it.
struct scratch_dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("pg-wal-syncer-" + std::to_string(::getpid()) + "-" +
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ~scratch_dir()
    {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

class wal_syncer_test : public ::testing::Test {
protected:
    wal_syncer_test() { io_ = std::thread([this] { ioc_.run(); }); }
    ~wal_syncer_test() override
    {
        gate_.allow(1000);  // no sync left waiting at the gate
        syncer_.reset();
        work_.reset();
        io_.join();
    }

    // Returns once everything posted to the I/O thread before it has run: the
    // coroutines spawned so far are waiting for their sync.
    void drain_io()
    {
        std::atomic<bool> reached{false};
        net::post(ioc_, [&] { reached = true; });
        ASSERT_TRUE(eventually([&] { return reached.load(); }));
    }

    // A unit written ahead of its sync, as unit_runner writes one, with one reply.
    unit_result write_ahead(std::string key, std::string reply = "reply")
    {
        storage::unit_of_work w;
        w.dedupe_key = std::move(key);
        model::outbound_message m;
        m.channel_id = "telegram-main";
        m.chat_id = "1";
        m.text = std::move(reply);
        w.outbox.push_back(m);
        auto c = store_.commit(w, storage::durability::on_sync);
        return {c.status, std::move(c.queued), c.error, false, true};
    }

    // Settles `units` on the I/O thread; `done` is set once they are back.
    void settle(std::span<unit_result> units, std::atomic<bool>& done)
    {
        net::co_spawn(ioc_, [this, units, &done]() -> net::awaitable<void> {
            co_await syncer_->settle(units);
            done = true;
        }, net::detached);
    }

    scratch_dir dir_;
    storage::rocks_store store_{storage::rocks_options{dir_.path.string(), true, true}};
    gated_sync gate_{store_};
    metrics stats_;
    std::optional<wal_syncer> syncer_{std::in_place, std::ref(gate_), stats_};
    net::io_context ioc_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{ioc_.get_executor()};
    std::thread io_;
};

TEST_F(wal_syncer_test, a_unit_waits_for_a_sync_that_began_after_it_was_written)
{
    auto first = write_ahead("first");
    std::atomic<bool> first_done{false};
    settle({&first, 1}, first_done);
    ASSERT_TRUE(eventually([&] { return gate_.started() == 1; }));

    // Written while the first sync is under way: that sync may not cover it.
    auto second = write_ahead("second");
    std::atomic<bool> second_done{false};
    settle({&second, 1}, second_done);
    drain_io();

    gate_.allow(1);
    ASSERT_TRUE(eventually([&] { return first_done.load(); }));
    EXPECT_EQ(first.status, storage::commit_status::committed);
    EXPECT_FALSE(first.unsynced);
    EXPECT_EQ(first.queued.size(), 1u);
    EXPECT_FALSE(second_done.load()) << "resumed by a sync that began before it was written";

    ASSERT_TRUE(eventually([&] { return gate_.started() == 2; }));
    gate_.allow(1);
    ASSERT_TRUE(eventually([&] { return second_done.load(); }));
    EXPECT_EQ(second.status, storage::commit_status::committed);
    EXPECT_EQ(gate_.finished(), 2);
}

TEST_F(wal_syncer_test, one_sync_serves_every_unit_waiting_for_it)
{
    auto holder = write_ahead("holder");
    std::atomic<bool> holder_done{false};
    settle({&holder, 1}, holder_done);
    ASSERT_TRUE(eventually([&] { return gate_.started() == 1; }));

    constexpr int n = 20;
    std::vector<unit_result> units;
    for (int i = 0; i < n; ++i)
        units.push_back(write_ahead("unit-" + std::to_string(i)));
    std::array<std::atomic<bool>, n> done{};
    for (int i = 0; i < n; ++i)
        settle({&units[i], 1}, done[i]);
    drain_io();
    EXPECT_FALSE(holder_done.load());

    gate_.allow(2);
    for (int i = 0; i < n; ++i)
        ASSERT_TRUE(eventually([&] { return done[i].load(); })) << i;
    EXPECT_EQ(gate_.finished(), 2);
    EXPECT_EQ(stats_.value("pg_wal_syncs_total", {{"result", "ok"}}), 2u);
    EXPECT_EQ(stats_.value("pg_wal_sync_waiters_total", {}), std::uint64_t(n + 1));
}

TEST_F(wal_syncer_test, a_failed_sync_leaves_nothing_to_act_on)
{
    gate_.fail_from_now();
    gate_.allow(1);
    std::array<unit_result, 2> units{write_ahead("lost"), unit_result{storage::commit_status::committed, {}, {}}};
    units[1].queued.push_back(model::outbox_entry{99, {}, 0, {}});  // synced already: untouched
    std::atomic<bool> done{false};
    settle(units, done);
    ASSERT_TRUE(eventually([&] { return done.load(); }));
    EXPECT_EQ(units[0].status, storage::commit_status::failed);
    EXPECT_TRUE(units[0].queued.empty()) << "a reply to a unit that may be lost would be sent";
    EXPECT_EQ(units[0].error, "WAL sync failed");
    EXPECT_EQ(units[1].status, storage::commit_status::committed);
    EXPECT_EQ(units[1].queued.size(), 1u);
    EXPECT_EQ(stats_.value("pg_wal_syncs_total", {{"result", "failed"}}), 1u);
}

TEST_F(wal_syncer_test, results_not_written_ahead_go_on_without_a_sync)
{
    std::array<unit_result, 1> units{unit_result{storage::commit_status::duplicate, {}, {}}};
    std::atomic<bool> done{false};
    settle(units, done);
    ASSERT_TRUE(eventually([&] { return done.load(); }));
    EXPECT_EQ(gate_.started(), 0);
    EXPECT_EQ(units[0].status, storage::commit_status::duplicate);
}

// Two units of one chat, run by callers on two connections' strands over two
// threads: whichever caller resumes first, the replies are handed on in the
// order the lane ran the units, and before either caller resumes.
class lanes_test : public wal_syncer_test {
protected:
    ~lanes_test() override
    {
        gate_.allow(1000);
        work2_.reset();
        for (auto& t : io2_)
            t.join();
    }

    // Runs a unit of chat "1" replying `text` from a new strand (a connection);
    // returns once the unit has run on its lane. `result` is set on resumption,
    // with what had been handed on by then.
    void run_unit(lanes& l, std::string text, std::optional<unit_result>& result, std::vector<std::string>& seen)
    {
        std::atomic<bool> ran{false};
        net::co_spawn(net::make_strand(ioc2_), [&, text]() -> net::awaitable<void> {
            auto r = co_await l.run("telegram-main\n1", [&] {
                auto u = write_ahead("u-" + text, text);
                if (!syncing_)
                    u.unsynced = false;
                ran = true;
                return u;
            });
            std::lock_guard lock(sent_mutex_);
            seen = sent_;
            result = std::move(r);
        }, net::detached);
        ASSERT_TRUE(eventually([&] { return ran.load(); }));
    }

    lanes::send_fn recorder()
    {
        return [this](std::vector<model::outbox_entry> replies) {
            std::lock_guard lock(sent_mutex_);
            for (auto const& e : replies)
                sent_.push_back(e.message.text);
        };
    }

    bool syncing_ = true;
    std::mutex sent_mutex_;
    std::vector<std::string> sent_;
    net::io_context ioc2_;
    std::optional<net::executor_work_guard<net::io_context::executor_type>> work2_{ioc2_.get_executor()};
    std::array<std::thread, 2> io2_{std::thread([this] { ioc2_.run(); }), std::thread([this] { ioc2_.run(); })};
};

TEST_F(lanes_test, a_chats_replies_are_handed_on_in_lane_order_after_their_sync)
{
    lanes l(ioc2_.get_executor(), 4, &*syncer_, recorder());
    for (int round = 0; round < 20; ++round) {
        auto const a = "a" + std::to_string(round), b = "b" + std::to_string(round);
        std::optional<unit_result> first, second;
        std::vector<std::string> seen_by_first, seen_by_second;
        run_unit(l, a, first, seen_by_first);
        run_unit(l, b, second, seen_by_second);
        {
            std::lock_guard lock(sent_mutex_);
            EXPECT_TRUE(std::find(sent_.begin(), sent_.end(), a) == sent_.end()) << "handed on before its sync";
        }
        gate_.allow(2);  // one sync may serve both
        ASSERT_TRUE(eventually([&] {
            std::lock_guard lock(sent_mutex_);
            return first && second;
        }));
        gate_.close();
        std::lock_guard lock(sent_mutex_);
        ASSERT_GE(sent_.size(), 2u);
        EXPECT_EQ(sent_[sent_.size() - 2], a) << round;
        EXPECT_EQ(sent_.back(), b) << round;
        auto const holds = [](std::vector<std::string> const& v, std::string const& x) {
            return std::find(v.begin(), v.end(), x) != v.end();
        };
        EXPECT_TRUE(holds(seen_by_first, a)) << round << ": resumed before its reply was handed on";
        EXPECT_TRUE(holds(seen_by_second, b)) << round << ": resumed before its reply was handed on";
        EXPECT_TRUE(first->queued.empty() && second->queued.empty()) << "a caller could hand a reply on twice";
        EXPECT_EQ(first->status, storage::commit_status::committed);
    }
}

TEST_F(lanes_test, without_a_syncer_replies_are_handed_on_before_the_caller_resumes)
{
    syncing_ = false;
    lanes l(ioc2_.get_executor(), 4, nullptr, recorder());
    std::optional<unit_result> first, second;
    std::vector<std::string> seen_by_first, seen_by_second;
    run_unit(l, "a", first, seen_by_first);
    run_unit(l, "b", second, seen_by_second);
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(sent_mutex_);
        return first && second;
    }));
    std::lock_guard lock(sent_mutex_);
    EXPECT_EQ(sent_, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(seen_by_first.front(), "a");
    EXPECT_EQ(gate_.started(), 0);
}

TEST_F(lanes_test, a_failed_sync_hands_nothing_on)
{
    gate_.fail_from_now();
    lanes l(ioc2_.get_executor(), 4, &*syncer_, recorder());
    std::optional<unit_result> only;
    std::vector<std::string> seen;
    run_unit(l, "lost", only, seen);
    gate_.allow(1);
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(sent_mutex_);
        return only.has_value();
    }));
    std::lock_guard lock(sent_mutex_);
    EXPECT_TRUE(sent_.empty());
    EXPECT_EQ(only->status, storage::commit_status::failed);
    EXPECT_EQ(only->error, "WAL sync failed");
}

}  // namespace
}  // namespace pg::gateway
