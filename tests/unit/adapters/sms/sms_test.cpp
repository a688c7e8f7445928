#include "adapters/sms/sms.hpp"

#include "adapters/sms/segments.hpp"
#include "model/password_hash.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

namespace pg::adapters::sms {
namespace {

using model::delivery;
using model::errc;
using model::event_kind;
using model::message_kind;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr char const* sid = "AC0123456789abcdef0123456789abcdef";
constexpr char const* token = "0123456789abcdef0123456789abcdef";
constexpr char const* url = "https://petitions.example.org/webhook/sms";
model::timestamp const now = model::from_millis(1'780'000'000'000);

json base_options()
{
    return {{"account_sid", sid}, {"auth_token", token}, {"from", "+15005550006"}, {"public_url", url}};
}

std::unique_ptr<platform const> make_with(json const& options)
{
    return kind().make(channel_config{"sms", "https://api.twilio.com", options});
}

std::optional<bad_setting> refusal(json const& options)
{
    try {
        make_with(options);
    } catch (bad_setting const& b) {
        return b;
    }
    return std::nullopt;
}

// A form post as Twilio sends it: `body` form-encoded, signed over `url`.
model::raw_request signed_post(std::string const& body, std::string const& signed_url = url)
{
    auto const f = decode_form(body);
    return {"POST",
            "/webhook/sms",
            {{"Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"},
             {"X-Twilio-Signature", twilio_signature(token, signed_url, *f)}},
            body};
}

std::string inbound(std::string const& text_encoded, std::string const& sid_suffix = "0001")
{
    return "ToCountry=US&SmsMessageSid=SM0123456789abcdef012345678901" + sid_suffix + "&NumMedia=0&SmsStatus=received" +
           "&Body=" + text_encoded + "&To=%2B15005550006&MessageSid=SM0123456789abcdef012345678901" + sid_suffix +
           "&AccountSid=" + sid + "&From=%2B15551234567&ApiVersion=2010-04-01";
}

model::inbound_event one_event(platform const& p, model::raw_request const& r)
{
    auto out = p.parse(r, now);
    EXPECT_TRUE(out) << out.error().detail;
    if (!out)
        return {};
    EXPECT_EQ(out->events.size(), 1u);
    EXPECT_EQ(out->answer.status, 200);
    EXPECT_EQ(out->answer.content_type, "text/xml");
    EXPECT_EQ(out->answer.body, R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
    return out->events.empty() ? model::inbound_event{} : out->events.front();
}

// ---- make()

TEST(sms_make, accepts_a_number_or_a_messaging_service)
{
    EXPECT_NE(make_with(base_options()), nullptr);
    auto service = base_options();
    service.erase("from");
    service["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef";
    EXPECT_NE(make_with(service), nullptr);
    auto const sms = make_with(base_options());
    auto const& c = sms->can();
    EXPECT_FALSE(c.buttons);
    EXPECT_FALSE(c.threads);
    EXPECT_EQ(c.reply_window, 0ms);
    EXPECT_EQ(c.max_text, max_body_chars);
}

TEST(sms_make, refuses_a_broken_setting_by_its_key)
{
    struct case_ { char const* name; std::function<void(json&)> change; char const* key; };
    case_ const cases[] = {
        {"no account_sid", [](json& o) { o.erase("account_sid"); }, "account_sid"},
        {"account_sid not AC", [](json& o) { o["account_sid"] = "AB0123456789abcdef0123456789abcdef"; }, "account_sid"},
        {"account_sid short", [](json& o) { o["account_sid"] = "AC0123"; }, "account_sid"},
        {"account_sid not hex", [](json& o) { o["account_sid"] = "AC0123456789abcdef0123456789abcdeg"; }, "account_sid"},
        {"no auth_token", [](json& o) { o.erase("auth_token"); }, "auth_token"},
        {"neither from nor service", [](json& o) { o.erase("from"); }, "from"},
        {"both", [](json& o) { o["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef"; },
         "messaging_service_sid"},
        {"from not E.164", [](json& o) { o["from"] = "15005550006"; }, "from"},
        {"from with spaces", [](json& o) { o["from"] = "+1 500 555 0006"; }, "from"},
        {"from too long", [](json& o) { o["from"] = "+1234567890123456"; }, "from"},
        {"service not MG",
         [](json& o) {
             o.erase("from");
             o["messaging_service_sid"] = "PN0123456789abcdef0123456789abcdef";
         },
         "messaging_service_sid"},
        {"no public_url", [](json& o) { o.erase("public_url"); }, "public_url"},
        {"public_url blank", [](json& o) { o["public_url"] = " \t"; }, "public_url"},
        {"public_url relative", [](json& o) { o["public_url"] = "/webhook/sms"; }, "public_url"},
        {"public_url fragment", [](json& o) { o["public_url"] = "https://a.example/webhook/sms#x"; }, "public_url"},
        {"public_url no host", [](json& o) { o["public_url"] = "https:///webhook/sms"; }, "public_url"},
        {"public_url bad port", [](json& o) { o["public_url"] = "https://a.example:x/webhook/sms"; }, "public_url"},
        {"max_segments 0", [](json& o) { o["max_segments"] = 0; }, "max_segments"},
        {"max_segments 11", [](json& o) { o["max_segments"] = 11; }, "max_segments"},
        {"max_segments text", [](json& o) { o["max_segments"] = "3"; }, "max_segments"},
    };
    for (auto const& c : cases) {
        auto options = base_options();
        c.change(options);
        auto const bad = refusal(options);
        ASSERT_TRUE(bad) << c.name;
        EXPECT_EQ(bad->key, c.key) << c.name << ": " << bad->why;
        EXPECT_FALSE(bad->why.empty());
        EXPECT_EQ(bad->why.find(token), std::string::npos);
    }
}

// ---- parse

TEST(sms_parse, an_inbound_message_is_a_text_from_the_number)
{
    auto const p = make_with(base_options());
    auto const ev = one_event(*p, signed_post(inbound("1+%2B+1+%F0%9F%98%80+%E8%B7%AF")));
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "1 + 1 \U0001F600 \u8def");
    EXPECT_EQ(ev.chat_id, "+15551234567");
    EXPECT_EQ(ev.user_id, "+15551234567");
    EXPECT_EQ(ev.channel_id, "sms");
    EXPECT_EQ(ev.message_id, "SM0123456789abcdef0123456789010001");
    EXPECT_EQ(ev.dedupe_key, "sms:sms:SM0123456789abcdef0123456789010001");
    EXPECT_EQ(ev.chat, model::chat_kind::private_chat);
}

TEST(sms_parse, twilios_documented_request_verifies_under_its_url)
{
    // The docs' example, posted to a channel configured with that URL and token.
    auto options = base_options();
    options["auth_token"] = "12345";
    options["public_url"] = "https://mycompany.com/myapp.php?foo=1&bar=2";
    auto const p = make_with(options);
    model::raw_request const r{"POST", "/webhook/sms",
                               {{"Content-Type", "application/x-www-form-urlencoded"},
                                {"X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8="}},
                               "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309"
                               "&To=%2B18005551212"};
    auto const out = p->parse(r, now);
    ASSERT_FALSE(out);
    // Signed correctly; a voice request carries neither a message nor a status.
    EXPECT_EQ(out.error().code, errc::unsupported_update) << out.error().detail;
}

TEST(sms_parse, the_url_with_the_default_port_added_or_removed_verifies)
{
    auto const p = make_with(base_options());
    auto const ev = one_event(*p, signed_post(inbound("hi"), "https://petitions.example.org:443/webhook/sms"));
    EXPECT_EQ(ev.kind, event_kind::text);
    auto options = base_options();
    options["public_url"] = "https://petitions.example.org:443/webhook/sms";
    EXPECT_EQ(one_event(*make_with(options), signed_post(inbound("hi"))).kind, event_kind::text);
    // Another port, host, scheme or path is another URL.
    for (char const* other : {"https://petitions.example.org:8443/webhook/sms", "http://petitions.example.org/webhook/sms",
                              "https://petitions.example.org/webhook/sms/", "https://Petitions.example.org/webhook/sms"}) {
        auto const out = p->parse(signed_post(inbound("hi"), other), now);
        ASSERT_FALSE(out) << other;
        EXPECT_EQ(out.error().code, errc::bad_signature);
    }
}

TEST(sms_parse, a_rotated_token_is_accepted_only_while_it_is_configured_as_previous)
{
    auto options = base_options();
    options["auth_token"] = "fedcba9876543210fedcba9876543210";  // the new primary
    auto const body = inbound("hi");
    auto const signed_by_old = signed_post(body);  // signed with `token`, the one before
    auto out = make_with(options)->parse(signed_by_old, now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::bad_signature);

    options["previous_auth_token"] = token;
    EXPECT_EQ(one_event(*make_with(options), signed_by_old).kind, event_kind::text);
    auto by_new = signed_by_old;
    by_new.headers.back().second = twilio_signature("fedcba9876543210fedcba9876543210", url, *decode_form(body));
    EXPECT_EQ(one_event(*make_with(options), by_new).kind, event_kind::text);

    options["previous_auth_token"] = options["auth_token"];
    EXPECT_EQ(refusal(options)->key, "previous_auth_token");
}

TEST(sms_parse, a_missing_or_wrong_signature_is_refused_before_anything_is_read)
{
    auto const p = make_with(base_options());
    auto r = signed_post(inbound("hello"));
    r.headers.pop_back();
    auto out = p->parse(r, now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::bad_signature);

    r = signed_post(inbound("hello"));
    r.body = inbound("hellp");  // the body changed after signing
    out = p->parse(r, now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::bad_signature);
    EXPECT_NE(out.error().detail.find("public_url"), std::string::npos);
    EXPECT_EQ(out.error().detail.find("+1555"), std::string::npos);

    // Signed with the body re-encoded instead of decoded: '+' read as '+'.
    auto const body = inbound("a+b");
    auto f = *decode_form(body);
    for (auto& [k, v] : f)
        if (k == "Body")
            v = "a+b";
    r = signed_post(body);
    r.headers.back().second = twilio_signature(token, url, f);
    EXPECT_FALSE(p->parse(r, now));
}

TEST(sms_parse, broken_form_encoding_or_content_type_is_malformed_naming_the_field)
{
    auto const p = make_with(base_options());
    auto r = signed_post(inbound("hello"));
    r.body = "From=%2B15551234567&Body=50%+off&MessageSid=SM1";
    auto out = p->parse(r, now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::malformed_body);
    EXPECT_NE(out.error().detail.find("Body"), std::string::npos) << out.error().detail;

    r = signed_post(inbound("hello"));
    r.headers.front().second = "application/json";
    out = p->parse(r, now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::malformed_body);
    EXPECT_NE(out.error().detail.find("Content-Type"), std::string::npos);

    // Signed, but not UTF-8.
    out = p->parse(signed_post(inbound("%FF%FE")), now);
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, errc::malformed_body);
    EXPECT_NE(out.error().detail.find("Body"), std::string::npos);

    // Signed, without a MessageSid or a From.
    out = p->parse(signed_post("Body=hi&From=%2B15551234567&SmsStatus=received"), now);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().detail.find("MessageSid"), std::string::npos);
    out = p->parse(signed_post("Body=hi&MessageSid=SM1&SmsStatus=received"), now);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().detail.find("From"), std::string::npos);
}

TEST(sms_parse, a_get_webhook_is_refused_with_a_clear_message)
{
    auto const p = make_with(base_options());
    model::raw_request const get{"GET", "/webhook/sms?Body=hi&From=%2B15551234567", {}, {}};
    auto const out = p->verify_url(get, now);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().detail.find("POST"), std::string::npos);
}

