#include "adapters/wechat/wechat.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::wechat {
namespace {

using model::errc;

// Constants from make_vectors.py (hashlib + cryptography), and Tencent's own sample
// (see crypto_test.cpp).
constexpr char const* our_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr char const* old_key = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj";
constexpr char const* our_app = "wx0123456789abcdef";
constexpr char const* our_token = "pg-token-2026";
// A subscribe push from a QR code (scene "district7") at 1764328600, nonce "n600".
constexpr char const* sub_ct =
    "IG+0eOkLdhYW9kHtuT3HY/HLDBETdQ+tOVVe/MV5uGgICYU4apkNZ2kfYxjDVxWBuhEQyfXm+numrfFVoYFu23eEiJXXIqBqeXPrEF2/lhaFc/Sc"
    "iVzJ/6iRhU/usD1XlNQXUEg+HvGQBJxwsyQn3skYaA0NXrKYhy/5SVn0GQPcBpYQ3bNyxB3wTHtLZDPx6odpDOn3RGJhM2B5WZAl8/p0k5rpnjcR"
    "yHTm7buK2n4B4bsZrZtQYTJyHKQjOyoSXkL3+l/vZlYaCl9VvHS9m1VDMP99jA6vfCfJizGuKj6CSs3CfxFxUNHLfjTkiMezNrSvN7GGbJEOLtNV"
    "aHIkaFK02uQ/KugVRyAW3SEO6B1AKf9B+axtnpQoPgqAz311MUp7y/qu6jOJgInBmIr4wMKjInRhSIQwB9FTrzstYJ7vRlsmbMARi0U4LXqddJQu"
    "l0g8x9CgjSOYFgHKlo7CPA==";
constexpr char const* sub_signature = "6fe4ef98e5aac836fe0fdc2d32ffdf406ef6d745";
constexpr char const* sub_msg_signature = "17158f2bcf654c1197af7a2ad51fbe65414f42f5";
// The same push under the previous key.
constexpr char const* old_ct =
    "uuY/PTELFlI60WZKdFx0hlIMOFwdz5L8CGiJqykCWyUISvOrewLDQ6m23S4CysOsHAsaF3PI1MyAE3JiC3EOtuGpzZs2GFF1DaG1d6LRlDyTNcgA"
    "HwdIcGZYiNkqyVsQoAMiIPRlKIW3CipyHeI3J6zq00cGG7A1B04WA7Ygt/g45gGwf4qln6rCCSo/4pITETAmyYfWcqiekL9srMBbas78prVKvNat"
    "MUyIcOnX6i4avQfAMkn3ZoNwo+G25uxvWnACx6FsEdr0+Isz5VhBZ6CgBTdmbxNzkVwsRKt7YpRnVlENszrJyH0uZVXKFEit7l0OCTByD4NkQ16v"
    "p+lXtJfqvfki0+yEIPuo37zAUV3lCORqDRO+onlWyQdtk0o/NtQWIvW8qCMPZJC1SiLFUi7rwMC137KhaySMvBl5lcRYumiALEBB4xRVUpswADIs"
    "Xfiis7daBlg7GOQ/xnDgmQ==";
constexpr char const* old_msg_signature = "04c298d6dfd9029bddc111d468e66d2957d1a046";

std::string const sub_plain =
    "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oABCD1234_citizen]]>"
    "</FromUserName>\n<CreateTime>1764328600</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA["
    "subscribe]]></Event>\n<EventKey><![CDATA[qrscene_district7]]></EventKey>\n</xml>";

aes_key key_of(char const* k) { return *parse_encoding_aes_key(k); }

secrets safe_mode() { return {our_token, key_of(our_key), std::nullopt, our_app}; }
secrets plain_mode() { return {our_token, std::nullopt, std::nullopt, our_app}; }

// How the platform puts base64 in a query: percent-encoded.
std::string url_encoded(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (c == '+') out += "%2B";
        else if (c == '/') out += "%2F";
        else if (c == '=') out += "%3D";
        else out += c;
    }
    return out;
}

model::raw_request request(std::string method, std::string query, std::string body = {})
{
    model::raw_request r;
    r.method = std::move(method);
    r.target = "/webhook/wechat?" + query;
    r.body = std::move(body);
    return r;
}

std::string envelope(std::string_view ct)
{
    return "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[" + std::string(ct) +
           "]]></Encrypt></xml>";
}

// The query of a safe-mode push of `ct`: both signatures.
std::string safe_query(std::string_view msg_sig)
{
    return "signature=" + std::string(sub_signature) + "&timestamp=1764328600&nonce=n600&openid=oABCD1234_citizen" +
           "&encrypt_type=aes&msg_signature=" + std::string(msg_sig);
}

