#pragma once
// The one interface the rest of the program sees for persistence. It speaks in
// units of work and queries, never in raw keys, so another backend is a new file.
#include "model/audit.hpp"
#include "model/citizen.hpp"
#include "model/conversation.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::storage {

// One line of a web chat conversation, as its page draws it.
struct history_entry {
    std::uint64_t seq = 0;      // 1, 2, 3, ... within its conversation, in the order written
    model::timestamp at{};
    std::string from;           // "citizen" | "gateway"
    std::string frame;          // the rendered frame (JSON text, see adapters/webchat)
};

// An entry to append to one conversation's history; the store gives it its seq.
struct history_append {
    std::string channel_id;
    std::string chat_id;
    history_entry entry;
};

enum class local_delivery { appended, already_delivered, failed };

// One more staff thread that leads to a petition, which keeps its own thread for
// what the gateway posts: a topic opened twice (a crash between creating it and
// binding it) stays usable in both.
struct thread_alias {
    std::string channel_id;
    std::string chat_id;
    std::string thread_id;
    std::string tracking;
};

// Who sends an outbox entry: the node that holds its lease, until it runs out.
// Other nodes claim it only after that (see store::claim_outbox).
struct outbox_lease {
    std::string owner;
    model::timestamp until{};
};

// Everything one webhook event writes, applied all or nothing.
struct unit_of_work {
    std::string dedupe_key;                            // required; a second commit with it is a duplicate
    std::optional<model::conversation> conversation;   // the conversation's next state
    // The conversation's `events` as the unit read it (0: absent). The commit is
    // a conflict, and writes nothing, when the stored one differs: another node
    // changed the conversation meanwhile. Checked only with `conversation`.
    std::uint64_t conversation_read = 0;
    std::vector<model::petition> petitions;            // inserted or replaced, by tracking number
    std::vector<std::pair<std::string, model::timeline_event>> timeline;  // (tracking, event), appended
    std::vector<model::outbound_message> outbox;       // queued in this order
    std::optional<outbox_lease> lease;                 // the queued entries' first lease: the committing node sends them
    std::vector<history_append> history;               // web chat: what the citizen sent, appended
    std::vector<model::citizen> citizens;              // each written under every chat it links
    std::vector<model::link_code> link_codes;          // issued
    std::vector<std::string> used_link_codes;          // redeemed: removed
    std::vector<model::sent_notice> sent_notices;      // a receipt's furthest state, replaced
    // Petitions whose stored timeline entries lose their personal parts
    // (model::erased: notes, the citizen's id), in this same write.
    std::vector<std::string> erased_timelines;
    std::vector<thread_alias> thread_aliases;
};

// The unit's own notion of now, for its outbox entries' created_at: the dialog
// stamps the conversation and the timeline. Only a unit with neither falls back
// to the wall clock.
model::timestamp unit_time(unit_of_work const& w);
// The wall clock in milliseconds: when a dedupe key was committed.
model::timestamp wall_now();

// What retention removes: the records older than each cutoff; none: all kept.
struct retention_cutoffs {
    std::optional<model::timestamp> dedupe_before;         // dedupe keys committed before
    std::optional<model::timestamp> conversations_before;  // conversations last changed before, and their web chat history
    std::optional<model::timestamp> audit_before;          // audit entries
};

struct retention_counts {
    std::uint64_t dedupe_keys = 0;
    std::uint64_t conversations = 0;
    std::uint64_t history_entries = 0;
    std::uint64_t audit_entries = 0;
};

struct petition_filter {
    std::optional<model::status> status;
    bool open_only = false;                 // not closed and not rejected
    std::string department;                 // empty = any
    std::string category;                   // empty = any; with open_only, read from an index
    std::optional<model::timestamp> from;   // submitted at or after
    std::optional<model::timestamp> to;     // submitted before
    std::optional<model::timestamp> overdue_at;  // only those past a deadline at this time and not answered in time
    std::size_t limit = 100;
};

struct audit_filter {
    std::string tracking;  // empty = any petition (and requests about none)
    std::string who;       // empty = anyone
    std::size_t limit = 100;
};

// A read the backend could not answer (an I/O error, a corrupted block): never
// reported as "absent", because a unit built on a wrong "absent" (a new
// conversation, no such petition) would be committed and acknowledged. The
// gateway answers 503 instead, so the platform retries. The message names the
// data directory, the record kind and the backend's status.
struct unavailable : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// conflict: another unit changed the conversation since this one read it; run
// the unit again on what is stored now.
// A store refusing to open: "<where>: <what failed>: <the backend's status>".
struct storage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

enum class commit_status { committed, duplicate, conflict, failed };

// When a commit may be acted on. on_return: durable when commit() returns.
// on_sync (only where local_storage() is not null): written without waiting
// for the disk, durable once a local_storage()->sync_wal() that began after
// commit() returned has returned true; until then a crash may lose it. Readers
// see it at once either way. A store without local storage treats on_sync as
// on_return.
enum class durability { on_return, on_sync };

