#pragma once
// The hash chain that makes a petition's timeline tamper-evident. Each entry
// is sealed with digest_i = SHA-256(digest_{i-1}, tracking, the entry), so
// changing, removing or inserting an entry changes every digest after it; the
// digests the citizen holds (receipts) and the daily heads the public page
// published then no longer match a recomputation.
//
// The entry's personal parts (the actor's id, the note) enter the link through
// their own digest, so erasing them keeps the chain: an erased entry keeps
// that content digest in `erased_content` (see erased()).
#include "model/petition.hpp"
#include "model/zone.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::model {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

// The digest of an entry's personal parts, or the one kept when they were erased.
std::string content_digest(timeline_event const& e);
// The link after `e`, given the link before it ("" before the first entry).
std::string chain_link(std::string_view previous, std::string_view tracking, timeline_event const& e);

// Seals `fresh` (appended in this order after `last`, the timeline's last
// entry, if any): each gets its digest, and a time no earlier than the entry
// before it, so the order entries are read back in is the order they were
// chained in. `previous` is last's digest ("" when there is no entry yet).
void seal(std::string_view tracking, std::string previous, std::optional<timestamp> last_at,
          std::vector<timeline_event*> const& fresh);
// The digest before the entry after `events` (all of a petition's timeline,
// oldest first): the last entry's digest, or recomputed when the entries were
// written before sealing existed.
std::string chain_head(std::string_view tracking, std::vector<timeline_event> const& events);

// The first 16 hex digits of a digest: what receipts show and the verifier accepts.
std::string short_digest(std::string_view digest);

// The entry without personal data: the note and a citizen's id removed, the
// content digest kept, so the chain still verifies and the figures stay.
timeline_event erased(timeline_event e);

struct chain_check {
    std::size_t entries = 0;
    std::size_t sealed = 0;              // entries that carry a digest (older ones predate sealing)
    std::optional<std::size_t> broken_at;  // the first entry whose digest does not match, 0-based
    std::string reason;                  // why it breaks there
    std::string head;                    // the recomputed digest after the last entry
    // A receipt's digest (full or short) that was asked about: the entry it seals, if any.
    std::optional<std::size_t> receipt_at;
};
// Recomputes a petition's chain and says where it breaks, if it does.
// `receipt`: a digest a citizen was sent, looked up among the recomputed links.
chain_check verify_chain(std::string_view tracking, std::vector<timeline_event> const& events,
                         std::string_view receipt = {});

// The published head of one local day: over every petition's chain as it
// stood when the day ended, so a later change to any entry before that
// instant changes it.
struct day_head {
    std::string day;        // "2026-12-05", local in the calendar's zone
    timestamp ends_at{};    // the day's end, UTC
    std::size_t petitions = 0;  // petitions with an entry before the end
    std::string digest;
};
// A petition's tracking number and timeline (oldest first).
struct chained_timeline {
    std::string tracking;
    std::vector<timeline_event> const* events = nullptr;
};
// The heads of the `days` local days before the one `now` is in, newest first.
std::vector<day_head> day_heads(std::vector<chained_timeline> timelines, timestamp now, zone const& z, int days);

}  // namespace pg::model
