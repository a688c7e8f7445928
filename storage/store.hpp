#pragma once
// The one interface the rest of the program sees for persistence. It speaks in
// units of work and queries, never in raw keys, so another backend is a new file.
#include "model/conversation.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::storage {

// Everything one webhook event writes, applied all or nothing.
struct unit_of_work {
    std::string dedupe_key;                            // required; a second commit with it is a duplicate
    std::optional<model::conversation> conversation;   // the conversation's next state
    std::vector<model::petition> petitions;            // inserted or replaced, by tracking number
    std::vector<std::pair<std::string, model::timeline_event>> timeline;  // (tracking, event), appended
    std::vector<model::outbound_message> outbox;       // queued in this order
};

struct petition_filter {
    std::optional<model::status> status;
    bool open_only = false;                 // not closed and not rejected
    std::string department;                 // empty = any
    std::optional<model::timestamp> from;   // submitted at or after
    std::optional<model::timestamp> to;     // submitted before
    std::optional<model::timestamp> overdue_at;  // only those past a deadline at this time and not answered in time
    std::size_t limit = 100;
};

enum class commit_status { committed, duplicate, failed };

struct commit_result {
    commit_status status = commit_status::failed;
    std::vector<model::outbox_entry> queued;  // the outbox entries as stored, with their seq
    std::string error;                        // when failed: what and why (no user text)
};

class store {
public:
    virtual ~store() = default;

    virtual commit_result commit(unit_of_work const& work) = 0;
    virtual bool seen(std::string_view dedupe_key) = 0;

    virtual std::optional<model::conversation> conversation(std::string_view channel_id, std::string_view chat_id) = 0;
    virtual std::optional<model::petition> petition(std::string_view tracking) = 0;
    virtual std::vector<model::timeline_event> timeline(std::string_view tracking) = 0;  // oldest first

    // A number never handed out before, even across restarts (petitions are indexed by it).
    virtual std::uint64_t next_petition_number() = 0;

    // Every entry not yet delivered nor dead, in seq order (the dispatcher's start-up load).
    virtual std::vector<model::outbox_entry> pending_outbox() = 0;
    virtual bool mark_delivered(std::vector<std::uint64_t> const& seqs) = 0;
    virtual bool mark_dead(model::outbox_entry const& entry, std::string_view reason) = 0;
    virtual std::vector<std::pair<model::outbox_entry, std::string>> dead_letters(std::size_t limit) = 0;

    // Staff threads: the thread a petition has in a staff chat, kept both ways.
    virtual bool bind_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                             std::string_view tracking) = 0;
    virtual std::optional<std::string> thread_of(std::string_view channel_id, std::string_view chat_id,
                                                 std::string_view tracking) = 0;
    virtual std::optional<std::string> petition_of_thread(std::string_view channel_id, std::string_view chat_id,
                                                          std::string_view thread_id) = 0;

    // Petitions matching a filter, newest first.
    virtual std::vector<model::petition> petitions(petition_filter const& f) = 0;

    // A consistent copy of the database in `dir` (which must not exist), taken while serving.
    virtual bool backup(std::string const& dir, std::string& error) = 0;

    // Counts for /metrics.
    virtual std::uint64_t outbox_depth() = 0;
};

}  // namespace pg::storage
