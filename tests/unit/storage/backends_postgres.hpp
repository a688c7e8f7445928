#pragma once
// The PostgreSQL backend of the conformance suite, when PG_TEST_DSN names a
// server (scripts/pg-test-server start <dir> prints one): backends.cpp appends it.
#include "backends.hpp"

#include <optional>
#include <string>

namespace pg::storage::test {

std::optional<backend> postgres_backend();

// A schema of its own on the PG_TEST_DSN server, dropped when this goes; the
// DSN puts it first on the search path. Not migrated: migrate(dsn()) does that.
class postgres_scratch {
public:
    explicit postgres_scratch(std::string base_dsn);
    ~postgres_scratch();
    postgres_scratch(postgres_scratch const&) = delete;
    postgres_scratch& operator=(postgres_scratch const&) = delete;

    std::string const& dsn() const { return dsn_; }
    std::string const& schema() const { return schema_; }
    std::string const& base_dsn() const { return base_; }

private:
    std::string base_;
    std::string schema_;
    std::string dsn_;
};

// PG_TEST_DSN, or empty.
std::string postgres_test_dsn();

}  // namespace pg::storage::test
