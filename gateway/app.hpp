#pragma once
// Owns the running service: I/O threads, the blocking pool, storage, server,
// dispatcher. run() returns after a graceful shutdown on SIGTERM/SIGINT.
#include "config/settings.hpp"

namespace pg::gateway {

// Returns the process exit code. `settings` is a copy: secrets left empty are
// filled in from the storage directory (kept_secret.hpp).
int run_service(config::settings settings);

// `petition-gateway migrate`: applies the PostgreSQL schema's missing
// migrations; 0 done (or nothing to do for RocksDB), 1 when the server refused.
int migrate_command(config::settings const& settings);

}  // namespace pg::gateway
