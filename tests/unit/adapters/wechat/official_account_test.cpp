#include "adapters/wechat/official_account.hpp"

#include "adapters/wechat/wechat.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace pg::adapters::wechat {
namespace {

using model::delivery;
using model::errc;
using model::message_kind;
using nlohmann::json;
using namespace std::chrono_literals;

// The safe-mode vectors of verify_test.cpp (make_vectors.py): a subscribe push from
// the QR code "district7", encrypted under our_key for our_app and signed with our_token.
constexpr char const* our_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr char const* our_app = "wx0123456789abcdef";
constexpr char const* our_token = "pg-token-2026";
constexpr char const* our_secret = "app-secret-0123456789abcdef";
constexpr char const* sub_ct =
    "IG+0eOkLdhYW9kHtuT3HY/HLDBETdQ+tOVVe/MV5uGgICYU4apkNZ2kfYxjDVxWBuhEQyfXm+numrfFVoYFu23eEiJXXIqBqeXPrEF2/lhaFc/Sc"
    "iVzJ/6iRhU/usD1XlNQXUEg+HvGQBJxwsyQn3skYaA0NXrKYhy/5SVn0GQPcBpYQ3bNyxB3wTHtLZDPx6odpDOn3RGJhM2B5WZAl8/p0k5rpnjcR"
    "yHTm7buK2n4B4bsZrZtQYTJyHKQjOyoSXkL3+l/vZlYaCl9VvHS9m1VDMP99jA6vfCfJizGuKj6CSs3CfxFxUNHLfjTkiMezNrSvN7GGbJEOLtNV"
    "aHIkaFK02uQ/KugVRyAW3SEO6B1AKf9B+axtnpQoPgqAz311MUp7y/qu6jOJgInBmIr4wMKjInRhSIQwB9FTrzstYJ7vRlsmbMARi0U4LXqddJQu"
    "l0g8x9CgjSOYFgHKlo7CPA==";
constexpr char const* sub_signature = "6fe4ef98e5aac836fe0fdc2d32ffdf406ef6d745";
constexpr char const* sub_msg_signature = "17158f2bcf654c1197af7a2ad51fbe65414f42f5";

constexpr model::timestamp at(std::int64_t unix_seconds) { return model::from_millis(unix_seconds * 1000); }
model::timestamp const now = at(1764400000);

json base_options()
{
    return {{"app_id", our_app}, {"app_secret", our_secret}, {"token", our_token}, {"encoding_aes_key", our_key}};
}

json with_templates(json options)
{
    options["templates"] = {
        {"accepted",
         {{"template_id", "tmpl-accepted-01"},
          {"url", "https://petitions.example.gov/t"},
          {"data", {{"keyword1", "{tracking}"}, {"keyword2", "Status: {status}"}, {"keyword3", "{text}"}}}}},
        {"answered", {{"template_id", "tmpl-answered-02"}, {"data", {{"thing1", "{text}"}}}}},
    };
    return options;
}

std::unique_ptr<platform const> make_with(json const& options)
{
    return official_account_kind().make(channel_config{"wechat", "https://api.weixin.qq.com", options});
}

// The bad_setting make() throws for `options`, or nullopt when it accepts them.
std::optional<bad_setting> refusal(json const& options)
{
    try {
        make_with(options);
    } catch (bad_setting const& b) {
        return b;
    }
    return std::nullopt;
}

model::raw_request request(std::string method, std::string query, std::string body = {})
{
    return {.method = std::move(method), .target = "/webhook/wechat?" + query, .body = std::move(body)};
}

model::raw_request safe_push(std::string_view msg_signature)
{
    return request("POST",
                   "signature=" + std::string(sub_signature) + "&timestamp=1764328600&nonce=n600&openid=oABCD1234_citizen"
                       "&encrypt_type=aes&msg_signature=" + std::string(msg_signature),
                   "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><Encrypt><![CDATA[" + std::string(sub_ct) +
                       "]]></Encrypt></xml>");
}

model::outbound_message text_to_citizen(std::string text, model::timestamp heard_at)
{
    model::outbound_message m;
    m.channel_id = "wechat";
    m.chat_id = "oABCD1234_citizen";
    m.text = std::move(text);
    m.heard_at = heard_at;
    return m;
}

model::outbound_message status_push(std::string status, model::timestamp heard_at)
{
    auto m = text_to_citizen("Your petition was accepted.", heard_at);
    m.notice_tracking = "PG-2026-000042";
    m.notice_status = std::move(status);
    return m;
}

send_context context(model::timestamp heard_at = {}) { return {.now = now, .credential = "ACCESS_TOKEN_1", .heard_at = heard_at}; }

// ---- Registration and capabilities ----

TEST(wechat_official_account, registered_as_wechat_with_its_settings)
{
    auto const* kind = find_platform_kind("wechat");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->default_api_base, "https://api.weixin.qq.com");
    struct want { std::string_view key; setting_kind kind; bool required; };
    want const expected[] = {
        {"app_id", setting_kind::word, true},
        {"app_secret", setting_kind::secret_word, true},
        {"token", setting_kind::secret_word, true},
        {"encoding_aes_key", setting_kind::secret, false},
        {"previous_encoding_aes_key", setting_kind::secret, false},
        {"templates", setting_kind::object, false},
        {"menu", setting_kind::object, false},
    };
    ASSERT_EQ(kind->settings.size(), std::size(expected));
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        EXPECT_EQ(kind->settings[i].key, expected[i].key);
        EXPECT_EQ(kind->settings[i].kind, expected[i].kind) << expected[i].key;
        EXPECT_EQ(kind->settings[i].required, expected[i].required) << expected[i].key;
    }
}