TEST(sms_parse, legacy_sid_names_still_identify_the_message)
{
    auto const p = make_with(base_options());
    auto const ev = one_event(*p, signed_post("SmsSid=SMold&Body=hi&From=%2B15551234567"));
    EXPECT_EQ(ev.dedupe_key, "sms:sms:SMold");
}

TEST(sms_parse, an_mms_with_images_is_a_photo_and_other_media_unsupported)
{
    auto const p = make_with(base_options());
    auto const photo = one_event(
        *p, signed_post("MessageSid=SM3&From=%2B15551234567&Body=Here&NumMedia=3"
                        "&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2FME0&MediaContentType0=image%2Fjpeg"
                        "&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm%2FME1&MediaContentType1=video%2Fmp4"
                        "&MediaUrl2=https%3A%2F%2Fapi.twilio.com%2Fm%2FME2&MediaContentType2=image%2Fpng"));
    EXPECT_EQ(photo.kind, event_kind::photo);
    EXPECT_EQ(photo.text, "Here");
    EXPECT_EQ(photo.photo_ids, (std::vector<std::string>{"https://api.twilio.com/m/ME0", "https://api.twilio.com/m/ME2"}));

    auto const audio = one_event(*p, signed_post("MessageSid=SM4&From=%2B15551234567&Body=&NumMedia=1"
                                                 "&MediaUrl0=https%3A%2F%2Fx%2Fa&MediaContentType0=audio%2Famr"));
    EXPECT_EQ(audio.kind, event_kind::unsupported);
    EXPECT_EQ(audio.detail, "media");

    for (char const* n : {"x", "-1", "11"}) {
        auto const out = p->parse(signed_post(std::string("MessageSid=SM5&From=%2B1&Body=&NumMedia=") + n), now);
        ASSERT_FALSE(out) << n;
        EXPECT_NE(out.error().detail.find("NumMedia"), std::string::npos);
    }
    auto const missing = p->parse(signed_post("MessageSid=SM5&From=%2B1&Body=&NumMedia=2&MediaUrl0=u"), now);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().detail.find("MediaUrl1"), std::string::npos);
}