TEST(wechat_verify, query_param_decodes_once_and_keeps_plus)
{
    auto const target = "/webhook/w?a=1&echostr=ab%2Bc%2F%3D&plus=a+b&empty=&bare&pct=%zz&utf8=%E8%B7%AF#frag";
    EXPECT_EQ(query_param(target, "a"), "1");
    EXPECT_EQ(query_param(target, "echostr"), "ab+c/=");
    EXPECT_EQ(query_param(target, "plus"), "a+b");  // base64's '+', not a form's space
    EXPECT_EQ(query_param(target, "empty"), "");
    EXPECT_EQ(query_param(target, "bare"), "");
    EXPECT_EQ(query_param(target, "pct"), "%zz");
    EXPECT_EQ(query_param(target, "utf8"), "\xE8\xB7\xAF");
    EXPECT_EQ(query_param(target, "missing"), std::nullopt);
    EXPECT_EQ(query_param("/webhook/w", "a"), std::nullopt);
    EXPECT_EQ(query_param("/webhook/w?a=1#b=2", "b"), std::nullopt);
    EXPECT_EQ(query_param("/webhook/w?echostr=%2", "echostr"), "%2");
}

TEST(wechat_verify, plain_url_check_echoes_echostr)
{
    // signature over (token, "1764328479", "nonce42"), as in crypto_test.cpp.
    auto ok = answer_url_check(request("GET", "signature=11250c14657cdd66d6a0f119bf652896787c2e4a"
                                              "&timestamp=1764328479&nonce=nonce42&echostr=4970303219484153541"),
                               plain_mode());
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(*ok, "4970303219484153541");
}

TEST(wechat_verify, plain_url_check_refuses_what_is_not_signed)
{
    struct case_ { char const* name; std::string query; std::string detail; };
    std::string const sig = "signature=11250c14657cdd66d6a0f119bf652896787c2e4a";
    case_ const cases[] = {
        {"wrong signature", "signature=11250c14657cdd66d6a0f119bf652896787c2e4b&timestamp=1764328479&nonce=nonce42"
                            "&echostr=1",
         "signature does not match"},
        {"other timestamp", sig + "&timestamp=1764328480&nonce=nonce42&echostr=1", "signature does not match"},
        {"other nonce", sig + "&timestamp=1764328479&nonce=nonce43&echostr=1", "signature does not match"},
        {"no signature", "timestamp=1764328479&nonce=nonce42&echostr=1", "signature missing from the query"},
        {"empty signature", "signature=&timestamp=1764328479&nonce=nonce42&echostr=1",
         "signature missing from the query"},
        {"no timestamp", sig + "&nonce=nonce42&echostr=1", "timestamp missing from the query"},
        {"no nonce", sig + "&timestamp=1764328479&echostr=1", "nonce missing from the query"},
        {"no echostr", sig + "&timestamp=1764328479&nonce=nonce42", "echostr missing from the query"},
    };
    for (auto const& c : cases) {
        auto r = answer_url_check(request("GET", c.query), plain_mode());
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
    auto no_token = plain_mode();
    no_token.token.clear();
    auto r = answer_url_check(request("GET", sig + "&timestamp=1764328479&nonce=nonce42&echostr=1"), no_token);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().detail, "no Token configured");
}

TEST(wechat_verify, encrypted_url_check_answers_tencents_sample)
{
    secrets const wecom{"QDG6eK", key_of("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"), std::nullopt,
                        "wx5823bf96d3bd56c7"};
    std::string const echostr =
        "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
    std::string const query = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589"
                              "&nonce=263014780&echostr=" + url_encoded(echostr);
    auto ok = answer_encrypted_url_check(request("GET", query), wecom);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(*ok, "1616140317555161061");

    // Signed, but for another CorpID.
    auto other = wecom;
    other.receive_id = "wwOtherCorp";
    auto r = answer_encrypted_url_check(request("GET", query), other);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().detail, "echostr: receiveid does not match this channel's AppID / CorpID");

    // Any change to the signed values.
    std::string const later = "msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659590"
                              "&nonce=263014780&echostr=" + url_encoded(echostr);
    auto tampered = answer_encrypted_url_check(request("GET", later), wecom);
    ASSERT_FALSE(tampered);
    EXPECT_EQ(tampered.error().code, errc::bad_signature);
    EXPECT_EQ(tampered.error().detail, "msg_signature does not match");

    // Without a key there is nothing to decrypt with: refused, not echoed.
    auto keyless = wecom;
    keyless.key.reset();
    auto k = answer_encrypted_url_check(request("GET", query), keyless);
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().detail, "no EncodingAESKey configured");
}

TEST(wechat_verify, safe_mode_push_is_checked_and_decrypted)
{
    auto ok = open_push(request("POST", safe_query(sub_msg_signature), envelope(sub_ct)), safe_mode(),
                        push_mode::wechat);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(*ok, sub_plain);
}

