// A citizen on SMS (Twilio) and officials in the Telegram staff group, end to
// end: the real binary, webhooks form-encoded and signed as Twilio posts them
// (by test support's own HMAC-SHA1, and once by the twilio npm package), and a
// fake Messages API on 127.0.0.1 that answers as Twilio does.
#include "tests/support/eventually.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <regex>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace twilio;

std::string const citizen = "+15551234567";
std::string const public_url = "https://petitions.example.org/webhook/sms";  // as set in Twilio's console
constexpr std::int64_t staff_group = -1001000000001;
constexpr std::int64_t topic_id = 77;
constexpr std::int64_t official = 4242;
constexpr int max_segments = 2;

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

std::string const staff_token = "staff-api-token-0123456789";

class sms : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The Bot API for the staff group: a topic per petition, a message for everything else.
        telegram.set_script([](recorded_request const& r, std::size_t) {
            if (r.target.ends_with("/createForumTopic"))
                return scripted_reply{200, json{{"ok", true}, {"result", {{"message_thread_id", topic_id}, {"name", "t"},
                                                                          {"icon_color", 7322096}}}}.dump(), {}};
            return scripted_reply{};
        });
        auto cfg = test_config(telegram.base_url(), data.path());
        cfg["channels"].push_back({{"id", "sms"},
                                   {"type", "sms"},
                                   {"api_base", api.base_url()},
                                   {"account_sid", api.credentials().account_sid},
                                   {"auth_token", api.credentials().auth_token},
                                   {"from", api.credentials().from},
                                   {"public_url", public_url},
                                   {"max_segments", max_segments}});
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}}}}, {"language", "en"}};
        cfg["staff_api"] = {{"tokens", {{{"name", "cms"}, {"token", staff_token}}}}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    double metric(std::string const& series) const
    {
        return metric_value(http_get(gateway->port(), "/metrics").body, series);
    }

    // Every queued message sent or given up on: what one webhook caused is all out.
    void settle()
    {
        ASSERT_TRUE(eventually([&] { return metric("pg_outbox_depth") == 0; })) << gateway->log();
    }

    http_result post(fields const& f, std::string const& signature_override = "")
    {
        return post_signed(gateway->port(), "/webhook/sms", api.credentials().auth_token, public_url, f,
                           signature_override);
    }

    // One SMS from the citizen, answered with empty TwiML (replies go by the REST API).
    void citizen_says(std::string const& text, std::string const& from = citizen)
    {
        auto const r = post(inbound_sms(api.credentials(), from, text, message_sid(++sid)));
        ASSERT_EQ(r.status, 200) << r.body << gateway->log();
        EXPECT_EQ(r.header("Content-Type"), "text/xml");
        EXPECT_EQ(r.body, R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
        settle();
    }

    std::vector<std::string> texts_to(std::string const& number = citizen) const
    {
        std::vector<std::string> out;
        for (auto const& m : api.sent_to(number))
            out.push_back(m.body);
        return out;
    }

    void official_says(std::string const& text)
    {
        auto const r = http_post(gateway->port(), "/webhook/telegram",
                                 tg::topic_message(++update_id, staff_group, topic_id, official, text),
                                 tg::secret_header);
        ASSERT_EQ(r.status, 200) << r.body;
        settle();
    }

    // Files a petition with a typed number for every choice; its tracking number.
    std::string file_petition()
    {
        citizen_says("Hi");
        auto const menu = texts_to();
        EXPECT_FALSE(menu.empty()) << gateway->log();
        std::string shown;
        for (auto const& t : menu)
            shown += t;
        EXPECT_TRUE(contains(shown, "1. ")) << shown;  // numbered choices: SMS has no buttons
        std::size_t before = 0;
        for (auto const* text : {"1", "1", "Main Street 12, by the bus stop",
                                 "A pothole about 30 cm wide has been growing for two weeks.", "skip", "skip",
                                 "no photos", "send"}) {
            before = texts_to().size();
            citizen_says(text);
            EXPECT_GT(texts_to().size(), before) << "no answer to " << text << "\n" << gateway->log();
        }
        // "Thank you... Tracking number: XXXX-XXXX", then the menu again.
        std::string filed;
        auto const all = texts_to();
        for (auto i = before; i < all.size(); ++i)
            filed += all[i] + "\n";
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[A-Z0-9]{4}-[A-Z0-9]{4}"))) << filed;
        return m.empty() ? std::string() : m.str();
    }

    fake_platform telegram;
    fake_twilio_api api;
    temp_dir data;
    std::uint64_t sid = 0;
    std::int64_t update_id = 9000;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(sms, a_citizen_files_by_sms_staff_answer_and_every_status_comes_back_by_sms_within_the_segment_limit)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty()) << gateway->log();
    for (auto const& m : api.sent()) {
        EXPECT_EQ(m.from, api.credentials().from);
        EXPECT_EQ(m.status_callback, public_url);  // receipts come back to the same webhook
        EXPECT_LE(m.num_segments, std::size_t(max_segments)) << m.body;
    }

    // The card reached the staff group's topic.
    ASSERT_TRUE(eventually([&] {
        for (auto const& r : telegram.requests())
            if (r.target.ends_with("/sendMessage") && contains(r.body, tracking))
                return true;
        return false;
    })) << gateway->log();

    auto before = texts_to().size();
    official_says("accept");
    ASSERT_GT(texts_to().size(), before) << gateway->log();
    EXPECT_TRUE(contains(texts_to()[before], tracking)) << texts_to()[before];

    // A long answer goes out in pieces, each within max_segments as a carrier counts them.
    std::string answer = "The pothole outside Main Street 12 was filled on Tuesday.";
    while (answer.size() < 900)
        answer += " The crew also checked the road surface for the next hundred metres and found it sound.";
    before = texts_to().size();
    official_says("answer " + answer);
    auto const sent = api.sent_to(citizen);
    ASSERT_GE(sent.size(), before + 2) << "a long answer is several SMS\n" << gateway->log();
    std::string joined;
    for (std::size_t i = before; i < sent.size(); ++i) {
        EXPECT_LE(sent[i].num_segments, std::size_t(max_segments)) << sent[i].body;
        EXPECT_LE(count_segments(sent[i].body), std::size_t(max_segments)) << sent[i].body;
        joined += sent[i].body;
    }
    EXPECT_TRUE(contains(joined, "filled on Tuesday")) << joined;
    EXPECT_TRUE(contains(joined, "found it sound.")) << joined;
}

