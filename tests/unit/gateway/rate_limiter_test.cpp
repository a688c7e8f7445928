#include "gateway/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::gateway {
namespace {

using namespace std::chrono_literals;
using time_point = rate_limiter::time_point;

time_point const t0{};  // any instant will do: the limiter only compares them

// How many of `n` requests at `now` get through.
int allowed_of(rate_limiter& l, std::string const& source, int n, time_point now)
{
    int ok = 0;
    for (int i = 0; i < n; ++i)
        ok += l.take(source, now).allowed ? 1 : 0;
    return ok;
}

TEST(rate_limiter, a_burst_passes_then_the_rest_is_refused_with_retry_after)
{
    rate_limiter l({.per_second = 2, .burst = 5});
    EXPECT_EQ(allowed_of(l, "a", 5, t0), 5);
    auto const refused = l.take("a", t0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 1s);  // half a second to the next token, rounded up
}

TEST(rate_limiter, tokens_come_back_at_the_rate_up_to_the_burst)
{
    rate_limiter l({.per_second = 2, .burst = 5});
    EXPECT_EQ(allowed_of(l, "a", 5, t0), 5);
    EXPECT_EQ(allowed_of(l, "a", 5, t0 + 1s), 2);
    EXPECT_EQ(allowed_of(l, "a", 5, t0 + 1500ms), 1);
    EXPECT_EQ(allowed_of(l, "a", 10, t0 + 1h), 5);  // never more than the burst
}

TEST(rate_limiter, retry_after_counts_whole_seconds_to_the_next_token)
{
    rate_limiter l({.per_second = 0.25, .burst = 1});
    EXPECT_TRUE(l.take("a", t0).allowed);
    EXPECT_EQ(l.take("a", t0).retry_after, 4s);
    EXPECT_EQ(l.take("a", t0 + 1s).retry_after, 3s);
    EXPECT_EQ(l.take("a", t0 + 3500ms).retry_after, 1s);
    EXPECT_TRUE(l.take("a", t0 + 4s).allowed);
}

TEST(rate_limiter, sources_have_their_own_buckets)
{
    rate_limiter l({.per_second = 1, .burst = 2});
    EXPECT_EQ(allowed_of(l, "a", 3, t0), 2);
    EXPECT_EQ(allowed_of(l, "b", 3, t0), 2);
    EXPECT_EQ(l.sources(), 2u);
}

TEST(rate_limiter, refused_requests_do_not_push_the_next_token_further)
{
    rate_limiter l({.per_second = 1, .burst = 1});
    EXPECT_TRUE(l.take("a", t0).allowed);
    EXPECT_EQ(allowed_of(l, "a", 100, t0 + 500ms), 0);
    EXPECT_TRUE(l.take("a", t0 + 1s).allowed);
}

TEST(rate_limiter, a_clock_that_steps_back_grants_nothing)
{
    rate_limiter l({.per_second = 1, .burst = 1});
    EXPECT_TRUE(l.take("a", t0 + 10s).allowed);
    EXPECT_FALSE(l.take("a", t0).allowed);
    EXPECT_FALSE(l.take("a", t0 + 10s).allowed);
    EXPECT_TRUE(l.take("a", t0 + 11s).allowed);
}

TEST(rate_limiter, idle_buckets_are_dropped_once_full_again)
{
    rate_limiter l({.per_second = 10, .burst = 20});  // full again 2 s after its last request
    EXPECT_EQ(allowed_of(l, "a", 20, t0), 20);
    l.take("b", t0 + 1s);
    EXPECT_EQ(l.sources(), 2u);
    l.take("c", t0 + 1999ms);
    EXPECT_EQ(l.sources(), 3u);
    l.take("c", t0 + 2s);  // "a" has been idle 2 s: full, so forgotten
    EXPECT_EQ(l.sources(), 2u);
    EXPECT_EQ(allowed_of(l, "a", 30, t0 + 2s), 20);  // and it comes back full
}

TEST(rate_limiter, past_max_sources_the_least_recently_seen_goes)
{
    rate_limiter l({.per_second = 1, .burst = 1, .max_sources = 3});
    for (std::string s : {"a", "b", "c"})
        EXPECT_TRUE(l.take(s, t0).allowed);
    EXPECT_FALSE(l.take("a", t0).allowed);  // "a" is now the most recent; "b" the least
    EXPECT_TRUE(l.take("d", t0).allowed);
    EXPECT_EQ(l.sources(), 3u);
    EXPECT_TRUE(l.take("b", t0).allowed);  // "b" was dropped, so it starts full
    EXPECT_FALSE(l.take("a", t0).allowed);  // "a" was kept
    EXPECT_EQ(l.sources(), 3u);
}

TEST(rate_limiter, memory_stays_bounded_under_many_sources)
{
    rate_limiter l({.per_second = 1, .burst = 5, .max_sources = 1000});
    for (int i = 0; i < 100'000; ++i)
        l.take("10.0." + std::to_string(i), t0 + std::chrono::milliseconds(i / 100));
    EXPECT_EQ(l.sources(), 1000u);
}

TEST(source_key, ipv4_is_the_address_and_ipv6_its_64)
{
    auto key = [](char const* text) { return source_key(net::ip::make_address(text)); };
    EXPECT_EQ(key("203.0.113.7"), "203.0.113.7");
    EXPECT_NE(key("203.0.113.7"), key("203.0.113.8"));
    EXPECT_EQ(key("::ffff:203.0.113.7"), "203.0.113.7");
    EXPECT_EQ(key("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
    EXPECT_EQ(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::"));
    EXPECT_NE(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
    EXPECT_EQ(key("::1"), "::/64");
}

}  // namespace
}  // namespace pg::gateway
