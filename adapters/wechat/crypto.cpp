#include "adapters/wechat/crypto.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/secret.hpp"
#include "model/password_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace pg::adapters::wechat {
namespace {

model::failure malformed(std::string detail) { return {model::errc::malformed_body, std::move(detail)}; }

std::string sha1_hex_of_sorted(std::string_view* parts, std::size_t n)
{
    std::sort(parts, parts + n);
    std::string joined;
    for (std::size_t i = 0; i < n; ++i)
        joined += parts[i];
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(joined.data(), joined.size(), digest, &length, EVP_sha1(), nullptr) != 1)
        throw std::runtime_error("SHA-1 failed");  // only when OpenSSL itself is broken
    return to_hex(std::string_view(reinterpret_cast<char const*>(digest), length));
}

bool is_base64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

// AES-256-CBC over whole blocks, the cipher's own padding off (WXBizMsgCrypt pads by hand).
std::string aes_cbc(aes_key const& key, std::string_view in, bool encrypting)
{
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    std::string out(in.size() + 16, '\0');
    int n = 0, tail = 0;
    auto const* k = key.bytes.data();
    auto* o = reinterpret_cast<unsigned char*>(out.data());
    auto const* i = reinterpret_cast<unsigned char const*>(in.data());
    bool const ok = ctx && EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k, encrypting ? 1 : 0) == 1 &&
                    EVP_CIPHER_CTX_set_padding(ctx.get(), 0) == 1 &&
                    EVP_CipherUpdate(ctx.get(), o, &n, i, static_cast<int>(in.size())) == 1 &&
                    EVP_CipherFinal_ex(ctx.get(), o + n, &tail) == 1;
    if (!ok)  // whole blocks only reach here: a failure is OpenSSL's, not the input's
        throw std::runtime_error("AES-256-CBC failed");
    out.resize(static_cast<std::size_t>(n + tail));
    return out;
}

}  // namespace

std::string signature(std::string_view token, std::string_view timestamp, std::string_view nonce)
{
    std::string_view parts[] = {token, timestamp, nonce};
    return sha1_hex_of_sorted(parts, 3);
}

std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypted)
{
    std::string_view parts[] = {token, timestamp, nonce, encrypted};
    return sha1_hex_of_sorted(parts, 4);
}

bool signature_matches(std::string_view got, std::string_view want)
{
    return !got.empty() && same_secret(got, want);
}

model::result<aes_key> parse_encoding_aes_key(std::string_view encoding_aes_key)
{
    if (encoding_aes_key.size() != encoding_aes_key_length)
        return malformed("EncodingAESKey: expected " + std::to_string(encoding_aes_key_length) +
                         " characters, found " + std::to_string(encoding_aes_key.size()));
    if (!std::all_of(encoding_aes_key.begin(), encoding_aes_key.end(), is_base64_char))
        return malformed("EncodingAESKey: expected base64 characters only (A-Z, a-z, 0-9, + and /)");
    // 43 characters and one "=" are 32 bytes; the last character's two spare bits
    // are dropped, as WeChat's own samples do.
    auto const raw = model::from_base64(std::string(encoding_aes_key) + "=");
    if (!raw || raw->size() != 32)
        return malformed("EncodingAESKey: not base64 of 32 bytes");
    aes_key key;
    std::copy(raw->begin(), raw->end(), key.bytes.begin());
    return key;
}

model::result<std::string> decrypt(aes_key const& key, std::string_view ciphertext_base64, std::string_view receive_id,
                                   std::string_view field)
{
    std::string const f(field);
    auto const cipher = model::from_base64(ciphertext_base64);
    if (!cipher)
        return malformed(f + ": not base64");
    if (cipher->empty() || cipher->size() % 16 != 0)
        return malformed(f + ": not a whole number of AES blocks");
    auto plain = aes_cbc(key, *cipher, false);

    // PKCS#7 to 32-byte blocks: the last byte says how many bytes (1..32) are padding.
    auto const pad = static_cast<unsigned char>(plain.back());
    if (pad < 1 || pad > pad_block || pad > plain.size())
        return malformed(f + ": bad padding (a wrong EncodingAESKey?)");
    for (std::size_t i = plain.size() - pad; i < plain.size(); ++i)
        if (static_cast<unsigned char>(plain[i]) != pad)
            return malformed(f + ": bad padding (a wrong EncodingAESKey?)");
    plain.resize(plain.size() - pad);

    if (plain.size() < random_prefix_bytes + 4)
        return malformed(f + ": too short for its length field");
    std::size_t length = 0;
    for (std::size_t i = 0; i < 4; ++i)
        length = length << 8 | static_cast<unsigned char>(plain[random_prefix_bytes + i]);
    auto const body = random_prefix_bytes + 4;
    if (length > plain.size() - body)
        return malformed(f + ": message length " + std::to_string(length) + " exceeds the " +
                         std::to_string(plain.size() - body) + " bytes decrypted");
    auto const got_receiver = std::string_view(plain).substr(body + length);
    if (got_receiver != receive_id)
        return model::failure{model::errc::bad_signature,
                              f + ": receiveid does not match this channel's AppID / CorpID"};
    return plain.substr(body, length);
}

std::string encrypt(aes_key const& key, std::string_view message, std::string_view receive_id,
                    std::string_view random16)
{
    if (random16.size() != random_prefix_bytes)
        throw std::invalid_argument("wechat::encrypt: random16 must hold exactly 16 bytes");
    if (message.size() > 0xFFFF'FFFFu)
        throw std::invalid_argument("wechat::encrypt: message longer than its 32-bit length field");
    std::string plain(random16);
    auto const n = static_cast<std::uint32_t>(message.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        plain += static_cast<char>((n >> shift) & 0xFF);
    plain += message;
    plain += receive_id;
    auto const pad = pad_block - plain.size() % pad_block;  // 1..32: a full block when already aligned
    plain.append(pad, static_cast<char>(pad));
    return model::to_base64(aes_cbc(key, plain, true));
}

reply_envelope seal_reply(std::string_view reply_xml, std::string_view token, aes_key const& key,
                          std::string_view receive_id, std::string_view random16, std::int64_t timestamp_seconds,
                          std::string_view nonce)
{
    reply_envelope e;
    e.encrypt = encrypt(key, reply_xml, receive_id, random16);
    e.timestamp = std::to_string(timestamp_seconds);
    e.nonce = std::string(nonce);
    e.msg_signature = msg_signature(token, e.timestamp, e.nonce, e.encrypt);
    return e;
}

}  // namespace pg::adapters::wechat
