#pragma once
// WXBizMsgCrypt: the signatures and the AES envelope WeChat Official Accounts
// (safe and compatible mode) and WeCom share. Pure: the token, the key, the
// random bytes and the time stamp all come in as arguments.
//
//   signature     = hex(SHA-1(sorted(token, timestamp, nonce) concatenated))
//   msg_signature = hex(SHA-1(sorted(token, timestamp, nonce, Encrypt) concatenated))
//   Encrypt       = base64(AES-256-CBC(key, iv = key[0..16),
//                          pkcs7_32(random16 | uint32 BE length | message | receiveid)))
//
// receiveid is the AppID (WeChat), the CorpID or the suite id (WeCom): decrypt
// checks it, since one EncodingAESKey may be shared by several accounts.
#include "model/result.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::adapters::wechat {

inline constexpr std::size_t encoding_aes_key_length = 43;  // characters of the console's EncodingAESKey
inline constexpr std::size_t random_prefix_bytes = 16;      // random bytes in front of each plaintext
inline constexpr std::size_t pad_block = 32;                // WXBizMsgCrypt pads to 32, not AES's 16

// Lower-case hex SHA-1 over the three (URL check, plain-mode POST) or four
// (msg_signature) values, sorted byte-wise and concatenated.
std::string signature(std::string_view token, std::string_view timestamp, std::string_view nonce);
std::string msg_signature(std::string_view token, std::string_view timestamp, std::string_view nonce,
                          std::string_view encrypted);

// `got` (as sent in the query) against `want`, in constant time. Empty never matches.
bool signature_matches(std::string_view got, std::string_view want);

// The AES-256 key; its first 16 bytes are the IV.
struct aes_key {
    std::array<unsigned char, 32> bytes{};
    bool operator==(aes_key const&) const = default;
};

// The console's EncodingAESKey (43 base64 characters) -> key. A key of another
// length or with other characters is a failure naming what is wrong (never the key).
model::result<aes_key> parse_encoding_aes_key(std::string_view encoding_aes_key);

// base64 ciphertext -> the message, after checking the padding (1..32, all
// equal), the length field and that the receiveid equals `receive_id`.
// Failures: malformed_body for bad base64, a cut or unpadded ciphertext and a
// length that does not fit; bad_signature for another receiveid. The detail
// starts with `field` ("Encrypt", "echostr"). Check msg_signature first (as
// open_push does): these checks are not constant-time, so an unsigned
// ciphertext must never reach them (a padding oracle).
model::result<std::string> decrypt(aes_key const& key, std::string_view ciphertext_base64,
                                   std::string_view receive_id, std::string_view field = "Encrypt");

// The message -> base64 ciphertext. `random16` must hold exactly 16 bytes (the
// gateway draws them with RAND_bytes); anything else is a bug: invalid_argument.
std::string encrypt(aes_key const& key, std::string_view message, std::string_view receive_id,
                    std::string_view random16);

// What a safe-mode passive reply carries: the encrypted reply and its signature.
struct reply_envelope {
    std::string encrypt;
    std::string msg_signature;
    std::string timestamp;  // Unix seconds, as text
    std::string nonce;
};

// Encrypts `reply_xml` and signs it with (token, timestamp, nonce, Encrypt).
reply_envelope seal_reply(std::string_view reply_xml, std::string_view token, aes_key const& key,
                          std::string_view receive_id, std::string_view random16, std::int64_t timestamp_seconds,
                          std::string_view nonce);

}  // namespace pg::adapters::wechat
