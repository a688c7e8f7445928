#include "adapters/common/secret.hpp"

#include <openssl/crypto.h>

namespace pg::adapters {

bool same_secret(std::string_view got, std::string_view want)
{
    return got.size() == want.size() && CRYPTO_memcmp(got.data(), want.data(), got.size()) == 0;
}

}  // namespace pg::adapters
