#pragma once
// How many SMS segments a text costs, counted as the network counts them.
//
// GSM-7 when every character is in GSM 03.38: a character of the basic table is
// one septet, one of the extension table (^ { } \ [ ] ~ | € and form feed) two,
// an escape and the character, never split across segments. One segment holds
// 160 septets; a concatenated one 153 (the rest carries the UDH).
// Otherwise UCS-2: a UTF-16 unit each, so a code point above U+FFFF (most emoji)
// costs two and is never split; 70 in one segment, 67 per concatenated segment.
// Bytes that are not UTF-8 count as U+FFFD, as they would be sent.
#include <cstddef>
#include <string_view>

namespace pg::adapters::sms {

enum class sms_encoding { gsm7, ucs2 };

struct segment_count {
    sms_encoding encoding = sms_encoding::gsm7;
    std::size_t units = 0;     // septets (GSM-7) or UTF-16 units (UCS-2)
    std::size_t segments = 1;  // even an empty message is one SMS
};

// Twilio refuses a Body above 1600 characters (error 21617), segments aside.
inline constexpr std::size_t max_body_chars = 1600;

segment_count count_segments(std::string_view text);

// The longest prefix of `text` that goes out in at most `max_segments` segments
// (its own encoding: a GSM-only prefix of a mixed text is GSM-7) and within
// max_body_chars UTF-16 units, never splitting a code point. Empty only when not
// even the first code point fits.
std::string_view longest_prefix_within(std::string_view text, std::size_t max_segments);

// Whether `code_point` is in GSM 03.38's basic table, its extension table, neither.
bool gsm_basic(char32_t code_point);
bool gsm_extension(char32_t code_point);

}  // namespace pg::adapters::sms
