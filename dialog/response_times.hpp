#pragma once
// Response-time figures for the oversight and public pages, computed from
// timeline time stamps only (DESIGN.md: "never kept by hand"). Pure.
//
// Per petition:
//   submitted  the time of its first timeline entry (the "submitted" transition)
//   first response  the first status change after that made by staff:
//              acceptance, rejection, a transfer, work begun or an answer. A
//              note, an assignment or a push's record is never a response.
//   answer     the first transition to "answered"
// Durations run from "submitted". Percentiles are nearest-rank: of n sorted
// values, the p-th percentile is the value at rank ceil(p/100 * n) (1-based),
// so it is always one of the measured values; the median is p = 50 (the lower
// middle value when n is even). No values: no percentile.
#include "model/petition.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace pg::dialog {

using std::chrono::milliseconds;

// The p-th nearest-rank percentile (0 < p <= 100) of `values`, which need not be sorted.
std::optional<milliseconds> nearest_rank(std::vector<milliseconds> values, int p);

struct duration_figures {
    std::size_t count = 0;                // petitions that have this duration
    std::optional<milliseconds> median;   // nearest rank 50
    std::optional<milliseconds> p90;      // nearest rank 90
};

struct group_figures {
    std::string key;                      // "transport", "roads", "telegram", "2026-11"; "" for the total
    std::size_t received = 0;
    // Outcomes, each its own count, so none passes for another: staff answered;
    // the petition is closed; the citizen said the answer resolved it, or not;
    // the citizen rated it, and rated it 4 or 5.
    std::size_t answered = 0;             // has reached "answered" at some point
    std::size_t closed = 0;
    std::size_t resolved = 0;
    std::size_t not_resolved = 0;
    std::size_t rated = 0;
    std::size_t satisfied = 0;
    std::size_t overdue = 0;              // model::overdue at `now`
    duration_figures first_response;
    duration_figures answer;
};

struct response_figures {
    group_figures total;
    // Each sorted by key; a group appears once it has a petition.
    std::vector<group_figures> by_department;  // the petition's current department
    std::vector<group_figures> by_category;
    std::vector<group_figures> by_channel;     // where the citizen filed it
    std::vector<group_figures> by_month;       // UTC month of submission, "YYYY-MM"
};

struct petition_record {
    model::petition petition;
    std::vector<model::timeline_event> timeline;  // oldest first
};

response_figures response_times(std::vector<petition_record> const& records, model::timestamp now);

// "2026-11": the UTC month of `t`.
std::string utc_month(model::timestamp t);

// When the deadline an overdue petition missed was due (acceptance, or the
// answer); nullopt when it is not overdue at `now`.
std::optional<model::timestamp> missed_deadline(model::petition const& p, model::timestamp now);

}  // namespace pg::dialog
