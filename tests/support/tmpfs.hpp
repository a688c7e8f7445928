#pragma once
// A small tmpfs mounted for one test: a real file system that can be filled to
// the last byte (ENOSPC) and remounted read-only. Mounting needs root
// (CAP_SYS_ADMIN); where it is refused, ok() is false and error() says why, so
// the test can GTEST_SKIP with that reason.
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace pg::testing {

class tmpfs_mount {
public:
    explicit tmpfs_mount(std::size_t megabytes)
    {
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("pg-tmpfs-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
        std::filesystem::create_directories(path_);
        options_ = "size=" + std::to_string(megabytes) + "m,mode=0755";
        if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options_.c_str()) == 0)
            mounted_ = true;
        else
            error_ = "mount -t tmpfs " + path_.string() + ": " + std::strerror(errno) +
                     " (these tests need root and a kernel that lets it mount)";
    }
    ~tmpfs_mount()
    {
        if (mounted_)
            ::umount2(path_.c_str(), MNT_DETACH);  // detached: a killed gateway may still hold files
        std::error_code ignored;
        std::filesystem::remove(path_, ignored);
    }
    tmpfs_mount(tmpfs_mount const&) = delete;
    tmpfs_mount& operator=(tmpfs_mount const&) = delete;

    bool ok() const { return mounted_; }
    std::string const& error() const { return error_; }
    std::filesystem::path const& path() const { return path_; }

    // Takes `megabytes` of the space up front. RocksDB preallocates its WAL in
    // blocks of 1.1 x the largest write buffer (17.6 MiB here) and ignores a
    // preallocation that fails: with less room than that left, the WAL meets
    // the full disk at once, instead of filling its preallocated block first.
    bool reserve(std::size_t megabytes)
    {
        int const fd = ::open((path_ / "ballast").c_str(), O_WRONLY | O_CREAT, 0644);
        if (fd < 0)
            return false;
        bool const ok = ::posix_fallocate(fd, 0, static_cast<off_t>(megabytes) << 20) == 0;
        ::close(fd);
        return ok;
    }

    // Writes a filler file until the file system refuses a single byte more.
    bool fill()
    {
        auto const filler = path_ / "filler";
        int const fd = ::open(filler.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd < 0)
            return false;
        std::vector<char> chunk(1 << 20, 'x');
        for (;;) {
            auto const n = ::write(fd, chunk.data(), chunk.size());
            if (n > 0)
                continue;
            bool const full = n < 0 && errno == ENOSPC;
            ::close(fd);
            return full;
        }
    }
    // Removes the filler and the reserve. RocksDB resumes writing once it sees
    // as much free space as its largest write buffer (16 MiB here).
    void make_room()
    {
        std::error_code ignored;
        std::filesystem::remove(path_ / "filler", ignored);
        std::filesystem::remove(path_ / "ballast", ignored);
    }

    // Fails with EBUSY while some process has a file open for writing there.
    bool remount(bool read_only)
    {
        unsigned long const flags = MS_REMOUNT | (read_only ? static_cast<unsigned long>(MS_RDONLY) : 0UL);
        return ::mount("tmpfs", path_.c_str(), "tmpfs", flags, options_.c_str()) == 0;
    }

private:
    std::filesystem::path path_;
    std::string options_;
    std::string error_;
    bool mounted_ = false;
};

}  // namespace pg::testing
