#include "adapters/common/password.hpp"

#include "adapters/common/secret.hpp"
#include "model/password_hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace pg::adapters {
namespace {

std::string pbkdf2(std::string_view password, std::string_view salt, std::uint32_t iterations)
{
    // An empty string_view may hold a null pointer; OpenSSL wants a real one.
    static constexpr char nothing[1] = {0};
    std::string out(32, '\0');
    if (PKCS5_PBKDF2_HMAC(password.empty() ? nothing : password.data(), static_cast<int>(password.size()),
                          reinterpret_cast<unsigned char const*>(salt.empty() ? nothing : salt.data()),
                          static_cast<int>(salt.size()), static_cast<int>(iterations), EVP_sha256(),
                          static_cast<int>(out.size()), reinterpret_cast<unsigned char*>(out.data())) != 1)
        throw std::runtime_error("PBKDF2-HMAC-SHA256 failed");  // only when OpenSSL itself is broken
    return out;
}

}  // namespace

std::string hash_password(std::string_view password, std::string_view salt, std::uint32_t iterations)
{
    return model::format_password_hash({iterations, std::string(salt), pbkdf2(password, salt, iterations)});
}

bool verify_password(std::string_view password, std::string_view encoded)
{
    std::string why;
    auto const h = model::parse_password_hash(encoded, why);
    if (!h)
        return false;
    return same_secret(pbkdf2(password, h->salt, h->iterations), h->hash);
}

}  // namespace pg::adapters
