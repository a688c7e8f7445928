#include "model/password_hash.hpp"

#include <charconv>
#include <vector>

namespace pg::model {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    for (;;) {
        auto const at = s.find(sep);
        out.push_back(s.substr(0, at));
        if (at == std::string_view::npos)
            return out;
        s.remove_prefix(at + 1);
    }
}

}  // namespace

std::string to_base64(std::string_view bytes)
{
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[v & 63] : '=';
    }
    return out;
}

std::optional<std::string> from_base64(std::string_view text)
{
    if (text.size() % 4 != 0)
        return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool const last = i + 4 == text.size();
        int const pad = (text[i + 3] == '=') + (text[i + 2] == '=');
        if (pad > 0 && !last)
            return std::nullopt;
        if (pad == 1 && text[i + 2] == '=')
            return std::nullopt;  // "x=y=" is not padding
        std::uint32_t v = 0;
        for (int k = 0; k < 4 - pad; ++k) {
            int const s = sextet(text[i + k]);
            if (s < 0)
                return std::nullopt;
            v |= static_cast<std::uint32_t>(s) << (18 - 6 * k);
        }
        out += static_cast<char>((v >> 16) & 0xFF);
        if (pad < 2) out += static_cast<char>((v >> 8) & 0xFF);
        if (pad < 1) out += static_cast<char>(v & 0xFF);
    }
    return out;
}

std::optional<password_hash> parse_password_hash(std::string_view encoded, std::string& why)
{
    auto const parts = split(encoded, '$');
    if (parts.size() != 4) {
        why = "expected " + std::string(password_scheme) + "$<iterations>$<salt base64>$<hash base64>";
        return std::nullopt;
    }
    if (parts[0] != password_scheme) {
        why = "scheme: expected \"" + std::string(password_scheme) + "\"";
        return std::nullopt;
    }
    password_hash h;
    auto const it = parts[1];
    auto [p, ec] = std::from_chars(it.data(), it.data() + it.size(), h.iterations);
    if (it.empty() || ec != std::errc{} || p != it.data() + it.size() || h.iterations < 1 ||
        h.iterations > max_password_iterations) {
        why = "iterations: expected 1 to " + std::to_string(max_password_iterations);
        return std::nullopt;
    }
    auto salt = from_base64(parts[2]);
    if (!salt || salt->size() < min_salt_bytes) {
        why = "salt: expected base64 of at least " + std::to_string(min_salt_bytes) + " bytes";
        return std::nullopt;
    }
    auto hash = from_base64(parts[3]);
    if (!hash || hash->size() != 32) {
        why = "hash: expected base64 of 32 bytes";
        return std::nullopt;
    }
    h.salt = std::move(*salt);
    h.hash = std::move(*hash);
    return h;
}

std::string format_password_hash(password_hash const& h)
{
    return std::string(password_scheme) + "$" + std::to_string(h.iterations) + "$" + to_base64(h.salt) + "$" +
           to_base64(h.hash);
}

}  // namespace pg::model
