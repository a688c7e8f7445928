#include "tests/support/pg_cluster.hpp"

#include "tests/support/gateway_process.hpp"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace pg::testing {

namespace fs = std::filesystem;

namespace {

std::string port_of(std::string const& dsn)
{
    static std::regex const port("port=([0-9]+)");
    std::smatch m;
    if (!std::regex_search(dsn, m, port))
        throw std::runtime_error("pg-test-server printed no port: " + dsn);
    return m[1];
}

}  // namespace

bool pg_cluster::available() { return fs::exists("/usr/lib/postgresql/15/bin/pg_ctl"); }

pg_cluster::pg_cluster()
{
    // Under /tmp: when we are root the servers run as `postgres`, which must reach it.
    std::string templ = "/tmp/pg-cluster.XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr)
        throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    // mkdtemp's 0700 would keep that user out of the servers' own directories inside.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    try {
        auto const primary = script("start " + (dir_ / "primary").string(), true);
        auto const standby = script("standby " + (dir_ / "standby").string() + " " + (dir_ / "primary").string(), true);
        dsn_ = "host=127.0.0.1,127.0.0.1 port=" + port_of(primary) + "," + port_of(standby) +
               " dbname=postgres user=postgres target_session_attrs=read-write connect_timeout=2";
    } catch (...) {
        tear_down();  // what did start is stopped
        throw;
    }
}

pg_cluster::~pg_cluster() { tear_down(); }

void pg_cluster::tear_down() noexcept
{
    for (auto const* which : {"standby", "primary"}) {
        try {
            script(std::string("stop ") + (dir_ / which).string());
        } catch (std::exception const&) {  // a killed or never started server: nothing to stop
        }
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

void pg_cluster::kill_primary() { script("kill " + (dir_ / "primary").string()); }

void pg_cluster::promote_standby() { script("promote " + (dir_ / "standby").string()); }

std::string pg_cluster::script(std::string const& args, bool sync)
{
    auto const errors = dir_ / "script.err";
    std::string const cmd = std::string(sync ? "PG_TEST_SYNC=1 " : "") + PG_SOURCE_DIR "/scripts/pg-test-server " +
                            args + " 2>" + errors.string();
    auto [status, out] = run_command(cmd);
    if (status != 0) {
        std::ifstream in(errors);
        std::stringstream s;
        s << in.rdbuf();
        throw std::runtime_error("pg-test-server " + args + " failed: " + s.str());
    }
    while (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

}  // namespace pg::testing
