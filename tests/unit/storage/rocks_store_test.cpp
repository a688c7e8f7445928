#include "storage/rocks_store.hpp"  // first: proves the header stands alone

#include "samples.hpp"
#include "storage/codec.hpp"
#include "storage/keys.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

namespace pg::storage {
namespace {

using test::expect_same;
using test::filing_unit;
using test::message_unit;
using test::outbox_of;
using test::seqs_of;

class rocks_store_test : public testing::Test {
protected:
    std::unique_ptr<rocks_store> open(bool sync = true)
    {
        return std::make_unique<rocks_store>(rocks_options{dir_.path().string(), sync, true});
    }

    test::temp_dir dir_;
};

// RocksDB's own: the WAL sync, checkpoints, its files. Everything else the
// store promises is in conformance_test.cpp, for every backend.

TEST_F(rocks_store_test, an_unsynced_store_keeps_everything_after_a_clean_close)
{
    {
        auto s = open(false);
        ASSERT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::committed);
        EXPECT_TRUE(s->flush());
    }
    auto s = open(false);
    EXPECT_TRUE(s->petition("7KQM-2X4D"));
    EXPECT_EQ(s->outbox_depth(), 2u);
}
TEST_F(rocks_store_test, units_written_ahead_of_their_sync_are_read_at_once_and_kept)
{
    auto s = open(true);
    std::atomic<bool> writing{true};
    std::atomic<int> syncs{0};
    std::atomic<int> failed_syncs{0};
    std::thread syncer([&] {
        while (writing)
            ++(s->sync_wal() ? syncs : failed_syncs);
    });
    constexpr int threads = 4;
    constexpr int per_thread = 100;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto const key = "ahead-" + std::to_string(t) + "-" + std::to_string(i);
                unit_of_work w = message_unit(key);
                w.conversation = test::sample_conversation();
                w.conversation->chat_id = key;
                auto const r = s->commit(w, durability::on_sync);
                EXPECT_EQ(r.status, commit_status::committed) << r.error;
                EXPECT_TRUE(s->seen(key));
                EXPECT_TRUE(s->conversation("telegram-main", key));
            }
        });
    for (auto& w : writers)
        w.join();
    writing = false;
    syncer.join();
    EXPECT_GT(syncs.load(), 0);
    EXPECT_EQ(failed_syncs.load(), 0);
    EXPECT_TRUE(s->sync_wal());

    s.reset();
    s = open(true);
    for (int t = 0; t < threads; ++t)
        for (int i = 0; i < per_thread; ++i)
            EXPECT_TRUE(s->seen("ahead-" + std::to_string(t) + "-" + std::to_string(i)));
}
TEST_F(rocks_store_test, a_backup_opens_as_a_store_with_everything_committed_before_it)
{
    auto const copy = (dir_.path() / "backup").string();
    auto const db = (dir_.path() / "db").string();
    std::vector<model::outbox_entry> queued;
    {
        rocks_store s(rocks_options{db, false, true});  // unsynced: the backup must still see every commit
        auto r = s.commit(filing_unit("tg:1", 7, "7KQM-2X4D"));
        ASSERT_EQ(r.status, commit_status::committed);
        queued = r.queued;
        ASSERT_TRUE(s.bind_thread("staff-tg", "-1001", "12", "7KQM-2X4D"));
        ASSERT_TRUE(s.mark_delivered({queued[0].seq}));

        std::string error = "left over";
        ASSERT_TRUE(s.backup(copy, error)) << error;
        EXPECT_EQ(error, "");

        // After the backup: in the store, not in the copy.
        auto later = filing_unit("tg:2", 8, "8ABC-1234");
        later.conversation->chat_id = "another chat";
        ASSERT_EQ(s.commit(later).status, commit_status::committed);
        EXPECT_TRUE(s.petition("8ABC-1234"));
    }
    rocks_store b(rocks_options{copy, true, false});
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    expect_same(w.petitions[0], *b.petition("7KQM-2X4D"));
    expect_same(*w.conversation, *b.conversation(w.conversation->channel_id, w.conversation->chat_id));
    EXPECT_EQ(b.timeline("7KQM-2X4D").size(), 1u);
    EXPECT_EQ(b.thread_of("staff-tg", "-1001", "7KQM-2X4D"), "12");
    auto const pending = outbox_of(b);
    ASSERT_EQ(pending.size(), 1u);
    expect_same(queued[1], pending[0]);
    EXPECT_EQ(b.outbox_depth(), 1u);
    EXPECT_TRUE(b.seen("tg:1"));
    EXPECT_FALSE(b.seen("tg:2"));
    EXPECT_FALSE(b.petition("8ABC-1234"));
    EXPECT_GT(b.next_petition_number(), 7u);
    EXPECT_EQ(b.decode_failures(), 0u);
}
TEST_F(rocks_store_test, a_backup_taken_while_commits_run_holds_every_commit_that_returned_before_it)
{
    auto const s = std::make_unique<rocks_store>(rocks_options{(dir_.path() / "db").string(), false, true});
    constexpr int before = 50;
    for (int i = 0; i < before; ++i)
        ASSERT_EQ(s->commit(message_unit("before:" + std::to_string(i))).status, commit_status::committed);

    std::atomic<bool> stop{false};
    std::atomic<int> during{0};
    std::thread writer([&] {
        for (int i = 0; !stop.load(); ++i) {
            if (s->commit(message_unit("during:" + std::to_string(i))).status == commit_status::committed)
                ++during;
        }
    });
    auto const copy = (dir_.path() / "backup").string();
    std::string error;
    bool const ok = s->backup(copy, error);
    stop = true;
    writer.join();
    ASSERT_TRUE(ok) << error;

    auto const b = std::make_unique<rocks_store>(rocks_options{copy, true, false});
    for (int i = 0; i < before; ++i)
        EXPECT_TRUE(b->seen("before:" + std::to_string(i))) << i;
    // The copy is consistent: each unit in it is whole, its dedupe key and message together.
    auto const in_copy = outbox_of(*b).size();
    EXPECT_GE(in_copy, std::size_t{before});
    EXPECT_LE(in_copy, std::size_t{before} + static_cast<std::size_t>(during.load()));
    EXPECT_EQ(b->outbox_depth(), in_copy);
    std::size_t seen_during = 0;
    for (int i = 0; i < during.load(); ++i)
        seen_during += b->seen("during:" + std::to_string(i)) ? 1 : 0;
    EXPECT_EQ(in_copy, before + seen_during);
}
TEST_F(rocks_store_test, a_backup_into_an_existing_or_unreachable_dir_fails_naming_it)
{
    auto s = open();
    ASSERT_EQ(s->commit(message_unit("k")).status, commit_status::committed);

    std::string error;
    auto const existing = dir_.path().string();  // the store's own directory
    EXPECT_FALSE(s->backup(existing, error));
    EXPECT_EQ(error.rfind(existing + ": checkpoint: ", 0), 0u) << error;
    EXPECT_NE(error.find("Directory exists"), std::string::npos) << "no RocksDB status: " << error;

    auto const unreachable = (dir_.path() / "no" / "such" / "parent").string();
    EXPECT_FALSE(s->backup(unreachable, error));
    EXPECT_EQ(error.rfind(unreachable + ": checkpoint: ", 0), 0u) << error;
    EXPECT_FALSE(std::filesystem::exists(unreachable));

    // The store goes on serving.
    EXPECT_EQ(s->commit(message_unit("k2")).status, commit_status::committed);
}
// A database of an earlier release: only the families `names`, format 1, and
// the records `fill` writes with RocksDB directly (handles in `names` order).
void write_old_database(std::filesystem::path const& dir, std::vector<char const*> const& names,
                        std::function<void(rocksdb::DB&, std::vector<rocksdb::ColumnFamilyHandle*> const&)> fill)
{
    rocksdb::DBOptions o;
    o.create_if_missing = true;
    o.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (auto const* name : names)
        families.emplace_back(name, rocksdb::ColumnFamilyOptions{});
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir.string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put({}, handles[0], "format", "1").ok());
    fill(*db, handles);
    for (auto* h : handles)
        ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    ASSERT_TRUE(db->Close().ok());
}

