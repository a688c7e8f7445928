#pragma once
// One inbound event -> one unit of work: load the conversation, run the dialog,
// commit everything in one batch. Synchronous; the gateway runs it on the
// event's conversation lane (a blocking pool), never on an I/O thread.
#include "config/settings.hpp"
#include "model/event.hpp"
#include "storage/store.hpp"

#include <string>

namespace pg::gateway {

class metrics;

struct unit_result {
    storage::commit_status status = storage::commit_status::failed;
    std::vector<model::outbox_entry> queued;  // to hand to the dispatcher
    std::string error;                        // when failed
};

class unit_runner {
public:
    unit_runner(storage::store& store, config::settings const& s, metrics& m);

    unit_result run(model::inbound_event const& ev, model::timestamp now);

    // Lane key: events with equal keys are processed one at a time, in arrival order.
    static std::string lane_key(model::inbound_event const& ev) { return ev.channel_id + '\n' + ev.chat_id; }

private:
    storage::unit_of_work citizen_step(model::inbound_event const& ev, model::timestamp now);

    storage::store& store_;
    config::settings const& settings_;
    metrics& metrics_;
};

}  // namespace pg::gateway