TEST(wechat_official_account, capabilities_are_a_buttonless_citizen_channel_with_a_48_hour_window)
{
    auto const p = make_with(base_options());
    auto const& c = p->can();
    EXPECT_FALSE(c.buttons);
    EXPECT_FALSE(c.threads);
    EXPECT_FALSE(c.thread_carries_text);
    EXPECT_EQ(c.reply_window, std::chrono::milliseconds{48h});
    EXPECT_FALSE(c.local_delivery);
    EXPECT_FALSE(c.public_webhook);
    // max_text counts UTF-16 units; every unit may cost 3 bytes of the 2048 WeChat takes.
    EXPECT_EQ(c.max_text, 682u);
    EXPECT_LE(c.max_text * 3, max_text_bytes);
    EXPECT_EQ(p->credential_call().has_value(), true);
    EXPECT_TRUE(p->history_frame({}).empty());
}

// ---- Inbound ----

TEST(wechat_official_account, get_url_check_echoes_echostr)
{
    auto const p = make_with(base_options());
    auto const sig = signature(our_token, "1764328479", "nonce42");
    auto ok = p->verify_url(request("GET", "signature=" + sig + "&timestamp=1764328479&nonce=nonce42&echostr=4970303219"), now);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->body, "4970303219");

    auto bad = p->verify_url(request("GET", "signature=" + sig + "&timestamp=1764328480&nonce=nonce42&echostr=1"), now);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, errc::bad_signature);
}

TEST(wechat_official_account, safe_mode_push_becomes_an_event_answered_success)
{
    auto const p = make_with(base_options());
    auto in = p->parse(safe_push(sub_msg_signature), now);
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_EQ(in->events.size(), 1u);
    auto const& ev = in->events[0];
    EXPECT_EQ(ev.kind, model::event_kind::text);
    EXPECT_EQ(ev.text, "/start district7");
    EXPECT_EQ(ev.channel_id, "wechat");
    EXPECT_EQ(ev.chat_id, "oABCD1234_citizen");
    EXPECT_EQ(ev.dedupe_key, "wx:wechat:oABCD1234_citizen:1764328600:subscribe:qrscene_district7");
    // Answered at once: replies go through the customer-service API.
    EXPECT_EQ(in->answer.status, 200);
    EXPECT_EQ(in->answer.body, "success");

    // WeChat's retry of the same push carries the same dedupe key.
    auto again = p->parse(safe_push(sub_msg_signature), now + 5s);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->events.at(0).dedupe_key, ev.dedupe_key);

    auto forged = p->parse(safe_push("17158f2bcf654c1197af7a2ad51fbe65414f42f6"), now);
    ASSERT_FALSE(forged);
    EXPECT_EQ(forged.error().code, errc::bad_signature);
}

