#pragma once
// Secrets the gateway makes itself when the config leaves them empty, kept as
// files in the storage directory so they survive restarts: the web chat's
// session key (webchat.hpp) and the tracking-number key.
#include "config/settings.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace pg::gateway {

// The files, in the storage directory.
inline constexpr std::string_view webchat_secret_file = "webchat_session_secret";
inline constexpr std::string_view tracking_key_file = "tracking_key";

// The key in `file` (64 hex characters); made on the first call, mode 0600 and
// with O_EXCL, so two gateways starting on one directory never both write it.
// Throws std::runtime_error naming the file when it cannot be read or made;
// `if_deleted` ends that message: what deleting the file to start over costs.
std::string read_or_make_key(std::filesystem::path const& file, std::string_view if_deleted);

// An empty tracking.key becomes the one kept in `<storage.path>/tracking_key`.
// Throws as read_or_make_key.
void provide_tracking_key(config::settings& s);

// Copies those of the files above that `data_dir` holds into `backup_dir`
// (mode 0600): a RocksDB checkpoint leaves them out, and a restored copy must
// sign and number as before. False, with `error`, when one cannot be copied.
bool copy_kept_secrets(std::filesystem::path const& data_dir, std::filesystem::path const& backup_dir,
                       std::string& error);

}  // namespace pg::gateway
