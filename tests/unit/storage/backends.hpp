#pragma once
// The backends the conformance suite (conformance_test.cpp) runs against. Each
// test gets a fresh, empty database of its own; open() opens it, and again
// after a close: a reopen keeps everything committed.
#include "storage/store.hpp"

#include <functional>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

namespace pg::storage::test {

class backend_instance {
public:
    virtual ~backend_instance() = default;
    virtual std::unique_ptr<store> open() = 0;
    // True when a second open() while one is open is a second node on the same
    // data (PostgreSQL); false when one process holds the data (RocksDB): then
    // a test of "two nodes" uses the one store for both.
    virtual bool several_nodes() const = 0;
};

struct backend {
    std::string name;
    // Null when the backend's server is not there (PG_TEST_DSN unset): the test skips.
    std::function<std::unique_ptr<backend_instance>()> fresh;
};

// gtest names a test's backend by this.
inline void PrintTo(backend const& b, std::ostream* os) { *os << b.name; }

// RocksDB, and PostgreSQL on the server PG_TEST_DSN names (scripts/test starts one).
std::vector<backend> const& backends();

}  // namespace pg::storage::test
