#pragma once
// The PostgreSQL backend of the conformance suite, when PG_TEST_DSN names a
// server (scripts/pg-test-server start <dir> prints one): backends.cpp appends it.
#include "backends.hpp"
#include "tests/support/postgres_scratch.hpp"

#include <optional>
#include <string>

namespace pg::storage::test {

std::optional<backend> postgres_backend();

using ::pg::testing::postgres_scratch;
using ::pg::testing::postgres_test_dsn;

}  // namespace pg::storage::test
