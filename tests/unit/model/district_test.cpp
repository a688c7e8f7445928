#include "model/district.hpp"

#include <gtest/gtest.h>

namespace pg::model {
namespace {

std::vector<district> const districts{
    {"old_town", geo_box{39.90, 116.38, 39.95, 116.42}, {"Old Town", "老城"}},
    {"harbour", std::nullopt, {"harbour road"}},
    {"north", geo_box{39.95, 116.30, 40.10, 116.50}, {}},
};

petition at(std::optional<geo_point> point, std::string text = "")
{
    petition p;
    p.location = point;
    p.location_text = std::move(text);
    return p;
}

TEST(district_of, a_map_point_falls_in_the_first_area_that_holds_it)
{
    EXPECT_EQ(district_of(districts, at(geo_point{39.92, 116.40})), "old_town");
    EXPECT_EQ(district_of(districts, at(geo_point{39.95, 116.40})), "old_town") << "edges belong to the area";
    EXPECT_EQ(district_of(districts, at(geo_point{40.00, 116.31})), "north");
    EXPECT_EQ(district_of(districts, at(geo_point{31.23, 121.47})), "");
}

TEST(district_of, a_place_name_in_the_location_text_decides_when_no_area_holds_the_point)
{
    EXPECT_EQ(district_of(districts, at(std::nullopt, "12 HARBOUR ROAD, by the pier")), "harbour");
    EXPECT_EQ(district_of(districts, at(std::nullopt, "人民路 12 号，老城")), "old_town");
    EXPECT_EQ(district_of(districts, at(geo_point{31.23, 121.47}, "old town square")), "old_town");
    EXPECT_EQ(district_of(districts, at(geo_point{39.92, 116.40}, "harbour road")), "old_town") << "the point first";
    EXPECT_EQ(district_of(districts, at(std::nullopt, "somewhere else")), "");
    EXPECT_EQ(district_of({}, at(geo_point{39.92, 116.40}, "Old Town")), "");
}

}  // namespace
}  // namespace pg::model
