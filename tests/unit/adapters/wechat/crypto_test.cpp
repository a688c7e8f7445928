#include "adapters/wechat/crypto.hpp"

#include "adapters/common/hmac.hpp"
#include "model/password_hash.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::wechat {
namespace {

using model::errc;

// Tencent's own sample (WeCom "加解密方案说明" and every WXBizMsgCrypt sample library):
// token, CorpID and EncodingAESKey, a URL check and a push. Checked independently with
// Python (hashlib.sha1 over the sorted parts; cryptography's AES-CBC, base64 of key+"=").
constexpr char const* tencent_token = "QDG6eK";
constexpr char const* tencent_corp = "wx5823bf96d3bd56c7";
constexpr char const* tencent_key = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
constexpr char const* tencent_echostr =
    "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
constexpr char const* tencent_push =
    "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3"
    "TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gs"
    "ijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUa"
    "x5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIG"
    "HBZZIs2pDBS8R07+qN+E7Q==";

// Our own vectors, made by make_vectors.py beside this file (hashlib + cryptography):
// key "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", AppID
// "wx0123456789abcdef", token "pg-token-2026", random prefix bytes 00 01 .. 0f.
constexpr char const* our_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr char const* our_key_hex = "69b71d79f8218a39259a7a29aabb2dbafc31cb3d35db7e39ebbf3d0010831051";
constexpr char const* our_app = "wx0123456789abcdef";
constexpr char const* our_token = "pg-token-2026";
std::string const our_random("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 16);

std::string const our_message =
    "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oABCD1234_citizen]]>"
    "</FromUserName>\n<CreateTime>1764328479</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA["
    "\xe8\xb7\xaf\xe7\x81\xaf\xe5\x9d\x8f\xe4\xba\x86\xe4\xb8\x80\xe5\x91\xa8"  // 路灯坏了一周
    "]]></Content>\n<MsgId>23456789012345678901</MsgId>\n</xml>";
constexpr char const* our_message_ct =
    "IG+0eOkLdhYW9kHtuT3HY8TG87hc45Kdhut1+tjYt50zUtLga41XNZSqPUjktQ3EJ8O+2qCtDaDQro/EGJGGs3PRUtFSylFYR+XJZ4QPhyUqsZII"
    "VpoOHmdqg6kMsZO804qE3/ZByVqY44t8KdZwkewGRrg9ukYtiRACNt7bqzDdJW2pk0BPlCNr+8G4lJmaug310dmNl40JTPauIA/8LgILYj/VYsVd"
    "08t9XfhLeKTfdC2Ql4PS63pLV+MD70grS2Z+VdFnBBA1jRCFRE5Rju6a1wq814ZT7BCacKTxBCq4KUBgwsvgqtCR5NVaczvIkf+p9WcFskUu92nM"
    "EcFs1Y+Dw4HLCTGIJuYp8xPUsQTBtS508sbxLcjsFCDgLK+KPH1xb2s/74+UJL+cSy6S+NX1McR6oe4bn2FP3if6I7A=";
// 26 'x': random + length + message + AppID fill exactly 64 bytes, so a whole block of 32 x 0x20 pads it.
constexpr char const* aligned_ct =
    "IG+0eOkLdhYW9kHtuT3HY0O5yvzAk38uH0gPybMa9buiEB1FUwFwqLgyHbni+0/NaFLKLbvuUaLR6Sl45F5YD7LsBFHyQZKMm75WS8TvY7z/ZG9N"
    "MsQ2c5mPhvqIgwpT";
// Hand-built plaintexts (random | length | "hello" | AppID = 43 bytes, then 21 bytes), encrypted raw:
constexpr char const* hello_ct =  // proper: 21 x 0x15
    "IG+0eOkLdhYW9kHtuT3HY3A7j01e22qBuqxM7EkL3NqHTQJRVp9PmqPPlE3rX0uGccZPoHs9igNwFLnGB7YWpg==";
constexpr char const* pad0_ct =  // 21 x 0x00
    "IG+0eOkLdhYW9kHtuT3HY3A7j01e22qBuqxM7EkL3NqA55UWQWW8eAuW9RzgiPxGtq/i34TDF32XsYNjLhJuvg==";
constexpr char const* pad33_ct =  // 20 x 0x15, then 0x21
    "IG+0eOkLdhYW9kHtuT3HY3A7j01e22qBuqxM7EkL3NqHTQJRVp9PmqPPlE3rX0uGfOhP8/KbkOB8ZNz6QtO6Ew==";
constexpr char const* pad_mixed_ct =  // 10 x 0x15, 0x14, 10 x 0x15
    "IG+0eOkLdhYW9kHtuT3HY3A7j01e22qBuqxM7EkL3NqHTQJRVp9PmqPPlE3rX0uGCNMJBexZo1BPVgGIrTbSiA==";
constexpr char const* pad48_ct =  // random, then 48 x 0x30: consistent, fits, but more than 32
    "IG+0eOkLdhYW9kHtuT3HYyb3JyEplPeqD+iz0x5OKoIwftzKjVjuss6xfM5D2Bp+GovteTK120UUYfowgMjr4w==";
constexpr char const* long_ct =  // length field 500 for "hello"
    "IG+0eOkLdhYW9kHtuT3HY+lTPA8xKXIdac++6jBnXJQQuBSBjWKql6oOeFAXva8I1jmfusOeeJD7FRdCPjigew==";
constexpr char const* short_ct =  // random, 2 bytes, 14 x 0x0e: no room for the length field
    "IG+0eOkLdhYW9kHtuT3HYx/qUOcm0+9SHwRnpOIYWbo=";
constexpr char const* other_app_ct =  // "hello" for receiveid "wx_other_account"
    "IG+0eOkLdhYW9kHtuT3HYzGdHvf8/l7uoyAOvsEUeXGurw78OPFHG0GPaprMV8FPdZykqsMjn2mFMKq+5dmRMw==";

aes_key key_of(char const* encoding)
{
    auto k = parse_encoding_aes_key(encoding);
    EXPECT_TRUE(k) << (k ? "" : k.error().detail);
    return k ? *k : aes_key{};
}

TEST(wechat_crypto, signature_matches_tencents_sample)
{
    EXPECT_EQ(msg_signature(tencent_token, "1409659589", "263014780", tencent_echostr),
              "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
    EXPECT_EQ(msg_signature(tencent_token, "1409659813", "1372623149", tencent_push),
              "477715d11cdb4164915debcba66cb864d751f3e6");
}

TEST(wechat_crypto, signature_sorts_its_parts)
{
    // Python: hashlib.sha1("".join(sorted([token, "1764328479", "nonce42"])).encode()).hexdigest()
    EXPECT_EQ(signature(our_token, "1764328479", "nonce42"), "11250c14657cdd66d6a0f119bf652896787c2e4a");
    // The order given does not matter: the parts are sorted first.
    EXPECT_EQ(signature("nonce42", our_token, "1764328479"), "11250c14657cdd66d6a0f119bf652896787c2e4a");
    EXPECT_EQ(msg_signature(our_token, "1764328479", "nonce42", our_message_ct),
              "ae8ed052dfa175701196770c3e7b117c0978f508");
    EXPECT_EQ(msg_signature(our_message_ct, "nonce42", "1764328479", our_token),
              "ae8ed052dfa175701196770c3e7b117c0978f508");
}

TEST(wechat_crypto, signature_matches_compares_whole_values)
{
    std::string const good = "11250c14657cdd66d6a0f119bf652896787c2e4a";
    EXPECT_TRUE(signature_matches(good, good));
    EXPECT_FALSE(signature_matches("", ""));  // nothing sent never matches
    EXPECT_FALSE(signature_matches(good.substr(0, 39), good));
    EXPECT_FALSE(signature_matches(good + "0", good));
    EXPECT_FALSE(signature_matches("11250c14657cdd66d6a0f119bf652896787c2e4b", good));
    EXPECT_FALSE(signature_matches("11250C14657CDD66D6A0F119BF652896787C2E4A", good));  // WeChat sends lower case
}

TEST(wechat_crypto, encoding_aes_key_is_base64_of_32_bytes)
{
    // Python: base64.b64decode(key + "=").hex()
    EXPECT_EQ(to_hex(std::string_view(reinterpret_cast<char const*>(key_of(our_key).bytes.data()), 32)), our_key_hex);
}

TEST(wechat_crypto, encoding_aes_key_of_a_wrong_form_is_refused)
{
    struct case_ { char const* name; std::string key; std::string detail; };
    case_ const cases[] = {
        {"empty", "", "EncodingAESKey: expected 43 characters, found 0"},
        {"42 characters", std::string(our_key).substr(0, 42), "EncodingAESKey: expected 43 characters, found 42"},
        {"44 characters (padded)", std::string(our_key) + "=", "EncodingAESKey: expected 43 characters, found 44"},
        {"URL-safe alphabet", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF-",
         "EncodingAESKey: expected base64 characters only (A-Z, a-z, 0-9, + and /)"},
        {"space", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF ",
         "EncodingAESKey: expected base64 characters only (A-Z, a-z, 0-9, + and /)"},
        {"padding inside", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF=",
         "EncodingAESKey: expected base64 characters only (A-Z, a-z, 0-9, + and /)"},
    };
    for (auto const& c : cases) {
        auto k = parse_encoding_aes_key(c.key);
        ASSERT_FALSE(k) << c.name;
        EXPECT_EQ(k.error().detail, c.detail) << c.name;
    }
}

TEST(wechat_crypto, decrypts_tencents_sample)
{
    auto const key = key_of(tencent_key);
    auto echo = decrypt(key, tencent_echostr, tencent_corp, "echostr");
    ASSERT_TRUE(echo) << echo.error().detail;
    EXPECT_EQ(*echo, "1616140317555161061");

    auto push = decrypt(key, tencent_push, tencent_corp);
    ASSERT_TRUE(push) << push.error().detail;
    EXPECT_EQ(*push,
              "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]>"
              "</FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
              "<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n"
              "</xml>");
}

TEST(wechat_crypto, encrypt_matches_the_reference_byte_for_byte)
{
    auto const key = key_of(our_key);
    EXPECT_EQ(encrypt(key, our_message, our_app, our_random), our_message_ct);
    EXPECT_EQ(encrypt(key, std::string(26, 'x'), our_app, our_random), aligned_ct);  // a whole block of padding
    EXPECT_EQ(encrypt(key, "hello", our_app, our_random), hello_ct);
}

TEST(wechat_crypto, decrypts_the_reference)
{
    auto const key = key_of(our_key);
    struct case_ { char const* name; char const* ct; std::string message; };
    case_ const cases[] = {
        {"CJK text message", our_message_ct, our_message},
        {"pad of 32", aligned_ct, std::string(26, 'x')},
        {"pad of 21", hello_ct, "hello"},
    };
    for (auto const& c : cases) {
        auto m = decrypt(key, c.ct, our_app);
        ASSERT_TRUE(m) << c.name << ": " << m.error().detail;
        EXPECT_EQ(*m, c.message) << c.name;
    }
}

TEST(wechat_crypto, round_trips_every_length_across_two_blocks)
{
    auto const key = key_of(our_key);
    for (std::size_t n = 0; n <= 70; ++n) {  // every pad value 1..32 comes up
        std::string const message(n, static_cast<char>('a' + n % 26));
        auto const ct = encrypt(key, message, our_app, our_random);
        EXPECT_EQ(model::from_base64(ct)->size() % 32, 0u) << n;  // padded to 32, not 16
        auto back = decrypt(key, ct, our_app);
        ASSERT_TRUE(back) << n << ": " << back.error().detail;
        EXPECT_EQ(*back, message) << n;
    }
}

TEST(wechat_crypto, refuses_bad_ciphertexts_with_a_clear_reason)
{
    auto const key = key_of(our_key);
    auto const valid = *model::from_base64(hello_ct);
    struct case_ { char const* name; std::string ct; errc code; std::string detail; };
    case_ const cases[] = {
        {"not base64", "IG+0eOkL!!", errc::malformed_body, "Encrypt: not base64"},
        {"base64 cut short", std::string(hello_ct).substr(0, 30), errc::malformed_body, "Encrypt: not base64"},
        {"empty", "", errc::malformed_body, "Encrypt: not a whole number of AES blocks"},
        {"cut mid-block", model::to_base64(valid.substr(0, 50)), errc::malformed_body,
         "Encrypt: not a whole number of AES blocks"},
        {"cut at a block", model::to_base64(valid.substr(0, 48)), errc::malformed_body,
         "Encrypt: bad padding (a wrong EncodingAESKey?)"},
        {"pad byte 0", pad0_ct, errc::malformed_body, "Encrypt: bad padding (a wrong EncodingAESKey?)"},
        {"pad byte 33", pad33_ct, errc::malformed_body, "Encrypt: bad padding (a wrong EncodingAESKey?)"},
        {"pad bytes differ", pad_mixed_ct, errc::malformed_body, "Encrypt: bad padding (a wrong EncodingAESKey?)"},
        {"pad 48, all equal", pad48_ct, errc::malformed_body, "Encrypt: bad padding (a wrong EncodingAESKey?)"},
        {"no room for the length", short_ct, errc::malformed_body, "Encrypt: too short for its length field"},
        {"length beyond the end", long_ct, errc::malformed_body,
         "Encrypt: message length 500 exceeds the 23 bytes decrypted"},
        {"another account's", other_app_ct, errc::bad_signature,
         "Encrypt: receiveid does not match this channel's AppID / CorpID"},
    };
    for (auto const& c : cases) {
        auto m = decrypt(key, c.ct, our_app);
        ASSERT_FALSE(m) << c.name;
        EXPECT_EQ(m.error().code, c.code) << c.name;
        EXPECT_EQ(m.error().detail, c.detail) << c.name;
    }
}

TEST(wechat_crypto, receiveid_must_match_exactly)
{
    auto const key = key_of(our_key);
    for (std::string rid : {"", "wx0123456789abcde", "wx0123456789abcdef0", "WX0123456789ABCDEF"}) {
        auto m = decrypt(key, hello_ct, rid);
        ASSERT_FALSE(m) << rid;
        EXPECT_EQ(m.error().code, errc::bad_signature) << rid;
        EXPECT_EQ(m.error().detail.find(our_app), std::string::npos) << "the detail never quotes the receiveid";
    }
    // The failure names the field it was given.
    auto m = decrypt(key, other_app_ct, our_app, "echostr");
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().detail, "echostr: receiveid does not match this channel's AppID / CorpID");
}

TEST(wechat_crypto, a_wrong_key_does_not_decrypt)
{
    auto m = decrypt(key_of(tencent_key), our_message_ct, our_app);
    ASSERT_FALSE(m);  // almost always the padding; else the length or the receiveid
}

TEST(wechat_crypto, encrypt_wants_exactly_16_random_bytes)
{
    auto const key = key_of(our_key);
    EXPECT_THROW(encrypt(key, "hello", our_app, "short"), std::invalid_argument);
    EXPECT_THROW(encrypt(key, "hello", our_app, our_random + "x"), std::invalid_argument);
}

TEST(wechat_crypto, seal_reply_encrypts_and_signs)
{
    std::string const reply =
        "<xml><ToUserName><![CDATA[oABCD1234_citizen]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]>"
        "</FromUserName><CreateTime>1764328480</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA["
        "\xe5\xb7\xb2\xe5\x8f\x97\xe7\x90\x86"  // 已受理
        "]]></Content></xml>";
    auto const e = seal_reply(reply, our_token, key_of(our_key), our_app, "ABCDEFGHIJKLMNOP", 1764328480,
                              "reply-nonce");
    // Python, as above, with random prefix "ABCDEFGHIJKLMNOP".
    EXPECT_EQ(e.encrypt,
              "ECb94sC68hxnidW1ycQhsy2LFYOah9gIlDzPTx45fUyYhE+KPlfOaltEngPew7bl5pBzWvx76rqUZpT0otFPkGdmj9l+D8EEn1/"
              "g5OMBsb8LVLD4TQIzwUXqqEn2IFWWYKV8PspAMARvBELSt2hgWTXRnWzgEKDrvmNrO4sDTY9+TmU3z8z9WlEZi3lb4bL1E+rLVyO4v"
              "TWrHtPIydd8xMmxwi+ipcscrDMfEkuhHNxvBiwt5mdXVygDwF32Eq2706T8vffFTlKT8HT7IHN/8g4xykL760BipnnZl65lYzPQ0J7"
              "5rOR8+GsLc94R4cHZG+5mm9TAYIrXfFcQTkSRvDtKIQD9vjUNCYA6OnFfoAMHZcwr9T45AFbNSqcWU9gB");
    EXPECT_EQ(e.msg_signature, "58a3ecd57876786b0e28351993ff802c7e5797d0");
    EXPECT_EQ(e.timestamp, "1764328480");
    EXPECT_EQ(e.nonce, "reply-nonce");
}

}  // namespace
}  // namespace pg::adapters::wechat
