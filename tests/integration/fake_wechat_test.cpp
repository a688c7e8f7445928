// The fake WeChat / WeCom APIs and the push builders (tests/support/fake_wechat.hpp),
// checked on their own: the builders against Tencent's sample vectors and the ones
// made by tests/unit/adapters/wechat/make_vectors.py, the fake over real HTTP.
#include "tests/support/fake_wechat.hpp"
#include "tests/support/gateway_process.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace pg::testing {
namespace {

using namespace wx;

// ---------------------------------------------------------------- vectors

// Tencent's sample (WeCom 加解密方案说明, every WXBizMsgCrypt library).
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
std::string const tencent_plain =
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]>"
    "</FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n"
    "<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n"
    "</xml>";

// make_vectors.py (hashlib + cryptography), random prefix 00 01 .. 0f.
constexpr char const* our_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
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
constexpr char const* aligned_ct =  // 26 'x': a whole block of 32 x 0x20 pads it
    "IG+0eOkLdhYW9kHtuT3HY0O5yvzAk38uH0gPybMa9buiEB1FUwFwqLgyHbni+0/NaFLKLbvuUaLR6Sl45F5YD7LsBFHyQZKMm75WS8TvY7z/ZG9N"
    "MsQ2c5mPhvqIgwpT";
constexpr char const* hello_ct =
    "IG+0eOkLdhYW9kHtuT3HY3A7j01e22qBuqxM7EkL3NqHTQJRVp9PmqPPlE3rX0uGccZPoHs9igNwFLnGB7YWpg==";
// A subscribe push from a QR code (scene "district7") at 1764328600, nonce "n600" (verify_test.cpp).
constexpr char const* sub_ct =
    "IG+0eOkLdhYW9kHtuT3HY/HLDBETdQ+tOVVe/MV5uGgICYU4apkNZ2kfYxjDVxWBuhEQyfXm+numrfFVoYFu23eEiJXXIqBqeXPrEF2/lhaFc/Sc"
    "iVzJ/6iRhU/usD1XlNQXUEg+HvGQBJxwsyQn3skYaA0NXrKYhy/5SVn0GQPcBpYQ3bNyxB3wTHtLZDPx6odpDOn3RGJhM2B5WZAl8/p0k5rpnjcR"
    "yHTm7buK2n4B4bsZrZtQYTJyHKQjOyoSXkL3+l/vZlYaCl9VvHS9m1VDMP99jA6vfCfJizGuKj6CSs3CfxFxUNHLfjTkiMezNrSvN7GGbJEOLtNV"
    "aHIkaFK02uQ/KugVRyAW3SEO6B1AKf9B+axtnpQoPgqAz311MUp7y/qu6jOJgInBmIr4wMKjInRhSIQwB9FTrzstYJ7vRlsmbMARi0U4LXqddJQu"
    "l0g8x9CgjSOYFgHKlo7CPA==";
constexpr char const* sub_signature = "6fe4ef98e5aac836fe0fdc2d32ffdf406ef6d745";
constexpr char const* sub_msg_signature = "17158f2bcf654c1197af7a2ad51fbe65414f42f5";
std::string const sub_plain =
    "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n<FromUserName><![CDATA[oABCD1234_citizen]]>"
    "</FromUserName>\n<CreateTime>1764328600</CreateTime>\n<MsgType><![CDATA[event]]></MsgType>\n<Event><![CDATA["
    "subscribe]]></Event>\n<EventKey><![CDATA[qrscene_district7]]></EventKey>\n</xml>";

// One query parameter, percent-decoded once ("" when absent).
std::string param(std::string const& target, std::string const& name)
{
    auto const key = name + "=";
    auto at = target.find("?" + key);
    if (at == std::string::npos)
        at = target.find("&" + key);
    if (at == std::string::npos)
        return "";
    auto const start = at + 1 + key.size();
    auto const raw = target.substr(start, target.find('&', start) - start);
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '%' && i + 2 < raw.size()) {
            out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += raw[i];
        }
    }
    return out;
}

