#pragma once
// Owns the running service: I/O threads, the blocking pool, storage, server,
// dispatcher. run() returns after a graceful shutdown on SIGTERM/SIGINT.
#include "config/settings.hpp"

namespace pg::gateway {

// Returns the process exit code.
int run_service(config::settings const& settings);

}  // namespace pg::gateway
