#include "adapters/wechat/wechat.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters::wechat {
namespace {

using model::event_kind;
using model::inbound_event;

std::string const channel = "wechat";
constexpr model::timestamp at(std::int64_t unix_seconds) { return model::from_millis(unix_seconds * 1000); }

std::string push(std::string const& fields, std::string const& time = "1764328479")
{
    return "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oABCD1234_citizen]]>"
           "</FromUserName><CreateTime>" + time + "</CreateTime>" + fields + "</xml>";
}

inbound_event event_of(std::string const& xml, std::string const& name)
{
    auto m = parse_message(xml);
    if (!m) {
        ADD_FAILURE() << name << ": " << m.error().detail;
        return {};
    }
    return citizen_event(*m, channel);
}

// What every citizen event shares: the openid as chat and user, a private chat, the push's time.
inbound_event base(std::string dedupe, std::string message_id = {})
{
    return {.dedupe_key = std::move(dedupe), .channel_id = channel, .chat_id = "oABCD1234_citizen",
            .user_id = "oABCD1234_citizen", .chat = model::chat_kind::private_chat, .message_id = std::move(message_id),
            .sent_at = at(1764328479)};
}

inbound_event with(inbound_event ev, event_kind kind, std::string text = {}, std::string detail = {})
{
    ev.kind = kind;
    ev.text = std::move(text);
    ev.detail = std::move(detail);
    return ev;
}

TEST(wechat_citizen, each_kind_of_push_becomes_its_event)
{
    auto const msg = base("wx:wechat:23456789012345678901", "23456789012345678901");
    auto const ev = [](std::string const& e) { return "oABCD1234_citizen:1764328479:" + e; };
    struct case_ { char const* name; std::string fields; inbound_event expect; };
    auto photo = with(msg, event_kind::photo);
    photo.photo_ids = {"media_1"};
    auto place = with(msg, event_kind::location, "Town Hall");
    place.location = model::geo_point{23.134521, 113.358803};
    case_ const cases[] = {
        {"text", "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[The lamp is out]]></Content>"
                 "<MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::text, "The lamp is out")},
        {"image", "<MsgType><![CDATA[image]]></MsgType><PicUrl><![CDATA[http://mmbiz.qpic.cn/x]]></PicUrl>"
                  "<MediaId><![CDATA[media_1]]></MediaId><MsgId>23456789012345678901</MsgId>",
         photo},
        {"voice, recognised", "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v]]></MediaId><Format><![CDATA["
                              "amr]]></Format><Recognition><![CDATA[the lamp is out]]></Recognition>"
                              "<MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::text, "the lamp is out")},
        {"voice, not recognised", "<MsgType><![CDATA[voice]]></MsgType><MediaId><![CDATA[v]]></MediaId>"
                                  "<Format><![CDATA[amr]]></Format><MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::unsupported, "", "voice")},
        {"location", "<MsgType><![CDATA[location]]></MsgType><Location_X>23.134521</Location_X><Location_Y>"
                     "113.358803</Location_Y><Scale>20</Scale><Label><![CDATA[Town Hall]]></Label>"
                     "<MsgId>23456789012345678901</MsgId>",
         place},
        {"video", "<MsgType><![CDATA[video]]></MsgType><MediaId>m</MediaId><ThumbMediaId>t</ThumbMediaId>"
                  "<MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::unsupported, "", "video")},
        {"link", "<MsgType><![CDATA[link]]></MsgType><Title>t</Title><Url>u</Url><MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::unsupported, "", "link")},
        {"subscribe", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>",
         with(base("wx:wechat:" + ev("subscribe:")), event_kind::text, "/start")},
        {"subscribe, empty EventKey", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
                                      "<EventKey><![CDATA[]]></EventKey>",
         with(base("wx:wechat:" + ev("subscribe:")), event_kind::text, "/start")},
        {"subscribe from a QR code", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>"
                                     "<EventKey><![CDATA[qrscene_district7]]></EventKey><Ticket>T</Ticket>",
         with(base("wx:wechat:" + ev("subscribe:qrscene_district7")), event_kind::text, "/start district7")},
        {"subscribe, key without the prefix", "<MsgType>event</MsgType><Event>subscribe</Event><EventKey>last_trade_no"
                                              "</EventKey>",
         with(base("wx:wechat:" + ev("subscribe:last_trade_no")), event_kind::text, "/start")},
        {"SCAN", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[SCAN]]></Event><EventKey><![CDATA[district7]]>"
                 "</EventKey><Ticket>T</Ticket>",
         with(base("wx:wechat:" + ev("SCAN:district7")), event_kind::text, "/start district7")},
        {"unsubscribe", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[unsubscribe]]></Event>",
         with(base("wx:wechat:" + ev("unsubscribe:")), event_kind::ignored, "", "opt_out")},
        {"CLICK", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event><EventKey><![CDATA[c:new]]>"
                  "</EventKey>",
         with(base("wx:wechat:" + ev("CLICK:c:new")), event_kind::button, "c:new")},
        {"CLICK without a key", "<MsgType>event</MsgType><Event>CLICK</Event>",
         with(base("wx:wechat:" + ev("CLICK:")), event_kind::ignored, "", "CLICK")},
        {"VIEW", "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[VIEW]]></Event><EventKey><![CDATA["
                 "https://example.org/menu]]></EventKey>",
         with(base("wx:wechat:" + ev("VIEW:https://example.org/menu")), event_kind::ignored, "", "VIEW")},
        {"LOCATION report", "<MsgType>event</MsgType><Event>LOCATION</Event><Latitude>23.1</Latitude>"
                            "<Longitude>113.3</Longitude><Precision>119.3</Precision>",
         with(base("wx:wechat:" + ev("LOCATION:")), event_kind::ignored, "", "LOCATION")},
        {"template job report", "<MsgType>event</MsgType><Event>TEMPLATESENDJOBFINISH</Event><MsgID>200163836</MsgID>"
                                "<Status>success</Status>",
         with(base("wx:wechat:" + ev("TEMPLATESENDJOBFINISH:")), event_kind::ignored, "", "TEMPLATESENDJOBFINISH")},
        {"a message type not yet known", "<MsgType>miniprogrampage</MsgType><MsgId>23456789012345678901</MsgId>",
         with(msg, event_kind::unsupported, "", "miniprogrampage")},
        {"no MsgId", "<MsgType>text</MsgType><Content>hi</Content>",
         with(base("wx:wechat:" + ev("text:")), event_kind::text, "hi")},
    };
    for (auto const& c : cases) {
        auto const got = event_of(push(c.fields), c.name);
        EXPECT_EQ(got, c.expect) << c.name << ": got kind " << int(got.kind) << " text '" << got.text << "' detail '"
                                 << got.detail << "' dedupe " << got.dedupe_key;
    }
}

TEST(wechat_citizen, event_names_are_matched_without_case)
{
    auto const got = event_of(push("<MsgType>event</MsgType><Event>click</Event><EventKey>c:new</EventKey>"), "click");
    EXPECT_EQ(got.kind, event_kind::button);
    EXPECT_EQ(got.text, "c:new");
}

TEST(wechat_citizen, retries_share_a_dedupe_key_and_other_pushes_do_not)
{
    auto const key = [](std::string const& fields, std::string const& time = "1764328479") {
        return event_of(push(fields, time), fields).dedupe_key;
    };
    std::string const click = "<MsgType>event</MsgType><Event>CLICK</Event><EventKey>c:new</EventKey>";
    EXPECT_EQ(key(click), key(click));  // WeChat's retry repeats the push exactly
    EXPECT_NE(key(click), key(click, "1764328480"));
    EXPECT_NE(key(click), key("<MsgType>event</MsgType><Event>CLICK</Event><EventKey>c:track</EventKey>"));
    EXPECT_NE(key("<MsgType>event</MsgType><Event>subscribe</Event>"),
              key("<MsgType>event</MsgType><Event>unsubscribe</Event>"));
    EXPECT_NE(key("<MsgType>text</MsgType><Content>a</Content><MsgId>1</MsgId>"),
              key("<MsgType>text</MsgType><Content>a</Content><MsgId>2</MsgId>"));
    // Messages: the MsgId alone, whatever else differs.
    EXPECT_EQ(key("<MsgType>text</MsgType><Content>a</Content><MsgId>7</MsgId>"),
              key("<MsgType>text</MsgType><Content>b</Content><MsgId>7</MsgId>", "1764328999"));
}

TEST(wechat_citizen, details_stay_short)
{
    auto const got = event_of(push("<MsgType>" + std::string(500, 'z') + "</MsgType><MsgId>1</MsgId>"), "long type");
    EXPECT_EQ(got.kind, event_kind::unsupported);
    EXPECT_EQ(got.detail, std::string(32, 'z'));
}

TEST(wechat_citizen, parse_citizen_push_verifies_then_reads)
{
    // Plain mode: signature over (token, "1764328600", "n600") from make_vectors.py.
    secrets const s{"pg-token-2026", std::nullopt, std::nullopt, "wx0123456789abcdef"};
    model::raw_request req;
    req.method = "POST";
    req.target = "/webhook/wechat?signature=6fe4ef98e5aac836fe0fdc2d32ffdf406ef6d745&timestamp=1764328600&nonce=n600"
                 "&openid=oABCD1234_citizen";
    req.body = push("<MsgType>text</MsgType><Content>hello</Content><MsgId>42</MsgId>");
    auto r = parse_citizen_push(req, channel, s);
    ASSERT_TRUE(r) << r.error().detail;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(r->front().text, "hello");
    EXPECT_EQ(r->front().dedupe_key, "wx:wechat:42");

    req.body = push("<MsgType>text</MsgType>");
    auto broken = parse_citizen_push(req, channel, s);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().detail, "Content: missing");

    req.target = "/webhook/wechat?signature=0&timestamp=1764328600&nonce=n600";
    auto unsigned_ = parse_citizen_push(req, channel, s);
    ASSERT_FALSE(unsigned_);
    EXPECT_EQ(unsigned_.error().code, model::errc::bad_signature);
}

}  // namespace
}  // namespace pg::adapters::wechat
