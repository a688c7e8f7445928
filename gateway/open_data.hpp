#pragma once
// Open data: every petition's stage times without personal data (no text,
// place, name or chat), as JSON and as CSV, so anyone can recompute the
// published figures from the same snapshot (`generated_at`).
#include "dialog/response_times.hpp"
#include "model/chain.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pg::gateway {

// The figures and the stage times they were computed from, at one instant.
struct figures_snapshot {
    model::timestamp generated_at;
    model::zone zone;  // the calendar's: months are local months in it
    std::vector<dialog::stage_times> petitions;
    dialog::response_figures figures;
    // The timeline chain's head at the end of each of the last days, newest first.
    std::vector<model::day_head> day_heads;
};
inline constexpr int published_day_heads = 7;

// [{"day", "ends_at", "petitions", "digest"}]
nlohmann::json to_json(std::vector<model::day_head> const& heads);

// {"generated_at", "time_zone", "petitions": [{..., "stints": [...]}]}
nlohmann::json open_data_json(figures_snapshot const& s);
// One row per petition, with a header row; durations in milliseconds, empty when there is none.
std::string open_data_petitions_csv(figures_snapshot const& s);
// One row per department stint (tracking, sequence number, department, ...), with a header row.
std::string open_data_stints_csv(figures_snapshot const& s);

}  // namespace pg::gateway
