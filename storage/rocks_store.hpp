#pragma once
// The RocksDB store: one column family per kind of record (see keys.hpp), one
// WriteBatch per unit of work. RocksDB's headers stay in rocks_store.cpp.
#include "storage/store.hpp"

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace pg::storage {

struct rocks_options {
    std::string path;
    bool sync = true;  // fsync the WAL before commit returns; concurrent commits share one fsync
    bool create_if_missing = true;
    // Entries kept per web chat conversation: each append past it deletes the
    // oldest in the same write, so a flooded conversation stays this size. 0: all.
    std::size_t history_max = 0;
};

// Every method may be called from several threads at once.
//
// A read RocksDB cannot answer throws `unavailable` (and is counted in
// read_errors); a stored value that is not a known record is reported as
// absent and counted in decode_failures.
class rocks_store final : public store {
public:
    explicit rocks_store(rocks_options const& o);  // throws storage_error
    ~rocks_store() override;                       // flush(), then close
    rocks_store(rocks_store const&) = delete;
    rocks_store& operator=(rocks_store const&) = delete;

    using store::commit;
    commit_result commit(unit_of_work const& work, durability d) override;
    bool sync_wal() override;
    bool seen(std::string_view dedupe_key) override;

    std::optional<model::conversation> conversation(std::string_view channel_id, std::string_view chat_id) override;
    std::optional<model::petition> petition(std::string_view tracking) override;
    std::vector<model::timeline_event> timeline(std::string_view tracking) override;

    std::uint64_t next_petition_number() override;

    std::vector<model::outbox_entry> pending_outbox() override;
    // Unknown or already delivered seqs are skipped. Not synced: a lost delete only re-sends.
    bool mark_delivered(std::vector<std::uint64_t> const& seqs) override;
    // Stores `entry` as given (attempts included) with the reason, and removes it from the outbox.
    bool mark_dead(model::outbox_entry const& entry, std::string_view reason) override;
    // Highest seq first, i.e. the most recently queued first.
    std::vector<std::pair<model::outbox_entry, std::string>> dead_letters(std::size_t limit) override;

    // Both directions in one batch. A second bind of the same petition in the
    // same chat replaces the first, and a thread bound to another petition
    // moves to this one: each direction always mirrors the other. False when
    // an id is empty or RocksDB refused; nothing is changed then.
    bool bind_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                     std::string_view tracking) override;
    std::optional<std::string> thread_of(std::string_view channel_id, std::string_view chat_id,
                                         std::string_view tracking) override;
    std::optional<std::string> petition_of_thread(std::string_view channel_id, std::string_view chat_id,
                                                  std::string_view thread_id) override;
    bool alias_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                      std::string_view tracking) override;

    // Newest (highest number) first, all read from one snapshot. A full scan
    // for now: see the note in rocks_store.cpp.
    std::vector<model::petition> petitions(petition_filter const& f) override;

    // A RocksDB checkpoint: table files are hard-linked where `dir` is on the
    // same file system, so it is cheap and does not stop commits. The copy
    // opens as a rocks_store holding every commit that returned before the call.
    // Its first open moves petition numbers on by a million (the original kept
    // handing them out), so a restore never reissues a tracking number.
    // On failure `error` reads "<dir>: checkpoint: <rocksdb status>".
    bool backup(std::string const& dir, std::string& error) override;

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

    // Syncs the WAL and writes the memtables to table files, so the next open
    // has nothing to replay. False if RocksDB refused.
    bool flush();

    std::uint64_t decode_failures() const;  // stored values that were not a known record
    std::uint64_t read_errors() const;      // RocksDB read errors, other than "not found"

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

std::unique_ptr<store> open_rocks_store(rocks_options const& o);  // throws storage_error

}  // namespace pg::storage
