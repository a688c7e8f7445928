#include "adapters/wecom/wecom.hpp"

#include "adapters/common/utf8.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

namespace pg::adapters::wecom {
namespace {

using json = nlohmann::json;
using model::delivery;
using model::errc;
using model::event_kind;

// Constants from make_vectors.py (hashlib + cryptography), independent of adapters/wechat.
constexpr char const* our_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
constexpr char const* our_corp = "ww0123456789abcdef";
constexpr char const* our_token = "pg-wecom-token";
constexpr char const* our_secret = "corp-secret-Xy9_shh";
// The URL check: echostr "1616140317555161061" encrypted for our_corp, at 1764328400, nonce "n1".
constexpr char const* echo_ct =
    "IG+0eOkLdhYW9kHtuT3HY9sPx9UKjlBNT5DMudbOIWunzj4jHr/QeTlLLxQpCzuv8TyCUKK0mLE980PBkX6NRg==";
constexpr char const* echo_sig = "1ee424ea46e188978b3af20cb98ea7a3de9ec57b";
// zhangsan's text "受理 PG-2026-0042" to agent 1000002, MsgId 7392157461234567890, at 1764328479, nonce "nonce42".
constexpr char const* push_ct =
    "IG+0eOkLdhYW9kHtuT3HY3dQadytIXgVzGg7AyD8lr/AhBhep097Gv7laPVvBYmofq5IiO2F4nru/LbevL39W05f6Zs+DzrCSMzA+zjeA5rL"
    "Y1BvtwWIP1Z8VYsg1fv5fkrBRl9c2cw7WvkVmeiDve+Bhir5Hnc2vqNBDTcCMPC8v0xASYCTJSUUK78I2Q+JSrtLaNU6H5EwHQEOswYZUX4S"
    "9n37QoI+QIYBnbNgIAaXq2nCImIY/BQvucGrzDAStw8K/etO0wtDDxAGXHCLotcuhQLWRm8rS0Z08UPc+RmLEZ55yv5Fuc3qO2TSQ2Dk2WH5"
    "07o3Hx1mtCHGP6Ur/UFPzv0vTLTO/Eh+cOQTnhy+qyCX7s7tTNuu4+6Oh7b145TfcEbvnhbUBV3j/dS1IItFZSJ/MiqyP2wRTnqC9khX7d0J"
    "b7pZMSIvW1oxqaYZ7gzDehSvGwGs6EPCqyIVSA==";
constexpr char const* push_sig = "82033d29aa099df9f12b55494e82c56e9c35380f";

model::timestamp const now = model::from_millis(1'764'328'500'000);

json good_options()
{
    return {{"corp_id", our_corp},
            {"corp_secret", our_secret},
            {"agent_id", 1000002},
            {"token", our_token},
            {"encoding_aes_key", our_key}};
}

std::unique_ptr<platform const> make_with(json const& options)
{
    return wecom_kind().make(channel_config{"staff_wecom", "https://qyapi.weixin.qq.com", options});
}

std::unique_ptr<platform const> const& wecom()
{
    static auto const p = make_with(good_options());
    return p;
}

// How WeCom puts base64 in a query: percent-encoded.
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

std::string envelope(std::string_view ct)
{
    return "<xml><ToUserName><![CDATA[" + std::string(our_corp) + "]]></ToUserName><AgentID><![CDATA[1000002]]>"
           "</AgentID><Encrypt><![CDATA[" + std::string(ct) + "]]></Encrypt></xml>";
}

model::raw_request post(std::string_view sig, std::string_view timestamp, std::string_view nonce, std::string body)
{
    return {"POST",
            "/webhook/staff_wecom?msg_signature=" + std::string(sig) + "&timestamp=" + std::string(timestamp) +
                "&nonce=" + std::string(nonce),
            {},
            std::move(body)};
}

// A push of `xml` as WeCom sends it: encrypted for `receive_id`, signed with our token.
model::raw_request signed_push(std::string const& xml, std::string_view receive_id = our_corp)
{
    auto const key = *wechat::parse_encoding_aes_key(our_key);
    auto const ct = wechat::encrypt(key, xml, receive_id, "0123456789abcdef");
    return post(wechat::msg_signature(our_token, "1764328600", "n600", ct), "1764328600", "n600", envelope(ct));
}

std::string member_xml(std::string_view fields, std::string_view agent = "1000002")
{
    return "<xml><ToUserName><![CDATA[ww0123456789abcdef]]></ToUserName><FromUserName><![CDATA[lisi]]>"
           "</FromUserName><CreateTime>1764328600</CreateTime>" + std::string(fields) + "<AgentID>" +
           std::string(agent) + "</AgentID></xml>";
}

model::inbound_event only_event(model::raw_request const& req)
{
    auto in = wecom()->parse(req, now);
    EXPECT_TRUE(in) << (in ? "" : in.error().detail);
    if (!in)
        return {};
    EXPECT_EQ(in->events.size(), 1u);
    return in->events.empty() ? model::inbound_event{} : in->events[0];
}

// ---- Registration and config ----

TEST(wecom_platform, is_registered_with_its_settings)
{
    auto const* kind = find_platform_kind("wecom");
    ASSERT_NE(kind, nullptr);
    EXPECT_EQ(kind->default_api_base, "https://qyapi.weixin.qq.com");
    std::vector<std::string_view> keys;
    for (auto const& s : kind->settings) {
        keys.push_back(s.key);
        EXPECT_TRUE(s.required) << s.key;
    }
    EXPECT_EQ(keys, (std::vector<std::string_view>{"corp_id", "corp_secret", "agent_id", "token", "encoding_aes_key"}));
    EXPECT_EQ(kind->settings[1].kind, setting_kind::secret_word);
    EXPECT_EQ(kind->settings[2].kind, setting_kind::number);
}

TEST(wecom_platform, make_names_the_key_it_refuses)
{
    struct case_ {
        char const* name;
        char const* key;
        json value;  // null: removed
    };
    case_ const cases[] = {
        {"no corp_id", "corp_id", nullptr},
        {"empty corp_id", "corp_id", ""},
        {"no corp_secret", "corp_secret", nullptr},
        {"no agent_id", "agent_id", nullptr},
        {"agent_id zero", "agent_id", 0},
        {"agent_id negative", "agent_id", -5},
        {"agent_id text", "agent_id", "1000002"},
        {"agent_id fraction", "agent_id", 1.5},
        {"no token", "token", nullptr},
        {"no key", "encoding_aes_key", nullptr},
        {"short key", "encoding_aes_key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDE"},
        {"bad key characters", "encoding_aes_key", "abcdefghijklmnopqrstuvwxyz0123456789ABCDE!G"},
    };
    for (auto const& c : cases) {
        auto options = good_options();
        if (c.value.is_null())
            options.erase(c.key);
        else
            options[c.key] = c.value;
        try {
            make_with(options);
            ADD_FAILURE() << c.name << ": accepted";
        } catch (bad_setting const& e) {
            EXPECT_EQ(e.key, c.key) << c.name;
            EXPECT_FALSE(e.why.empty()) << c.name;
            if (c.value.is_string() && !c.value.get<std::string>().empty()) {
                EXPECT_EQ(e.why.find(c.value.get<std::string>()), std::string::npos) << c.name << ": " << e.why;
            }
        }
    }
    EXPECT_NE(make_with(good_options()), nullptr);
}

TEST(wecom_platform, has_no_buttons_no_threads_and_a_text_that_fits_2048_bytes)
{
    auto const& can = wecom()->can();
    EXPECT_FALSE(can.buttons);
    EXPECT_FALSE(can.threads);
    EXPECT_EQ(can.max_text, 682u);  // 682 units of up to 3 bytes each: within 2048 bytes
    EXPECT_EQ(can.reply_window.count(), 0);
    EXPECT_FALSE(can.local_delivery);
    EXPECT_FALSE(can.public_webhook);
}

// ---- GET: the URL check ----

TEST(wecom_platform, url_check_answers_echostr_decrypted)
{
    auto const req = model::raw_request{"GET",
                                        "/webhook/staff_wecom?msg_signature=" + std::string(echo_sig) +
                                            "&timestamp=1764328400&nonce=n1&echostr=" + url_encoded(echo_ct),
                                        {},
                                        {}};
    auto answer = wecom()->verify_url(req, now);
    ASSERT_TRUE(answer) << answer.error().detail;
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, "1616140317555161061");  // bare: no quotes, no newline
}

TEST(wecom_platform, url_check_refuses_a_bad_signature_and_another_corp)
{
    auto const bad = model::raw_request{"GET",
                                        "/webhook/staff_wecom?msg_signature=1ee424ea46e188978b3af20cb98ea7a3de9ec57c"
                                        "&timestamp=1764328400&nonce=n1&echostr=" + url_encoded(echo_ct),
                                        {},
                                        {}};
    auto r = wecom()->verify_url(bad, now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::bad_signature);

    auto options = good_options();
    options["corp_id"] = "ww_other_corp";
    auto const good = model::raw_request{"GET",
                                         "/webhook/staff_wecom?msg_signature=" + std::string(echo_sig) +
                                             "&timestamp=1764328400&nonce=n1&echostr=" + url_encoded(echo_ct),
                                         {},
                                         {}};
    auto other = make_with(options)->verify_url(good, now);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::bad_signature);
}

