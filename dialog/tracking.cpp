#include "dialog/tracking.hpp"

#include "dialog/input.hpp"

namespace pg::dialog {
namespace {

constexpr std::string_view alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford: no I L O U
constexpr int half_bits = 20;
constexpr std::uint64_t half_mask = (1u << half_bits) - 1;

std::uint64_t mix(std::uint64_t x)  // splitmix64 finalizer
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::uint64_t key_seed(std::string_view key)  // FNV-1a
{
    std::uint64_t h = 0xcbf29ce484222325ULL;
    for (unsigned char c : key) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// A balanced Feistel network over 40 bits is a bijection: distinct numbers give
// distinct tracking numbers while they stay below 2^40.
std::uint64_t permute(std::uint64_t n, std::uint64_t seed)
{
    std::uint64_t left = (n >> half_bits) & half_mask, right = n & half_mask;
    for (std::uint64_t round = 0; round < 4; ++round) {
        auto const f = mix(right ^ seed ^ (round << 56)) & half_mask;
        auto const next = left ^ f;
        left = right;
        right = next;
    }
    return (left << half_bits) | right;
}

}  // namespace

std::string tracking_number(std::uint64_t petition_number, std::string_view key)
{
    auto v = permute(petition_number & ((1ULL << 40) - 1), key_seed(key));
    std::string out(9, '-');
    for (int i = 8; i >= 0; --i) {
        if (i == 4)
            continue;
        out[std::size_t(i)] = alphabet[v & 31];
        v >>= 5;
    }
    return out;
}

std::optional<std::string> normalize_tracking(std::string_view typed)
{
    std::string chars;
    for (char c : fold(typed)) {  // full-width keyboards and a trailing full stop are common
        if (c == ' ' || c == '-' || c == '#')
            continue;
        if (c >= 'a' && c <= 'z')
            c = char(c - 'a' + 'A');
        if (c == 'O') c = '0';
        if (c == 'I' || c == 'L') c = '1';
        if (alphabet.find(c) == std::string_view::npos)
            return std::nullopt;
        chars.push_back(c);
        if (chars.size() > 8)
            return std::nullopt;
    }
    if (chars.size() != 8)
        return std::nullopt;
    return chars.substr(0, 4) + "-" + chars.substr(4);
}

}  // namespace pg::dialog
