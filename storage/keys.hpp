#pragma once
// Key layout, one function per column family. Numbers are big-endian so that
// RocksDB's bytewise order is numeric order and SeekToLast finds the largest.
//
//   dedupe            dedupe_key                              -> commit time (u64 ms)
//   conversations     channel_id '\0' chat_id                 -> conversation
//   petitions         tracking                                -> petition
//   petition_numbers  u64 number                              -> tracking
//   open_petitions    category '\0' u64 number               -> tracking (open ones; an entry
//                     left by a category change is skipped on read)
//   timeline          tracking '\0' u64 at' u64 tiebreak      -> timeline_event
//   outbox            u64 seq                                 -> outbox_entry
//   dead_letters      u64 seq                                 -> outbox_entry + reason
//   threads           't' '\0' channel_id '\0' chat_id '\0' tracking   -> thread_id
//                     'p' '\0' channel_id '\0' chat_id '\0' thread_id  -> tracking
//   history           channel_id '\0' chat_id '\0' u64 seq      -> history_entry (web chat)
//   citizens          'c' '\0' channel_id '\0' chat_id         -> citizen (a copy under each linked chat)
//                     'k' '\0' code                            -> link_code
//                     's' '\0' channel_id '\0' sent_id         -> sent_notice
//   audit             u64 at' u64 tiebreak                     -> audit_entry
//   default (meta)    "format", "outbox_next_seq", "petition_next_number",
//                     "open_petitions_indexed"
//
// at' is the millisecond time with its sign bit flipped, so times before 1970
// still sort first.
#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg::storage {

std::string u64_key(std::uint64_t n);
std::optional<std::uint64_t> u64_from_key(std::string_view key);  // nullopt unless exactly 8 bytes

std::string conversation_key(std::string_view channel_id, std::string_view chat_id);

// An open petition under its category, newest last; every key of a category
// starts with open_petitions_prefix.
std::string open_petitions_prefix(std::string_view category);
std::string open_petition_key(std::string_view category, std::uint64_t number);

// A petition's staff thread in one staff chat, and the way back. Both are
// written (and replaced) together.
std::string thread_of_petition_key(std::string_view channel_id, std::string_view chat_id, std::string_view tracking);
std::string petition_of_thread_key(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id);

// Every event of one petition starts with this prefix; prefix_end() bounds the range.
std::string timeline_prefix(std::string_view tracking);
std::string timeline_key(std::string_view tracking, model::timestamp at, std::uint64_t tiebreak);

// A web chat conversation's history: every entry starts with this prefix, and
// entries sort by their seq within it.
std::string history_prefix(std::string_view channel_id, std::string_view chat_id);
std::string history_key(std::string_view channel_id, std::string_view chat_id, std::uint64_t seq);

// Linking chats into one citizen (model/citizen.hpp).
std::string citizen_key(std::string_view channel_id, std::string_view chat_id);
std::string link_code_key(std::string_view code);
std::string sent_notice_key(std::string_view channel_id, std::string_view sent_id);

// One staff request in the audit; keys sort by time.
std::string audit_key(model::timestamp at, std::uint64_t tiebreak);

// The smallest key above every key that starts with `prefix`; empty when there is none.
std::string prefix_end(std::string_view prefix);

namespace meta {
inline constexpr std::string_view format = "format";
inline constexpr std::string_view format_version = "1";
// Lower bound for the next outbox seq, written with every delivery or dead letter,
// so seqs keep growing after the outbox has been emptied.
inline constexpr std::string_view outbox_next_seq = "outbox_next_seq";
// Present once open_petitions holds every open petition: a store made before
// the index existed fills it on its first open.
inline constexpr std::string_view open_petitions_indexed = "open_petitions_indexed";
// Lower bound for the next petition number, written when a restored backup is
// first opened: numbers jump past any the original handed out after the backup.
inline constexpr std::string_view petition_next_number = "petition_next_number";
}  // namespace meta

}  // namespace pg::storage