// ---- POST: pushes ----

TEST(wecom_platform, a_members_text_becomes_one_event_answered_with_an_empty_200)
{
    auto in = wecom()->parse(post(push_sig, "1764328479", "nonce42", envelope(push_ct)), now);
    ASSERT_TRUE(in) << in.error().detail;
    EXPECT_EQ(in->answer.status, 200);
    EXPECT_EQ(in->answer.body, "");
    ASSERT_EQ(in->events.size(), 1u);
    auto const& ev = in->events[0];
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "受理 PG-2026-0042");
    EXPECT_EQ(ev.channel_id, "staff_wecom");
    EXPECT_EQ(ev.chat_id, "user:zhangsan");
    EXPECT_EQ(ev.user_id, "zhangsan");
    EXPECT_EQ(ev.user_name, "zhangsan");
    EXPECT_EQ(ev.chat, model::chat_kind::private_chat);
    EXPECT_EQ(ev.message_id, "7392157461234567890");
    EXPECT_EQ(ev.dedupe_key, "wecom:staff_wecom:7392157461234567890");
    EXPECT_EQ(ev.sent_at, model::from_millis(1'764'328'479'000));
}

TEST(wecom_platform, a_push_with_a_bad_signature_is_refused)
{
    auto r = wecom()->parse(post("82033d29aa099df9f12b55494e82c56e9c35380e", "1764328479", "nonce42",
                                 envelope(push_ct)),
                            now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::bad_signature);
    // Signed for another nonce.
    auto replay = wecom()->parse(post(push_sig, "1764328479", "nonce43", envelope(push_ct)), now);
    ASSERT_FALSE(replay);
    EXPECT_EQ(replay.error().code, errc::bad_signature);
}