TEST(wechat_official_account, safe_mode_refuses_a_plain_push_and_plain_mode_reads_it)
{
    auto const plain = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA["
                       "oABCD1234_citizen]]></FromUserName><CreateTime>1764328600</CreateTime><MsgType><![CDATA[text]]>"
                       "</MsgType><Content><![CDATA[The lamp is out]]></Content><MsgId>23456789012345678901</MsgId></xml>";
    auto const query = "signature=" + std::string(sub_signature) + "&timestamp=1764328600&nonce=n600";

    auto const safe = make_with(base_options());
    EXPECT_FALSE(safe->parse(request("POST", query, plain), now));  // no downgrade to plain mode

    auto options = base_options();
    options["encoding_aes_key"] = "";  // empty: plain mode
    auto in = make_with(options)->parse(request("POST", query, plain), now);
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_EQ(in->events.size(), 1u);
    EXPECT_EQ(in->events[0].text, "The lamp is out");
    EXPECT_EQ(in->events[0].dedupe_key, "wx:wechat:23456789012345678901");
    EXPECT_EQ(in->answer.body, "success");
}

TEST(wechat_official_account, previous_key_still_opens_pushes)
{
    auto options = base_options();
    options["encoding_aes_key"] = "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvutsrqponmlkj";
    EXPECT_FALSE(make_with(options)->parse(safe_push(sub_msg_signature), now));
    options["previous_encoding_aes_key"] = our_key;
    auto in = make_with(options)->parse(safe_push(sub_msg_signature), now);
    ASSERT_TRUE(in) << in.error().detail;
    EXPECT_EQ(in->events.at(0).text, "/start district7");
}

// ---- The access_token ----

TEST(wechat_official_account, credential_is_fetched_with_appid_and_secret)
{
    auto const p = make_with(base_options());
    auto const call = p->credential_call();
    ASSERT_TRUE(call);
    EXPECT_EQ(call->method, "GET");
    EXPECT_EQ(call->path, "/cgi-bin/token?grant_type=client_credential&appid=wx0123456789abcdef"
                          "&secret=app-secret-0123456789abcdef");
    EXPECT_TRUE(call->body.empty());

    auto ok = p->read_credential({200, R"({"access_token":"ACCESS_TOKEN_2","expires_in":7200})"}, now);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(ok->value, "ACCESS_TOKEN_2");
    EXPECT_EQ(ok->expires_at, now + 7200s);
}

TEST(wechat_official_account, credential_refusals_name_the_errcode_never_the_secret)
{
    auto const p = make_with(base_options());
    struct case_ { char const* name; model::api_response r; std::string detail; };
    case_ const cases[] = {
        {"bad secret", {200, R"({"errcode":40125,"errmsg":"invalid appsecret app-secret-0123456789abcdef"})"},
         "access_token: errcode 40125 (AppSecret invalid)"},
        {"ip not whitelisted", {200, R"({"errcode":40164,"errmsg":"invalid ip 203.0.113.9"})"},
         "access_token: errcode 40164 (this server's IP is not on the account's whitelist)"},
        {"unknown errcode", {200, R"({"errcode":89503,"errmsg":"x"})"}, "access_token: errcode 89503"},
        {"no expiry", {200, R"({"access_token":"T"})"}, "access_token: expires_in: missing"},
        {"not JSON", {200, "<html>"}, "access_token: answer not a JSON object"},
        {"server error", {502, ""}, "access_token: HTTP 502"},
        {"no answer", {0, ""}, "access_token: network"},
    };
    for (auto const& c : cases) {
        auto r = p->read_credential(c.r, now);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
        EXPECT_EQ(r.error().detail.find(our_secret), std::string::npos) << c.name;
    }
}

// ---- Rendering and the 48-hour window ----

TEST(wechat_official_account, text_inside_the_window_is_a_customer_service_message)
{
    auto const p = make_with(with_templates(base_options()));
    auto m = status_push("accepted", now - (48h - 1min));  // 47h59m ago: still inside
    m.buttons = {{{"Yes", "yes"}, {"No", "no"}}};           // numbered in the text by the dialog
    auto call = p->render(m, context());
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->method, "POST");
    EXPECT_EQ(call->path, "/cgi-bin/message/custom/send?access_token=ACCESS_TOKEN_1");
    EXPECT_EQ(call->content_type, "application/json");
    EXPECT_EQ(json::parse(call->body),
              json::parse(R"({"touser":"oABCD1234_citizen","msgtype":"text",
                              "text":{"content":"Your petition was accepted."}})"));
}

