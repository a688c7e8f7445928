#include "dialog/tracking.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unordered_set>

namespace pg::dialog {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

bool well_formed(std::string const& t)
{
    if (t.size() != 9 || t[4] != '-')
        return false;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i != 4 && alphabet.find(t[i]) == std::string_view::npos)
            return false;
    return true;
}

TEST(tracking_number, is_unique_well_formed_and_round_trips_for_the_first_100000)
{
    std::unordered_set<std::string> seen;
    for (std::uint64_t n = 1; n <= 100'000; ++n) {
        auto const t = tracking_number(n, "demo-key");
        ASSERT_TRUE(well_formed(t)) << n << ": " << t;
        ASSERT_TRUE(seen.insert(t).second) << "duplicate at " << n << ": " << t;
        ASSERT_EQ(normalize_tracking(t), t) << t;
    }
}

TEST(tracking_number, depends_on_the_key_and_is_stable)
{
    EXPECT_EQ(tracking_number(1, "a"), tracking_number(1, "a"));
    EXPECT_NE(tracking_number(1, "a"), tracking_number(1, "b"));
    EXPECT_NE(tracking_number(1, "a"), tracking_number(2, "a"));
}

TEST(normalize_tracking, reads_what_citizens_type)
{
    struct case_ { char const* name; std::string typed; std::optional<std::string> want; };
    case_ const cases[] = {
        {"canonical", "7KQM-2X4D", "7KQM-2X4D"},
        {"lower case, no hyphen", "7kqm2x4d", "7KQM-2X4D"},
        {"spaces", " 7KQM 2X4D ", "7KQM-2X4D"},
        {"hash sign", "#7KQM-2X4D", "7KQM-2X4D"},
        {"O read as zero, I and L as one", "7KQO-2XID", "7KQ0-2X1D"},
        {"l read as one", "7kqm-2xld", "7KQM-2X1D"},
        {"full-width keyboard", "７ＫＱＭ－２Ｘ４Ｄ", "7KQM-2X4D"},
        {"trailing full stop", "7KQM-2X4D.", "7KQM-2X4D"},
        {"too short", "7KQM-2X4", std::nullopt},
        {"too long", "7KQM-2X4DD", std::nullopt},
        {"U is not a Crockford digit", "7KQM-2X4U", std::nullopt},
        {"a word", "hello", std::nullopt},
        {"empty", "", std::nullopt},
        {"chinese text", "我的诉求进度", std::nullopt},
    };
    for (auto const& c : cases)
        EXPECT_EQ(normalize_tracking(c.typed), c.want) << c.name;
}

}  // namespace
}  // namespace pg::dialog
