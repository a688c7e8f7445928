#pragma once
// ASCII case folding for protocol tokens (header names, cookie names, command
// words): locale-free, and never touching bytes above 0x7f.
#include <algorithm>
#include <string_view>

namespace pg::model {

constexpr char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

constexpr bool iequals_ascii(std::string_view a, std::string_view b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace pg::model
