#pragma once
// The column families and the RocksDB options of rocks_store, kept apart from
// its logic. Private to storage/: forward declarations only, so no RocksDB
// header leaks out of storage/*.cpp.
#include "storage/rocks_store.hpp"

#include <array>
#include <cstddef>
#include <vector>

namespace rocksdb {
struct DBOptions;
struct ColumnFamilyDescriptor;
}  // namespace rocksdb

namespace pg::storage {

// Also the index of each family's handle, in the order RocksDB opens them.
// A family added later goes last: DB::Open creates it in an existing database
// (create_missing_column_families), and the others keep their index.
enum class family : std::size_t {
    meta, dedupe, conversations, petitions, petition_numbers, timeline, outbox, dead_letters, threads, history,
    citizens, audit, open_petitions
};

inline constexpr std::array<char const*, 13> family_names{
    "default", "dedupe", "conversations", "petitions", "petition_numbers", "timeline", "outbox", "dead_letters",
    "threads", "history", "citizens", "audit", "open_petitions",
};

constexpr char const* name(family f) { return family_names[static_cast<std::size_t>(f)]; }

rocksdb::DBOptions db_options(rocks_options const& o);

// One descriptor per family, in `family` order, all sharing one block cache.
std::vector<rocksdb::ColumnFamilyDescriptor> family_descriptors();

}  // namespace pg::storage