// The <Encrypt> of an envelope.
std::string encrypt_of(std::string const& body)
{
    auto const b = body.find("<Encrypt><![CDATA[") + 18;
    return body.substr(b, body.find("]]></Encrypt>") - b);
}

wechat_account our_account()
{
    wechat_account a;
    a.token = our_token;
    a.encoding_aes_key = our_key;
    a.app_id = our_app;
    a.original_id = "gh_0123456789ab";
    return a;
}

TEST(fake_wechat_builders, signatures_match_tencents_and_our_vectors)
{
    EXPECT_EQ(sorted_sha1({tencent_token, "1409659589", "263014780", tencent_echostr}),
              "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
    EXPECT_EQ(sorted_sha1({tencent_token, "1409659813", "1372623149", tencent_push}),
              "477715d11cdb4164915debcba66cb864d751f3e6");
    EXPECT_EQ(sorted_sha1({our_token, "1764328479", "nonce42"}), "11250c14657cdd66d6a0f119bf652896787c2e4a");
    EXPECT_EQ(sorted_sha1({"nonce42", our_token, "1764328479"}), "11250c14657cdd66d6a0f119bf652896787c2e4a");
    EXPECT_EQ(sorted_sha1({our_token, "1764328479", "nonce42", our_message_ct}),
              "ae8ed052dfa175701196770c3e7b117c0978f508");
}

TEST(fake_wechat_builders, encrypt_matches_the_reference_byte_for_byte)
{
    EXPECT_EQ(encrypt(our_key, our_message, our_app, our_random), our_message_ct);
    EXPECT_EQ(encrypt(our_key, std::string(26, 'x'), our_app, our_random), aligned_ct);
    EXPECT_EQ(encrypt(our_key, "hello", our_app, our_random), hello_ct);
    EXPECT_EQ(encrypt(our_key, sub_plain, our_app, our_random), sub_ct);
}

TEST(fake_wechat_builders, decrypts_tencents_sample_and_checks_the_receiveid)
{
    EXPECT_EQ(decrypt(tencent_key, tencent_echostr, tencent_corp), "1616140317555161061");
    EXPECT_EQ(decrypt(tencent_key, tencent_push, tencent_corp), tencent_plain);
    EXPECT_EQ(decrypt(tencent_key, tencent_push, "wwOtherCorp"), std::nullopt);
    EXPECT_EQ(decrypt(our_key, tencent_push, tencent_corp), std::nullopt);  // another key
    EXPECT_EQ(decrypt(our_key, aligned_ct, our_app), std::string(26, 'x'));
}

TEST(fake_wechat_builders, message_xml_is_written_as_the_platforms_write_it)
{
    EXPECT_EQ(message_xml("gh_0123456789ab", "oABCD1234_citizen", 1764328479, "text",
                          {{"Content", "\xe8\xb7\xaf\xe7\x81\xaf\xe5\x9d\x8f\xe4\xba\x86\xe4\xb8\x80\xe5\x91\xa8"},
                           {"MsgId", "23456789012345678901"}}),
              our_message);
    EXPECT_EQ(message_xml("gh_0123456789ab", "oABCD1234_citizen", 1764328600, "event",
                          {{"Event", "subscribe"}, {"EventKey", "qrscene_district7"}}),
              sub_plain);
    EXPECT_EQ(message_xml(tencent_corp, "mycreate", 1409659813, "text",
                          {{"Content", "hello"}, {"MsgId", "4561255354251345929"}}, "218"),
              tencent_plain);
    // "]]>" in text splits the CDATA section, as any XML writer must.
    EXPECT_NE(message_xml("gh", "o", 1, "text", {{"Content", "a]]>b"}}).find("<![CDATA[a]]]]><![CDATA[>b]]>"),
              std::string::npos);
}

TEST(fake_wechat_builders, safe_mode_push_is_signed_and_encrypted_as_wechat_does)
{
    auto const p = wechat_push(our_account(), "oABCD1234_citizen", sub_plain, 1764328600, "n600");
    EXPECT_EQ(p.method, "POST");
    EXPECT_TRUE(p.target.starts_with("/webhook/wechat?signature=")) << p.target;
    EXPECT_EQ(param(p.target, "signature"), sub_signature);
    EXPECT_EQ(param(p.target, "timestamp"), "1764328600");
    EXPECT_EQ(param(p.target, "nonce"), "n600");
    EXPECT_EQ(param(p.target, "openid"), "oABCD1234_citizen");
    EXPECT_EQ(param(p.target, "encrypt_type"), "aes");
    auto const ct = encrypt_of(p.body);
    EXPECT_TRUE(p.body.starts_with("<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt>")) << p.body;
    EXPECT_EQ(decrypt(our_key, ct, our_app), sub_plain);
    EXPECT_EQ(param(p.target, "msg_signature"), sorted_sha1({our_token, "1764328600", "n600", ct}));
    // The random prefix is fresh: the same push twice is two ciphertexts.
    EXPECT_NE(encrypt_of(wechat_push(our_account(), "o", sub_plain, 1764328600, "n600").body), ct);
    // With the reference's random prefix the builder's ciphertext would be the reference's.
    EXPECT_EQ(sorted_sha1({our_token, "1764328600", "n600", sub_ct}), sub_msg_signature);
}

TEST(fake_wechat_builders, plain_mode_push_is_the_xml_itself)
{
    auto a = our_account();
    a.safe_mode = false;
    auto const p = wechat_text_push(a, "oABCD1234_citizen", "hi", "42", 1764328479);
    EXPECT_EQ(p.body, message_xml("gh_0123456789ab", "oABCD1234_citizen", 1764328479, "text",
                                  {{"Content", "hi"}, {"MsgId", "42"}}));
    EXPECT_EQ(param(p.target, "signature"), sorted_sha1({our_token, "1764328479", param(p.target, "nonce")}));
    EXPECT_EQ(p.target.find("encrypt_type"), std::string::npos);
    EXPECT_EQ(p.target.find("msg_signature"), std::string::npos);
}

TEST(fake_wechat_builders, each_wechat_push_kind_carries_its_fields)
{
    auto const a = our_account();
    auto inner = [&](webhook_push const& p) { return decrypt(our_key, encrypt_of(p.body), our_app).value_or("?"); };
    EXPECT_NE(inner(wechat_event_push(a, "o1", "CLICK", "menu_status", 5)).find(
                  "<Event><![CDATA[CLICK]]></Event>\n<EventKey><![CDATA[menu_status]]></EventKey>"),
              std::string::npos);
    EXPECT_NE(inner(wechat_event_push(a, "o1", "subscribe", "", 5)).find("<EventKey><![CDATA[]]></EventKey>"),
              std::string::npos);
    auto const image = inner(wechat_image_push(a, "o1", "http://mmbiz.qpic.cn/x", "media-1", "7", 5));
    EXPECT_NE(image.find("<PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl>\n<MsgId>7</MsgId>\n"
                         "<MediaId><![CDATA[media-1]]></MediaId>"),
              std::string::npos) << image;
    auto const loc = inner(wechat_location_push(a, "o1", 39.9042, 116.4074, "Tiananmen", "8", 5));
    EXPECT_NE(loc.find("<Location_X>39.9042</Location_X>\n<Location_Y>116.4074</Location_Y>\n<Scale>15</Scale>\n"
                       "<Label><![CDATA[Tiananmen]]></Label>"),
              std::string::npos) << loc;
    auto const voice = inner(wechat_voice_push(a, "o1", "media-2", "road lamp broken", "9", 5));
    EXPECT_NE(voice.find("<MsgType><![CDATA[voice]]></MsgType>\n<MediaId><![CDATA[media-2]]></MediaId>\n"
                         "<Format><![CDATA[amr]]></Format>\n<Recognition><![CDATA[road lamp broken]]></Recognition>"),
              std::string::npos) << voice;
    EXPECT_EQ(inner(wechat_voice_push(a, "o1", "m", "", "9", 5)).find("Recognition"), std::string::npos);
}

TEST(fake_wechat_builders, url_checks)
{
    auto const w = wechat_url_check(our_account(), "4970303219484153541", 1764328479, "nonce42");
    EXPECT_EQ(w.method, "GET");
    EXPECT_EQ(param(w.target, "signature"), "11250c14657cdd66d6a0f119bf652896787c2e4a");
    EXPECT_EQ(param(w.target, "echostr"), "4970303219484153541");  // plaintext, also in safe mode

    wecom_app app;
    app.token = tencent_token;
    app.encoding_aes_key = tencent_key;
    app.corp_id = tencent_corp;
    auto const c = wecom_url_check(app, "1616140317555161061", 1409659589, "263014780");
    auto const echostr = param(c.target, "echostr");
    EXPECT_EQ(c.target.find('+'), std::string::npos) << "base64 is percent-encoded in the query";
    EXPECT_EQ(decrypt(tencent_key, echostr, tencent_corp), "1616140317555161061");
    EXPECT_EQ(param(c.target, "msg_signature"), sorted_sha1({tencent_token, "1409659589", "263014780", echostr}));
}

TEST(fake_wechat_builders, wecom_push_is_encrypted_with_the_corp_id)
{
    wecom_app app;
    app.token = tencent_token;
    app.encoding_aes_key = tencent_key;
    app.corp_id = tencent_corp;
    app.agent_id = "218";
    auto const p = wecom_text_push(app, "mycreate", "hello", "4561255354251345929", 1409659813);
    EXPECT_TRUE(p.target.starts_with("/webhook/wecom?msg_signature=")) << p.target;
    EXPECT_EQ(p.target.find("&signature="), std::string::npos);
    auto const ct = encrypt_of(p.body);
    EXPECT_EQ(decrypt(tencent_key, ct, tencent_corp), tencent_plain);
    EXPECT_EQ(param(p.target, "msg_signature"),
              sorted_sha1({tencent_token, "1409659813", param(p.target, "nonce"), ct}));
    EXPECT_NE(p.body.find("<AgentID><![CDATA[218]]></AgentID>"), std::string::npos);
}

TEST(fake_wechat_builders, opens_a_safe_mode_passive_reply)
{
    // The adapters' seal_reply vector (crypto_test.cpp), made with Python.
    std::string const reply =
        "<xml><ToUserName><![CDATA[oABCD1234_citizen]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]>"
        "</FromUserName><CreateTime>1764328480</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA["
        "\xe5\xb7\xb2\xe5\x8f\x97\xe7\x90\x86"
        "]]></Content></xml>";
    std::string const ct =
        "ECb94sC68hxnidW1ycQhsy2LFYOah9gIlDzPTx45fUyYhE+KPlfOaltEngPew7bl5pBzWvx76rqUZpT0otFPkGdmj9l+D8EEn1/"
        "g5OMBsb8LVLD4TQIzwUXqqEn2IFWWYKV8PspAMARvBELSt2hgWTXRnWzgEKDrvmNrO4sDTY9+TmU3z8z9WlEZi3lb4bL1E+rLVyO4v"
        "TWrHtPIydd8xMmxwi+ipcscrDMfEkuhHNxvBiwt5mdXVygDwF32Eq2706T8vffFTlKT8HT7IHN/8g4xykL760BipnnZl65lYzPQ0J7"
        "5rOR8+GsLc94R4cHZG+5mm9TAYIrXfFcQTkSRvDtKIQD9vjUNCYA6OnFfoAMHZcwr9T45AFbNSqcWU9gB";
    auto envelope = [&](std::string const& sig) {
        return "<xml><Encrypt><![CDATA[" + ct + "]]></Encrypt><MsgSignature><![CDATA[" + sig +
               "]]></MsgSignature><TimeStamp>1764328480</TimeStamp><Nonce><![CDATA[reply-nonce]]></Nonce></xml>";
    };
    std::string why;
    EXPECT_EQ(open_passive_reply(our_token, our_key, our_app, envelope("58a3ecd57876786b0e28351993ff802c7e5797d0"),
                                 &why),
              reply) << why;
    EXPECT_EQ(open_passive_reply(our_token, our_key, our_app, envelope("58a3ecd57876786b0e28351993ff802c7e5797d1"),
                                 &why),
              std::nullopt);
    EXPECT_EQ(why, "MsgSignature does not match");
    EXPECT_EQ(open_passive_reply(our_token, our_key, our_app, "success", &why), std::nullopt);
}

// ---------------------------------------------------------------- the fake over HTTP

nlohmann::json get_json(fake_wechat_api const& f, std::string const& target)
{
    auto const r = http_get(f.port(), target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
}

nlohmann::json post_json(fake_wechat_api const& f, std::string const& target, std::string const& body)
{
    auto const r = http_post(f.port(), target, body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
}

std::string wechat_token(fake_wechat_api const& f)
{
    auto const c = f.credentials();
    return get_json(f, "/cgi-bin/token?grant_type=client_credential&appid=" + c.app_id + "&secret=" + c.app_secret)
        .value("access_token", "");
}

std::string wecom_token(fake_wechat_api const& f)
{
    auto const c = f.credentials();
    return get_json(f, "/cgi-bin/gettoken?corpid=" + c.corp_id + "&corpsecret=" + c.corp_secret)
        .value("access_token", "");
}

std::string text_to(std::string const& openid, std::string const& text)
{
    return nlohmann::json{{"touser", openid}, {"msgtype", "text"}, {"text", {{"content", text}}}}.dump();
}

int errcode(nlohmann::json const& j) { return j.value("errcode", -999); }

TEST(fake_wechat_api, token_fetch_checks_the_credentials)
{
    api_credentials c;
    c.expires_in = 300;
    fake_wechat_api f(c);
    auto const ok = get_json(f, "/cgi-bin/token?grant_type=client_credential&appid=" + c.app_id + "&secret=" +
                                    c.app_secret);
    ASSERT_TRUE(ok.contains("access_token")) << ok.dump();
    EXPECT_EQ(ok["expires_in"], 300);
    EXPECT_FALSE(ok.contains("errcode"));
    EXPECT_EQ(ok["access_token"], f.current_token());
    EXPECT_NE(wechat_token(f), ok["access_token"]) << "each fetch is a new token";
    EXPECT_EQ(f.token_fetches(), 2u);

    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/token?grant_type=client_credential&appid=wxOther&secret=" +
                                      c.app_secret)), 40013);
    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/token?grant_type=client_credential&appid=" + c.app_id +
                                      "&secret=wrong")), 40125);
    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/token?appid=" + c.app_id + "&secret=" + c.app_secret)), 40002);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/token?grant_type=client_credential&appid=" + c.app_id +
                                       "&secret=" + c.app_secret, "")), 43001);
    EXPECT_EQ(f.token_fetches(), 2u);
}

