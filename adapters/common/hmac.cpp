#include "adapters/common/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace pg::adapters {

std::string hmac_sha256(std::string_view key, std::string_view message)
{
    // An empty string_view may hold a null pointer; OpenSSL wants a real one.
    static constexpr unsigned char nothing[1] = {0};
    auto const bytes = [](std::string_view s) {
        return s.empty() ? nothing : reinterpret_cast<unsigned char const*>(s.data());
    };
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), bytes(key), static_cast<int>(key.size()), bytes(message), message.size(), digest,
             &length) == nullptr)
        throw std::runtime_error("HMAC-SHA256 failed");  // only when OpenSSL itself is broken: a bug, not input
    return std::string(reinterpret_cast<char const*>(digest), length);
}

std::string to_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char const c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0x0F];
    }
    return out;
}

}  // namespace pg::adapters