TEST(wecom_platform, a_push_for_another_corp_is_refused)
{
    // Signed with our token and encrypted with our key, but for another CorpID.
    auto r = wecom()->parse(signed_push(member_xml("<MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId>"),
                                        "ww_other_corp_0000"),
                            now);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::bad_signature);
}

TEST(wecom_platform, a_push_for_another_app_is_ignored)
{
    auto const ev = only_event(
        signed_push(member_xml("<MsgType>text</MsgType><Content>hi</Content><MsgId>2</MsgId>", "1000003")));
    EXPECT_EQ(ev.kind, event_kind::ignored);
    EXPECT_EQ(ev.detail, "another app's push");
    EXPECT_TRUE(ev.text.empty());
    EXPECT_EQ(ev.dedupe_key, "wecom:staff_wecom:2");
}

TEST(wecom_platform, a_userid_that_could_address_others_is_ignored)
{
    auto const xml = "<xml><ToUserName>ww0123456789abcdef</ToUserName><FromUserName>lisi|wangwu</FromUserName>"
                     "<CreateTime>1764328600</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>6</MsgId>"
                     "<AgentID>1000002</AgentID></xml>";
    auto const ev = only_event(signed_push(xml));
    EXPECT_EQ(ev.kind, event_kind::ignored);
    EXPECT_EQ(ev.detail, "UserID of unknown form");
}

