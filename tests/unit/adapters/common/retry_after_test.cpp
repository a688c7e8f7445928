#include "adapters/common/retry_after.hpp"

#include <gtest/gtest.h>

namespace pg::adapters {
namespace {

TEST(retry_after, reads_delta_seconds_and_clamps_them)
{
    EXPECT_EQ(retry_after_seconds("30"), 30);
    EXPECT_EQ(retry_after_seconds(" \t7 "), 7);
    EXPECT_EQ(retry_after_seconds("0"), 0);
    EXPECT_EQ(retry_after_seconds("-5"), 0);
    EXPECT_EQ(retry_after_seconds("99999999"), max_retry_after_seconds);
}

TEST(retry_after, refuses_what_is_not_an_integer)
{
    for (auto const* v : {"", "  ", "1.5", "3s", "Wed, 21 Oct 2026 07:28:00 GMT", "99999999999999999999"})
        EXPECT_EQ(retry_after_seconds(v), std::nullopt) << v;
}

}  // namespace
}  // namespace pg::adapters