TEST_F(rocks_store_test, a_database_from_before_the_threads_family_opens_and_gains_it)
{
    write_old_database(dir_.path(),
                       {"default", "dedupe", "conversations", "petitions", "petition_numbers", "timeline", "outbox",
                        "dead_letters"},
                       [](rocksdb::DB& db, auto const& handles) {
                           ASSERT_TRUE(db.Put({}, handles[1], "tg:old", std::string(8, '\0')).ok());
                       });
    {
        auto s = open();
        EXPECT_TRUE(s->seen("tg:old"));
        ASSERT_TRUE(s->bind_thread("tg", "-1001", "12", "P1"));
        EXPECT_EQ(s->petition_of_thread("tg", "-1001", "12"), "P1");
    }
    auto s = open();
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "12");
    EXPECT_TRUE(s->seen("tg:old"));
}
TEST_F(rocks_store_test, a_database_from_before_the_open_petitions_index_fills_it_on_first_open)
{
    write_old_database(dir_.path(),
                       {"default", "dedupe", "conversations", "petitions", "petition_numbers", "timeline", "outbox",
                        "dead_letters", "threads", "history", "citizens", "audit"},
                       [](rocksdb::DB& db, auto const& handles) {
                           auto ps = test::numbered(3);
                           ps[1].current = model::status::closed;
                           for (auto const& p : ps) {
                               ASSERT_TRUE(db.Put({}, handles[3], p.tracking, encode(p)).ok());
                               ASSERT_TRUE(db.Put({}, handles[4], u64_key(p.number), p.tracking).ok());
                           }
                       });
    petition_filter roads;
    roads.open_only = true;
    roads.category = "roads";
    EXPECT_EQ(test::trackings(open()->petitions(roads)), (std::vector<std::string>{"P3", "P1"}));
    EXPECT_EQ(test::trackings(open()->petitions(roads)), (std::vector<std::string>{"P3", "P1"})) << "reopened";
}
TEST_F(rocks_store_test, open_without_create_refuses_a_missing_store_naming_the_path)
{
    auto const missing = (dir_.path() / "missing").string();
    try {
        rocks_store s(rocks_options{missing, true, false});
        FAIL() << "opened a store that does not exist";
    } catch (storage_error const& e) {
        EXPECT_EQ(std::string(e.what()).rfind(missing + ": open: ", 0), 0u) << e.what();
    }
}
TEST_F(rocks_store_test, a_second_open_of_the_same_path_is_refused)
{
    auto s = open();
    EXPECT_THROW(open(), storage_error);
    EXPECT_TRUE(s->commit(message_unit("still-works")).status == commit_status::committed);
}
TEST_F(rocks_store_test, the_factory_returns_a_working_store)
{
    auto s = open_rocks_store(rocks_options{dir_.path().string()});
    EXPECT_EQ(s->commit(message_unit("k")).status, commit_status::committed);
    EXPECT_EQ(s->outbox_depth(), 1u);
}

}  // namespace
}  // namespace pg::storage
