#pragma once
// Guided drafting, the pure parts: does a description hold several requests,
// and which open petitions may be the same problem as a draft. No storage: the
// gateway hands in the petitions to look through.
#include "model/conversation.hpp"
#include "model/flow.hpp"
#include "model/petition.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

// A description that lists several requests, cut in two: the first request (with
// any lines before the list) and the rest, each as the citizen typed it.
struct split_parts {
    std::size_t count = 0;  // list items found
    std::string first;
    std::string rest;
};

// The heuristic: two or more lines that start with a list marker: a number
// ("1." "1)" "1、" "(1)" "（1）") or a bullet ("-" "*" "•" "·"). Text before
// the first item stays with it. Offered only when both parts would still be a
// description of at least `min_visible` visible characters, so either can be
// filed. Anything else (one paragraph, one item, short items): nullopt.
std::optional<split_parts> several_requests(std::string_view description, std::size_t min_visible);

// Great-circle distance in metres (haversine, mean Earth radius).
double distance_m(model::geo_point a, model::geo_point b);

// The open petitions of `pool` that may be the draft's problem: the same
// category, open, filed within rules.days before `now`, and nearby: both have
// map points within rules.distance_m, or the same place text once case and
// white space are folded. Nearest first (same text counts as 0 m), then newest;
// at most `max`.
std::vector<model::petition> duplicate_candidates(model::petition_draft const& draft,
                                                  std::vector<model::petition> const& pool, model::timestamp now,
                                                  model::duplicates const& rules, std::size_t max = 3);

}  // namespace pg::dialog
