#pragma once
// Response-time figures for the oversight and public pages, computed from
// timeline time stamps only (DESIGN.md: "never kept by hand"). Pure.
//
// Every duration is working time in the configured calendar (config
// `deadlines`: working days, holidays, make-up days, zone), so a weekend or a
// holiday is nobody's delay; without working days it is elapsed time.
//
// The petition's clock runs from its filing (its first timeline entry) and is
// never reset, by a transfer or by a reopening:
//   first response  the first status change made by staff: acceptance,
//              rejection, a transfer, work begun or an answer. A note, an
//              assignment, a reminder or a push's record is never a response.
//   answer     the first transition to "answered"
//   closure    the transition to "closed"
//   held       the time departments had it to work on: the sum of its stints
//              (below), once none is running
//
// A clock pauses only with a recorded reason: the time between a `pause`
// entry and the next `resume` (or `now`, while it is still paused) is taken out
// of every clock and stint and counted apart, as `paused`.
//
// A department is charged only its own time. A stint starts when the
// petition arrives there (filing, a transfer in, or a reopening, which starts
// a new answer clock) and the department holds it until it transfers it on,
// answers, rejects or closes it. Per stint, from its start: first response,
// answer, closure, held. by_department groups stints: a department's received
// counts each petition that reached it once; answered, transferred and closed
// what it did itself; the citizen's verdict (resolved, rating) and overdue go to
// the department that has the petition now.
//
// Percentiles are nearest-rank: of n sorted values, the p-th percentile is the
// value at rank ceil(p/100 * n) (1-based), so it is always one of the measured
// values; the median is p = 50 (the lower middle value when n is even). No
// values: no percentile.
#include "dialog/petition_flow.hpp"
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
    std::size_t transferred = 0;          // was transferred on (by this department)
    std::size_t closed = 0;
    std::size_t resolved = 0;
    std::size_t not_resolved = 0;
    std::size_t rated = 0;
    std::size_t satisfied = 0;
    std::size_t overdue = 0;              // model::overdue at `now`
    duration_figures first_response;
    duration_figures answer;
    duration_figures closure;
    duration_figures held;
    // Paused clocks: the petitions (by department: the stints, per petition)
    // that were paused, how many pauses began, and their paused time.
    std::size_t paused = 0;
    std::size_t pauses = 0;
    duration_figures paused_time;         // over those that were paused
};

// A group that waits markedly longer than everyone: its median on one clock
// is at least equity_ratio times the median over all petitions, measured on at
// least equity_min_count of its petitions. No status attributes are collected:
// the groups are only where, what and when people filed.
inline constexpr double equity_ratio = 1.5;
inline constexpr std::size_t equity_min_count = 5;
struct equity_flag {
    std::string dimension;  // "channel", "category", "district", "time_of_day"
    std::string key;
    std::string clock;      // "first_response", "answer"
    std::size_t count = 0;  // its petitions with that duration
    milliseconds median{};
    milliseconds overall{}; // the median over all petitions
};

struct response_figures {
    group_figures total;
    // Each sorted by key; a group appears once it has a petition.
    std::vector<group_figures> by_department;  // each department's own stints
    std::vector<group_figures> by_category;
    std::vector<group_figures> by_channel;     // where the citizen filed it
    std::vector<group_figures> by_month;       // local month of filing in time_zone, "YYYY-MM"
    std::vector<group_figures> by_time_of_day; // local hour of filing: "00-06", "06-12", "12-18", "18-24"
    std::vector<group_figures> by_district;    // config "districts"; "other" for a petition in none
    std::vector<equity_flag> equity;           // groups that wait markedly longer, by dimension and key
    std::string time_zone;                     // the calendar's zone: "UTC", "Asia/Shanghai"
};

struct petition_record {
    model::petition petition;
    std::vector<model::timeline_event> timeline;  // oldest first
};

// The clocks of a petition, or of one department's stint with it, in working time.
struct stage_clocks {
    std::optional<milliseconds> first_response;
    std::optional<milliseconds> answer;
    std::optional<milliseconds> closure;
    std::optional<milliseconds> held;  // set once the holder is done with it
    milliseconds paused{0};            // working time paused (with a reason), up to `now`; not in the clocks above
    std::size_t pauses = 0;            // pauses begun
    bool answered = false;
    bool transferred = false;          // transferred on
    bool closed = false;
};

struct department_stint {
    std::string department;
    model::timestamp arrived;  // filing, transfer in, or reopening
    stage_clocks clocks;       // from `arrived`
};

// One petition's stage times, without personal data: what the figures are
// computed from and what the open data publishes, so anyone can recompute them.
struct stage_times {
    std::string tracking;
    std::string category;
    std::string department;     // where it is now
    std::string channel_id;     // where it was filed
    std::string district;       // set by the caller (model::district_of); "" when no districts are configured
    model::status current = model::status::submitted;
    model::timestamp submitted; // its first timeline entry
    std::optional<bool> resolved;
    int rating = 0;
    bool overdue = false;       // at the `now` it was measured
    stage_clocks clocks;        // from `submitted`
    std::vector<department_stint> stints;  // oldest first; never empty
};

stage_times measure_stages(petition_record const& r, model::timestamp now, calendar const& cal);

// The figures over measured petitions; months are local months in `zone`.
response_figures response_times(std::vector<stage_times> const& petitions, model::zone const& zone);
// Measures each record, then the figures.
response_figures response_times(std::vector<petition_record> const& records, model::timestamp now,
                                calendar const& cal);

// "2026-11": the month of `t` on the local calendar of `z`.
std::string local_month(model::timestamp t, model::zone const& z);

// When the deadline an overdue petition missed was due (acceptance, or the
// answer); nullopt when it is not overdue at `now`.
std::optional<model::timestamp> missed_deadline(model::petition const& p, model::timestamp now);

}  // namespace pg::dialog
