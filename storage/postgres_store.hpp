#pragma once
// The PostgreSQL store: one transaction per unit of work, so several gateway
// nodes can share one database. The schema is in postgres_migrations.cpp;
// libpq's headers stay in the .cpp files.
#include "storage/store.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pg::storage {

struct postgres_options {
    std::string dsn;                  // libpq key=value or URI
    std::size_t pool_size = 8;        // connections for reads and writes; lock() has as many of its own
    // Entries kept per web chat conversation (as rocks_options::history_max). 0: all.
    std::size_t history_max = 0;
    // Bounds connecting, and waiting for a free connection (then `unavailable`).
    std::chrono::milliseconds connect_timeout{5000};
};

// Every method may be called from several threads at once, and several
// processes may open the same database.
//
// Reads the server cannot answer throw `unavailable` ("postgresql <dsn>: read
// <record kind>: <server message>"); a stored value that is not a known record
// is reported as absent and counted in decode_failures. A connection found
// broken is closed and made again when next needed. durability::on_sync is
// on_return: a commit is durable (as the server's settings make it) when it
// returns.
//
// A chat's entries leave in order across nodes: an entry a unit queues while
// the chat's latest pending entry is leased to another node (or to none) gets
// that entry's lease instead of the unit's, and is left out of
// commit_result::queued. The node holding the chat sends it after the earlier
// ones (its next claim renews its own), or whoever claims them all once that
// lease runs out. When the chat's latest pending entry is the committing
// node's, queued starts with the chat's pending entries leased to it (some may
// have been handed to it and not claimed yet); its dispatcher skips those it
// holds. Without this, two nodes taking a chat's webhooks in turns
// would each send their own replies at once, and a later one could overtake
// an earlier one (or a dead node's, held until its lease ran out).
//
// A commit whose COMMIT got no answer (the connection dropped) is settled on
// another connection: the old backend is ended if still there, then the
// dedupe key tells: written by this commit: committed; by another: duplicate;
// absent: failed. When even that cannot be learned, failed: never committed
// for a write that may not have landed.
class postgres_store final : public store {
public:
    explicit postgres_store(postgres_options const& o);  // throws storage_error
    ~postgres_store() override;
    postgres_store(postgres_store const&) = delete;
    postgres_store& operator=(postgres_store const&) = delete;

    using store::commit;
    commit_result commit(unit_of_work const& work, durability d) override;
    bool seen(std::string_view dedupe_key) override;

    // Session-level advisory locks on a connection of its own, kept by the
    // returned object until it is destroyed; names are taken once each, in the
    // order of their 32-bit keys, so two lockers never wait on each other crosswise.
    std::unique_ptr<held_locks> lock(lock_space space, std::vector<std::string_view> const& names) override;

    std::optional<model::conversation> conversation(std::string_view channel_id, std::string_view chat_id) override;
    std::optional<model::petition> petition(std::string_view tracking) override;
    std::vector<model::timeline_event> timeline(std::string_view tracking) override;

    std::uint64_t next_petition_number() override;

    std::vector<model::outbox_entry> claim_outbox(outbox_claim const& c) override;
    // Unknown or already delivered seqs are skipped.
    bool mark_delivered(std::vector<std::uint64_t> const& seqs) override;
    bool mark_dead(model::outbox_entry const& entry, std::string_view reason) override;
    std::vector<std::pair<model::outbox_entry, std::string>> dead_letters(std::size_t limit) override;  // highest seq first

    // As rocks_store: both directions; a second bind of the petition in the
    // chat replaces its thread, and a thread bound to another petition moves.
    // False when an id is empty or the server refused.
    bool bind_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                     std::string_view tracking) override;
    std::optional<std::string> thread_of(std::string_view channel_id, std::string_view chat_id,
                                         std::string_view tracking) override;
    std::optional<std::string> petition_of_thread(std::string_view channel_id, std::string_view chat_id,
                                                  std::string_view thread_id) override;
    std::vector<model::petition> petitions(petition_filter const& f) override;  // highest number first

    std::vector<history_entry> history(std::string_view channel_id, std::string_view chat_id, std::uint64_t after,
                                       std::size_t limit) override;
    local_delivery deliver_to_history(std::uint64_t outbox_seq, history_append const& a) override;

    model::citizen citizen(std::string_view channel_id, std::string_view chat_id) override;
    std::optional<model::link_code> link_code(std::string_view code) override;
    bool record_sent(model::sent_notice const& n) override;
    std::optional<model::sent_notice> sent_notice(std::string_view channel_id, std::string_view sent_id) override;
    bool record_audit(model::audit_entry const& a) override;
    std::vector<model::audit_entry> audit(audit_filter const& f) override;
    retention_counts forget(retention_cutoffs const& c) override;
    std::uint64_t outbox_depth() override;

    std::uint64_t decode_failures() const;

    // For tests: the server pids of this store's open connections, and a fault
    // for the next commit's COMMIT: its connection is cut right after the
    // COMMIT was sent (it lands), or instead of sending it (it does not).
    enum class commit_fault { none, drop_after_commit_sent, drop_instead_of_commit };
    std::vector<int> backend_pids() const;
    void inject_commit_fault(commit_fault f);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// Throws storage_error ("postgresql <dsn without password>: <what>: <server
// message>") when it cannot connect, or the schema is not at this build's
// migration ("run `petition-gateway migrate`").
std::unique_ptr<store> open_postgres_store(postgres_options const& o);

}  // namespace pg::storage
