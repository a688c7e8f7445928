#include "adapters/common/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>

namespace pg::adapters {

namespace {

std::string hmac(EVP_MD const* md, char const* name, std::string_view key, std::string_view message)
{
    // An empty string_view may hold a null pointer; OpenSSL wants a real one.
    static constexpr unsigned char nothing[1] = {0};
    auto const bytes = [](std::string_view s) {
        return s.empty() ? nothing : reinterpret_cast<unsigned char const*>(s.data());
    };
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(md, bytes(key), static_cast<int>(key.size()), bytes(message), message.size(), digest,
             &length) == nullptr)
        throw std::runtime_error(std::string(name) + " failed");  // only when OpenSSL itself is broken: a bug, not input
    return std::string(reinterpret_cast<char const*>(digest), length);
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view message)
{
    return hmac(EVP_sha256(), "HMAC-SHA256", key, message);
}

std::string hmac_sha1(std::string_view key, std::string_view message)
{
    return hmac(EVP_sha1(), "HMAC-SHA1", key, message);
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
