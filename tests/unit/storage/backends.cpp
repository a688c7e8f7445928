#include "backends.hpp"

#include "backends_postgres.hpp"

#include "samples.hpp"
#include "storage/rocks_store.hpp"

namespace pg::storage::test {
namespace {

class rocks_instance final : public backend_instance {
public:
    std::unique_ptr<store> open(std::size_t history_max) override
    {
        return std::make_unique<rocks_store>(rocks_options{dir_.path().string(), true, true, history_max});
    }
    bool several_nodes() const override { return false; }

private:
    temp_dir dir_;
};

}  // namespace

std::vector<backend> const& backends()
{
    static std::vector<backend> const all{{"rocksdb", [] { return std::make_unique<rocks_instance>(); }},
                                          postgres_backend()};
    return all;
}

}  // namespace pg::storage::test
