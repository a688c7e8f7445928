#pragma once
// A PostgreSQL 15 primary with a synchronous standby on 127.0.0.1, each on a
// free port, driven by scripts/pg-test-server (start, standby, kill, promote).
// Commits on the primary wait for the standby (PG_TEST_SYNC=1), so a commit
// that returned survives the primary's death. Both servers are stopped and
// their directory removed when the object goes.
#include <chrono>
#include <filesystem>
#include <string>

namespace pg::testing {

class pg_cluster {
public:
    // Whether PostgreSQL 15's server binaries are installed (scripts/install-deps).
    static bool available();

    pg_cluster();  // throws std::runtime_error with the script's message
    ~pg_cluster();
    pg_cluster(pg_cluster const&) = delete;
    pg_cluster& operator=(pg_cluster const&) = delete;

    // Both servers, primary first, with target_session_attrs=read-write: libpq
    // connects to whichever accepts writes, so a client follows a promotion.
    std::string const& dsn() const { return dsn_; }

    void kill_primary();     // SIGKILL to the postmaster and its children: a crash
    void promote_standby();  // returns once the standby accepts writes

private:
    void tear_down() noexcept;  // stops both servers (a killed one is skipped), removes the directory
    std::string script(std::string const& args, bool sync = false);  // its stdout; throws on failure

    std::filesystem::path dir_;
    std::string dsn_;
};

}  // namespace pg::testing