TEST(fake_wechat_api, custom_send_with_a_current_revoked_or_expired_token)
{
    fake_wechat_api f;
    auto const t1 = wechat_token(f);
    auto const ok = post_json(f, "/cgi-bin/message/custom/send?access_token=" + t1, text_to("oCitizen1", "受理了"));
    EXPECT_EQ(errcode(ok), 0) << ok.dump();
    EXPECT_EQ(ok["errmsg"], "ok");
    ASSERT_TRUE(f.wait_for_custom_sends(1));
    auto const sent = f.custom_sends().at(0);
    EXPECT_EQ(sent.touser, "oCitizen1");
    EXPECT_EQ(sent.msgtype, "text");
    EXPECT_EQ(sent.content, "受理了");

    f.revoke_tokens();
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t1, text_to("oCitizen1", "x"))),
              40001);
    auto const t2 = wechat_token(f);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t2, text_to("oCitizen1", "x"))), 0);

    f.expire_tokens();
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t2, text_to("oCitizen1", "x"))),
              42001);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=never-issued",
                                text_to("oCitizen1", "x"))), 40001);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send", text_to("oCitizen1", "x"))), 41001);
    EXPECT_EQ(f.custom_sends().size(), 2u) << "refused sends are not recorded as sent";
    auto const calls = f.calls();
    ASSERT_EQ(calls.size(), 8u);
    EXPECT_EQ(calls.back().errcode, 41001);
    EXPECT_EQ(calls[2].token, t1);
}

