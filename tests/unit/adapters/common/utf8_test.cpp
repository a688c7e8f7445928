#include "adapters/common/utf8.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace pg::adapters {
namespace {

TEST(first_invalid_utf8, finds_the_first_bad_byte)
{
    struct case_ { char const* name; std::string text; std::optional<std::size_t> expect; };
    case_ const cases[] = {
        {"empty",                       "",                                 std::nullopt},
        {"ascii",                       "pothole",                          std::nullopt},
        {"two-byte (ß)",                "Stra\xC3\x9F" "e",                 std::nullopt},
        {"three-byte (路)",              "\xE8\xB7\xAF",                     std::nullopt},
        {"four-byte (emoji)",           "\xF0\x9F\x92\xA1",                 std::nullopt},
        {"last code point U+10FFFF",    "\xF4\x8F\xBF\xBF",                 std::nullopt},
        {"NUL is valid UTF-8",          std::string("a\0b", 3),             std::nullopt},
        {"lone continuation byte",      "ab\x80",                           2},
        {"overlong slash (C0 AF)",      "a\xC0\xAF",                        1},
        {"C1 lead byte",                "\xC1\xBF",                         0},
        {"overlong three-byte",         "\xE0\x80\xAF",                     0},
        {"UTF-16 surrogate (ED A0 80)", "ok \xED\xA0\x80",                  3},
        {"overlong four-byte",          "\xF0\x80\x80\xAF",                 0},
        {"above U+10FFFF",              "\xF4\x90\x80\x80",                 0},
        {"F5 lead byte",                "\xF5\x80\x80\x80",                 0},
        {"FF byte",                     "x\xFF",                            1},
        {"cut three-byte at the end",   "ab\xE2\x82",                       2},
        {"cut four-byte at the end",    "\xF0\x9F\x92",                     0},
        {"bad second continuation",     "\xE2\x82\x41",                     0},
        {"valid then invalid",          "\xE8\xB7\xAF\xE8\xB7",             3},
    };
    for (auto const& c : cases) {
        EXPECT_EQ(first_invalid_utf8(c.text), c.expect) << c.name;
        EXPECT_EQ(valid_utf8(c.text), !c.expect) << c.name;
    }
}

TEST(utf8_prefix_bytes, never_splits_a_code_point)
{
    struct case_ { char const* name; std::string text; std::size_t max; std::string expect; };
    case_ const cases[] = {
        {"fits",                 "abc",                          10, "abc"},
        {"ascii cut",            "abcdef",                       3,  "abc"},
        {"zero",                 "abc",                          0,  ""},
        {"before a two-byte",    "a\xC3\x9F",                    2,  "a"},
        {"after a two-byte",     "a\xC3\x9F",                    3,  "a\xC3\x9F"},
        {"inside a four-byte",   "\xF0\x9F\x92\xA1x",            3,  ""},
        {"invalid byte is one",  "a\xFF" "b",                    2,  "a\xFF"},
    };
    for (auto const& c : cases)
        EXPECT_EQ(utf8_prefix_bytes(c.text, c.max), c.expect) << c.name;
}

TEST(utf8_prefix_utf16, counts_utf16_units)
{
    struct case_ { char const* name; std::string text; std::size_t max; std::string expect; std::size_t length; };
    case_ const cases[] = {
        {"ascii fits",              "abc",                             3, "abc",             3},
        {"ascii cut",               "abcd",                            3, "abc",             4},
        {"CJK is one unit each",    "\xE8\xB7\xAF\xE7\x81\xAF",        1, "\xE8\xB7\xAF",    2},
        {"emoji is two units",      "a\xF0\x9F\x92\xA1",               2, "a",               3},
        {"emoji fits in two",       "a\xF0\x9F\x92\xA1",               3, "a\xF0\x9F\x92\xA1", 3},
        {"invalid byte is one",     "\xFF\xFF\xFF",                    2, "\xFF\xFF",        3},
        {"empty",                   "",                                5, "",                0},
    };
    for (auto const& c : cases) {
        EXPECT_EQ(utf8_prefix_utf16(c.text, c.max), c.expect) << c.name;
        EXPECT_EQ(utf16_length(c.text), c.length) << c.name;
    }
}

}  // namespace
}  // namespace pg::adapters
