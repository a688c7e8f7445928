// The RocksDB store on a file system that fails: a corrupted table file, a
// full disk. A read that fails must not pass for "absent", a write that fails
// must not pass for committed, and the store must recover by itself.
#include "storage/rocks_store.hpp"

#include "samples.hpp"
#include "tests/support/tmpfs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

namespace pg::storage {
namespace {

namespace fs = std::filesystem;

// A new conversation per chat: the chats differ wherever two units may both commit.
unit_of_work conversation_unit(std::string key, std::string chat)
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.conversation = test::sample_conversation();
    w.conversation->chat_id = std::move(chat);
    w.outbox.push_back(test::sample_message("reply"));
    return w;
}

std::string slurp(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

// The table file of one column family: its name is in the file's properties.
fs::path table_of(fs::path const& dir, std::string_view family)
{
    for (auto const& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".sst" && slurp(e.path()).find(family) != std::string::npos)
            return e.path();
    return {};
}

TEST(rocks_store_faults, an_unreadable_record_throws_instead_of_reading_as_absent)
{
    test::temp_dir dir;
    {
        rocks_store s({dir.path().string(), true, true});
        ASSERT_EQ(s.commit(conversation_unit("u1", "1001")).status, commit_status::committed);
        ASSERT_TRUE(s.flush());
    }
    // Garbage over the start of the first data block: its checksum no longer matches.
    auto const table = table_of(dir.path(), "conversations");
    ASSERT_FALSE(table.empty());
    {
        std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f.write("garbage garbage garbage", 23);
    }

    rocks_store s({dir.path().string(), true, true});
    EXPECT_THROW((void)s.conversation("telegram-main", "1001"), unavailable);
    EXPECT_EQ(s.read_errors(), 1u);
    try {
        (void)s.conversation("telegram-main", "1001");
    } catch (unavailable const& e) {
        EXPECT_NE(std::string(e.what()).find(dir.path().string() + ": read conversations: Corruption"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_TRUE(s.seen("u1"));  // other families read as before
}

TEST(rocks_store_faults, a_full_disk_refuses_commits_and_they_succeed_once_there_is_room)
{
    testing::tmpfs_mount disk(48);
    if (!disk.ok())
        GTEST_SKIP() << disk.error();
    ASSERT_TRUE(disk.reserve(36));
    auto const path = (disk.path() / "db").string();
    auto s = std::make_unique<rocks_store>(rocks_options{path, true, true});
    ASSERT_EQ(s->commit(conversation_unit("before", "1")).status, commit_status::committed);

    ASSERT_TRUE(disk.fill());
    // The WAL's last page may still hold a unit or two: those are stored, and
    // so rightly committed. Then the disk is full and every commit fails.
    std::vector<std::string> refused;
    std::string error;
    for (int i = 0; i < 200 && refused.empty(); ++i) {
        auto const key = "during-" + std::to_string(i);
        auto const r = s->commit(conversation_unit(key, key));
        if (r.status == commit_status::failed) {
            refused.push_back(key);
            error = r.error;
        } else {
            ASSERT_EQ(r.status, commit_status::committed);
        }
    }
    ASSERT_EQ(refused.size(), 1u) << "the full disk never refused a commit";
    EXPECT_NE(error.find(path + ": commit: IO error: No space left on device"), std::string::npos) << error;
    auto const still = s->commit(conversation_unit(refused.front(), refused.front()));
    EXPECT_EQ(still.status, commit_status::failed);
    EXPECT_NE(still.error.find("not yet recovered"), std::string::npos) << still.error;
    EXPECT_EQ(s->commit(conversation_unit("also-during", "2")).status, commit_status::failed);
    EXPECT_FALSE(s->seen(refused.front()));
    EXPECT_TRUE(s->seen("before"));  // reads still work
    // A unit written ahead of its sync hears that it is not durable (and
    // RocksDB, which asserts on syncing a WAL that failed a write, is not asked).
    EXPECT_FALSE(s->sync_wal());

    disk.make_room();
    // RocksDB checks for room every few seconds; the platform's retries meanwhile still fail.
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
    commit_result retried;
    while ((retried = s->commit(conversation_unit(refused.front(), refused.front()))).status == commit_status::failed &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds{50});
    ASSERT_EQ(retried.status, commit_status::committed) << retried.error;
    EXPECT_EQ(s->commit(conversation_unit("after", "3"), durability::on_sync).status, commit_status::committed);
    EXPECT_TRUE(s->sync_wal());
    EXPECT_TRUE(s->mark_delivered({1}));

    // Everything committed survives a reopen; nothing refused was stored.
    s.reset();
    rocks_store again({path, true, true});
    EXPECT_TRUE(again.seen("before"));
    EXPECT_TRUE(again.seen(refused.front()));
    EXPECT_TRUE(again.seen("after"));
    EXPECT_FALSE(again.seen("also-during"));
    EXPECT_TRUE(again.conversation("telegram-main", "3"));
}

// RocksDB 7.8 aborts when a WAL that failed a write is synced: closing (which
// flushes) must not do that while the disk is still full.
TEST(rocks_store_faults, a_store_closed_while_the_disk_is_full_reopens_with_every_commit)
{
    testing::tmpfs_mount disk(48);
    if (!disk.ok())
        GTEST_SKIP() << disk.error();
    ASSERT_TRUE(disk.reserve(36));
    auto const path = (disk.path() / "db").string();
    std::vector<std::string> committed;
    {
        rocks_store s({path, true, true});
        ASSERT_TRUE(disk.fill());
        for (int i = 0; i < 200; ++i) {
            auto const key = "unit-" + std::to_string(i);
            if (s.commit(conversation_unit(key, key)).status != commit_status::committed)
                break;
            committed.push_back(key);
        }
        EXPECT_FALSE(s.flush());
    }
    disk.make_room();
    rocks_store again({path, true, true});
    for (auto const& key : committed)
        EXPECT_TRUE(again.seen(key)) << key;
    EXPECT_FALSE(again.seen("unit-" + std::to_string(committed.size())));
}

}  // namespace
}  // namespace pg::storage
