#pragma once
// Base64 for the fake platforms (OpenSSL's, written apart from adapters/ so a
// fake never shares a bug with the code it checks).
#include <openssl/evp.h>

#include <optional>
#include <string>

namespace pg::testing {

inline std::string base64(std::string const& bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

inline std::optional<std::string> unbase64(std::string const& text)
{
    if (text.empty() || text.size() % 4 != 0)
        return std::nullopt;
    std::string out(text.size() / 4 * 3, '\0');
    int const n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(text.data()), static_cast<int>(text.size()));
    if (n < 0)
        return std::nullopt;
    // EVP_DecodeBlock counts the bytes the '=' padding stands for; drop them.
    std::size_t const pad = text.ends_with("==") ? 2 : text.ends_with('=') ? 1 : 0;
    out.resize(static_cast<std::size_t>(n) - pad);
    return out;
}

}  // namespace pg::testing
