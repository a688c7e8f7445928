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
class store;
}

namespace pg::gateway {

class backup_endpoint {
public:
    // `data_dir`: storage.path, whose kept secrets (kept_secret.hpp) go with each checkpoint.
    backup_endpoint(storage::store& store, net::thread_pool& pool, std::string token, std::string data_dir);

    bool enabled() const { return !token_.empty(); }  // no token configured: the route does not exist
    net::awaitable<response> handle(request const& req);

private:
    storage::store& store_;
    net::thread_pool& pool_;
    std::string token_;
    std::string data_dir_;
};

// The client side, for main: 0 when the gateway wrote the checkpoint, 1 when it
// did not (the reason on stderr), 2 when the config cannot say where to ask.
// `port` overrides server.port (which may be 0 in a test config).
int backup_command(config::settings const& s, std::string const& dir, std::optional<std::uint16_t> port);

}  // namespace pg::gateway