TEST(wechat_official_account, a_status_push_at_48_hours_becomes_its_template)
{
    auto const p = make_with(with_templates(base_options()));
    auto call = p->render(status_push("accepted", now - 48h), context());
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->path, "/cgi-bin/message/template/send?access_token=ACCESS_TOKEN_1");
    EXPECT_EQ(json::parse(call->body), json::parse(R"({
        "touser": "oABCD1234_citizen", "template_id": "tmpl-accepted-01",
        "url": "https://petitions.example.gov/t", "client_msg_id": "PG-2026-000042:accepted",
        "data": {"keyword1": {"value": "PG-2026-000042"}, "keyword2": {"value": "Status: accepted"},
                 "keyword3": {"value": "Your petition was accepted."}}})"));

    // Without a url in its config, none is sent.
    auto answered = p->render(status_push("answered", now - 72h), context());
    ASSERT_TRUE(answered) << answered.error().detail;
    auto const body = json::parse(answered->body);
    EXPECT_FALSE(body.contains("url"));
    EXPECT_EQ(body["data"], json::parse(R"({"thing1":{"value":"Your petition was accepted."}})"));
}

TEST(wechat_official_account, past_the_window_without_a_template_nothing_is_sent)
{
    auto const p = make_with(with_templates(base_options()));
    auto closed = p->render(status_push("closed", now - 48h), context());
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().detail, "outside the 48-hour window and no template for status closed");

    auto chat = p->render(text_to_citizen("Thanks for waiting.", now - 48h), context());
    ASSERT_FALSE(chat);
    EXPECT_EQ(chat.error().detail, "outside the 48-hour window and not a status push");

    // No templates configured at all.
    auto bare = make_with(base_options())->render(status_push("accepted", now - 49h), context());
    ASSERT_FALSE(bare);
    EXPECT_EQ(bare.error().detail, "outside the 48-hour window and no template for status accepted");
}

TEST(wechat_official_account, never_heard_from_is_outside_the_window)
{
    auto const p = make_with(with_templates(base_options()));
    auto chat = p->render(text_to_citizen("Hello", {}), context());
    ASSERT_FALSE(chat);
    EXPECT_EQ(chat.error().detail, "outside the 48-hour window and not a status push");
    auto notice = p->render(status_push("accepted", {}), context());
    ASSERT_TRUE(notice) << notice.error().detail;
    EXPECT_TRUE(notice->path.starts_with("/cgi-bin/message/template/send?"));
}

TEST(wechat_official_account, the_dispatchers_fresher_heard_at_counts_too)
{
    auto const p = make_with(base_options());
    auto call = p->render(text_to_citizen("Hello", {}), context(now - 1h));
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_TRUE(call->path.starts_with("/cgi-bin/message/custom/send?"));
}