TEST(wecom_platform, recognised_voice_is_text)
{
    auto const ev = only_event(signed_push(member_xml(
        "<MsgType>voice</MsgType><MediaId>m1</MediaId><Format>amr</Format><Recognition>驳回 PG-2026-0042"
        "</Recognition><MsgId>3</MsgId>")));
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "驳回 PG-2026-0042");
    EXPECT_EQ(ev.chat_id, "user:lisi");
}

TEST(wecom_platform, events_and_other_messages_are_ignored)
{
    auto const enter = only_event(signed_push(
        member_xml("<MsgType>event</MsgType><Event>enter_agent</Event><EventKey></EventKey>")));
    EXPECT_EQ(enter.kind, event_kind::ignored);
    EXPECT_EQ(enter.detail, "enter_agent");
    EXPECT_EQ(enter.dedupe_key, "wecom:staff_wecom:lisi:1764328600:enter_agent");
    EXPECT_EQ(enter.chat_id, "user:lisi");

    auto const image = only_event(signed_push(member_xml(
        "<MsgType>image</MsgType><PicUrl>http://p.qpic.cn/x</PicUrl><MediaId>m2</MediaId><MsgId>4</MsgId>")));
    EXPECT_EQ(image.kind, event_kind::ignored);
    EXPECT_EQ(image.detail, "image");
    EXPECT_EQ(image.dedupe_key, "wecom:staff_wecom:4");

    auto const voice = only_event(signed_push(
        member_xml("<MsgType>voice</MsgType><MediaId>m1</MediaId><Format>amr</Format><MsgId>5</MsgId>")));
    EXPECT_EQ(voice.kind, event_kind::ignored);
    EXPECT_EQ(voice.detail, "voice");
}

// ---- The access_token ----

TEST(wecom_platform, fetches_its_access_token_with_gettoken)
{
    auto call = wecom()->credential_call();
    ASSERT_TRUE(call);
    EXPECT_EQ(call->method, "GET");
    EXPECT_EQ(call->path, "/cgi-bin/gettoken?corpid=ww0123456789abcdef&corpsecret=corp-secret-Xy9_shh");
    EXPECT_TRUE(call->body.empty());

    auto got = wecom()->read_credential(
        {200, R"({"errcode":0,"errmsg":"ok","access_token":"tok-abc","expires_in":7200})", {}}, now);
    ASSERT_TRUE(got) << got.error().detail;
    EXPECT_EQ(got->value, "tok-abc");
    EXPECT_EQ(got->expires_at, now + std::chrono::seconds{7200});
}

TEST(wecom_platform, a_refused_gettoken_names_the_errcode_never_the_secret)
{
    auto refused = wecom()->read_credential(
        {200, R"({"errcode":40001,"errmsg":"invalid credential, corpsecret corp-secret-Xy9_shh"})", {}}, now);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().detail, "gettoken: errcode 40001");

    struct case_ {
        model::api_response r;
        char const* detail;
    };
    case_ const cases[] = {
        {{502, "bad gateway", {}}, "gettoken: HTTP 502"},
        {{200, "<html>", {}}, "gettoken: body not JSON"},
        {{200, R"({"errcode":0,"expires_in":7200})", {}}, "gettoken: access_token missing"},
        {{200, R"({"errcode":0,"access_token":"t"})", {}}, "gettoken: expires_in missing or not positive"},
    };
    for (auto const& c : cases) {
        auto r = wecom()->read_credential(c.r, now);
        ASSERT_FALSE(r) << c.detail;
        EXPECT_EQ(r.error().detail, c.detail);
    }
}

// ---- Sending ----

