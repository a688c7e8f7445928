#include "tests/support/postgres_scratch.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <mutex>
#include <random>
#include <stdexcept>

namespace pg::testing {
namespace {

void admin_statement(std::string const& dsn, std::string const& sql)
{
    PGconn* c = PQconnectdb(dsn.c_str());
    std::string error;
    if (PQstatus(c) != CONNECTION_OK) {
        error = PQerrorMessage(c);
    } else {
        PQsetNoticeProcessor(c, [](void*, char const*) {}, nullptr);
        PGresult* r = PQexec(c, sql.c_str());
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            error = PQresultErrorMessage(r);
        PQclear(r);
    }
    PQfinish(c);
    if (!error.empty())
        throw std::runtime_error(sql + ": " + error);
}

std::string random_name()
{
    static std::mt19937_64 gen{std::random_device{}()};
    static std::mutex m;
    std::lock_guard g(m);
    std::string s = "t_";
    for (int i = 0; i < 12; ++i)
        s += "abcdefghijklmnopqrstuvwxyz0123456789"[gen() % 36];
    return s;
}

// Adds a libpq option to a DSN, in its own syntax (key=value or URI).
std::string with_option(std::string const& dsn, std::string const& key, std::string const& value)
{
    if (dsn.starts_with("postgres://") || dsn.starts_with("postgresql://")) {
        std::string v;
        for (char c : value)
            v += c == ' ' ? std::string("%20") : c == '=' ? std::string("%3D") : std::string(1, c);
        return dsn + (dsn.find('?') == std::string::npos ? "?" : "&") + key + "=" + v;
    }
    return dsn + " " + key + "='" + value + "'";
}

}  // namespace

void postgres_admin(std::string const& dsn, std::string const& sql)
{
    admin_statement(dsn, sql);
}

std::string postgres_test_dsn()
{
    char const* dsn = std::getenv("PG_TEST_DSN");
    return dsn ? dsn : "";
}

postgres_scratch::postgres_scratch(std::string base_dsn)
    : base_(std::move(base_dsn)), schema_(random_name()),
      dsn_(with_option(base_, "options", "-csearch_path=" + schema_))
{
    postgres_admin(base_, "CREATE SCHEMA " + schema_);
}

postgres_scratch::~postgres_scratch()
{
    try {
        postgres_admin(base_, "DROP SCHEMA " + schema_ + " CASCADE");
    } catch (std::exception const&) {
        // a leftover schema on a throwaway server is no reason to fail a test
    }
}

}  // namespace pg::testing
