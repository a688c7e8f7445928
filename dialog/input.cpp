#include "dialog/input.hpp"

#include <cstdint>

namespace pg::dialog {
namespace {

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The byte length of the sequence that starts with c. Stray bytes count as one,
// so malformed input is carried through instead of lost.
std::size_t sequence_length(unsigned char c)
{
    if (c >= 0xF0) return 4;
    if (c >= 0xE0) return 3;
    if (c >= 0xC0) return 2;
    return 1;
}

struct decoded {
    char32_t cp;
    std::size_t length;
};

decoded decode(std::string_view s, std::size_t i)
{
    auto const lead = static_cast<unsigned char>(s[i]);
    auto const n = sequence_length(lead);
    if (n == 1 || i + n > s.size())
        return {lead, 1};
    char32_t cp = lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
        auto const c = static_cast<unsigned char>(s[i + k]);
        if (!is_continuation(c))
            return {lead, 1};
        cp = (cp << 6) | (c & 0x3F);
    }
    return {cp, n};
}

void append_utf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out.push_back(char(cp));
    } else if (cp < 0x800) {
        out.push_back(char(0xC0 | (cp >> 6)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(char(0xE0 | (cp >> 12)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(char(0xF0 | (cp >> 18)));
        out.push_back(char(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(char(0x80 | (cp & 0x3F)));
    }
}

constexpr char32_t ideographic_space = 0x3000;

bool is_space(char32_t cp)
{
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == ideographic_space || cp == 0xA0;
}

// White space beyond is_space (which is what trim strips): the Unicode spaces and line breaks.
bool is_unicode_space(char32_t cp)
{
    return is_space(cp) || cp == 0x85 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
           cp == 0x2029 || cp == 0x202F || cp == 0x205F;
}

// Characters that take no visible room on their own (format characters, fillers).
bool is_invisible(char32_t cp)
{
    return cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x115F || cp == 0x1160 || cp == 0x17B4 ||
           cp == 0x17B5 || (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) || cp == 0x3164 ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

// Full stop, comma, exclamation and question marks, after full-width folding;
// U+3002 is the ideographic full stop.
bool is_trailing_punctuation(char32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == ',' || cp == 0x3002;
}

}  // namespace

std::string_view trim(std::string_view text)
{
    std::size_t begin = 0;
    while (begin < text.size()) {
        auto const d = decode(text, begin);
        if (!is_space(d.cp))
            break;
        begin += d.length;
    }
    std::size_t end = text.size();
    while (end > begin) {
        std::size_t start = end - 1;
        while (start > begin && is_continuation(static_cast<unsigned char>(text[start])))
            --start;
        if (!is_space(decode(text, start).cp))
            break;
        end = start;
    }
    return text.substr(begin, end - begin);
}

std::string fold(std::string_view text)
{
    std::u32string cps;
    for (std::size_t i = 0; i < text.size();) {
        auto d = decode(text, i);
        i += d.length;
        if (d.cp >= 0xFF01 && d.cp <= 0xFF5E)  // full-width ASCII block
            d.cp -= 0xFEE0;
        if (d.cp >= 'A' && d.cp <= 'Z')
            d.cp += 'a' - 'A';
        if (is_space(d.cp)) {
            if (!cps.empty() && cps.back() != ' ')
                cps.push_back(' ');
            continue;
        }
        cps.push_back(d.cp);
    }
    while (!cps.empty() && (cps.back() == ' ' || is_trailing_punctuation(cps.back())))
        cps.pop_back();
    std::string out;
    for (auto cp : cps)
        append_utf8(out, cp);
    return out;
}

std::optional<std::size_t> list_number(std::string_view folded)
{
    if (!folded.empty() && folded.back() == ')')
        folded.remove_suffix(1);
    if (folded.empty() || folded.size() > 3)
        return std::nullopt;
    std::size_t n = 0;
    for (char c : folded) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + std::size_t(c - '0');
    }
    if (n == 0)
        return std::nullopt;
    return n;
}

std::optional<std::string> slash_command(std::string_view folded)
{
    if (folded.size() < 2 || folded.front() != '/')
        return std::nullopt;
    auto name = folded.substr(1);
    name = name.substr(0, name.find_first_of("@ "));  // "/help@city_bot", "/start payload"
    if (name.empty())
        return std::nullopt;
    return std::string(name);
}

std::vector<std::string> word_list(std::string_view list)
{
    std::vector<std::string> words;
    while (!list.empty()) {
        auto const bar = list.find('|');
        auto word = fold(list.substr(0, bar));
        if (!word.empty())
            words.push_back(std::move(word));
        if (bar == std::string_view::npos)
            break;
        list.remove_prefix(bar + 1);
    }
    return words;
}

std::size_t code_points(std::string_view utf8)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < utf8.size(); i += decode(utf8, i).length)
        ++n;
    return n;
}

std::size_t visible_characters(std::string_view utf8)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        auto const d = decode(utf8, i);
        if (!is_unicode_space(d.cp) && !is_invisible(d.cp))
            ++n;
        i += d.length;
    }
    return n;
}

std::size_t utf16_units(std::string_view utf8)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        auto const d = decode(utf8, i);
        n += d.cp >= 0x10000 ? 2 : 1;
        i += d.length;
    }
    return n;
}

std::size_t display_width(std::string_view utf8)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < utf8.size();) {
        auto const d = decode(utf8, i);
        auto const cp = d.cp;
        bool const wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                          (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                          (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                          (cp >= 0xFFE0 && cp <= 0xFFE6) || cp >= 0x1F300;
        n += wide ? 2 : 1;
        i += d.length;
    }
    return n;
}

std::string clip(std::string_view utf8, std::size_t max_units)
{
    if (utf16_units(utf8) <= max_units)
        return std::string(utf8);
    if (max_units == 0)
        return {};
    std::string_view const ellipsis = "\u2026";
    std::size_t units = 0, i = 0;
    while (i < utf8.size()) {
        auto const d = decode(utf8, i);
        auto const u = d.cp >= 0x10000 ? 2u : 1u;
        if (units + u > max_units - 1)  // one unit stays free for the ellipsis
            break;
        units += u;
        i += d.length;
    }
    return std::string(utf8.substr(0, i)) + std::string(ellipsis);
}

std::vector<std::string> split_units(std::string_view text, std::size_t max_units)
{
    std::vector<std::string> pieces;
    if (max_units < 2)
        max_units = 2;  // room for any code point
    while (utf16_units(text) > max_units) {
        std::size_t units = 0, i = 0, line_end = std::string_view::npos;
        while (i < text.size()) {
            auto const lead = static_cast<unsigned char>(text[i]);
            std::size_t const length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            std::size_t const u = length == 4 ? 2 : 1;
            if (units + u > max_units)
                break;
            if (text[i] == '\n')
                line_end = i + 1;
            units += u;
            i = std::min(text.size(), i + length);
        }
        // A line break in the second half is a better place to cut than mid-sentence.
        auto const cut = line_end != std::string_view::npos && line_end > i / 2 ? line_end : i;
        pieces.emplace_back(text.substr(0, cut));
        text.remove_prefix(cut);
    }
    if (!text.empty() || pieces.empty())
        pieces.emplace_back(text);
    return pieces;
}

}  // namespace pg::dialog