TEST(wechat_official_account, other_kinds_of_message)
{
    auto const p = make_with(base_options());
    auto photo = text_to_citizen("caption", now - 1h);
    photo.kind = message_kind::photo;
    photo.media_id = "MEDIA_1";
    auto call = p->render(photo, context());
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->path, "/cgi-bin/message/custom/send?access_token=ACCESS_TOKEN_1");
    EXPECT_EQ(json::parse(call->body),
              json::parse(R"({"touser":"oABCD1234_citizen","msgtype":"image","image":{"media_id":"MEDIA_1"}})"));

    auto ack = text_to_citizen("", now - 1h);
    ack.kind = message_kind::callback_ack;
    ack.callback_id = "c1";
    auto nothing = p->render(ack, context());
    ASSERT_TRUE(nothing) << nothing.error().detail;
    EXPECT_TRUE(nothing->path.empty());

    auto thread = text_to_citizen("card", now - 1h);
    thread.kind = message_kind::open_thread;
    EXPECT_FALSE(p->render(thread, context()));
}

TEST(wechat_official_account, text_is_cut_to_2048_bytes_on_a_character_boundary)
{
    auto const p = make_with(base_options());
    std::string long_text = "a";
    for (int i = 0; i < 1000; ++i)
        long_text += "\xe4\xb8\xad";  // 中: 3 bytes, so 2048 falls inside one
    auto call = p->render(text_to_citizen(long_text, now - 1h), context());
    ASSERT_TRUE(call);
    auto const content = json::parse(call->body)["text"]["content"].get<std::string>();
    EXPECT_EQ(content.size(), 2047u);
    EXPECT_EQ(content, long_text.substr(0, 2047));

    auto blank = p->render(text_to_citizen(" ", now - 1h), context());
    ASSERT_TRUE(blank);
    EXPECT_EQ(json::parse(blank->body)["text"]["content"], "\u2026");
}

TEST(wechat_official_account, access_token_is_encoded_into_the_query)
{
    auto const p = make_with(base_options());
    send_context ctx = context(now - 1h);
    ctx.credential = "a&b=c";
    auto call = p->render(text_to_citizen("Hello", {}), ctx);
    ASSERT_TRUE(call);
    EXPECT_EQ(call->path, "/cgi-bin/message/custom/send?access_token=a%26b%3Dc");
}

// ---- The answer ----

TEST(wechat_official_account, interpret_maps_errcodes_to_verdicts)
{
    auto const p = make_with(base_options());
    auto const answer = [](std::int64_t errcode) {
        // errmsg is WeChat's text; it never reaches a reason.
        return model::api_response{200, R"({"errcode":)" + std::to_string(errcode) + R"(,"errmsg":"ERRMSG TEXT"})"};
    };
    struct case_ { char const* name; model::api_response r; delivery outcome; std::string reason; };
    case_ const cases[] = {
        {"sent", answer(0), delivery::ok, ""},
        {"sent, no errcode", {200, R"({"msgid":200228332})"}, delivery::ok, ""},
        {"invalid credential", answer(40001), delivery::refresh_credential,
         "errcode 40001 (access_token invalid, or AppSecret wrong)"},
        {"invalid token", answer(40014), delivery::refresh_credential, "errcode 40014 (access_token invalid)"},
        {"expired token", answer(42001), delivery::refresh_credential, "errcode 42001 (access_token expired)"},
        {"missing token", answer(41001), delivery::refresh_credential, "errcode 41001 (access_token missing)"},
        {"outside the window", answer(45015), delivery::permanent, "errcode 45015 (outside the 48-hour window)"},
        {"unfollowed", answer(43004), delivery::permanent, "errcode 43004 (the user does not follow the account)"},
        {"bad openid", answer(40003), delivery::permanent, "errcode 40003 (not an openid of this account)"},
        {"too long", answer(45002), delivery::permanent, "errcode 45002 (content too long)"},
        {"unknown errcode", answer(47003), delivery::permanent, "errcode 47003"},
        {"cs quota", answer(45047), delivery::retry, "errcode 45047 (customer-service message quota reached)"},
        {"api quota", answer(45009), delivery::retry, "errcode 45009 (daily API quota reached)"},
        {"busy", answer(-1), delivery::retry, "errcode -1 (system busy)"},
        {"server error", {503, "busy"}, delivery::retry, "HTTP 503"},
        {"no answer", {0, ""}, delivery::retry, "network"},
        {"rate limited", {429, ""}, delivery::retry, "HTTP 429"},
        {"client error", {404, ""}, delivery::permanent, "HTTP 404"},
        {"not JSON", {200, "<html>ERRMSG TEXT</html>"}, delivery::retry,
         "HTTP 200: answer not a JSON object with an integer errcode"},
        {"errcode a string", {200, R"({"errcode":"0"})"}, delivery::retry,
         "HTTP 200: answer not a JSON object with an integer errcode"},
    };
    for (auto const& c : cases) {
        auto const v = p->interpret(c.r, now);
        EXPECT_EQ(v.outcome, c.outcome) << c.name;
        EXPECT_EQ(v.reason, c.reason) << c.name;
        EXPECT_EQ(v.reason.find("ERRMSG"), std::string::npos) << c.name;
        EXPECT_FALSE(v.not_before) << c.name;
    }
}