model::outbound_message text_to(std::string chat_id, std::string text = "PG-2026-0042: accepted")
{
    model::outbound_message m;
    m.channel_id = "staff_wecom";
    m.chat_id = std::move(chat_id);
    m.text = std::move(text);
    return m;
}

send_context const ctx{now, "tok/+=", {}};

TEST(wecom_platform, renders_each_recipient_form)
{
    struct case_ {
        char const* chat_id;
        char const* field;
        char const* value;
    };
    case_ const cases[] = {
        {"user:zhangsan", "touser", "zhangsan"},
        {"user:zhangsan|li.si@x", "touser", "zhangsan|li.si@x"},
        {"party:2|3", "toparty", "2|3"},
        {"tag:1", "totag", "1"},
    };
    for (auto const& c : cases) {
        auto call = wecom()->render(text_to(c.chat_id), ctx);
        ASSERT_TRUE(call) << c.chat_id << ": " << call.error().detail;
        EXPECT_EQ(call->method, "POST");
        EXPECT_EQ(call->path, "/cgi-bin/message/send?access_token=tok%2F%2B%3D");
        EXPECT_EQ(json::parse(call->body), (json{{c.field, c.value},
                                                 {"msgtype", "text"},
                                                 {"agentid", 1000002},
                                                 {"text", {{"content", "PG-2026-0042: accepted"}}},
                                                 {"safe", 0},
                                                 {"enable_duplicate_check", 0}}))
            << c.chat_id;
    }

    auto chat = wecom()->render(text_to("chat:wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"), ctx);
    ASSERT_TRUE(chat) << chat.error().detail;
    EXPECT_EQ(chat->path, "/cgi-bin/appchat/send?access_token=tok%2F%2B%3D");
    EXPECT_EQ(json::parse(chat->body), (json{{"chatid", "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA"},
                                             {"msgtype", "text"},
                                             {"text", {{"content", "PG-2026-0042: accepted"}}},
                                             {"safe", 0}}));
}

TEST(wecom_platform, refuses_a_chat_id_of_no_known_form_without_echoing_it)
{
    for (auto const* chat_id : {"", "zhangsan", "user:", "user:a||b", "user:a|", "user:a b", "party:", "party:2|x",
                                "tag:one", "chat:", "chat:has space", "chat:0123456789012345678901234567890123",
                                "USER:zhangsan"}) {
        auto r = wecom()->render(text_to(chat_id), ctx);
        ASSERT_FALSE(r) << chat_id;
        EXPECT_TRUE(r.error().detail.starts_with("chat id: ")) << r.error().detail;
        EXPECT_NE(r.error().detail.find("expected \"user:<UserID>[|<UserID>...]\""), std::string::npos)
            << r.error().detail;
    }
    auto r = wecom()->render(text_to("user:zhangsan||wangwu"), ctx);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().detail.find("zhangsan"), std::string::npos) << r.error().detail;
}

TEST(wecom_platform, sends_nothing_for_acks_and_photos_and_a_thread_as_a_message)
{
    auto ack = text_to("user:zhangsan", "");
    ack.kind = model::message_kind::callback_ack;
    auto r = wecom()->render(ack, ctx);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->path.empty());

    auto photo = text_to("user:zhangsan", "caption");
    photo.kind = model::message_kind::photo;
    photo.media_id = "AgACAgIAAxkBAAIB";
    r = wecom()->render(photo, ctx);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->path.empty());

    auto thread = text_to("party:2", "New petition PG-2026-0042");
    thread.kind = model::message_kind::open_thread;
    thread.title = "PG-2026-0042";
    r = wecom()->render(thread, ctx);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(json::parse(r->body)["text"]["content"], "New petition PG-2026-0042");

    auto empty = wecom()->render(text_to("user:zhangsan", ""), ctx);
    ASSERT_FALSE(empty);
}

