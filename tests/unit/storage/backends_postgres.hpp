#pragma once
// The PostgreSQL backend of the conformance suite: its instances need a server
// named by PG_TEST_DSN (scripts/pg-test-server start <dir> prints one); without
// one, fresh() gives none and the tests skip.
#include "backends.hpp"
#include "tests/support/postgres_scratch.hpp"

#include <optional>
#include <string>

namespace pg::storage::test {

backend postgres_backend();

using ::pg::testing::postgres_scratch;
using ::pg::testing::postgres_test_dsn;

}  // namespace pg::storage::test
