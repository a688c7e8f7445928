#include "model/district.hpp"

#include "model/ascii.hpp"

#include <algorithm>

namespace pg::model {
namespace {

bool holds(geo_box const& b, geo_point const& p)
{
    return p.latitude >= b.south && p.latitude <= b.north && p.longitude >= b.west && p.longitude <= b.east;
}

std::string folded(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

}  // namespace

std::string district_of(std::vector<district> const& districts, petition const& p)
{
    if (p.location)
        for (auto const& d : districts)
            if (d.area && holds(*d.area, *p.location))
                return d.id;
    if (p.location_text.empty())
        return "";
    auto const text = folded(p.location_text);
    for (auto const& d : districts)
        for (auto const& place : d.places)
            if (!place.empty() && text.find(folded(place)) != std::string::npos)
                return d.id;
    return "";
}

}  // namespace pg::model
