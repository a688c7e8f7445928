#include "backends_postgres.hpp"

#include "storage/postgres_migrations.hpp"
#include "storage/postgres_store.hpp"

#include <cstdlib>

namespace pg::storage::test {
namespace {

class postgres_instance final : public backend_instance {
public:
    explicit postgres_instance(std::string const& base) : scratch_(base)
    {
        std::string report;
        migrate_postgres(scratch_.dsn(), report);
    }
    std::unique_ptr<store> open(std::size_t history_max) override
    {
        postgres_options o;
        o.dsn = scratch_.dsn();
        o.pool_size = 4;
        o.history_max = history_max;
        return open_postgres_store(o);
    }
    bool several_nodes() const override { return true; }

private:
    postgres_scratch scratch_;
};

}  // namespace

backend postgres_backend()
{
    return backend{"postgres", [] {
        auto const dsn = postgres_test_dsn();
        return dsn.empty() ? nullptr : std::unique_ptr<backend_instance>(new postgres_instance(dsn));
    }};
}

}  // namespace pg::storage::test
