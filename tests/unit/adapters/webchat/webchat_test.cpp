// Web chat adapter: session cookies, the same-origin check, parse of every body
// shape and every refusal, and the frames the page draws.
#include "adapters/webchat/webchat.hpp"

#include "adapters/common/hmac.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace pg::adapters::webchat {
namespace {

using json = nlohmann::json;
using model::errc;
using model::event_kind;

std::string const channel = "web";
std::string const secret = "a-session-secret-of-some-length";
constexpr model::timestamp t0{std::chrono::seconds{1'764'330'800}};  // no test reads the real clock
std::string const random16 = std::string("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\xff", 16);
std::string const session = new_session_id(random16);

std::string cookie(model::timestamp issued = t0, std::string const& id = session, std::string const& key = secret)
{
    return cookie_name(channel) + "=" + cookie_value(id, issued, key);
}

model::raw_request post(std::string body, std::string const& cookie_header = cookie())
{
    model::raw_request r;
    r.method = "POST";
    r.target = "/webhook/web";
    r.headers = {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/json"}};
    if (!cookie_header.empty())
        r.headers.emplace_back("Cookie", cookie_header);
    r.body = std::move(body);
    return r;
}

model::result<std::vector<model::inbound_event>> parsed(model::raw_request const& r, model::timestamp now = t0)
{
    return parse(r, channel, secrets{secret}, now);
}

TEST(webchat_session, ids_are_the_random_bytes_in_hex)
{
    EXPECT_EQ(session, "000102030405060708090a0b0c0d0eff");
    EXPECT_EQ(session.size(), 2 * session_id_bytes);
}

TEST(webchat_session, a_signed_cookie_verifies_to_its_session)
{
    auto const value = cookie_value(session, t0, secret);
    EXPECT_EQ(value, session + ".1764330800." + to_hex(hmac_sha256(secret, session + ".1764330800")));
    EXPECT_EQ(verify_session(cookie(), channel, secret, t0), session);
    // Among other cookies, with spaces, quoted, or after a stale one of the same name.
    EXPECT_EQ(verify_session("theme=dark; " + cookie() + "; lang=en", channel, secret, t0), session);
    EXPECT_EQ(verify_session(cookie_name(channel) + "=\"" + value + "\"", channel, secret, t0), session);
    EXPECT_EQ(verify_session(cookie_name(channel) + "=old.1.x; " + cookie(), channel, secret, t0), session);
    // Still good until session_max_age, and a little ahead of our clock.
    EXPECT_EQ(verify_session(cookie(), channel, secret, t0 + session_max_age), session);
    EXPECT_EQ(verify_session(cookie(), channel, secret, t0 - std::chrono::seconds{30}), session);
}

TEST(webchat_session, forged_expired_and_garbled_cookies_are_refused)
{
    auto const value = cookie_value(session, t0, secret);
    auto const other_id = new_session_id(std::string(16, 'x'));
    auto const mac = value.substr(value.rfind('.') + 1);
    std::string const refused[] = {
        "",
        "theme=dark",
        cookie_name(channel) + "=",
        cookie_name("other") + "=" + value,                               // another channel's cookie
        cookie(t0, session, "another-secret-of-some-length"),             // signed with another key
        cookie_name(channel) + "=" + other_id + ".1764330800." + mac,     // another session, same MAC
        cookie_name(channel) + "=" + session + ".1764330801." + mac,      // issued time changed
        cookie_name(channel) + "=" + session + ".1764330800." + std::string(64, '0'),
        cookie_name(channel) + "=" + session + ".1764330800",             // no MAC
        cookie_name(channel) + "=" + session,                             // no time, no MAC
        cookie_name(channel) + "=" + value + "x",                         // MAC too long
        cookie_name(channel) + "=" + value.substr(0, value.size() - 1),   // MAC too short
        cookie_name(channel) + "=ABC" + value.substr(3),                  // upper-case id
        cookie_name(channel) + "=" + session + ".-5." + mac,              // negative time
        cookie_name(channel) + "=" + session + ".99999999999999999999." + mac,
    };
    for (auto const& c : refused)
        EXPECT_FALSE(verify_session(c, channel, secret, t0)) << c;
    // Expired, and issued too far in the future.
    EXPECT_FALSE(verify_session(cookie(), channel, secret, t0 + session_max_age + std::chrono::seconds{1}));
    EXPECT_FALSE(verify_session(cookie(), channel, secret, t0 - std::chrono::minutes{2}));
    // No secret configured accepts nothing, not even a cookie signed with "".
    EXPECT_FALSE(verify_session(cookie(t0, session, ""), channel, "", t0));
}

TEST(webchat_session, the_cookie_is_http_only_strict_and_site_wide)
{
    auto const header = set_cookie(channel, "v");
    EXPECT_EQ(header, "pg_chat_web=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=15552000");
}

TEST(webchat_session, the_cookie_is_secure_when_asked)
{
    EXPECT_EQ(set_cookie(channel, "v", true), "pg_chat_web=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=15552000; Secure");
}

TEST(webchat_origin, only_a_present_origin_that_is_not_the_host_is_cross_site)
{
    auto with = [](std::vector<std::pair<std::string, std::string>> headers) {
        model::raw_request r;
        r.headers = std::move(headers);
        return cross_origin(r);
    };
    EXPECT_FALSE(with({{"Host", "127.0.0.1:8080"}}));
    EXPECT_FALSE(with({{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8080"}}));
    EXPECT_FALSE(with({{"host", "Chat.Example.org"}, {"origin", "https://chat.example.org"}}));
    EXPECT_TRUE(with({{"Host", "127.0.0.1:8080"}, {"Origin", "http://evil.example"}}));
    EXPECT_TRUE(with({{"Host", "127.0.0.1:8080"}, {"Origin", "http://127.0.0.1:8081"}}));
    EXPECT_TRUE(with({{"Host", "127.0.0.1:8080"}, {"Origin", "null"}}));
    EXPECT_TRUE(with({{"Host", "127.0.0.1:8080"}, {"Origin", ""}}));
    EXPECT_TRUE(with({{"Host", "127.0.0.1:8080"}, {"Origin", "ftp://127.0.0.1:8080"}}));
    EXPECT_TRUE(with({{"Origin", "http://127.0.0.1:8080"}}));  // no Host to compare with
}

TEST(webchat_parse, a_text_becomes_an_event_of_the_session)
{
    auto r = parsed(post(R"({"id":"m-1","text":"A pothole on Main Street","language":"zh-CN"})"));
    ASSERT_TRUE(r) << r.error().detail;
    ASSERT_EQ(r->size(), 1u);
    auto const& ev = r->front();
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "A pothole on Main Street");
    EXPECT_EQ(ev.channel_id, "web");
    EXPECT_EQ(ev.chat_id, session);
    EXPECT_EQ(ev.user_id, session);
    EXPECT_EQ(ev.chat, model::chat_kind::private_chat);
    EXPECT_EQ(ev.dedupe_key, "web:web:" + session + ":m-1");
    EXPECT_EQ(ev.message_id, "m-1");
    EXPECT_EQ(ev.language, "zh-CN");
    EXPECT_EQ(ev.sent_at, t0);
    EXPECT_TRUE(ev.callback_id.empty());  // nothing to acknowledge in a page
}

TEST(webchat_parse, buttons_and_locations)
{
    auto b = parsed(post(R"({"id":"m-2","button":"c:roads"})"));
    ASSERT_TRUE(b) << b.error().detail;
    EXPECT_EQ(b->front().kind, event_kind::button);
    EXPECT_EQ(b->front().text, "c:roads");

    auto l = parsed(post(R"({"id":"m-3","location":{"latitude":31.2304,"longitude":-121.4737}})"));
    ASSERT_TRUE(l) << l.error().detail;
    EXPECT_EQ(l->front().kind, event_kind::location);
    ASSERT_TRUE(l->front().location);
    EXPECT_DOUBLE_EQ(l->front().location->latitude, 31.2304);
    EXPECT_DOUBLE_EQ(l->front().location->longitude, -121.4737);
}

TEST(webchat_parse, the_same_client_id_in_two_sessions_is_two_messages)
{
    auto const other = new_session_id(std::string(16, 'z'));
    auto a = parsed(post(R"({"id":"m-1","text":"hi"})"));
    auto b = parsed(post(R"({"id":"m-1","text":"hi"})", cookie(t0, other)));
    ASSERT_TRUE(a && b);
    EXPECT_NE(a->front().dedupe_key, b->front().dedupe_key);
    EXPECT_EQ(b->front().chat_id, other);
}

TEST(webchat_parse, no_forged_or_cross_site_request_gets_in)
{
    std::string const body = R"({"id":"m-1","text":"hi"})";
    auto expect_refused = [](model::raw_request const& r, std::string const& why) {
        auto res = parsed(r);
        ASSERT_FALSE(res) << why;
        EXPECT_EQ(res.error().code, errc::bad_signature) << why;
    };
    expect_refused(post(body, ""), "no cookie");
    expect_refused(post(body, cookie(t0, session, "another-secret-of-some-length")), "forged");
    expect_refused(post(body, cookie(t0 - session_max_age - std::chrono::seconds{1})), "expired");
    auto cross = post(body);
    cross.headers.emplace_back("Origin", "https://evil.example");
    expect_refused(cross, "cross-origin");
    EXPECT_EQ(parsed(cross).error().detail, "Origin does not match Host");
    // The cookie is checked before the body is read.
    expect_refused(post("not json", ""), "no cookie, broken body");

    auto same = post(body);
    same.headers.emplace_back("Origin", "http://127.0.0.1:8080");
    EXPECT_TRUE(parsed(same));
}

TEST(webchat_parse, every_malformed_body_names_its_field)
{
    struct case_ {
        std::string body;
        std::string detail;
    };
    case_ const cases[] = {
        {"", "body: not JSON (empty)"},
        {"{\"id\":", "body: not JSON (ends early at byte 6)"},
        {"[1]", "body: expected a JSON object"},
        {"{\"id\":\"m\",\"text\":\"\xff\"}", "body: invalid UTF-8 at byte 18"},
        {R"({"id":"m","text":"x","extra":1})", "body: unknown key (expected id, text, button, location, language)"},
        {R"({"text":"x"})", "id: missing"},
        {R"({"id":7,"text":"x"})", "id: expected a string"},
        {R"({"id":"","text":"x"})", "id: expected 1 to 64 characters of A-Z a-z 0-9 - _ . :"},
        {R"({"id":"a b","text":"x"})", "id: expected 1 to 64 characters of A-Z a-z 0-9 - _ . :"},
        {R"({"id":")" + std::string(65, 'm') + R"(","text":"x"})", "id: expected 1 to 64 characters of A-Z a-z 0-9 - _ . :"},
        {R"({"id":"m"})", "body: expected one of text, button, location"},
        {R"({"id":"m","text":"x","button":"y"})", "body: expected only one of text, button, location"},
        {R"({"id":"m","text":null})", "body: expected one of text, button, location"},
        {R"({"id":"m","text":5})", "text: expected a string"},
        {R"({"id":"m","text":"  \n"})", "text: empty"},
        {R"({"id":"m","text":")" + std::string(4097, 'a') + R"("})", "text: longer than 4096 characters"},
        {R"({"id":"m","button":""})", "button: expected 1 to 64 bytes"},
        {R"({"id":"m","button":")" + std::string(65, 'b') + R"("})", "button: expected 1 to 64 bytes"},
        {R"({"id":"m","button":["x"]})", "button: expected a string"},
        {R"({"id":"m","location":"here"})", "location: expected an object"},
        {R"({"id":"m","location":{"latitude":1}})", "location.longitude: missing"},
        {R"({"id":"m","location":{"latitude":"1","longitude":2}})", "location.latitude: expected a number"},
        {R"({"id":"m","location":{"latitude":91,"longitude":2}})", "location.latitude: expected a number from -90 to 90"},
        {R"({"id":"m","location":{"latitude":1,"longitude":-180.5}})",
         "location.longitude: expected a number from -180 to 180"},
        {R"({"id":"m","text":"x","language":"en; drop"})", "language: expected a language tag such as en or zh-CN"},
        {R"({"id":"m","text":"x","language":3})", "language: expected a string"},
    };
    for (auto const& c : cases) {
        auto r = parsed(post(c.body));
        ASSERT_FALSE(r) << c.body;
        EXPECT_EQ(r.error().code, errc::malformed_body) << c.body;
        EXPECT_EQ(r.error().detail, c.detail) << c.body.substr(0, 80);
    }
    // Exactly at the limits is fine: 4096 UTF-16 units (an emoji is two).
    std::string emoji;
    for (int i = 0; i < 2048; ++i)
        emoji += "\xF0\x9F\x98\x80";
    EXPECT_TRUE(parsed(post(R"({"id":"m","text":")" + emoji + R"("})")));
    EXPECT_FALSE(parsed(post(R"({"id":"m","text":")" + emoji + R"(a"})")));
    EXPECT_TRUE(parsed(post(R"({"id":"m","button":")" + std::string(64, 'b') + R"("})")));
}

TEST(webchat_render, a_message_becomes_the_frame_the_page_draws)
{
    model::outbound_message m;
    m.channel_id = "web";
    m.chat_id = session;
    m.text = "Where exactly is it? <script>alert(1)</script>";
    m.buttons = {{{"Roads", "c:roads"}, {"Lighting", "c:lighting"}}, {{"Back", "back"}}};
    m.location_label = "Share my location";
    m.language = "zh-CN";
    auto const call = render(m);
    EXPECT_EQ(call.path, "local");
    auto const frame = json::parse(call.body);
    EXPECT_EQ(frame, json::parse(R"({"kind":"text","text":"Where exactly is it? <script>alert(1)</script>",
        "buttons":[[{"label":"Roads","data":"c:roads"},{"label":"Lighting","data":"c:lighting"}],
                   [{"label":"Back","data":"back"}]],
        "location_label":"Share my location","language":"zh-CN"})"));
    EXPECT_EQ(gateway_frame(m), call.body);

    model::outbound_message plain;
    plain.text = "bad \xff byte";
    EXPECT_EQ(json::parse(gateway_frame(plain)), json::parse(R"({"kind":"text","text":"bad \ufffd byte"})"));
}

TEST(webchat_render, acks_and_thread_messages_have_nothing_to_deliver)
{
    model::outbound_message ack;
    ack.kind = model::message_kind::callback_ack;
    EXPECT_TRUE(render(ack).path.empty());
    model::outbound_message thread;
    thread.kind = model::message_kind::open_thread;
    EXPECT_TRUE(render(thread).path.empty());
    EXPECT_EQ(interpret({}, t0).outcome, model::delivery::ok);
}

TEST(webchat_render, citizen_frames_keep_what_was_sent)
{
    model::inbound_event ev;
    ev.message_id = "m-1";
    ev.kind = event_kind::text;
    ev.text = "<script>alert(1)</script>";
    EXPECT_EQ(json::parse(citizen_frame(ev)),
              json::parse(R"({"kind":"text","id":"m-1","text":"<script>alert(1)</script>"})"));
    ev.kind = event_kind::button;
    ev.text = "c:roads";
    EXPECT_EQ(json::parse(citizen_frame(ev)), json::parse(R"({"kind":"button","id":"m-1","data":"c:roads"})"));
    ev.kind = event_kind::location;
    ev.location = model::geo_point{1.5, -2.25};
    EXPECT_EQ(json::parse(citizen_frame(ev)),
              json::parse(R"({"kind":"location","id":"m-1","latitude":1.5,"longitude":-2.25})"));
}

}  // namespace
}  // namespace pg::adapters::webchat
