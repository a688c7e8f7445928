#pragma once
// UTF-8 checks and cuts for text that crosses a platform boundary.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>
#include <optional>
#include <string_view>

namespace pg::adapters {

// Offset of the first byte that does not begin a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF, no cut
// sequences); nullopt when the whole text is valid.
std::optional<std::size_t> first_invalid_utf8(std::string_view s);

inline bool valid_utf8(std::string_view s) { return !first_invalid_utf8(s); }

// The longest prefix of `s` of at most `max_bytes` bytes that does not split a
// code point.
std::string_view utf8_prefix_bytes(std::string_view s, std::size_t max_bytes);

// The longest prefix of `s` that fits in `max_units` UTF-16 code units, never
// splitting a code point. Platforms that count "characters" (Telegram) count
// UTF-16 units, so a code point above U+FFFF (most emoji) costs two. An invalid
// byte counts as one unit: a JSON writer turns it into U+FFFD.
std::string_view utf8_prefix_utf16(std::string_view s, std::size_t max_units);

// The length of `s` in UTF-16 code units, counted as utf8_prefix_utf16 does.
std::size_t utf16_length(std::string_view s);

// Nothing but spaces, tabs and line breaks (or nothing at all).
inline bool blank(std::string_view s) { return s.find_first_not_of(" \t\r\n") == std::string_view::npos; }

// `text` in pieces, each no longer than `longest_fit` allows: it returns the
// longest prefix of its argument that fits one message (never empty for a
// non-empty argument). A line break in the second half of a piece is a better
// place to cut than mid-sentence. A text that fits is one piece.
std::vector<std::string> split_to_fit(std::string_view text,
                                      std::function<std::string_view(std::string_view)> const& longest_fit);

}  // namespace pg::adapters
