#include "adapters/sms/segments.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::sms {
namespace {

std::string times(std::string const& s, std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += s;
    return out;
}

TEST(count_segments, pure_gsm_is_160_in_one_and_153_per_concatenated_segment)
{
    struct case_ { std::size_t chars; std::size_t segments; };
    case_ const cases[] = {{0, 1}, {1, 1}, {160, 1}, {161, 2}, {306, 2}, {307, 3}, {153 * 3, 3}, {153 * 3 + 1, 4}};
    for (auto const& c : cases) {
        auto const n = count_segments(std::string(c.chars, 'a'));
        EXPECT_EQ(n.encoding, sms_encoding::gsm7) << c.chars;
        EXPECT_EQ(n.units, c.chars);
        EXPECT_EQ(n.segments, c.segments) << c.chars;
    }
}

TEST(count_segments, the_basic_table_beyond_ascii_is_one_septet)
{
    auto const n = count_segments("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà\r\n");
    EXPECT_EQ(n.encoding, sms_encoding::gsm7);
    EXPECT_EQ(n.units, 44u);
}

TEST(count_segments, extension_characters_cost_two_septets_and_are_never_split)
{
    for (char const* ext : {"€", "^", "{", "}", "[", "]", "~", "|", "\\", "\f"}) {
        auto const n = count_segments(ext);
        EXPECT_EQ(n.encoding, sms_encoding::gsm7) << ext;
        EXPECT_EQ(n.units, 2u) << ext;
    }
    EXPECT_EQ(count_segments(times("€", 80)).segments, 1u);  // 160 septets
    EXPECT_EQ(count_segments(times("€", 80) + "a").segments, 2u);
    // 152 septets then a € (2): it does not fit the first segment's 153, so it opens the
    // second: 152 | € + 151 | 1. Counting septets alone would say 306 / 153 = 2.
    auto const n = count_segments(std::string(152, 'a') + "€" + std::string(152, 'a'));
    EXPECT_EQ(n.units, 306u);
    EXPECT_EQ(n.segments, 3u);
}

TEST(count_segments, one_character_outside_gsm_switches_the_whole_text_to_ucs2)
{
    EXPECT_EQ(count_segments(std::string(69, 'a') + "中").encoding, sms_encoding::ucs2);
    EXPECT_EQ(count_segments(std::string(69, 'a') + "中").segments, 1u);  // 70 units
    EXPECT_EQ(count_segments(std::string(70, 'a') + "中").segments, 2u);  // 71
    EXPECT_EQ(count_segments(std::string(133, 'a') + "中").segments, 2u);  // 134 = 67 * 2
    EXPECT_EQ(count_segments(std::string(134, 'a') + "中").segments, 3u);
    EXPECT_EQ(count_segments("`").encoding, sms_encoding::ucs2);   // not in GSM 03.38 at all
    EXPECT_EQ(count_segments("\t").encoding, sms_encoding::ucs2);
    EXPECT_EQ(count_segments("–").encoding, sms_encoding::ucs2);   // an en dash
}

TEST(count_segments, an_emoji_is_two_utf16_units_and_never_split)
{
    auto const one = count_segments("\xF0\x9F\x98\x80");
    EXPECT_EQ(one.encoding, sms_encoding::ucs2);
    EXPECT_EQ(one.units, 2u);
    EXPECT_EQ(count_segments(times("\xF0\x9F\x98\x80", 35)).segments, 1u);  // 70 units
    EXPECT_EQ(count_segments(times("\xF0\x9F\x98\x80", 36)).segments, 2u);
    // 66 units then an emoji: it cannot straddle, so 66 | 2 + 66 | 1 -> three segments.
    auto const n = count_segments(std::string(66, 'a') + "\xF0\x9F\x98\x80" + std::string(66, 'a') + "b");
    EXPECT_EQ(n.units, 135u);
    EXPECT_EQ(n.segments, 3u);
}

TEST(count_segments, bytes_that_are_not_utf8_count_as_a_replacement_character)
{
    auto const n = count_segments("ab\xFF");
    EXPECT_EQ(n.encoding, sms_encoding::ucs2);
    EXPECT_EQ(n.units, 3u);
}

TEST(longest_prefix_within, takes_as_much_as_the_segments_hold_in_its_own_encoding)
{
    auto const gsm = std::string(500, 'a');
    EXPECT_EQ(longest_prefix_within(gsm, 1).size(), 160u);
    EXPECT_EQ(longest_prefix_within(gsm, 3).size(), 459u);
    auto const cjk = times("中", 300);
    EXPECT_EQ(longest_prefix_within(cjk, 1), times("中", 70));
    EXPECT_EQ(longest_prefix_within(cjk, 3), times("中", 201));
    // A GSM start of a mixed text is sent as GSM-7 when cut before the first CJK character.
    auto const mixed = std::string(150, 'a') + times("中", 10);
    EXPECT_EQ(longest_prefix_within(mixed, 1), std::string(150, 'a'));
    EXPECT_EQ(longest_prefix_within(mixed, 3), mixed);  // 160 UCS-2 units: 3 segments
    // Never half a code point.
    auto const emoji = times("\xF0\x9F\x98\x80", 40);
    EXPECT_EQ(longest_prefix_within(emoji, 1).size(), 35u * 4);
    EXPECT_EQ(longest_prefix_within("", 1), "");
}

TEST(longest_prefix_within, never_above_twilios_1600_character_body)
{
    // 10 GSM segments hold 1530 septets, under 1600: the limit holds either way.
    EXPECT_EQ(longest_prefix_within(std::string(2000, 'a'), 10).size(), 1530u);
    EXPECT_LE(longest_prefix_within(std::string(2000, 'a'), 100).size(), max_body_chars);
}

}  // namespace
}  // namespace pg::adapters::sms
