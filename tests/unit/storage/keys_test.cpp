#include "storage/keys.hpp"  // first: proves the header stands alone

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace pg::storage {
namespace {

TEST(keys_u64, sort_bytewise_in_numeric_order)
{
    std::vector<std::uint64_t> const numbers = {0, 1, 255, 256, 65'535, 1ull << 32, 1ull << 63,
                                                std::numeric_limits<std::uint64_t>::max()};
    for (std::size_t i = 1; i < numbers.size(); ++i)
        EXPECT_LT(u64_key(numbers[i - 1]), u64_key(numbers[i])) << numbers[i];
    for (auto n : numbers)
        EXPECT_EQ(u64_from_key(u64_key(n)), n);
}

TEST(keys_u64, reject_keys_that_are_not_eight_bytes)
{
    EXPECT_FALSE(u64_from_key(""));
    EXPECT_FALSE(u64_from_key("1234567"));
    EXPECT_FALSE(u64_from_key("123456789"));
}

TEST(keys_conversation, keep_channel_and_chat_apart)
{
    EXPECT_NE(conversation_key("ab", "c"), conversation_key("a", "bc"));
    EXPECT_EQ(conversation_key("tg", "42"), std::string("tg\0" "42", 5));
}

TEST(keys_threads, keep_directions_channels_and_chats_apart)
{
    EXPECT_EQ(thread_of_petition_key("tg", "-100", "7KQM"), std::string("t\0tg\0-100\0" "7KQM", 14));
    EXPECT_EQ(petition_of_thread_key("tg", "-100", "42"), std::string("p\0tg\0-100\0" "42", 12));
    // A tracking number and a thread id that happen to be equal do not meet.
    EXPECT_NE(thread_of_petition_key("tg", "-100", "42"), petition_of_thread_key("tg", "-100", "42"));
    EXPECT_NE(thread_of_petition_key("tg", "-1001", "42"), thread_of_petition_key("tg", "-100", "142"));
    EXPECT_NE(thread_of_petition_key("tg", "1", "42"), thread_of_petition_key("tg1", "", "42"));
    EXPECT_NE(thread_of_petition_key("slack", "C1", "42"), thread_of_petition_key("tg", "C1", "42"));
}

TEST(keys_timeline, sort_by_time_then_tiebreak_with_times_before_1970_first)
{
    struct case_ { std::int64_t at; std::uint64_t tiebreak; };
    case_ const ordered[] = {
        {std::numeric_limits<std::int64_t>::min(), 0}, {-1000, 5}, {-1, 0}, {0, 0}, {0, 1}, {1, 0},
        {1'700'000'000'000, 7}, {1'700'000'000'000, 8}, {std::numeric_limits<std::int64_t>::max(), 0},
    };
    for (std::size_t i = 1; i < std::size(ordered); ++i) {
        auto const a = timeline_key("7KQM-2X4D", model::from_millis(ordered[i - 1].at), ordered[i - 1].tiebreak);
        auto const b = timeline_key("7KQM-2X4D", model::from_millis(ordered[i].at), ordered[i].tiebreak);
        EXPECT_LT(a, b) << i;
    }
}

TEST(keys_timeline, one_petition_range_holds_no_other_petition)
{
    auto const prefix = timeline_prefix("AB");
    auto const end = prefix_end(prefix);
    auto const in = [&](std::string const& k) { return k >= prefix && k < end; };
    auto const max_at = model::from_millis(std::numeric_limits<std::int64_t>::max());
    EXPECT_TRUE(in(timeline_key("AB", model::from_millis(0), 0)));
    EXPECT_TRUE(in(timeline_key("AB", max_at, std::numeric_limits<std::uint64_t>::max())));
    EXPECT_FALSE(in(timeline_key("A", max_at, 0)));
    EXPECT_FALSE(in(timeline_key("ABC", model::from_millis(0), 0)));
    EXPECT_FALSE(in(timeline_key("AC", model::from_millis(0), 0)));
}

TEST(keys_prefix_end, skips_trailing_ff_bytes)
{
    EXPECT_EQ(prefix_end(std::string("a\0", 2)), "a\x01");
    EXPECT_EQ(prefix_end("a\xff\xff"), "b");
    EXPECT_EQ(prefix_end("\xff"), "");
    EXPECT_EQ(prefix_end(""), "");
}

}  // namespace
}  // namespace pg::storage