TEST(sms_parse, opt_out_and_opt_in_words_are_recorded_and_ignored)
{
    auto const p = make_with(base_options());
    int n = 10;
    for (char const* word : {"STOP", "stop", "+Stop+", "STOPALL", "UNSUBSCRIBE", "cancel", "END", "Quit", "REVOKE",
                             "OPTOUT", "%0AStop%0A"}) {
        auto const ev = one_event(*p, signed_post(inbound(word, std::to_string(++n))));
        EXPECT_EQ(ev.kind, event_kind::ignored) << word;
        EXPECT_EQ(ev.detail, "opt_out") << word;
        EXPECT_FALSE(ev.dedupe_key.empty());
    }
    for (char const* word : {"START", "unstop", "Yes"}) {
        auto const ev = one_event(*p, signed_post(inbound(word, std::to_string(++n))));
        EXPECT_EQ(ev.kind, event_kind::ignored) << word;
        EXPECT_EQ(ev.detail, "opt_in") << word;
    }
    for (char const* text : {"STOP+it", "stopp", "please+stop", "yes+please"})
        EXPECT_EQ(one_event(*p, signed_post(inbound(text, std::to_string(++n)))).kind, event_kind::text) << text;
}

TEST(sms_parse, a_status_callback_is_a_receipt_deduplicated_by_sid_and_status)
{
    auto const p = make_with(base_options());
    std::string const body = "MessageSid=SM0123456789abcdef0123456789abcdee&MessageStatus=undelivered&ErrorCode=30003"
                             "&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B15005550006&To=%2B15551234567"
                             "&SmsStatus=undelivered&SmsSid=SM0123456789abcdef0123456789abcdee&ApiVersion=2010-04-01";
    // make_vectors.py's signature for it.
    auto r = signed_post(body);
    EXPECT_EQ(r.headers.back().second, "0K3IRkJG6tPWag9ZxCtQbW3uMY0=");
    auto const ev = one_event(*p, r);
    EXPECT_EQ(ev.kind, event_kind::receipt);
    EXPECT_EQ(ev.message_id, "SM0123456789abcdef0123456789abcdee");
    EXPECT_EQ(ev.text, "undelivered");
    EXPECT_EQ(ev.detail, "30003");
    EXPECT_EQ(ev.chat_id, "+15551234567");
    EXPECT_EQ(ev.dedupe_key, "sms:sms:SM0123456789abcdef0123456789abcdee:undelivered");

    auto const delivered =
        one_event(*p, signed_post("MessageSid=SM9&MessageStatus=delivered&SmsStatus=delivered&To=%2B15551234567&Body="));
    EXPECT_EQ(delivered.kind, event_kind::receipt);  // MessageStatus wins over a Body
    EXPECT_EQ(delivered.detail, "");
    EXPECT_EQ(delivered.dedupe_key, "sms:sms:SM9:delivered");

    auto const nosid = p->parse(signed_post("MessageStatus=sent"), now);
    ASSERT_FALSE(nosid);
    EXPECT_EQ(nosid.error().code, errc::malformed_body);
}

