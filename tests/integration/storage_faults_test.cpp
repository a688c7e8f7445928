// The real binary on a data directory that fails: a full disk, a read-only
// file system, a torn WAL, a garbled OPTIONS file, an unreadable table file.
// What it cannot store it answers 503 (the platform retries), it never
// acknowledges what was not committed, and it recovers by itself.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"
#include "tests/support/tmpfs.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

namespace pg::testing {
namespace {

namespace fs = std::filesystem;
using headers = std::vector<std::pair<std::string, std::string>>;
headers const& secret = tg::secret_header;

int post(gateway_process const& g, std::string const& update)
{
    return http_post(g.port(), "/webhook/telegram", update, secret).status;
}

// sendMessage calls per chat id.
std::map<std::int64_t, int> replies_per_chat(fake_platform const& api)
{
    std::map<std::int64_t, int> out;
    for (auto const& r : api.requests())
        if (r.target.ends_with("/sendMessage"))
            ++out[nlohmann::json::parse(r.body)["chat_id"].get<std::int64_t>()];
    return out;
}

std::int64_t metric(gateway_process const& g, std::string const& series)
{
    auto const text = http_get(g.port(), "/metrics").body;
    auto const at = text.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stoll(text.substr(at + series.size() + 2));
}

std::string const duplicates = R"(pg_commits_total{result="duplicate"})";

std::vector<fs::path> files_named(fs::path const& dir, std::string_view prefix, std::string_view extension)
{
    std::vector<fs::path> out;
    for (auto const& e : fs::directory_iterator(dir)) {
        auto const name = e.path().filename().string();
        if (name.starts_with(prefix) && e.path().extension() == extension)
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string slurp(fs::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

TEST(storage_faults, a_full_disk_gets_503_until_there_is_room_and_redeliveries_are_processed_once)
{
    tmpfs_mount disk(48);
    if (!disk.ok())
        GTEST_SKIP() << disk.error();
    ASSERT_TRUE(disk.reserve(36));
    fake_platform api;
    gateway_process gateway(test_config(api.base_url(), disk.path() / "data"));
    gateway.start();

    std::int64_t id = 5000;
    std::int64_t chat = 100;
    ASSERT_EQ(post(gateway, tg::text(++id, ++chat, "/start")), 200);
    ASSERT_TRUE(api.wait_for_count(1));

    ASSERT_TRUE(disk.fill());
    // The WAL's last page may still take a unit or two: those are stored, so
    // their 200 is honest. Then every update is refused until there is room.
    std::vector<std::int64_t> acknowledged{chat};
    std::vector<std::pair<std::int64_t, std::int64_t>> refused;  // (update id, chat)
    for (int i = 0; i < 200 && refused.empty(); ++i) {
        ++id, ++chat;
        auto const status = post(gateway, tg::text(id, chat, "/start"));
        if (status == 503)
            refused.emplace_back(id, chat);
        else
            ASSERT_EQ(status, 200);
        if (status == 200)
            acknowledged.push_back(chat);
    }
    ASSERT_EQ(refused.size(), 1u) << "the full disk never refused an update\n" << gateway.log();
    for (int i = 0; i < 3; ++i) {
        ++id, ++chat;
        ASSERT_EQ(post(gateway, tg::text(id, chat, "/start")), 503);
        refused.emplace_back(id, chat);
    }
    EXPECT_EQ(post(gateway, tg::text(refused.front().first, refused.front().second, "/start")), 503);
    EXPECT_EQ(http_get(gateway.port(), "/healthz").status, 200);  // alive, only not storing

    // Room again: the platform's retries go through, each processed once.
    disk.make_room();
    for (auto const& r : refused)  // (a pair, not a structured binding: clang 14 cannot capture those)
        EXPECT_TRUE(eventually([&] { return post(gateway, tg::text(r.first, r.second, "/start")) == 200; },
                               std::chrono::seconds{30}))
            << gateway.log();
    auto const want = acknowledged.size() + refused.size();
    ASSERT_TRUE(api.wait_for_count(want)) << api.count() << " of " << want << "\n" << gateway.log();
    for (auto const& [update, to] : refused)
        EXPECT_EQ(replies_per_chat(api)[to], 1) << "chat " << to;
    for (auto const c : acknowledged)
        EXPECT_EQ(replies_per_chat(api)[c], 1) << "chat " << c;
    EXPECT_EQ(post(gateway, tg::text(refused.back().first, refused.back().second, "/start")), 200);
    EXPECT_EQ(metric(gateway, duplicates), 1);
    // The dispatcher came through too: a new chat is answered.
    ASSERT_EQ(post(gateway, tg::text(++id, ++chat, "/start")), 200);
    EXPECT_TRUE(api.wait_for_count(want + 1)) << gateway.log();

    // Everything acknowledged survives a crash (the WAL torn by the full disk
    // is not replayed in front of later commits).
    gateway.kill_hard();
    gateway.start();
    for (auto const& [update, to] : refused)
        EXPECT_EQ(post(gateway, tg::text(update, to, "/start")), 200);
    EXPECT_EQ(metric(gateway, duplicates), static_cast<std::int64_t>(refused.size()));
}

TEST(storage_faults, a_read_only_data_directory_at_start_is_a_clear_error_and_exit_1)
{
    tmpfs_mount disk(8);
    if (!disk.ok())
        GTEST_SKIP() << disk.error();
    fake_platform api;
    auto const data = disk.path() / "data";
    gateway_process gateway(test_config(api.base_url(), data));
    gateway.start();
    ASSERT_EQ(post(gateway, tg::text(1, 1, "/start")), 200);
    ASSERT_EQ(gateway.terminate(), 0);

    ASSERT_TRUE(disk.remount(true));
    auto const r = run_gateway("--config " + gateway.config_path().string());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find(data.string() + ": open: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("Read-only file system"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("storage.path must be a writable directory"), std::string::npos) << r.output;

    ASSERT_TRUE(disk.remount(false));  // and it starts once the directory is writable again
    gateway.start();
    EXPECT_EQ(post(gateway, tg::text(1, 1, "/start")), 200);
    EXPECT_EQ(metric(gateway, duplicates), 1);
}

// kPointInTimeRecovery: garbage after the last whole WAL record (a write torn
// by a crash) is dropped, and every acknowledged unit is there.
TEST(storage_faults, a_torn_wal_tail_starts_with_everything_committed_before_it)
{
    fake_platform api;
    temp_dir data;
    gateway_process gateway(test_config(api.base_url(), data.path()));
    gateway.start();
    for (std::int64_t i = 1; i <= 5; ++i)
        ASSERT_EQ(post(gateway, tg::text(i, 300 + i, "/start")), 200);
    ASSERT_TRUE(api.wait_for_count(5));
    gateway.kill_hard();

    auto const wals = files_named(data.path(), "", ".log");
    ASSERT_FALSE(wals.empty());
    ASSERT_GT(fs::file_size(wals.back()), 0u) << "the units should be in the WAL after a SIGKILL";
    {
        std::ofstream tail(wals.back(), std::ios::binary | std::ios::app);
        tail << "\x7f\x01\x02half a record, then garbage \xff\xfe";
    }

    gateway.start();
    for (std::int64_t i = 1; i <= 5; ++i)
        EXPECT_EQ(post(gateway, tg::text(i, 300 + i, "/start")), 200);
    EXPECT_EQ(metric(gateway, duplicates), 5);  // all five were there
    ASSERT_EQ(post(gateway, tg::text(6, 306, "/start")), 200);  // and it takes new work
    EXPECT_TRUE(api.wait_until([](auto const& reqs) { return reqs.size() >= 6; }));
}

// RocksDB never reads OPTIONS-* back: the options come from the code, and a
// fresh file is written at every open. Garbage there changes nothing.
TEST(storage_faults, a_garbled_options_file_is_rewritten_at_start)
{
    fake_platform api;
    temp_dir data;
    gateway_process gateway(test_config(api.base_url(), data.path()));
    gateway.start();
    ASSERT_EQ(post(gateway, tg::text(1, 401, "/start")), 200);
    gateway.kill_hard();

    auto const options = files_named(data.path(), "OPTIONS-", "");
    ASSERT_FALSE(options.empty());
    for (auto const& f : options)
        std::ofstream(f, std::ios::binary | std::ios::trunc) << "[Version]\nnot = an options file\n\x01\x02";

    gateway.start();
    EXPECT_EQ(post(gateway, tg::text(1, 401, "/start")), 200);
    EXPECT_EQ(metric(gateway, duplicates), 1);
    auto const rewritten = files_named(data.path(), "OPTIONS-", "");
    ASSERT_FALSE(rewritten.empty());
    EXPECT_NE(slurp(rewritten.back()).find("[DBOptions]"), std::string::npos);
}

// A record RocksDB cannot read (a damaged table file) is not "absent": the
// conversation is not restarted over it, the update gets 503 every time.
TEST(storage_faults, an_unreadable_conversation_gets_503_not_a_fresh_dialog)
{
    fake_platform api;
    temp_dir data;
    gateway_process gateway(test_config(api.base_url(), data.path()));
    gateway.start();
    ASSERT_EQ(post(gateway, tg::text(1, 501, "/start")), 200);
    ASSERT_TRUE(api.wait_for_count(1));
    ASSERT_EQ(gateway.terminate(), 0);  // a clean stop writes the memtables to table files

    fs::path table;
    for (auto const& f : files_named(data.path(), "", ".sst"))
        if (slurp(f).find("conversations") != std::string::npos)
            table = f;
    ASSERT_FALSE(table.empty());
    {
        std::fstream f(table, std::ios::in | std::ios::out | std::ios::binary);
        f.write("garbage garbage garbage", 23);
    }

    gateway.start();
    EXPECT_EQ(post(gateway, tg::text(2, 501, "1")), 503);
    EXPECT_EQ(post(gateway, tg::text(2, 501, "1")), 503);
    EXPECT_EQ(api.count(), 1u);  // no reply went out on a made-up state
    EXPECT_NE(gateway.log().find("read conversations: Corruption"), std::string::npos) << gateway.log();
}

}  // namespace
}  // namespace pg::testing