struct commit_result {
    commit_status status = commit_status::failed;
    // The outbox entries as stored, with their seq, for the committing node to
    // send now. A store several nodes share leaves out those it gave to the
    // node holding the chat's earlier pending entries, and puts first the
    // chat's pending entries the committing node holds (postgres_store::commit).
    std::vector<model::outbox_entry> queued;
    std::string error;                        // when failed: what and why (no user text)
};

// What to claim from the outbox (store::claim_outbox).
struct outbox_claim {
    std::string owner;                   // the claiming node
    model::timestamp now{};
    std::chrono::milliseconds lease{};   // the claimed entries are the owner's until now + lease
    std::uint64_t after = 0;             // only entries with a higher seq: a page's last seq
    std::size_t limit = 256;
};

// Held locks, released when destroyed (store::lock).
class held_locks {
public:
    virtual ~held_locks() = default;
};

// Names locked together. Every unit locks its petitions before it reads them,
// and the chains of the timelines it appends to (after its petitions, never
// before), so two units changing one petition take turns.
enum class lock_space { petition, chain };

// What only a store on this machine's own disk does: the WAL sync that makes
// write-ahead commits durable, and a checkpoint copy of the database.
class local_storage {
public:
    virtual ~local_storage() = default;
    // Makes every write that returned before the call durable: one WAL sync,
    // shared by everything written meanwhile. False when the disk refused.
    virtual bool sync_wal() = 0;
    // A consistent copy of the database in `dir` (which must not exist), taken while serving.
    virtual bool backup(std::string const& dir, std::string& error) = 0;
};

// Reads throw `unavailable` when they cannot answer; absent means absent.
// Writes report failure in their result. Every backend passes the same
// conformance suite (tests/unit/storage/conformance_test.cpp).
class store {
public:
    virtual ~store() = default;

    virtual commit_result commit(unit_of_work const& work, durability d) = 0;
    commit_result commit(unit_of_work const& work) { return commit(work, durability::on_return); }
    virtual bool seen(std::string_view dedupe_key) = 0;

    // Null unless the store lives on this machine's disk (RocksDB).
    virtual local_storage* local() { return nullptr; }

    // Blocks until every name is locked in `space`, for every process that
    // shares the store; throws `unavailable` when the backend cannot lock.
    virtual std::unique_ptr<held_locks> lock(lock_space space, std::vector<std::string_view> const& names) = 0;

    virtual std::optional<model::conversation> conversation(std::string_view channel_id, std::string_view chat_id) = 0;
    virtual std::optional<model::petition> petition(std::string_view tracking) = 0;
    virtual std::vector<model::timeline_event> timeline(std::string_view tracking) = 0;  // oldest first

    // A number never handed out before, even across restarts (petitions are indexed by it).
    virtual std::uint64_t next_petition_number() = 0;

    // Entries not yet delivered nor dead, with seq > c.after, whose lease is
    // free (none, run out at c.now, or c.owner's own), in seq order, at most
    // c.limit: each now leased to c.owner until c.now + c.lease.
    virtual std::vector<model::outbox_entry> claim_outbox(outbox_claim const& c) = 0;
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

    // Web chat history: one conversation's entries with seq > `after`, oldest
    // first, at most `limit`.
    virtual std::vector<history_entry> history(std::string_view channel_id, std::string_view chat_id,
                                               std::uint64_t after, std::size_t limit) = 0;
    // Delivers outbox entry `outbox_seq` into a conversation's history: appends
    // the entry and removes it from the outbox in one write, so a crash can
    // neither lose nor double it. already_delivered (nothing appended) when the
    // outbox no longer holds it.
    virtual local_delivery deliver_to_history(std::uint64_t outbox_seq, history_append const& a) = 0;

    // The citizen a chat belongs to: model::alone(chat) when it was never linked.
    virtual model::citizen citizen(std::string_view channel_id, std::string_view chat_id) = 0;
    virtual std::optional<model::link_code> link_code(std::string_view code) = 0;
    // A status push the platform took: remembered so its receipts find their petition.
    virtual bool record_sent(model::sent_notice const& n) = 0;
    virtual std::optional<model::sent_notice> sent_notice(std::string_view channel_id, std::string_view sent_id) = 0;

    // The audit of staff requests: appended, and read newest first.
    virtual bool record_audit(model::audit_entry const& a) = 0;
    virtual std::vector<model::audit_entry> audit(audit_filter const& f) = 0;

    // Removes what retention no longer keeps (see retention_cutoffs); what it removed.
    virtual retention_counts forget(retention_cutoffs const& c) = 0;

    // Counts for /metrics.
    virtual std::uint64_t outbox_depth() = 0;
};

}  // namespace pg::storage
