#include "gateway/lanes.hpp"

#include "gateway/wal_syncer.hpp"

#include <boost/asio/post.hpp>

#include <utility>

namespace pg::gateway {

lanes::lanes(net::any_io_executor ex, std::size_t count, wal_syncer* syncer, send_fn send)
    : syncer_(syncer), send_(std::move(send))
{
    strands_.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        strands_.push_back(net::make_strand(ex));
}

void lanes::finish(std::exception_ptr failure, unit_result r, net::any_io_executor home, done_handler done)
{
    bool const written_ahead = !failure && r.unsynced && syncer_;
    if (!written_ahead) {
        if (!failure && r.status != storage::commit_status::failed)
            send_(std::exchange(r.queued, {}));
        net::dispatch(home, [done = std::move(done), failure, r = std::move(r)]() mutable {
            std::move(done)(failure, std::move(r));
        });
        return;
    }
    // Registered here, on the lane, so a chat's next unit registers after this
    // one, and the syncer hands their replies on in that order.
    syncer_->after_sync([this, home = std::move(home), done = std::move(done), r = std::move(r)](bool ok) mutable {
        wal_syncer::settled(r, ok);  // failed, with nothing to send, if the sync failed
        send_(std::exchange(r.queued, {}));
        net::post(home, [done = std::move(done), r = std::move(r)]() mutable { std::move(done)(nullptr, std::move(r)); });
    });
}

}  // namespace pg::gateway