// ---- fit_text

TEST(sms_fit_text, each_piece_within_max_segments_cut_after_a_line_break_where_near)
{
    auto const p = make_with(base_options());  // 3 segments
    EXPECT_EQ(p->fit_text("short"), std::vector<std::string>{"short"});
    auto const gsm = p->fit_text(std::string(1000, 'a'));
    ASSERT_EQ(gsm.size(), 3u);
    EXPECT_EQ(gsm[0].size(), 459u);
    EXPECT_EQ(gsm[1].size(), 459u);
    EXPECT_EQ(gsm[2].size(), 82u);

    std::string cjk;
    for (int i = 0; i < 250; ++i)
        cjk += "\u8def";
    for (auto const& piece : p->fit_text(cjk)) {
        EXPECT_LE(count_segments(piece).segments, 3u);
        EXPECT_EQ(piece.size() % 3, 0u);  // whole characters
    }

    // A line break in the second half of a piece is where it is cut.
    auto const lines = std::string(300, 'a') + "\n" + std::string(300, 'b');
    auto const pieces = p->fit_text(lines);
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_EQ(pieces[0], std::string(300, 'a') + "\n");

    // Without a line break, a piece ends after a space in its second half: no word is split.
    std::string words;
    while (words.size() < 1000)
        words += "pothole ";
    auto const cut = p->fit_text(words);
    ASSERT_GE(cut.size(), 3u);
    std::string joined;
    for (auto const& piece : cut) {
        EXPECT_LE(count_segments(piece).segments, 3u);
        EXPECT_TRUE(piece.ends_with("pothole ") || &piece == &cut.back()) << piece;
        joined += piece;
    }
    EXPECT_EQ(joined, words);
    EXPECT_EQ(p->fit_text(std::string(500, 'x')).front().size(), 459u);  // no space: the longest fit

    auto one = base_options();
    one["max_segments"] = 1;
    for (auto const& piece : make_with(one)->fit_text(std::string(400, 'x') + "\u20ac"))
        EXPECT_EQ(count_segments(piece).segments, 1u);
}