// ---- The menu ----

json a_menu()
{
    return json::parse(R"({"button": [
        {"name": "New petition", "type": "click", "key": "/start"},
        {"name": "My petitions", "sub_button": [
            {"name": "Status", "type": "click", "key": "/status"},
            {"name": "Website", "type": "view", "url": "https://petitions.example.gov"}]}]})");
}

TEST(wechat_official_account, setup_publishes_the_configured_menu)
{
    EXPECT_TRUE(make_with(base_options())->setup_calls("ACCESS_TOKEN_1").empty());

    auto options = base_options();
    options["menu"] = a_menu();
    auto const calls = make_with(options)->setup_calls("ACCESS_TOKEN_1");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].method, "POST");
    EXPECT_EQ(calls[0].path, "/cgi-bin/menu/create?access_token=ACCESS_TOKEN_1");
    EXPECT_EQ(json::parse(calls[0].body), a_menu());
}

// ---- make() refusals ----

TEST(wechat_official_account, make_refuses_bad_settings_naming_the_key)
{
    struct case_ { char const* name; std::function<void(json&)> change; std::string key; std::string why; };
    case_ const cases[] = {
        {"no app_id", [](json& o) { o.erase("app_id"); }, "app_id", "missing"},
        {"no app_secret", [](json& o) { o.erase("app_secret"); }, "app_secret", "missing"},
        {"no token", [](json& o) { o.erase("token"); }, "token", "missing"},
        {"short token", [](json& o) { o["token"] = "ab"; }, "token", "expected 3 to 32 characters"},
        {"short key", [](json& o) { o["encoding_aes_key"] = std::string(our_key).substr(1); }, "encoding_aes_key", ""},
        {"key with bad characters", [](json& o) { o["encoding_aes_key"] = std::string(42, 'a') + "!"; },
         "encoding_aes_key", ""},
        {"bad previous key", [](json& o) { o["previous_encoding_aes_key"] = "short"; }, "previous_encoding_aes_key", ""},
        {"previous key alone",
         [](json& o) {
             o.erase("encoding_aes_key");
             o["previous_encoding_aes_key"] = our_key;
         },
         "previous_encoding_aes_key", "set without encoding_aes_key"},
        {"templates not an object", [](json& o) { o["templates"] = json::array(); }, "templates", "expected an object"},
        {"unknown status", [](json& o) { o["templates"]["pending"] = {{"template_id", "t"}, {"data", {{"k", "v"}}}}; },
         "templates.pending", "not a status: use submitted, accepted, rejected, transferred, in_progress, answered, "
                              "closed, reopened"},
        {"no template_id", [](json& o) { o["templates"]["accepted"].erase("template_id"); },
         "templates.accepted.template_id", "missing"},
        {"blank template_id", [](json& o) { o["templates"]["accepted"]["template_id"] = " "; },
         "templates.accepted.template_id", "expected the template's id"},
        {"unknown placeholder", [](json& o) { o["templates"]["accepted"]["data"]["keyword1"] = "{number}"; },
         "templates.accepted.data.keyword1", "unknown placeholder {number}: use {text}, {tracking} or {status}"},
        {"unclosed placeholder", [](json& o) { o["templates"]["accepted"]["data"]["keyword1"] = "{text"; },
         "templates.accepted.data.keyword1", "an unclosed '{'"},
        {"value not a string", [](json& o) { o["templates"]["accepted"]["data"]["keyword1"] = 7; },
         "templates.accepted.data.keyword1", "expected a string"},
        {"no data", [](json& o) { o["templates"]["accepted"].erase("data"); }, "templates.accepted.data", "missing"},
        {"empty data", [](json& o) { o["templates"]["accepted"]["data"] = json::object(); },
         "templates.accepted.data", "expected an object of fields"},
        {"bad url", [](json& o) { o["templates"]["accepted"]["url"] = "petitions.example.gov"; },
         "templates.accepted.url", "expected an http:// or https:// address"},
        {"unknown template key", [](json& o) { o["templates"]["accepted"]["colour"] = "red"; },
         "templates.accepted.colour", "unknown key"},
        {"menu without button", [](json& o) { o["menu"] = json::object(); }, "menu.button", "missing"},
        {"four top buttons",
         [](json& o) { o["menu"]["button"] = json::array({o["menu"]["button"][0], o["menu"]["button"][0],
                                                          o["menu"]["button"][0], o["menu"]["button"][0]}); },
         "menu.button", "expected 1 to 3 buttons"},
        {"six sub buttons",
         [](json& o) {
             auto& subs = o["menu"]["button"][1]["sub_button"];
             subs = json::array({subs[0], subs[0], subs[0], subs[0], subs[0], subs[0]});
         },
         "menu.button[1].sub_button", "expected 1 to 5 buttons"},
        {"click without key", [](json& o) { o["menu"]["button"][0].erase("key"); }, "menu.button[0].key", "missing"},
        {"sub click without key", [](json& o) { o["menu"]["button"][1]["sub_button"][0].erase("key"); },
         "menu.button[1].sub_button[0].key", "missing"},
        {"view without url", [](json& o) { o["menu"]["button"][1]["sub_button"][1].erase("url"); },
         "menu.button[1].sub_button[1].url", "missing"},
        {"view with a bad url", [](json& o) { o["menu"]["button"][1]["sub_button"][1]["url"] = "ftp://x"; },
         "menu.button[1].sub_button[1].url", "expected an http:// or https:// address"},
        {"other type", [](json& o) { o["menu"]["button"][0]["type"] = "scancode_push"; }, "menu.button[0].type",
         "expected \"click\" or \"view\""},
        {"no name", [](json& o) { o["menu"]["button"][0].erase("name"); }, "menu.button[0].name", "missing"},
        {"long name", [](json& o) { o["menu"]["button"][0]["name"] = std::string(17, 'n'); }, "menu.button[0].name",
         "longer than 16 bytes"},
        {"typo", [](json& o) { o["menu"]["button"][0]["keys"] = "x"; }, "menu.button[0].keys", "unknown key"},
        {"parent with a type", [](json& o) { o["menu"]["button"][1]["type"] = "click"; }, "menu.button[1].type",
         "a button with sub_button has no type"},
    };
    for (auto const& c : cases) {
        auto options = with_templates(base_options());
        options["menu"] = a_menu();
        c.change(options);
        auto const b = refusal(options);
        ASSERT_TRUE(b) << c.name;
        EXPECT_EQ(b->key, c.key) << c.name;
        EXPECT_TRUE(b->why.starts_with(c.why)) << c.name << ": " << b->why;
        EXPECT_EQ(b->why.find(our_key), std::string::npos) << c.name;
    }

    // And the whole example is accepted.
    auto options = with_templates(base_options());
    options["menu"] = a_menu();
    EXPECT_FALSE(refusal(options));
}

}  // namespace
}  // namespace pg::adapters::wechat