TEST(fake_wechat_api, a_new_token_may_revoke_the_old_at_once)
{
    api_credentials c;
    c.new_token_revokes_old = true;
    fake_wechat_api f(c);
    auto const t1 = wechat_token(f);
    auto const t2 = wechat_token(f);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t1, text_to("o1", "x"))), 40001);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t2, text_to("o1", "x"))), 0);
}

TEST(fake_wechat_api, outside_the_48_hour_window_is_45015)
{
    fake_wechat_api f;
    auto const t = wechat_token(f);
    f.set_outside_window("oQuiet");
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t, text_to("oQuiet", "x"))), 45015);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t, text_to("oOther", "x"))), 0);
    f.set_outside_window("oQuiet", false);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t, text_to("oQuiet", "x"))), 0);
    EXPECT_EQ(f.custom_sends().size(), 2u);
}

TEST(fake_wechat_api, template_send_and_menu)
{
    fake_wechat_api f;
    auto const t = wechat_token(f);
    nlohmann::json const body{{"touser", "oQuiet"},
                              {"template_id", "tpl-status"},
                              {"url", "https://example.invalid/p/42"},
                              {"client_msg_id", "petition-42-status-3"},
                              {"data", {{"keyword1", {{"value", "PG-42"}}}, {"keyword2", {{"value", "处理中"}}}}}};
    f.set_outside_window("oQuiet");  // templates are not bound by the window
    auto const r = post_json(f, "/cgi-bin/message/template/send?access_token=" + t, body.dump());
    EXPECT_EQ(errcode(r), 0) << r.dump();
    ASSERT_TRUE(r["msgid"].is_number_unsigned()) << r.dump();
    ASSERT_TRUE(f.wait_for_template_sends(1));
    auto const sent = f.template_sends().at(0);
    EXPECT_EQ(sent.touser, "oQuiet");
    EXPECT_EQ(sent.template_id, "tpl-status");
    EXPECT_EQ(sent.url, "https://example.invalid/p/42");
    EXPECT_EQ(sent.data["keyword1"]["value"], "PG-42");
    EXPECT_EQ(sent.msgid, std::to_string(r["msgid"].get<std::uint64_t>()));

    nlohmann::json const menu{{"button", {{{"type", "click"}, {"name", "Status"}, {"key", "status"}}}}};
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/menu/create?access_token=" + t, menu.dump())), 0);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/menu/create?access_token=" + t, R"({"button":[]})")), 40016);
}