// ---- render

TEST(sms_render, a_text_is_a_form_post_to_messages_json_with_basic_auth)
{
    auto const p = make_with(base_options());
    model::outbound_message m;
    m.channel_id = "sms";
    m.chat_id = "+15551234567";
    m.text = "Petition 7K3M-9Q2P: accepted & 100% on its way \U0001F600";
    auto const call = p->render(m, {now});
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_EQ(call->method, "POST");
    EXPECT_EQ(call->path, std::string("/2010-04-01/Accounts/") + sid + "/Messages.json");
    EXPECT_EQ(call->content_type, "application/x-www-form-urlencoded");
    ASSERT_EQ(call->headers.size(), 1u);
    EXPECT_EQ(call->headers[0].first, "Authorization");
    EXPECT_EQ(call->headers[0].second, "Basic " + model::to_base64(std::string(sid) + ":" + token));
    auto const f = decode_form(call->body);
    ASSERT_TRUE(f);
    EXPECT_EQ(*f, (form_fields{{"To", "+15551234567"}, {"From", "+15005550006"}, {"Body", m.text},
                               {"StatusCallback", url}}));

    auto service = base_options();
    service.erase("from");
    service["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef";
    auto const via = make_with(service)->render(m, {now});
    ASSERT_TRUE(via);
    auto const g = decode_form(via->body);
    EXPECT_EQ(*form_value(*g, "MessagingServiceSid"), "MG0123456789abcdef0123456789abcdef");
    EXPECT_EQ(form_value(*g, "From"), nullptr);
}

TEST(sms_render, buttons_that_arrive_anyway_are_numbered_lines)
{
    auto const p = make_with(base_options());
    model::outbound_message m;
    m.chat_id = "+15551234567";
    m.text = "Rate the answer:";
    m.buttons = {{{"Good", "r:5"}, {"Bad", "r:1"}}, {{"Skip", "r:0"}}};
    auto const call = p->render(m, {now});
    ASSERT_TRUE(call);
    EXPECT_EQ(*form_value(*decode_form(call->body), "Body"), "Rate the answer:\n1. Good\n2. Bad\n3. Skip");

    m.buttons.clear();
    m.text = " ";
    EXPECT_EQ(*form_value(*decode_form(p->render(m, {now})->body), "Body"), "...");  // Twilio refuses an empty Body
    m.text = "bad \xFF byte";
    EXPECT_EQ(*form_value(*decode_form(p->render(m, {now})->body), "Body"), "bad \uFFFD byte");
}

TEST(sms_render, acks_and_photos_call_nothing_and_threads_are_refused)
{
    auto const p = make_with(base_options());
    model::outbound_message m;
    m.chat_id = "+15551234567";
    m.kind = message_kind::callback_ack;
    EXPECT_TRUE(p->render(m, {now})->path.empty());
    m.kind = message_kind::photo;
    m.media_id = "https://api.twilio.com/m/ME0";
    EXPECT_TRUE(p->render(m, {now})->path.empty());
    m.kind = message_kind::open_thread;
    EXPECT_FALSE(p->render(m, {now}));
}

// ---- interpret

TEST(sms_interpret, every_verdict)
{
    auto const p = make_with(base_options());
    struct case_ { char const* name; model::api_response r; delivery want; char const* reason_has; };
    case_ const cases[] = {
        {"created", {201, R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"})", ""}, delivery::ok, ""},
        {"ok 200", {200, R"({"sid":"SMabc","status":"accepted"})", ""}, delivery::ok, ""},
        {"201 without sid", {201, R"({"status":"queued"})", ""}, delivery::retry, "sid"},
        {"201 not json", {201, "<html>", ""}, delivery::retry, "JSON"},
        {"opted out", {400, R"({"code":21610,"message":"Attempt to send to unsubscribed recipient +15551234567","status":400})", ""},
         delivery::permanent, "opted out"},
        {"invalid number", {400, R"({"code":21211,"message":"The 'To' number +1 is not a valid phone number.","status":400})", ""},
         delivery::permanent, "21211"},
        {"not mobile", {400, R"({"code":21614,"status":400})", ""}, delivery::permanent, "21614"},
        {"other 4xx code", {400, R"({"code":21606,"status":400})", ""}, delivery::permanent, "21606"},
        {"auth", {401, R"({"code":20003,"status":401})", ""}, delivery::permanent, "20003"},
        {"4xx no json", {404, "not found", ""}, delivery::permanent, "HTTP 404"},
        {"429", {429, R"({"code":20429,"status":429})", "7"}, delivery::retry, "429"},
        {"code 20429 on another status", {400, R"({"code":20429,"status":400})", ""}, delivery::retry, "20429"},
        {"500", {500, "", ""}, delivery::retry, "500"},
        {"503 json", {503, R"({"code":20500,"status":503})", "30"}, delivery::retry, "503"},
        {"network", {0, "", ""}, delivery::retry, "network"},
        {"302", {302, "", ""}, delivery::retry, "302"},
    };
    for (auto const& c : cases) {
        auto const v = p->interpret(c.r, now);
        EXPECT_EQ(v.outcome, c.want) << c.name << ": " << v.reason;
        EXPECT_NE(v.reason.find(c.reason_has), std::string::npos) << c.name << ": " << v.reason;
        EXPECT_EQ(v.reason.find("+1555"), std::string::npos) << c.name << ": the message quotes the number";
    }
    auto const ok = p->interpret({201, R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"})", ""}, now);
    EXPECT_EQ(ok.sent_id, "SM0123456789abcdef0123456789abcdef");
    auto const slow = p->interpret({429, R"({"code":20429})", "7"}, now);
    ASSERT_TRUE(slow.not_before);
    EXPECT_EQ(*slow.not_before, now + 7s);
    auto const busy = p->interpret({503, "", "30"}, now);
    ASSERT_TRUE(busy.not_before);
    EXPECT_EQ(*busy.not_before, now + 30s);
    EXPECT_EQ(p->interpret({429, "", ""}, now).not_before, now + 1s);  // a second when Twilio names no wait
    EXPECT_FALSE(p->interpret({500, "", ""}, now).not_before);
}

}  // namespace
}  // namespace pg::adapters::sms
