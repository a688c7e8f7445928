#include "adapters/sms/segments.hpp"

#include "adapters/common/utf8.hpp"

#include <algorithm>
#include <string_view>

namespace pg::adapters::sms {
namespace {

// GSM 03.38's basic table beyond ASCII letters and digits, in Unicode. ASCII it
// lacks: ` (none), and [ \ ] ^ { | } ~ (extension table).
constexpr std::u32string_view basic_others =
    U"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà";
constexpr std::u32string_view extension = U"\f^{}\\[~]|€";

// The code point at the start of `s` and its length in bytes; an invalid
// sequence is U+FFFD of one byte.
std::pair<char32_t, std::size_t> next_code_point(std::string_view s)
{
    auto const lead = static_cast<unsigned char>(s[0]);
    std::size_t const n = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (n == 0 || n > s.size() || !valid_utf8(s.substr(0, n)))
        return {U'\uFFFD', 1};
    if (n == 1)
        return {lead, 1};
    char32_t cp = lead & (0x7F >> n);
    for (std::size_t i = 1; i < n; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
    return {cp, n};
}

// Segments filled in order, a character never split between two.
struct packing {
    std::size_t single;        // what one segment holds
    std::size_t concatenated;  // what each holds when there are several
    std::size_t units = 0;
    std::size_t filled = 0;    // in the last segment, packed for concatenation
    std::size_t count = 1;

    void add(std::size_t cost)
    {
        units += cost;
        if (filled + cost > concatenated) {
            ++count;
            filled = 0;
        }
        filled += cost;
    }
    std::size_t segments() const { return units <= single ? 1 : count; }
};

// Both encodings measured at once: a text is GSM-7 while every character is.
struct meter {
    bool gsm = true;
    packing septets{160, 153};
    packing utf16{70, 67};

    void add(char32_t cp)
    {
        std::size_t const units = cp > 0xFFFF ? 2 : 1;
        utf16.add(units);
        if (gsm) {
            if (gsm_basic(cp))
                septets.add(1);
            else if (gsm_extension(cp))
                septets.add(2);
            else
                gsm = false;
        }
    }
    segment_count count() const
    {
        if (gsm)
            return {sms_encoding::gsm7, septets.units, septets.segments()};
        return {sms_encoding::ucs2, utf16.units, utf16.segments()};
    }
};

}  // namespace

bool gsm_basic(char32_t cp)
{
    return (cp >= U'A' && cp <= U'Z') || (cp >= U'a' && cp <= U'z') || (cp >= U'0' && cp <= U'9') ||
           basic_others.find(cp) != std::u32string_view::npos;
}

bool gsm_extension(char32_t cp) { return extension.find(cp) != std::u32string_view::npos; }

segment_count count_segments(std::string_view text)
{
    meter m;
    while (!text.empty()) {
        auto const [cp, n] = next_code_point(text);
        m.add(cp);
        text.remove_prefix(n);
    }
    return m.count();
}

std::string_view longest_prefix_within(std::string_view text, std::size_t max_segments)
{
    meter m;
    std::size_t end = 0;
    while (end < text.size()) {
        auto const [cp, n] = next_code_point(text.substr(end));
        auto next = m;
        next.add(cp);
        if (next.count().segments > max_segments || next.utf16.units > max_body_chars)
            break;
        m = next;
        end += n;
    }
    return text.substr(0, end);
}

}  // namespace pg::adapters::sms
