#pragma once
// Districts: where a petition was filed, for the equity figures (which areas
// wait longer). A district is a box of latitude and longitude, place names
// the location text may contain, or both, from the config's "districts".
#include "model/petition.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pg::model {

struct geo_box {
    double south = 0, west = 0, north = 0, east = 0;  // degrees; south <= north, west <= east
    bool operator==(geo_box const&) const = default;
};

struct district {
    std::string id;                   // "north", shown in the figures
    std::optional<geo_box> area;
    std::vector<std::string> places;  // matched in the location text, ASCII letters case-folded
    bool operator==(district const&) const = default;
};

// The first district whose area holds the petition's map point, else the
// first whose place name its location text contains; "" for none.
std::string district_of(std::vector<district> const& districts, petition const& p);

}  // namespace pg::model
