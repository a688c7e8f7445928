#pragma once
// The stored form of a staff password: "pbkdf2-sha256$<iterations>$<salt>$<hash>"
// with salt and hash in standard base64. Self-describing, so the iteration count
// can rise without invalidating older hashes, and tests can use cheap ones.
// Only the format lives here (std only); the KDF is adapters/common/password.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pg::model {

struct password_hash {
    std::uint32_t iterations = 0;
    std::string salt;  // raw bytes
    std::string hash;  // raw bytes, 32 for SHA-256
};

inline constexpr std::string_view password_scheme = "pbkdf2-sha256";
inline constexpr std::uint32_t max_password_iterations = 100'000'000;
inline constexpr std::size_t min_salt_bytes = 8;

// nullopt with `why` set ("iterations: expected 1 to 100000000") when malformed.
std::optional<password_hash> parse_password_hash(std::string_view encoded, std::string& why);
std::string format_password_hash(password_hash const& h);

// Standard base64 with padding (RFC 4648 section 4).
std::string to_base64(std::string_view bytes);
std::optional<std::string> from_base64(std::string_view text);

}  // namespace pg::model
