#pragma once
// Typed input made comparable. A citizen may answer with a list number, a
// button's label or a keyword in any shipped language, typed on any keyboard.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

// Leading and trailing white space removed, including the ideographic space
// (U+3000) that Chinese keyboards type.
std::string_view trim(std::string_view text);

// For comparison only, never for storage: trimmed, inner white space collapsed
// to one space, ASCII letters in lower case, full-width forms (ＡＢＣ１２３)
// folded to ASCII, trailing sentence punctuation dropped.
// "  Cancel! " and "ｃａｎｃｅｌ。" both give "cancel".
std::string fold(std::string_view text);

// A list number: "3", "3." or "3)" -> 3. Takes folded text; 0 and overlong numbers are no number.
std::optional<std::size_t> list_number(std::string_view folded);

// "/help" or "/help@city_bot" -> "help". Takes folded text.
std::optional<std::string> slash_command(std::string_view folded);

// A keyword list as a locale writes it, "cancel|stop" -> {"cancel", "stop"}, each folded.
std::vector<std::string> word_list(std::string_view list);

// Length as a citizen counts it: Unicode code points, so 20 Chinese characters are 20.
std::size_t code_points(std::string_view utf8);

// Characters a reader can see: code points less white space (any Unicode space or
// line break) and invisible format characters (zero-width spaces and joiners, word
// joiner, BOM, soft hyphen, bidi controls, fillers, variation selectors, tags).
// What a minimum length counts, so "\u200B" x 20 is not a 20-character description.
std::size_t visible_characters(std::string_view utf8);

// Length as Telegram counts it: UTF-16 code units, so a code point above U+FFFF counts twice.
std::size_t utf16_units(std::string_view utf8);

// Columns on screen, roughly: East Asian wide characters and emoji take two.
// Enough to decide how many buttons fit side by side.
std::size_t display_width(std::string_view utf8);

// At most max_units UTF-16 units (hence at most that many code points); a cut
// text ends in "…". Never splits a code point.
std::string clip(std::string_view utf8, std::size_t max_units);

// Pieces of at most max_units UTF-16 units each, cut after a line break where
// one is near, never inside a code point. A text that fits is one piece.
std::vector<std::string> split_units(std::string_view text, std::size_t max_units);

}  // namespace pg::dialog