TEST(wecom_platform, clips_a_long_text_to_2048_bytes_at_a_character)
{
    std::string text;
    for (int i = 0; i < 1000; ++i)
        text += "路";  // 3 bytes each: 3000 bytes
    auto r = wecom()->render(text_to("user:zhangsan", text), ctx);
    ASSERT_TRUE(r);
    auto const content = json::parse(r->body)["text"]["content"].get<std::string>();
    EXPECT_LE(content.size(), max_content_bytes);
    EXPECT_TRUE(valid_utf8(content));
    EXPECT_TRUE(content.ends_with("路\u2026"));

    std::string exact(2048, 'a');
    r = wecom()->render(text_to("user:zhangsan", exact), ctx);
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->body)["text"]["content"], exact);
}

TEST(wecom_platform, interprets_wecoms_answers)
{
    struct case_ {
        model::api_response r;
        delivery outcome;
        char const* reason;
    };
    case_ const cases[] = {
        {{200, R"({"errcode":0,"errmsg":"ok","invaliduser":"","invalidparty":"","invalidtag":""})", {}}, delivery::ok,
         ""},
        {{200, R"({"errcode":0,"errmsg":"ok"})", {}}, delivery::ok, ""},
        {{200, R"({"errcode":0,"errmsg":"ok","invaliduser":"ghost|nobody"})", {}}, delivery::ok,
         "some recipients invalid"},
        {{200, R"({"errcode":0,"errmsg":"ok","invalidparty":"99"})", {}}, delivery::ok, "some recipients invalid"},
        {{200, R"({"errcode":0,"errmsg":"ok","invalidtag":"7"})", {}}, delivery::ok, "some recipients invalid"},
        {{200, R"({"errcode":40014,"errmsg":"invalid access_token"})", {}}, delivery::refresh_credential,
         "errcode 40014"},
        {{200, R"({"errcode":42001,"errmsg":"access_token expired"})", {}}, delivery::refresh_credential,
         "errcode 42001"},
        {{200, R"({"errcode":40001,"errmsg":"invalid credential"})", {}}, delivery::refresh_credential,
         "errcode 40001"},
        {{200, R"({"errcode":41001,"errmsg":"access_token missing"})", {}}, delivery::refresh_credential,
         "errcode 41001"},
        {{200, R"({"errcode":45009,"errmsg":"api freq out of limit"})", {}}, delivery::retry, "errcode 45009"},
        {{200, R"({"errcode":45033,"errmsg":"api concurrent out of limit"})", {}}, delivery::retry, "errcode 45033"},
        {{200, R"({"errcode":-1,"errmsg":"system busy"})", {}}, delivery::retry, "errcode -1"},
        {{200, R"({"errcode":81013,"errmsg":"user & party & tag all invalid"})", {}}, delivery::permanent,
         "errcode 81013"},
        {{200, R"({"errcode":60020,"errmsg":"not allow to access from your ip"})", {}}, delivery::permanent,
         "errcode 60020"},
        {{200, "<html>busy</html>", {}}, delivery::retry, "HTTP 200: body not JSON"},
        {{200, R"({"errmsg":"ok"})", {}}, delivery::retry, "HTTP 200: no errcode"},
        {{0, "", {}}, delivery::retry, "network"},
        {{429, "", "3"}, delivery::retry, "HTTP 429: retry after 3 s"},
        {{429, "", {}}, delivery::retry, "HTTP 429: retry after 1 s"},
        {{500, "", {}}, delivery::retry, "HTTP 500"},
        {{503, "", {}}, delivery::retry, "HTTP 503"},
        {{404, "", {}}, delivery::permanent, "HTTP 404"},
        {{302, "", {}}, delivery::retry, "HTTP 302 (unexpected status)"},
    };
    for (auto const& c : cases) {
        auto const v = wecom()->interpret(c.r, now);
        EXPECT_EQ(v.outcome, c.outcome) << c.r.status << " " << c.r.body;
        EXPECT_EQ(v.reason, c.reason) << c.r.status << " " << c.r.body;
        EXPECT_TRUE(v.created_thread.empty());
        auto const wait = c.r.retry_after_header.empty() ? 1 : 3;
        EXPECT_EQ(v.not_before, c.r.status == 429 ? std::optional{now + std::chrono::seconds{wait}} : std::nullopt)
            << c.r.status << " " << c.r.body;
    }
}

}  // namespace
}  // namespace pg::adapters::wecom
