#pragma once
// The PostgreSQL store's schema, as numbered migrations (postgres_migrations.cpp
// documents the tables). `petition-gateway migrate` applies them; a store opens
// only on a schema at the latest one.
#include <string>

namespace pg::storage {

// The version this build's store reads and writes.
int postgres_schema_latest();

// Applies every migration the database lacks, each in one transaction under a
// transaction-level advisory lock (so two nodes migrating at once take turns),
// and records it in schema_migrations. Running it again applies nothing.
// Returns how many it applied; `report` gets one line per migration
// ("applied 1 initial schema", "at 1 initial schema"). Throws storage_error:
// "postgresql <dsn without password>: <what>: <server message>".
// The tables go into the first schema of the connection's search_path.
int migrate_postgres(std::string const& dsn, std::string& report);

namespace postgres {
class connection;
// The latest migration recorded on this connection's schema; 0 when none.
// Throws postgres::failure when the server cannot answer.
int schema_version(connection& c);
}  // namespace postgres

}  // namespace pg::storage
