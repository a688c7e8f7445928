#include "adapters/wechat/wechat.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::wechat {
namespace {

callback_message from_citizen()
{
    callback_message m;
    m.to_user_name = "gh_0123456789ab";
    m.from_user_name = "oABCD1234_citizen";
    return m;
}

TEST(wechat_reply, cdata_splits_its_terminator)
{
    EXPECT_EQ(cdata(""), "<![CDATA[]]>");
    EXPECT_EQ(cdata("plain <b> & text"), "<![CDATA[plain <b> & text]]>");
    EXPECT_EQ(cdata("a]]>b"), "<![CDATA[a]]]]><![CDATA[>b]]>");
    EXPECT_EQ(cdata("]]>]]>"), "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>");
    EXPECT_EQ(cdata("]]]>"), "<![CDATA[]]]]]><![CDATA[>]]>");
    EXPECT_EQ(cdata("]] >"), "<![CDATA[]] >]]>");
}

TEST(wechat_reply, text_reply_swaps_the_parties)
{
    EXPECT_EQ(render_text_reply(from_citizen(), "\xe5\xb7\xb2\xe5\x8f\x97\xe7\x90\x86", 1764328480),
              "<xml><ToUserName><![CDATA[oABCD1234_citizen]]></ToUserName><FromUserName><![CDATA[gh_0123456789ab]]>"
              "</FromUserName><CreateTime>1764328480</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA["
              "\xe5\xb7\xb2\xe5\x8f\x97\xe7\x90\x86]]></Content></xml>");
}

TEST(wechat_reply, text_reply_reads_back_as_sent)
{
    // Whatever the text, our own parser reads the reply back to the same text:
    // "]]>" split, markup kept, newlines kept.
    for (std::string text : {"a]]>b", "]]>", "<xml>&amp;</xml>", "line\nline", "]]]]>>", "x]]><![CDATA[y"}) {
        auto const xml = render_text_reply(from_citizen(), text, 1764328480);
        auto back = parse_message(xml);
        ASSERT_TRUE(back) << text << ": " << back.error().detail;
        EXPECT_EQ(back->content, text);
        EXPECT_EQ(back->to_user_name, "oABCD1234_citizen");
        EXPECT_EQ(back->from_user_name, "gh_0123456789ab");
        EXPECT_EQ(back->create_time, 1764328480);
    }
}

TEST(wechat_reply, text_reply_replaces_what_xml_cannot_carry)
{
    std::string const fffd = "\xEF\xBF\xBD";
    struct case_ { char const* name; std::string text; std::string sent; };
    case_ const cases[] = {
        {"control characters", std::string("a\x01" "b\x1f" "c\0d", 7), "a" + fffd + "b" + fffd + "c" + fffd + "d"},
        {"tab, LF and CR stay", "a\tb\nc\rd", "a\tb\nc\rd"},
        {"invalid UTF-8", "a\xff" "b\xe8\xb7", "a" + fffd + "b" + fffd + fffd},
        {"U+FFFE and U+FFFF", "a\xEF\xBF\xBE" "b\xEF\xBF\xBF" "c", "a" + fffd + "b" + fffd + "c"},
        {"U+FFFD itself and U+FFEF stay", "\xEF\xBF\xBD\xEF\xBF\xAF", "\xEF\xBF\xBD\xEF\xBF\xAF"},
    };
    for (auto const& c : cases) {
        auto const xml = render_text_reply(from_citizen(), c.text, 1);
        auto const start = xml.find("<Content><![CDATA[") + 18;
        EXPECT_EQ(xml.substr(start, xml.find("]]></Content>") - start), c.sent) << c.name;
        EXPECT_TRUE(parse_message(xml)) << c.name;
    }
}

TEST(wechat_reply, envelope_is_what_the_samples_send)
{
    reply_envelope const e{"ECb9+/=", "58a3ecd57876786b0e28351993ff802c7e5797d0", "1764328480", "reply-nonce"};
    EXPECT_EQ(render_envelope(e),
              "<xml><Encrypt><![CDATA[ECb9+/=]]></Encrypt><MsgSignature><![CDATA["
              "58a3ecd57876786b0e28351993ff802c7e5797d0]]></MsgSignature><TimeStamp>1764328480</TimeStamp>"
              "<Nonce><![CDATA[reply-nonce]]></Nonce></xml>");
    auto back = parse_envelope(render_envelope(e));
    ASSERT_TRUE(back) << back.error().detail;
    EXPECT_EQ(back->encrypt, "ECb9+/=");
}

TEST(wechat_reply, sealed_reply_opens_as_a_push_would)
{
    // The whole passive-reply road: render, seal, and read back with the receiving side's functions.
    auto const key = *parse_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
    auto const xml = render_text_reply(from_citizen(), "a]]>b", 1764328480);
    auto const e = seal_reply(xml, "pg-token-2026", key, "wx0123456789abcdef", "ABCDEFGHIJKLMNOP", 1764328480, "n1");
    auto env = parse_envelope(render_envelope(e));
    ASSERT_TRUE(env) << env.error().detail;
    EXPECT_TRUE(signature_matches(e.msg_signature, msg_signature("pg-token-2026", "1764328480", "n1", env->encrypt)));
    auto plain = decrypt(key, env->encrypt, "wx0123456789abcdef");
    ASSERT_TRUE(plain) << plain.error().detail;
    EXPECT_EQ(*plain, xml);
}

TEST(wechat_reply, success_body_is_the_bare_word)
{
    EXPECT_EQ(success_body, "success");
}

}  // namespace
}  // namespace pg::adapters::wechat
