#include "adapters/wechat/wechat.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::wechat {
namespace {

using model::errc;

// A text push as the Official Account docs show it (接收普通消息), with CJK text.
std::string const text_push =
    "<xml>\n  <ToUserName><![CDATA[gh_0123456789ab]]></ToUserName>\n"
    "  <FromUserName><![CDATA[oABCD1234_citizen]]></FromUserName>\n  <CreateTime>1764328479</CreateTime>\n"
    "  <MsgType><![CDATA[text]]></MsgType>\n  <Content><![CDATA[\xe8\xb7\xaf\xe7\x81\xaf\nline two ]]></Content>\n"
    "  <MsgId>23456789012345678901</MsgId>\n</xml>";

std::string push(std::string const& fields)
{
    return "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oABCD1234_citizen]]>"
           "</FromUserName><CreateTime>1764328479</CreateTime>" + fields + "</xml>";
}

void expect_refused(std::string_view xml, std::string const& detail, std::string const& name)
{
    auto r = parse_message(xml);
    ASSERT_FALSE(r) << name;
    EXPECT_EQ(r.error().code, errc::malformed_body) << name;
    EXPECT_EQ(r.error().detail, detail) << name;
}

TEST(wechat_xml, reads_a_text_push)
{
    auto m = parse_message(text_push);
    ASSERT_TRUE(m) << m.error().detail;
    EXPECT_EQ(m->to_user_name, "gh_0123456789ab");
    EXPECT_EQ(m->from_user_name, "oABCD1234_citizen");
    EXPECT_EQ(m->create_time, 1764328479);
    EXPECT_EQ(m->msg_type, "text");
    EXPECT_EQ(m->content, "\xe8\xb7\xaf\xe7\x81\xaf\nline two ");  // never trimmed
    EXPECT_EQ(m->msg_id, "23456789012345678901");                  // beyond a double, kept as text
}

TEST(wechat_xml, reads_every_field_of_each_kind)
{
    auto image = parse_message(push("<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]>"
                                    "</PicUrl><MediaId><![CDATA[media_1]]></MediaId><MsgId>1234567890123456</MsgId>"));
    ASSERT_TRUE(image) << image.error().detail;
    EXPECT_EQ(image->pic_url, "http://mmbiz.qpic.cn/x");
    EXPECT_EQ(image->media_id, "media_1");

    auto voice = parse_message(push("<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[media_v]]></MediaId>"
                                    "<Format><![CDATA[amr]]></Format><Recognition><![CDATA[hello]]></Recognition>"
                                    "<MsgId>1234567890123457</MsgId>"));
    ASSERT_TRUE(voice) << voice.error().detail;
    EXPECT_EQ(voice->format, "amr");
    EXPECT_EQ(voice->recognition, "hello");

    auto video = parse_message(push("<MsgType><![CDATA[shortvideo]]></MsgType><MediaId><![CDATA[m]]></MediaId>"
                                    "<ThumbMediaId><![CDATA[t]]></ThumbMediaId><MsgId>1</MsgId>"));
    ASSERT_TRUE(video) << video.error().detail;
    EXPECT_EQ(video->thumb_media_id, "t");

    auto where = parse_message(push("<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X>"
                                    "<Location_Y>-113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[Town Hall]]>"
                                    "</Label><MsgId>1234567890123458</MsgId>"));
    ASSERT_TRUE(where) << where.error().detail;
    ASSERT_TRUE(where->location);
    EXPECT_DOUBLE_EQ(where->location->latitude, 23.134521);  // Location_X is the latitude
    EXPECT_DOUBLE_EQ(where->location->longitude, -113.358803);
    EXPECT_EQ(where->scale, "20");
    EXPECT_EQ(where->label, "Town Hall");

    auto link = parse_message(push("<MsgType><![CDATA[link]]></MsgType><Title><![CDATA[T]]></Title><Description>"
                                   "<![CDATA[D]]></Description><Url><![CDATA[https://example.org]]></Url><MsgId>2</MsgId>"));
    ASSERT_TRUE(link) << link.error().detail;
    EXPECT_EQ(link->title, "T");
    EXPECT_EQ(link->description, "D");
    EXPECT_EQ(link->url, "https://example.org");

    auto sub = parse_message(push("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
                                  "<EventKey><![CDATA[qrscene_123123]]></EventKey><Ticket><![CDATA[TICKET]]></Ticket>"));
    ASSERT_TRUE(sub) << sub.error().detail;
    EXPECT_EQ(sub->event, "subscribe");
    EXPECT_EQ(sub->event_key, "qrscene_123123");
    EXPECT_EQ(sub->ticket, "TICKET");
    EXPECT_EQ(sub->msg_id, "");

    // WeCom: AgentID, plain digits outside CDATA.
    auto wecom = parse_message(push("<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content>"
                                    "<MsgId>4561255354251345929</MsgId><AgentID>1000002</AgentID>"));
    ASSERT_TRUE(wecom) << wecom.error().detail;
    EXPECT_EQ(wecom->agent_id, "1000002");
}

TEST(wechat_xml, text_may_be_escaped_or_split_and_entities_resolve)
{
    auto m = parse_message(push("<MsgType>text</MsgType><Content>a &lt;b&gt; &amp; &#x8DEF;<![CDATA[ <c> ]]>d</Content>"));
    ASSERT_TRUE(m) << m.error().detail;
    EXPECT_EQ(m->content, "a <b> & \xe8\xb7\xaf <c> d");
}

TEST(wechat_xml, ignores_fields_it_does_not_read_and_comments)
{
    // A photo-menu event nests its list: not read, not refused.
    auto m = parse_message(push("<!-- c --><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[pic_sysphoto]]>"
                                "</Event><SendPicsInfo><Count>1</Count><PicList><item><PicMd5Sum><![CDATA[abc]]>"
                                "</PicMd5Sum></item></PicList></SendPicsInfo><Unknown a='1'>x</Unknown>"));
    ASSERT_TRUE(m) << m.error().detail;
    EXPECT_EQ(m->event, "pic_sysphoto");
}

TEST(wechat_xml, missing_fields_are_named)
{
    struct case_ { char const* name; std::string xml; std::string detail; };
    case_ const cases[] = {
        {"ToUserName", "<xml><FromUserName>o</FromUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
                       "<Content>x</Content></xml>", "ToUserName: missing"},
        {"FromUserName", "<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime><MsgType>text</MsgType>"
                         "<Content>x</Content></xml>", "FromUserName: missing"},
        {"CreateTime", "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><MsgType>text</MsgType>"
                       "<Content>x</Content></xml>", "CreateTime: missing"},
        {"MsgType", push("<Content>x</Content>"), "MsgType: missing"},
        {"empty MsgType", push("<MsgType><![CDATA[]]></MsgType>"), "MsgType: missing"},
        {"Content", push("<MsgType>text</MsgType>"), "Content: missing"},
        {"image MediaId", push("<MsgType>image</MsgType><PicUrl>u</PicUrl>"), "MediaId: missing"},
        {"voice MediaId", push("<MsgType>voice</MsgType><Recognition>r</Recognition>"), "MediaId: missing"},
        {"location", push("<MsgType>location</MsgType><Label>x</Label>"), "Location_X: missing"},
        {"Event", push("<MsgType>event</MsgType><EventKey>k</EventKey>"), "Event: missing"},
    };
    for (auto const& c : cases)
        expect_refused(c.xml, c.detail, c.name);
}

TEST(wechat_xml, field_values_of_a_wrong_form_are_named)
{
    struct case_ { char const* name; std::string fields; std::string detail; };
    auto const with_time = [](std::string t) {
        return "<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>" + t +
               "</CreateTime><MsgType>text</MsgType><Content>x</Content></xml>";
    };
    expect_refused(with_time("soon"), "CreateTime: expected Unix seconds", "CreateTime text");
    expect_refused(with_time("-1"), "CreateTime: expected Unix seconds", "CreateTime negative");
    expect_refused(with_time("99999999999999"), "CreateTime: expected Unix seconds", "CreateTime too far");
    expect_refused(with_time("17643284790000000000000"), "CreateTime: expected Unix seconds", "CreateTime overflow");
    expect_refused(with_time(" 1764328479"), "CreateTime: expected Unix seconds", "CreateTime space");

    case_ const cases[] = {
        {"MsgId text", "<MsgType>text</MsgType><Content>x</Content><MsgId>12a</MsgId>", "MsgId: expected a number"},
        {"MsgId long", "<MsgType>text</MsgType><Content>x</Content><MsgId>123456789012345678901</MsgId>",
         "MsgId: expected a number"},
        {"latitude", "<MsgType>location</MsgType><Location_X>91</Location_X><Location_Y>1</Location_Y>",
         "Location_X: expected a latitude"},
        {"longitude", "<MsgType>location</MsgType><Location_X>1</Location_X><Location_Y>-180.5</Location_Y>",
         "Location_Y: expected a longitude"},
        {"latitude text", "<MsgType>location</MsgType><Location_X>north</Location_X><Location_Y>1</Location_Y>",
         "Location_X: expected a latitude"},
        {"latitude nan", "<MsgType>location</MsgType><Location_X>nan</Location_X><Location_Y>1</Location_Y>",
         "Location_X: expected a latitude"},
        {"longitude absent", "<MsgType>location</MsgType><Location_X>1</Location_X>",
         "Location_Y: expected a longitude"},
        {"element inside a field", "<MsgType>text</MsgType><Content>a<b>c</b></Content>",
         "Content: expected text, found an element"},
        {"field twice", "<MsgType>text</MsgType><Content>a</Content><Content>b</Content>",
         "Content: appears more than once"},
        {"invalid UTF-8 by reference", "<MsgType>text</MsgType><Content>&#xD800;</Content>",
         "Content: invalid UTF-8 at byte 0"},
    };
    for (auto const& c : cases)
        expect_refused(push(c.fields), c.detail, c.name);
}

TEST(wechat_xml, hostile_documents_are_refused)
{
    std::string const xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE xml [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n" +
                            push("<MsgType>text</MsgType><Content>&xxe;</Content>");
    expect_refused(xxe, "body: a DOCTYPE is not accepted", "external entity");

    std::string const bomb = "<!DOCTYPE xml [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>" +
                             push("<MsgType>text</MsgType><Content>&b;</Content>");
    expect_refused(bomb, "body: a DOCTYPE is not accepted", "entity expansion");

    // Without a DOCTYPE, an undeclared entity is not expanded by anyone.
    auto undeclared = parse_message(push("<MsgType>text</MsgType><Content>&xxe;</Content>"));
    ASSERT_TRUE(undeclared) << undeclared.error().detail;
    EXPECT_EQ(undeclared->content, "&xxe;");

    expect_refused("", "body: empty", "empty");
    expect_refused("<xml><ToUserName>gh</ToUserName>", "body: not XML (Start-end tags mismatch at byte 31)",
                   "unclosed");
    expect_refused("<xml><a></b></xml>", "body: not XML (Start-end tags mismatch at byte 10)", "mismatch");
    expect_refused("{\"xml\":1}", "body: not XML (No document element found at byte 9)", "JSON");
    expect_refused("<root>" + push("") + "</root>", "body: the root element is not <xml>", "other root");
    expect_refused(push("<MsgType>text</MsgType><Content>x</Content>") + "<xml/>", "body: more than one root element",
                   "two roots");
    expect_refused(push("<MsgType>text</MsgType><Content>\xff</Content>"), "body: invalid UTF-8 at byte 182",
                   "invalid UTF-8");
}

TEST(wechat_xml, limits_hold)
{
    // Body size.
    std::string const big = push("<MsgType>text</MsgType><Content>x</Content><Pad>" + std::string(max_body_bytes, 'p') +
                                 "</Pad>");
    expect_refused(big, "body: larger than " + std::to_string(max_body_bytes) + " bytes", "body");

    // A huge attribute within the body limit: attributes are never read.
    auto attr = parse_message("<xml a='" + std::string(100'000, 'a') + "'>" +
                              push("<MsgType>text</MsgType><Content>x</Content>").substr(5));
    ASSERT_TRUE(attr) << attr.error().detail;
    EXPECT_EQ(attr->content, "x");

    // A field too long names itself; one just within is read.
    expect_refused(push("<MsgType>text</MsgType><Content>" + std::string(max_field_bytes + 1, 'c') + "</Content>"),
                   "Content: longer than " + std::to_string(max_field_bytes) + " bytes", "field");
    auto fits = parse_message(push("<MsgType>text</MsgType><Content>" + std::string(max_field_bytes, 'c') +
                                   "</Content>"));
    ASSERT_TRUE(fits) << fits.error().detail;

    // Deep nesting, in an ignored field and as deep as the body allows.
    std::string nested = "<MsgType>text</MsgType><Content>x</Content><Deep>";
    for (int i = 0; i < 7; ++i)
        nested += "<a>";
    for (int i = 0; i < 7; ++i)
        nested += "</a>";
    expect_refused(push(nested + "</Deep>"), "body: elements nested deeper than 8 levels", "depth 9");
    std::string ok = "<MsgType>text</MsgType><Content>x</Content><Deep>";
    for (int i = 0; i < 6; ++i)
        ok += "<a>";
    for (int i = 0; i < 6; ++i)
        ok += "</a>";
    EXPECT_TRUE(parse_message(push(ok + "</Deep>"))) << "depth 8 is fine";

    std::string deep;  // 15000 levels: 105 KB, within the body limit
    for (int i = 0; i < 15'000; ++i)
        deep += "<a>";
    for (int i = 0; i < 15'000; ++i)
        deep += "</a>";
    expect_refused(push("<MsgType>text</MsgType><Content>x</Content>" + deep),
                   "body: elements nested deeper than 8 levels", "depth 15001");
}

TEST(wechat_xml, envelope_needs_encrypt_only)
{
    auto e = parse_envelope("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[abc=]]>"
                            "</Encrypt><AgentID><![CDATA[218]]></AgentID></xml>");
    ASSERT_TRUE(e) << e.error().detail;
    EXPECT_EQ(e->encrypt, "abc=");
    EXPECT_EQ(e->to_user_name, "wx5823bf96d3bd56c7");
    EXPECT_EQ(e->agent_id, "218");

    auto none = parse_envelope("<xml><ToUserName>gh</ToUserName></xml>");
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error().detail, "Encrypt: missing");

    // Encrypt is bounded by the body alone: a long ciphertext is fine.
    auto long_ct = parse_envelope("<xml><Encrypt>" + std::string(max_field_bytes * 2, 'A') + "</Encrypt></xml>");
    ASSERT_TRUE(long_ct) << long_ct.error().detail;
}

}  // namespace
}  // namespace pg::adapters::wechat