TEST_F(sms, stop_is_recorded_so_status_pushes_stop_and_a_send_refused_21610_is_a_permanent_dead_letter)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    auto const before = texts_to().size();

    // The citizen texts STOP: Twilio blocks the number and answers them itself.
    api.opt_out(citizen);
    citizen_says("Stop");
    EXPECT_EQ(texts_to().size(), before);  // no reply from us
    EXPECT_EQ(metric(R"(pg_events_ignored_total{channel="sms",kind="ignored"})"), 1);

    // A status push now has nowhere to go: not sent at all (the timeline says so).
    auto const calls = api.calls().size();
    official_says("accept");
    EXPECT_EQ(metric(R"(pg_notices_planned_total{channel="none",form="none"})"), 1) << gateway->log();
    EXPECT_EQ(api.calls().size(), calls);

    // A number Twilio blocks without our hearing of it: the send is refused
    // with 21610, a dead letter at once, no retry loop.
    auto const other = std::string("+15557654321");
    api.opt_out(other);
    citizen_says("Hi", other);
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_outbox_sends_total{channel="sms",verdict="permanent"})") >= 1;
    })) << gateway->log();
    settle();
    // Each message to it tried once (the welcome may be several SMS): refused, never retried.
    std::size_t refused = 0, tried = 0;
    for (auto const& c : api.calls()) {
        refused += c.code == 21610;
        tried += contains(c.body, "To=%2B15557654321");
    }
    EXPECT_GE(refused, 1u);
    EXPECT_EQ(refused, tried);
    EXPECT_EQ(metric(R"(pg_outbox_sends_total{channel="sms",verdict="permanent"})"), refused);
    EXPECT_EQ(texts_to().size(), before);
}

TEST_F(sms, a_status_callback_is_accepted_and_counted_once)
{
    citizen_says("Hi");
    ASSERT_FALSE(api.sent().empty());
    auto const first = api.sent().front();
    auto const cb = status_callback(api.credentials(), first.sid, "delivered", citizen);
    auto r = post(cb);
    EXPECT_EQ(r.status, 200) << r.body << gateway->log();
    EXPECT_EQ(r.body, R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)");
    r = post(cb);  // a replay
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(metric(R"(pg_receipts_total{channel="sms",state="delivered"})"), 1) << gateway->log();

    auto const failed = post(status_callback(api.credentials(), first.sid, "undelivered", citizen, "30003"));
    EXPECT_EQ(failed.status, 200);
    EXPECT_EQ(metric(R"(pg_receipts_total{channel="sms",state="undelivered"})"), 1);
}

