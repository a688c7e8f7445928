#pragma once
// Backups while serving. RocksDB's lock keeps a second process out of the data
// directory, so `petition-gateway backup DIR` asks the running gateway:
// POST /admin/backup {"dir": "/abs/path"} with storage.backup_token as a bearer
// token, and the gateway writes a checkpoint there (see README, Operations).
#include "config/settings.hpp"
#include "gateway/http_server.hpp"

#include <boost/asio/thread_pool.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace pg::storage {
class local_storage;
}

namespace pg::gateway {

class backup_endpoint {
public:
    // `data_dir`: storage.path, whose kept secrets (kept_secret.hpp) go with each checkpoint.
    // `local`: the store's checkpoints; null for a store that is not on this
    // machine (PostgreSQL has its own backups), and then the route does not exist.
    backup_endpoint(storage::local_storage* local, net::thread_pool& pool, std::string token, std::string data_dir);

    // No token configured (or nothing local to copy): the route does not exist.
    bool enabled() const { return local_ && !token_.empty(); }
    net::awaitable<response> handle(request const& req);

private:
    storage::local_storage* local_;
    net::thread_pool& pool_;
    std::string token_;
    std::string data_dir_;
};

// The client side, for main: 0 when the gateway wrote the checkpoint, 1 when it
// did not (the reason on stderr), 2 when the config cannot say where to ask.
// `port` overrides server.port (which may be 0 in a test config).
int backup_command(config::settings const& s, std::string const& dir, std::optional<std::uint16_t> port);

}  // namespace pg::gateway
