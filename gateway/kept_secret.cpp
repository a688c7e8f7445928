#include "gateway/kept_secret.hpp"

#include "gateway/console_sessions.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace pg::gateway {
namespace {

constexpr std::size_t key_bytes = 32;

}  // namespace

std::string read_or_make_key(std::filesystem::path const& file, std::string_view if_deleted)
{
    int const fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        auto const key = random_token(key_bytes);
        auto const line = key + "\n";
        bool const ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
        int const err = errno;
        ::close(fd);
        if (!ok) {
            ::unlink(file.c_str());
            throw std::runtime_error(file.string() + ": cannot write: " + std::strerror(err));
        }
        return key;
    }
    if (errno != EEXIST)
        throw std::runtime_error(file.string() + ": cannot create: " + std::strerror(errno));
    std::ifstream in(file);
    std::string key;
    in >> key;
    if (key.size() < 2 * key_bytes)
        throw std::runtime_error(file.string() + ": expected a key of " + std::to_string(2 * key_bytes) +
                                 " hex characters; delete the file to make a new one (" + std::string(if_deleted) +
                                 ")");
    return key;
}

void provide_tracking_key(config::settings& s)
{
    if (!s.tracking_key.empty())
        return;
    s.tracking_key = read_or_make_key(std::filesystem::path(s.storage.path) / tracking_key_file,
                                      "new tracking numbers then follow another key and may repeat old ones");
}

bool copy_kept_secrets(std::filesystem::path const& data_dir, std::filesystem::path const& backup_dir,
                       std::string& error)
{
    namespace fs = std::filesystem;
    for (auto const name : {webchat_secret_file, tracking_key_file}) {
        auto const from = data_dir / name;
        std::error_code ec;
        if (!fs::exists(from, ec) && !ec)
            continue;
        auto const to = backup_dir / name;
        if (!ec)
            fs::copy_file(from, to, ec);
        if (!ec)
            fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, ec);
        if (ec) {
            error = to.string() + ": cannot copy " + from.string() + ": " + ec.message();
            return false;
        }
    }
    return true;
}

}  // namespace pg::gateway