TEST(fake_wechat_api, wecom_send_and_group_chat)
{
    fake_wechat_api f;
    auto const t = wecom_token(f);
    ASSERT_FALSE(t.empty());
    EXPECT_EQ(f.wecom_token_fetches(), 1u);
    EXPECT_EQ(f.token_fetches(), 0u);
    f.set_unknown_member("gone");
    nlohmann::json const body{{"touser", "lisi|gone"}, {"toparty", ""}, {"totag", ""}, {"msgtype", "text"},
                              {"agentid", 1000002}, {"text", {{"content", "New petition PG-42"}}}, {"safe", 0}};
    auto const r = post_json(f, "/cgi-bin/message/send?access_token=" + t, body.dump());
    EXPECT_EQ(errcode(r), 0) << r.dump();
    EXPECT_EQ(r["invaliduser"], "gone");
    EXPECT_EQ(r["invalidparty"], "");
    EXPECT_EQ(r["invalidtag"], "");
    EXPECT_TRUE(r["msgid"].is_string());
    ASSERT_TRUE(f.wait_for_wecom_sends(1));
    auto const sent = f.wecom_sends().at(0);
    EXPECT_EQ(sent.touser, "lisi|gone");
    EXPECT_EQ(sent.content, "New petition PG-42");
    EXPECT_EQ(sent.body["agentid"], 1000002);

    nlohmann::json const chat{{"chatid", "staffroom"}, {"msgtype", "text"}, {"text", {{"content", "hello"}}}};
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/appchat/send?access_token=" + t, chat.dump())), 0);
    ASSERT_EQ(f.appchat_sends().size(), 1u);
    EXPECT_EQ(f.appchat_sends()[0].chatid, "staffroom");

    // A WeChat token means nothing to WeCom, and WeCom's invalid-token code is 40014.
    auto const wechat = wechat_token(f);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/send?access_token=" + wechat, body.dump())), 40014);
    f.expire_tokens();
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/send?access_token=" + t, body.dump())), 42001);
    f.revoke_tokens();
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/send?access_token=" + t, body.dump())), 40014);
    auto const c = f.credentials();
    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/gettoken?corpid=wwOther&corpsecret=" + c.corp_secret)), 40013);
    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/gettoken?corpid=" + c.corp_id + "&corpsecret=wrong")), 40001);
}

