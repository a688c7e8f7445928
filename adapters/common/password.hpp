#pragma once
// Staff console passwords: PBKDF2-HMAC-SHA256 (OpenSSL). Chosen over scrypt
// because its cost is CPU only: a burst of logins cannot push a small host into
// swapping, and the OWASP figure (600,000 iterations) is easy to audit.
// Pure: the salt comes in as an argument (the gateway draws it from RAND_bytes).
// Slow by design: the gateway runs these on the blocking pool.
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::adapters {

inline constexpr std::uint32_t default_password_iterations = 600'000;

// The stored form, "pbkdf2-sha256$600000$<salt b64>$<hash b64>".
std::string hash_password(std::string_view password, std::string_view salt,
                          std::uint32_t iterations = default_password_iterations);

// False for a wrong password and for a malformed `encoded`; the hashes are
// compared in constant time.
bool verify_password(std::string_view password, std::string_view encoded);

}  // namespace pg::adapters
