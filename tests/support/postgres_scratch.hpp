#pragma once
// A schema of its own on the PG_TEST_DSN server (scripts/pg-test-server), for
// a test's PostgreSQL store: the storage tests' backend and the integration
// tests' gateways on PostgreSQL.
#include <string>

namespace pg::testing {

// PG_TEST_DSN, or empty.
std::string postgres_test_dsn();

// Created empty, dropped when this goes; the DSN puts it first on the search
// path. Not migrated: storage::migrate_postgres(dsn()) does that.
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

// One statement on a short-lived connection of its own; throws std::runtime_error.
void postgres_admin(std::string const& dsn, std::string const& sql);

}  // namespace pg::testing