TEST(fake_wechat_api, refuses_what_the_real_api_refuses)
{
    fake_wechat_api f;
    auto const t = wechat_token(f);
    auto const custom = "/cgi-bin/message/custom/send?access_token=" + t;
    auto const tmpl = "/cgi-bin/message/template/send?access_token=" + t;
    struct case_ { char const* name; std::string target; std::string body; int errcode; };
    case_ const wechat_cases[] = {
        {"empty body", custom, "", 44002},
        {"not JSON", custom, "{\"touser\":", 47001},
        {"not an object", custom, "[1]", 47001},
        {"no touser", custom, R"({"msgtype":"text","text":{"content":"x"}})", 40003},
        {"touser a number", custom, R"({"touser":42,"msgtype":"text","text":{"content":"x"}})", 47001},
        {"no msgtype", custom, R"({"touser":"o1","text":{"content":"x"}})", 40008},
        {"unknown msgtype", custom, R"({"touser":"o1","msgtype":"sms","sms":{"content":"x"}})", 40008},
        {"no text object", custom, R"({"touser":"o1","msgtype":"text","content":"x"})", 47001},
        {"empty content", custom, R"({"touser":"o1","msgtype":"text","text":{"content":""}})", 44004},
        {"content a number", custom, R"({"touser":"o1","msgtype":"text","text":{"content":5}})", 47001},
        {"template without template_id", tmpl, R"({"touser":"o1","data":{}})", 40037},
        {"template without touser", tmpl, R"({"template_id":"t","data":{}})", 40003},
        {"template data not value objects", tmpl, R"({"touser":"o1","template_id":"t","data":{"k":"v"}})", 47001},
    };
    for (auto const& c : wechat_cases)
        EXPECT_EQ(errcode(post_json(f, c.target, c.body)), c.errcode) << c.name;
    EXPECT_TRUE(f.custom_sends().empty());
    EXPECT_TRUE(f.template_sends().empty());

    auto const w = wecom_token(f);
    auto const send = "/cgi-bin/message/send?access_token=" + w;
    case_ const wecom_cases[] = {
        {"no agentid", send, R"({"touser":"u1","msgtype":"text","text":{"content":"x"}})", 41011},
        {"another agentid", send, R"({"touser":"u1","msgtype":"text","agentid":7,"text":{"content":"x"}})", 40056},
        {"no one to send to", send, R"({"touser":"","msgtype":"text","agentid":1000002,"text":{"content":"x"}})",
         81013},
        {"empty content", send, R"({"touser":"u1","msgtype":"text","agentid":1000002,"text":{"content":""}})", 44004},
        {"not JSON", send, "touser=u1", 47001},
        {"group chat without chatid", "/cgi-bin/appchat/send?access_token=" + w,
         R"({"msgtype":"text","text":{"content":"x"}})", 86001},
    };
    for (auto const& c : wecom_cases)
        EXPECT_EQ(errcode(post_json(f, c.target, c.body)), c.errcode) << c.name;
    EXPECT_TRUE(f.wecom_sends().empty());
    EXPECT_EQ(http_get(f.port(), "/cgi-bin/no/such/api").status, 404);
}

