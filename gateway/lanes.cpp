#include "gateway/lanes.hpp"

#include "gateway/wal_syncer.hpp"

namespace pg::gateway {

lanes::lanes(net::any_io_executor ex, std::size_t count, wal_syncer* syncer) : syncer_(syncer)
{
    strands_.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        strands_.push_back(net::make_strand(ex));
}

net::awaitable<unit_result> lanes::settled(net::awaitable<unit_result> unit)
{
    auto r = co_await std::move(unit);
    co_await syncer_->settle({&r, 1});
    co_return r;
}

}  // namespace pg::gateway
