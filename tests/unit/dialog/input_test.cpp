#include "dialog/input.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

TEST(trim, drops_ascii_and_ideographic_space)
{
    EXPECT_EQ(trim("  a b \n"), "a b");
    EXPECT_EQ(trim("\u3000取消\u3000"), "取消");
    EXPECT_EQ(trim(" \t "), "");
    EXPECT_EQ(trim(""), "");
}

TEST(fold, makes_typed_words_comparable)
{
    struct case_ { char const* typed; char const* want; };
    case_ const cases[] = {
        {"  Cancel! ", "cancel"},
        {"ｃａｎｃｅｌ。", "cancel"},
        {"Main   Menu", "main menu"},
        {"取消", "取消"},
        {"１", "1"},
        {"3.", "3"},
        {"中文？", "中文"},
        {"", ""},
        {"?!", ""},
    };
    for (auto const& c : cases)
        EXPECT_EQ(fold(c.typed), c.want) << c.typed;
}

TEST(list_number, reads_small_positive_numbers)
{
    struct case_ { char const* folded; std::optional<std::size_t> want; };
    case_ const cases[] = {
        {"3", 3}, {"12", 12}, {"3)", 3}, {"0", std::nullopt}, {"1234", std::nullopt},
        {"3a", std::nullopt}, {"", std::nullopt}, {"-1", std::nullopt},
    };
    for (auto const& c : cases)
        EXPECT_EQ(list_number(c.folded), c.want) << c.folded;
}

TEST(slash_command, names_the_command)
{
    EXPECT_EQ(slash_command("/help"), "help");
    EXPECT_EQ(slash_command("/start@city_bot"), "start");
    EXPECT_EQ(slash_command("/start payload"), "start");
    EXPECT_EQ(slash_command("help"), std::nullopt);
    EXPECT_EQ(slash_command("/"), std::nullopt);
}

TEST(word_list, splits_and_folds)
{
    EXPECT_EQ(word_list("Cancel|stop| Quit |"), (std::vector<std::string>{"cancel", "stop", "quit"}));
    EXPECT_EQ(word_list("取消|退出"), (std::vector<std::string>{"取消", "退出"}));
    EXPECT_TRUE(word_list("").empty());
}

TEST(code_points, counts_characters_not_bytes)
{
    EXPECT_EQ(code_points("hello"), 5u);
    EXPECT_EQ(code_points("道路交通"), 4u);
    EXPECT_EQ(code_points("a\U0001F600b"), 3u);
    EXPECT_EQ(utf16_units("a\U0001F600b"), 4u);
    EXPECT_EQ(utf16_units("道路"), 2u);
}

TEST(visible_characters, counts_what_a_reader_sees)
{
    EXPECT_EQ(visible_characters(""), 0u);
    EXPECT_EQ(visible_characters("pothole"), 7u);
    EXPECT_EQ(visible_characters("路灯坏了"), 4u);
    EXPECT_EQ(visible_characters("\xF0\x9F\x9A\xA7"), 1u);  // an emoji is one
    EXPECT_EQ(visible_characters(" a\tb\nc\u3000d\u00A0e\u2003f\u2028g "), 7u);
    // Zero-width space, non-joiner, joiner, LRM, RLM; word joiner to invisible plus; BOM; soft hyphen;
    // bidi embeddings and overrides; isolates; a variation selector; a tag character.
    for (std::string invisible :
         {"\u200B", "\u200C", "\u200D", "\u200E", "\u200F", "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",
          "\uFEFF", "\u00AD", "\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068",
          "\u2069", "\uFE0F", "\U000E0041", "\u3164"})
        EXPECT_EQ(visible_characters("a" + invisible + "b"), 2u) << "U+" << std::hex << int(invisible[0]);
}

TEST(display_width, counts_wide_characters_twice)
{
    EXPECT_EQ(display_width("Street lighting"), 15u);
    EXPECT_EQ(display_width("路灯照明"), 8u);
    EXPECT_EQ(display_width("ｃａ"), 4u);
    EXPECT_EQ(display_width("a\U0001F600"), 3u);
}

TEST(clip, cuts_on_code_point_boundaries)
{
    EXPECT_EQ(clip("hello", 5), "hello");
    EXPECT_EQ(clip("hello world", 5), "hell\u2026");
    EXPECT_EQ(clip("道路交通设施", 3), "道路\u2026");
    EXPECT_EQ(clip("a\U0001F600\U0001F600", 3), "a\u2026");  // an emoji is two units: it does not fit beside the ellipsis
    EXPECT_LE(utf16_units(clip(std::string(5000, 'x'), 4000)), 4000u);
}

}  // namespace
}  // namespace pg::dialog