TEST(fake_wechat_api, stable_token_returns_the_current_token_until_forced)
{
    fake_wechat_api f;
    auto const c = f.credentials();
    nlohmann::json body{{"grant_type", "client_credential"}, {"appid", c.app_id}, {"secret", c.app_secret}};
    auto const first = post_json(f, "/cgi-bin/stable_token", body.dump());
    ASSERT_TRUE(first.contains("access_token")) << first.dump();
    EXPECT_EQ(post_json(f, "/cgi-bin/stable_token", body.dump())["access_token"], first["access_token"]);
    body["force_refresh"] = true;
    auto const forced = post_json(f, "/cgi-bin/stable_token", body.dump());
    EXPECT_NE(forced["access_token"], first["access_token"]);
    EXPECT_EQ(f.token_fetches(), 3u);
    f.expire_tokens();
    body["force_refresh"] = false;
    EXPECT_NE(post_json(f, "/cgi-bin/stable_token", body.dump())["access_token"], forced["access_token"]);
    body["secret"] = "wrong";
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/stable_token", body.dump())), 40125);
    body["secret"] = 42;
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/stable_token", body.dump())), 47001);
    EXPECT_EQ(errcode(get_json(f, "/cgi-bin/stable_token")), 43002);
}

TEST(fake_wechat_api, typing_and_the_per_window_quota)
{
    api_credentials c;
    c.custom_quota = 2;
    fake_wechat_api f(c);
    auto const t = wechat_token(f);
    auto const typing = "/cgi-bin/message/custom/typing?access_token=" + t;
    EXPECT_EQ(errcode(post_json(f, typing, R"({"touser":"o1","command":"Typing"})")), 0);
    EXPECT_EQ(errcode(post_json(f, typing, R"({"touser":"o1","command":"typing"})")), 47001);
    auto const custom = "/cgi-bin/message/custom/send?access_token=" + t;
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o1", "1"))), 0);
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o1", "2"))), 0);
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o1", "3"))), 45047);
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o2", "1"))), 0) << "the quota is per openid";
    f.user_wrote("o1");
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o1", "4"))), 0);
    f.set_outside_window("o2");
    EXPECT_EQ(errcode(post_json(f, typing, R"({"touser":"o2","command":"Typing"})")), 45015);
    f.user_wrote("o2");
    EXPECT_EQ(errcode(post_json(f, custom, text_to("o2", "2"))), 0);
    EXPECT_EQ(f.custom_sends().size(), 5u);
}