TEST_F(sms, receipts_for_a_status_push_reach_its_timeline_and_a_failed_one_is_planned_again)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    auto const before = api.sent().size();
    official_says("accept");
    ASSERT_GT(api.sent().size(), before) << gateway->log();
    auto const push = api.sent().back();
    EXPECT_TRUE(contains(push.body, tracking)) << push.body;

    std::string timeline;  // for a failure's message
    auto notices = [&] {
        auto const r = http_request(gateway->port(), "GET", "/staff/api/petitions/" + tracking, "",
                                    {{"Authorization", "Bearer " + staff_token}});
        EXPECT_EQ(r.status, 200) << r.body;
        timeline = r.body;
        auto const petition = json::parse(r.body);
        std::vector<std::string> out;
        for (auto const& e : petition["timeline"])
            if (e["kind"] == "notice")
                out.push_back(e["channel"].get<std::string>() + ": " + e["note"].get<std::string>());
        return out;
    };
    // Out of order, as Twilio may send them: "delivered" stands, the late "sent" adds nothing.
    ASSERT_EQ(post(status_callback(api.credentials(), push.sid, "delivered", citizen)).status, 200);
    ASSERT_EQ(post(status_callback(api.credentials(), push.sid, "sent", citizen)).status, 200);
    EXPECT_EQ(notices(), (std::vector<std::string>{"sms: sms (text)", "sms: receipt: delivered"})) << timeline;

    // The next push never reaches the phone: the citizen has no other chat, so
    // the timeline says it failed and that nothing else could take it.
    official_says("answer The pothole was filled on Tuesday.");
    auto const answer = api.sent().back();
    ASSERT_NE(answer.sid, push.sid);
    ASSERT_EQ(post(status_callback(api.credentials(), answer.sid, "undelivered", citizen, "30003")).status, 200);
    auto const lines = notices();
    ASSERT_GE(lines.size(), 5u) << gateway->log();
    EXPECT_EQ(lines[lines.size() - 2], "sms: receipt: undelivered (30003)");
    EXPECT_EQ(lines.back(), ": not sent: no chat can take it");
    for (auto const& l : lines)
        EXPECT_FALSE(contains(l, citizen)) << "no phone numbers on the timeline: " << l;
}

TEST_F(sms, a_bad_signature_is_401_and_stores_nothing)
{
    std::string const stranger = "+15557654321";
    auto const f = inbound_sms(api.credentials(), stranger, "Hi", message_sid(4711));
    auto const forged = post(f, signature("not-the-token", public_url, f));
    EXPECT_EQ(forged.status, 401) << forged.body;
    // Signed over what the Host header says instead of the configured URL: refused too.
    auto const rebuilt = post(f, signature(api.credentials().auth_token,
                                           "http://127.0.0.1:" + std::to_string(gateway->port()) + "/webhook/sms", f));
    EXPECT_EQ(rebuilt.status, 401);
    EXPECT_EQ(metric(R"(pg_webhook_rejected_total{channel="sms",reason="bad_signature"})"), 2);
    EXPECT_FALSE(contains(gateway->log(), stranger));  // a phone number is never logged

    // The same MessageSid, signed: it was not recorded as seen, so it is processed now.
    auto const r = post(f);
    ASSERT_EQ(r.status, 200) << r.body;
    settle();
    EXPECT_FALSE(texts_to(stranger).empty());
    EXPECT_FALSE(contains(gateway->log(), stranger));
}

TEST_F(sms, a_redelivered_message_sid_is_processed_once)
{
    auto const f = inbound_sms(api.credentials(), citizen, "Hi", message_sid(4242));
    ASSERT_EQ(post(f).status, 200);
    settle();
    auto const after_first = texts_to().size();
    ASSERT_GT(after_first, 0u);
    ASSERT_EQ(post(f).status, 200);  // the fallback URL, or a replay from the console
    settle();
    EXPECT_EQ(texts_to().size(), after_first);
    EXPECT_GE(metric(R"(pg_commits_total{result="duplicate"})"), 1);
}

TEST_F(sms, a_form_broken_or_sent_by_get_is_refused_clearly)
{
    auto const r = http_request(gateway->port(), "POST", "/webhook/sms", "From=%2B1&Body=50%+off",
                                {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", "x"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(contains(r.body, "Body")) << r.body;
    auto const get = http_get(gateway->port(), "/webhook/sms?Body=hi&From=%2B15551234567");
    EXPECT_EQ(get.status, 400);
    EXPECT_TRUE(contains(get.body, "POST")) << get.body;
}

// The twilio npm package signs; the gateway must accept what it signed.
TEST_F(sms, a_request_signed_by_twilios_own_sdk_is_accepted)
{
    if (std::system("node --version >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "node is not installed";
    std::string const body = "Pothole + crack on 5th Ave \xF0\x9F\x98\x80 \xE8\xB7\xAF\xE7\x81\xAF\xE5\x9D\x8F\xE4\xBA\x86 1+1=2";
    auto const f = inbound_sms(api.credentials(), citizen, body, message_sid(777));
    json params = json::object();
    for (auto const& [k, v] : f)
        params[k] = v;
    auto const params_file = data.path() / "params.json";
    std::ofstream(params_file) << params.dump();

    auto const command = std::string("node ") + PG_SOURCE_DIR + "/tests/sdk/twilio_sign.js '" +
                         api.credentials().auth_token + "' '" + public_url + "' '" + params_file.string() + "' 2>&1";
    std::string out;
    if (auto* p = ::popen(command.c_str(), "r")) {
        char buf[256];
        while (auto n = std::fread(buf, 1, sizeof buf, p))
            out.append(buf, n);
        ASSERT_EQ(::pclose(p), 0) << out;
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    ASSERT_EQ(out.size(), 28u) << out;  // base64 of 20 bytes
    EXPECT_EQ(out, signature(api.credentials().auth_token, public_url, f));

    auto const r = post(f, out);
    ASSERT_EQ(r.status, 200) << r.body << gateway->log();
    settle();
    EXPECT_FALSE(texts_to().empty());
}

}  // namespace
}  // namespace pg::testing
