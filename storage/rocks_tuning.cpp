#include "storage/rocks_tuning.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/db.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/table_properties_collectors.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

namespace pg::storage {
namespace {

constexpr std::size_t mib = 1024 * 1024;

// RocksDB's own info LOG, written here rather than by RocksDB's file logger:
// in the Debian 7.8 build (assertions on) that logger aborts the process on
// the line after a failed write, and a full disk makes one certain. This one
// drops what it cannot write, and keeps LOG and one LOG.old of 8 MiB each.
class info_log final : public rocksdb::Logger {
public:
    explicit info_log(std::string dir) : path_(std::move(dir) + "/LOG") {}
    ~info_log() override
    {
        if (file_)
            std::fclose(file_);
    }

    using rocksdb::Logger::Logv;
    void Logv(char const* format, va_list ap) override
    {
        std::lock_guard lock(mutex_);
        if (!file_ || written_ > max_size)
            reopen();
        if (!file_)
            return;
        using namespace std::chrono;
        auto const now = system_clock::now();
        auto const t = system_clock::to_time_t(now);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char stamp[64];
        auto const micros = duration_cast<microseconds>(now.time_since_epoch()).count() % 1'000'000;
        std::snprintf(stamp, sizeof stamp, "%04d/%02d/%02d-%02d:%02d:%02d.%06lld ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(micros));
        int n = std::fputs(stamp, file_) < 0 ? -1 : std::vfprintf(file_, format, ap);
        if (n >= 0 && std::fputc('\n', file_) != EOF && std::fflush(file_) == 0) {
            written_ += static_cast<std::size_t>(n) + 28;
            return;
        }
        std::fclose(file_);  // a failed write: start afresh on the next line
        file_ = nullptr;
    }

private:
    static constexpr std::size_t max_size = 8 * mib;

    void reopen()
    {
        if (file_) {
            std::fclose(file_);
            file_ = nullptr;
            std::error_code ignored;
            std::filesystem::rename(path_, path_ + ".old", ignored);
        }
        file_ = std::fopen(path_.c_str(), "a");
        std::error_code ec;
        auto const size = file_ ? std::filesystem::file_size(path_, ec) : 0;
        written_ = ec ? 0 : size;
    }

    std::string path_;
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
    std::size_t written_ = 0;
};

rocksdb::CompressionType pick_compression()
{
    auto const supported = rocksdb::GetSupportedCompressions();
    bool const lz4 = std::find(supported.begin(), supported.end(), rocksdb::kLZ4Compression) != supported.end();
    return lz4 ? rocksdb::kLZ4Compression : rocksdb::kNoCompression;
}

rocksdb::ColumnFamilyOptions family_options(family f, std::shared_ptr<rocksdb::Cache> const& cache,
                                            rocksdb::CompressionType compression)
{
    using enum family;
    bool const hot = f == dedupe || f == conversations || f == timeline || f == outbox;
    bool const point_lookups = f == dedupe || f == conversations || f == petitions || f == threads;

    rocksdb::BlockBasedTableOptions t;
    t.block_cache = cache;
    // Index and filter blocks live in (and are bounded by) the shared cache.
    // Partitioned, because one whole-file index or filter can outgrow a cache
    // shard and would then be read and decompressed again on every lookup; the
    // small top level of each stays pinned.
    t.cache_index_and_filter_blocks = true;
    t.cache_index_and_filter_blocks_with_high_priority = true;
    t.pin_top_level_index_and_filter = true;
    t.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
    t.partition_filters = point_lookups;
    t.metadata_block_size = 4096;
    t.optimize_filters_for_memory = true;
    if (point_lookups)
        t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

    rocksdb::ColumnFamilyOptions c;
    c.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
    c.compression = compression;
    c.compaction_style = rocksdb::kCompactionStyleLevel;
    c.level_compaction_dynamic_level_bytes = true;
    c.write_buffer_size = hot ? 16 * mib : 4 * mib;
    c.max_write_buffer_number = hot ? 3 : 2;
    if (f == dedupe) {
        // Nearly every lookup here misses (a new update): a bloom filter over the
        // memtable answers most of them without walking its skip list.
        c.memtable_prefix_bloom_size_ratio = 0.02;
        c.memtable_whole_key_filtering = true;
    }
    // Memtable inserts that start where a related one went, not at the top of
    // the skip list: outbox seqs and update ids arrive nearly in order (one hint
    // for the family), and a conversation is rewritten next to its last version
    // (one hint per key, ~250 bytes of memtable each).
    if (f == outbox || f == dedupe)
        c.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
    if (f == conversations)
        c.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewNoopTransform());
    if (f == outbox) {
        // Every entry is written once and deleted soon after: compact files that
        // are mostly tombstones, so the start-up scan does not wade through them.
        c.table_properties_collector_factories.push_back(
            rocksdb::NewCompactOnDeletionCollectorFactory(1024, 512, 0.5));
    }
    return c;
}

}  // namespace

rocksdb::DBOptions db_options(rocks_options const& o)
{
    rocksdb::DBOptions d;
    d.create_if_missing = o.create_if_missing;
    d.create_missing_column_families = true;
    d.max_open_files = 512;               // table readers hold memory; keep their number bounded
    d.info_log = std::make_shared<info_log>(o.path);  // RocksDB's own info LOG, not the WAL
    d.db_write_buffer_size = 64 * mib;    // all memtables together, whatever the per-family sizes
    d.max_total_wal_size = 64 * mib;      // flushes quiet families that pin old WAL files; bounds replay at open
    d.enable_pipelined_write = true;      // many committing threads: WAL and memtable writes overlap
    d.max_background_jobs = 2;
    // Table files written by flushes and compactions are synced a megabyte at
    // a time, so the WAL's fsync never waits behind a whole memtable's worth
    // of dirty pages.
    d.bytes_per_sync = 1 * mib;
    // A WAL that ends in a torn or garbled record (the process or machine died
    // mid-write) is replayed up to the last whole record, and the database
    // opens. With sync = true every unit that was answered 200 was synced
    // before the answer, so what is cut off was never acknowledged: the
    // platform retries it. kAbsoluteConsistency would refuse to open after any
    // power cut mid-write, turning a routine crash into an incident.
    d.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    return d;
}

std::vector<rocksdb::ColumnFamilyDescriptor> family_descriptors()
{
    // 16 shards of 2 MiB: a shard must hold the largest block it caches. Half
    // is kept for index and filter blocks, so a burst of data reads does not
    // push them out.
    rocksdb::LRUCacheOptions co;
    co.capacity = 32 * mib;
    co.num_shard_bits = 4;
    co.high_pri_pool_ratio = 0.5;
    auto const cache = rocksdb::NewLRUCache(co);
    auto const compression = pick_compression();

    std::vector<rocksdb::ColumnFamilyDescriptor> out;
    for (std::size_t i = 0; i < family_names.size(); ++i)
        out.emplace_back(family_names[i], family_options(static_cast<family>(i), cache, compression));
    return out;
}

}  // namespace pg::storage