TEST(fake_wechat_builders, deliver_sends_the_push_as_the_platform_does)
{
    fake_platform webhook;  // stands in for the gateway
    ASSERT_EQ(deliver(webhook.port(), wechat_text_push(our_account(), "o1", "hi", "1", 5)).status, 200);
    ASSERT_EQ(deliver(webhook.port(), wechat_url_check(our_account(), "echo", 5)).status, 200);
    auto const seen = webhook.requests();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].method, "POST");
    EXPECT_TRUE(seen[0].target.starts_with("/webhook/wechat?signature="));
    EXPECT_NE(std::find(seen[0].headers.begin(), seen[0].headers.end(),
                        std::pair<std::string, std::string>{"Content-Type", "text/xml"}),
              seen[0].headers.end());
    EXPECT_EQ(seen[1].method, "GET");
    EXPECT_TRUE(seen[1].body.empty());
}

TEST(fake_wechat_api, fail_next_scripts_one_error)
{
    fake_wechat_api f;
    auto const t = wechat_token(f);
    f.fail_next("/cgi-bin/message/custom/send", 45047);
    f.fail_next("/cgi-bin/token", -1);  // "system busy"
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t, text_to("o1", "first"))),
              45047);
    EXPECT_EQ(errcode(post_json(f, "/cgi-bin/message/custom/send?access_token=" + t, text_to("o1", "second"))), 0);
    EXPECT_EQ(f.custom_sends().size(), 1u);
    EXPECT_EQ(f.custom_sends()[0].content, "second");
    EXPECT_TRUE(wechat_token(f).empty());
    EXPECT_FALSE(wechat_token(f).empty());
    EXPECT_EQ(f.token_fetches(), 2u);
}

}  // namespace
}  // namespace pg::testing
