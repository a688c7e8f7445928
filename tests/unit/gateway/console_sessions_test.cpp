#include "gateway/console_sessions.hpp"

#include <gtest/gtest.h>

namespace pg::gateway {
namespace {

using namespace std::chrono_literals;

model::timestamp const t0 = model::from_millis(1'800'000'000'000);
login_throttle::limits const limits{.per_name = 3, .per_source = 5, .lock_for = 60s};

TEST(login_throttle, attempts_are_counted_before_their_outcome_is_known)
{
    login_throttle t(limits);
    // Three in flight at once, none answered yet: the fourth is refused.
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(t.reserve("official", "10.0.0.1", t0).allowed) << i;
    auto const refused = t.reserve("official", "10.0.0.1", t0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_FALSE(refused.source_locked);
    EXPECT_EQ(refused.retry_after, 60s);
    EXPECT_EQ(t.reserve("official", "10.0.0.1", t0 + 59'500ms).retry_after, 1s);  // rounded up
    // Over: a fresh count.
    EXPECT_TRUE(t.reserve("official", "10.0.0.1", t0 + 60s).allowed);
}

TEST(login_throttle, a_lock_covers_one_source_not_the_name)
{
    login_throttle t(limits);
    for (int i = 0; i < 3; ++i)
        t.reserve("official", "10.0.0.1", t0);
    EXPECT_FALSE(t.reserve("official", "10.0.0.1", t0).allowed);
    EXPECT_TRUE(t.reserve("official", "10.0.0.2", t0).allowed);
    EXPECT_TRUE(t.reserve("other", "10.0.0.1", t0).allowed);
}

TEST(login_throttle, a_source_guessing_across_names_is_locked_as_a_whole)
{
    login_throttle t(limits);
    for (int i = 0; i < 5; ++i)
        EXPECT_TRUE(t.reserve("name" + std::to_string(i), "10.0.0.1", t0).allowed) << i;
    auto const refused = t.reserve("fresh", "10.0.0.1", t0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_TRUE(refused.source_locked);
    EXPECT_TRUE(t.reserve("fresh", "10.0.0.2", t0).allowed);
}

TEST(login_throttle, a_right_password_or_an_unchecked_one_gives_the_reservation_back)
{
    login_throttle t(limits);
    t.reserve("official", "10.0.0.1", t0);
    t.reserve("official", "10.0.0.1", t0);
    t.reserve("official", "10.0.0.1", t0);  // the third: locks, but is itself checked
    t.succeeded("official", "10.0.0.1");    // ... and right
    for (int i = 0; i < 2; ++i)
        EXPECT_TRUE(t.reserve("official", "10.0.0.1", t0).allowed) << i;
    // The source has 4 counted; the last one given back unchecked, two more fit.
    t.cancel("official", "10.0.0.1");
    EXPECT_TRUE(t.reserve("other", "10.0.0.1", t0).allowed);
    EXPECT_TRUE(t.reserve("third", "10.0.0.1", t0).allowed);  // the fifth: checked, and locks the source
    EXPECT_FALSE(t.reserve("fourth", "10.0.0.1", t0).allowed);
}

}  // namespace
}  // namespace pg::gateway
