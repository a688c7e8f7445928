#include "adapters/common/utf8.hpp"

#include <algorithm>

namespace pg::adapters {
namespace {

bool in(unsigned char c, unsigned char lo, unsigned char hi) { return c >= lo && c <= hi; }

// Length of the well-formed sequence starting at s[i], or 0. The second byte's
// range depends on the lead byte (RFC 3629, section 4): that is what rules out
// overlong forms, surrogates and code points above U+10FFFF.
std::size_t sequence_at(std::string_view s, std::size_t i)
{
    auto const byte = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char const lead = byte(0);
    if (lead < 0x80)
        return 1;

    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (in(lead, 0xC2, 0xDF)) {
        len = 2;
    } else if (in(lead, 0xE0, 0xEF)) {
        len = 3;
        if (lead == 0xE0) lo = 0xA0;  // no overlong three-byte forms
        if (lead == 0xED) hi = 0x9F;  // no UTF-16 surrogates
    } else if (in(lead, 0xF0, 0xF4)) {
        len = 4;
        if (lead == 0xF0) lo = 0x90;  // no overlong four-byte forms
        if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        return 0;  // a continuation byte, C0/C1, or F5..FF
    }
    if (s.size() - i < len || !in(byte(1), lo, hi))
        return 0;
    for (std::size_t k = 2; k < len; ++k)
        if (!in(byte(k), 0x80, 0xBF))
            return 0;
    return len;
}

}  // namespace

std::optional<std::size_t> first_invalid_utf8(std::string_view s)
{
    for (std::size_t i = 0; i < s.size();) {
        auto const n = sequence_at(s, i);
        if (n == 0)
            return i;
        i += n;
    }
    return std::nullopt;
}

std::string_view utf8_prefix_bytes(std::string_view s, std::size_t max_bytes)
{
    std::size_t i = 0;
    while (i < s.size()) {
        auto const n = sequence_at(s, i);
        auto const step = n == 0 ? 1 : n;
        if (i + step > max_bytes)
            break;
        i += step;
    }
    return s.substr(0, i);
}

std::string_view utf8_prefix_utf16(std::string_view s, std::size_t max_units)
{
    // No byte counts for more than one unit: a text of at most max_units bytes fits.
    if (s.size() <= max_units)
        return s;
    std::size_t i = 0, units = 0;
    while (i < s.size()) {
        auto const n = sequence_at(s, i);
        auto const cost = n == 4 ? 2u : 1u;
        if (units + cost > max_units)
            break;
        units += cost;
        i += n == 0 ? 1 : n;
    }
    return s.substr(0, i);
}

std::size_t utf16_length(std::string_view s)
{
    std::size_t i = 0, units = 0;
    while (i < s.size()) {
        auto const n = sequence_at(s, i);
        units += n == 4 ? 2 : 1;
        i += n == 0 ? 1 : n;
    }
    return units;
}

std::vector<std::string> split_to_fit(std::string_view text,
                                      std::function<std::string_view(std::string_view)> const& longest_fit)
{
    std::vector<std::string> pieces;
    while (!text.empty()) {
        auto fit = longest_fit(text);
        if (fit.empty())  // a broken measure: one code point, so the loop ends
            fit = text.substr(0, std::max<std::size_t>(1, sequence_at(text, 0)));
        if (fit.size() < text.size()) {
            auto const line_end = fit.rfind('\n');
            if (line_end != std::string_view::npos && line_end + 1 > fit.size() / 2)
                fit = fit.substr(0, line_end + 1);
        }
        pieces.emplace_back(fit);
        text.remove_prefix(fit.size());
    }
    if (pieces.empty())
        pieces.emplace_back();
    return pieces;
}

}  // namespace pg::adapters
