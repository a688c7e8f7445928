#pragma once
// The backends the conformance suite (conformance_test.cpp) runs against. Each
// test gets a fresh, empty database of its own; open() opens it, and again
// after a close: a reopen keeps everything committed.
#include "storage/store.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <memory>
#include <string>
#include <vector>

namespace pg::storage::test {

class backend_instance {
public:
    virtual ~backend_instance() = default;
    // history_max: the bound on each web chat conversation's history (0: none).
    virtual std::unique_ptr<store> open(std::size_t history_max) = 0;
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

// A suite of tests run against every backend: derive a fixture from it and
// instantiate it with PG_STORAGE_BACKENDS(fixture).
class backend_test : public testing::TestWithParam<backend> {
protected:
    // Opens the test's database (again: a reopen keeps what was committed).
    std::unique_ptr<store> open(std::size_t history_max = 0) { return instance_->open(history_max); }
    bool several_nodes() const { return instance_->several_nodes(); }

    void SetUp() override
    {
        if (!instance_)
            GTEST_SKIP() << GetParam().name << ": no server (PG_TEST_DSN unset; scripts/pg-test-server starts one)";
    }

    std::unique_ptr<backend_instance> instance_ = GetParam().fresh();
};

#define PG_STORAGE_BACKENDS(fixture)                                                           \
    INSTANTIATE_TEST_SUITE_P(backends, fixture, testing::ValuesIn(::pg::storage::test::backends()), \
                             [](testing::TestParamInfo<::pg::storage::test::backend> const& i) { return i.param.name; })

}  // namespace pg::storage::test
