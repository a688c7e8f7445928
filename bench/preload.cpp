// pg-preload: writes N citizen conversations (and nothing else) into a RocksDB
// data directory through the storage API, one unit of work each (a dedupe key
// and the conversation), with sync=false. Then the gateway's start-up time and
// memory with that many stored conversations can be measured (bench/run PRELOAD=...).
//
// Chat ids start at --chat-base (500000000) so they never meet the load
// generator's (700000000 + i): its chats still start from a fresh conversation.
#include "storage/rocks_store.hpp"

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace pg;

constexpr char usage[] =
    "Usage: pg-preload --data DIR [--conversations N] [--threads T] [--chat-base ID]\n"
    "  --data DIR           RocksDB directory (created; an existing store is added to)\n"
    "  --conversations N    how many conversations to write (1000000)\n"
    "  --threads T          writing threads (2)\n"
    "  --chat-base ID       first chat id (500000000)\n";

constexpr model::timestamp t0 = model::from_millis(1'764'000'000'000);

// Conversations the way the dialog leaves them: most at the menu after a few
// events, some in the middle of a draft, a few in another language.
model::conversation conversation_of(std::uint64_t chat)
{
    model::conversation c;
    c.channel_id = "telegram";
    c.chat_id = std::to_string(chat);
    c.user_id = c.chat_id;
    c.language = chat % 10 == 0 ? "zh-CN" : "en";
    c.events = 3 + chat % 20;
    c.updated_at = t0 + std::chrono::seconds{static_cast<long long>(chat % 2'592'000)};
    switch (chat % 4) {
    case 0:
    case 1:
        c.step = model::dialog_step::menu;
        break;
    case 2:
        c.step = model::dialog_step::description;
        c.draft.category = "roads";
        c.draft.location_text = std::to_string(chat % 180 + 1) + " Station Road, district " + std::to_string(chat % 12);
        break;
    default:
        c.step = model::dialog_step::track;
        break;
    }
    return c;
}

template <class T>
bool parse_number(std::string_view s, T& out)
{
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv)
{
    std::string dir;
    std::uint64_t count = 1'000'000;
    unsigned threads = 2;
    std::uint64_t chat_base = 500'000'000;
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            return 0;
        }
        bool ok = i + 1 < argc;
        if (ok && a == "--data") dir = argv[++i];
        else if (ok && a == "--conversations") ok = parse_number(argv[++i], count);
        else if (ok && a == "--threads") ok = parse_number(argv[++i], threads) && threads > 0 && threads <= 64;
        else if (ok && a == "--chat-base") ok = parse_number(argv[++i], chat_base);
        else ok = false;
        if (!ok) {
            std::fprintf(stderr, "pg-preload: bad argument %s\n\n%s", argv[i], usage);
            return 2;
        }
    }
    if (dir.empty()) {
        std::fprintf(stderr, "pg-preload: --data DIR is required\n\n%s", usage);
        return 2;
    }

    auto const started = std::chrono::steady_clock::now();
    std::unique_ptr<storage::store> store;
    try {
        store = storage::open_rocks_store({dir, false, true});
    } catch (storage::storage_error const& e) {
        std::fprintf(stderr, "pg-preload: %s\n", e.what());
        return 1;
    }

    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> duplicates{0};
    auto work = [&] {
        for (;;) {
            auto const n = next.fetch_add(1);
            if (n >= count)
                return;
            storage::unit_of_work w;
            // Shaped like a Telegram dedupe key, far above any update_id the loadgen sends.
            w.dedupe_key = "tg:telegram:" + std::to_string(10'000'000'000ULL + chat_base + n);
            w.conversation = conversation_of(chat_base + n);
            auto const r = store->commit(w);
            if (r.status == storage::commit_status::failed) {
                if (failed.fetch_add(1) == 0)
                    std::fprintf(stderr, "pg-preload: commit failed: %s\n", r.error.c_str());
            } else if (r.status == storage::commit_status::duplicate) {
                duplicates.fetch_add(1);
            }
            if ((n + 1) % 200'000 == 0)
                std::fprintf(stderr, "  %llu conversations\n", static_cast<unsigned long long>(n + 1));
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back(work);
    for (auto& t : pool)
        t.join();
    store.reset();  // flushes the memtables, so the gateway's next open has no WAL to replay

    auto const seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::uintmax_t bytes = 0;
    for (auto const& e : std::filesystem::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            bytes += e.file_size();
    std::fprintf(stderr, "pg-preload: %llu conversations in %.1f s (%.0f/s), %.1f MiB on disk, %llu failed, %llu duplicate\n",
                 static_cast<unsigned long long>(count), seconds, double(count) / seconds, double(bytes) / 1048576.0,
                 static_cast<unsigned long long>(failed.load()), static_cast<unsigned long long>(duplicates.load()));
    std::printf("{\"conversations\":%llu,\"seconds\":%.2f,\"disk_mib\":%.1f,\"failed\":%llu,\"duplicates\":%llu}\n",
                static_cast<unsigned long long>(count), seconds, double(bytes) / 1048576.0,
                static_cast<unsigned long long>(failed.load()), static_cast<unsigned long long>(duplicates.load()));
    return failed.load() == 0 ? 0 : 1;
}