TEST(wechat_verify, safe_mode_push_refusals)
{
    struct case_ { char const* name; std::string query; std::string body; errc code; std::string detail; };
    std::string const good_query = safe_query(sub_msg_signature);
    case_ const cases[] = {
        {"no signature", "timestamp=1764328600&nonce=n600&msg_signature=" + std::string(sub_msg_signature),
         envelope(sub_ct), errc::bad_signature, "signature missing from the query"},
        {"wrong signature", "signature=6fe4ef98e5aac836fe0fdc2d32ffdf406ef6d746&timestamp=1764328600&nonce=n600"
                            "&msg_signature=" + std::string(sub_msg_signature),
         envelope(sub_ct), errc::bad_signature, "signature does not match"},
        {"no msg_signature", "signature=" + std::string(sub_signature) + "&timestamp=1764328600&nonce=n600",
         envelope(sub_ct), errc::bad_signature, "msg_signature missing from the query"},
        {"wrong msg_signature", safe_query("17158f2bcf654c1197af7a2ad51fbe65414f42f6"), envelope(sub_ct),
         errc::bad_signature, "msg_signature does not match"},
        {"ciphertext swapped", good_query, envelope(old_ct), errc::bad_signature, "msg_signature does not match"},
        {"plain body in safe mode", good_query, sub_plain, errc::malformed_body, "Encrypt: missing"},
        {"not XML", good_query, "{\"Encrypt\":\"x\"}", errc::malformed_body,
         "body: not XML (No document element found at byte 15)"},
    };
    for (auto const& c : cases) {
        auto r = open_push(request("POST", c.query, c.body), safe_mode(), push_mode::wechat);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, c.code) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
}

TEST(wechat_verify, compatible_mode_reads_only_the_encrypted_copy)
{
    // Plain fields beside <Encrypt> say something else; the decrypted copy wins.
    std::string const body = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA["
                             "oSomeoneElse]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]>"
                             "</MsgType><Content><![CDATA[forged]]></Content><Encrypt><![CDATA[" +
                             std::string(sub_ct) + "]]></Encrypt></xml>";
    auto ok = open_push(request("POST", safe_query(sub_msg_signature), body), safe_mode(), push_mode::wechat);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(*ok, sub_plain);
}

TEST(wechat_verify, plain_mode_push_checks_the_signature_only)
{
    std::string const query = "signature=" + std::string(sub_signature) + "&timestamp=1764328600&nonce=n600";
    auto ok = open_push(request("POST", query, sub_plain), plain_mode(), push_mode::wechat);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(*ok, sub_plain);
    auto bad = open_push(request("POST", "signature=0&timestamp=1764328600&nonce=n600", sub_plain), plain_mode(),
                         push_mode::wechat);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::bad_signature);
}

TEST(wechat_verify, previous_key_decrypts_during_a_key_change)
{
    auto s = safe_mode();
    auto const query = safe_query(old_msg_signature);
    auto without = open_push(request("POST", query, envelope(old_ct)), s, push_mode::wechat);
    ASSERT_FALSE(without);  // the current key alone cannot read it
    s.previous_key = key_of(old_key);
    auto with = open_push(request("POST", query, envelope(old_ct)), s, push_mode::wechat);
    ASSERT_TRUE(with) << with.error().detail;
    EXPECT_EQ(*with, sub_plain);
    // And the current key still comes first.
    auto current = open_push(request("POST", safe_query(sub_msg_signature), envelope(sub_ct)), s, push_mode::wechat);
    ASSERT_TRUE(current) << current.error().detail;
}

TEST(wechat_verify, wecom_push_needs_msg_signature_and_a_key)
{
    std::string const body =
        "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA["
        "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3"
        "TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gs"
        "ijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUa"
        "x5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIG"
        "HBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>";
    secrets const wecom{"QDG6eK", key_of("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"), std::nullopt,
                        "wx5823bf96d3bd56c7"};
    std::string const query = "msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813"
                              "&nonce=1372623149";
    auto ok = open_push(request("POST", query, body), wecom, push_mode::wecom);
    ASSERT_TRUE(ok) << ok.error().detail;
    auto m = parse_message(*ok);
    ASSERT_TRUE(m) << m.error().detail;
    EXPECT_EQ(m->from_user_name, "mycreate");
    EXPECT_EQ(m->content, "hello");
    EXPECT_EQ(m->msg_id, "4561255354251345929");
    EXPECT_EQ(m->agent_id, "218");

    auto keyless = wecom;
    keyless.key.reset();
    auto r = open_push(request("POST", query, body), keyless, push_mode::wecom);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().detail, "no EncodingAESKey configured");  // WeCom is never plain: fail closed
}

}  // namespace
}  // namespace pg::adapters::wechat
