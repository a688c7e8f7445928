// A citizen on WhatsApp (Cloud API) and officials in a Telegram staff group, end
// to end: the real binary, webhooks signed and written as Meta writes them, and
// a fake Graph API on 127.0.0.1 that checks every send as Meta would.
#include "tests/support/eventually.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/fake_whatsapp.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace wa;

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t t0_ms = 1'780'000'000'000;  // 2026-05-28
constexpr std::int64_t staff_group = -1001000000001;
constexpr std::int64_t official = 4242;
constexpr std::int64_t topic_id = 77;

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

class whatsapp : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The staff side: a Telegram forum group; each petition opens topic 77.
        telegram.set_script([](recorded_request const& r, std::size_t) {
            if (r.target.ends_with("/createForumTopic"))
                return scripted_reply{200, json{{"ok", true}, {"result", {{"message_thread_id", topic_id}, {"name", "t"},
                                                                          {"icon_color", 7322096}}}}.dump(), {}};
            return scripted_reply{};
        });
        set_clock(t0_ms);
        auto cfg = test_config(telegram.base_url(), data.path());
        json channel{{"id", "whatsapp"},
                     {"type", "whatsapp"},
                     {"api_base", graph.base_url()},
                     {"phone_number_id", number.phone_number_id},
                     {"access_token", graph.account().access_token},
                     {"app_secret", number.app_secret},
                     {"verify_token", number.verify_token},
                     {"templates", {{"answered", {{"name", "petition_answered"},
                                                  {"language", "en_US"},
                                                  {"parameters", {"{tracking}", "{text}"}}}}}}};
        cfg["channels"].push_back(channel);
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}}}}};
        cfg["testing"] = {{"clock_file", clock_file.string()}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    void set_clock(std::int64_t ms)
    {
        now_ms = ms;
        std::ofstream(clock_file) << ms;
    }

    std::string next_wamid() { return "wamid.IN" + std::to_string(++wamid_); }

    void post(std::string const& body)
    {
        auto const r = deliver(gateway->port(), number, body);
        ASSERT_EQ(r.status, 200) << r.body << gateway->log();
        EXPECT_TRUE(r.body.empty()) << r.body;
    }
    void citizen_says(std::string const& text) { post(text_notification(number, citizen, next_wamid(), text, now_ms / 1000)); }
    void citizen_taps(std::string const& id, std::string const& title)
    {
        post(reply_notification(number, citizen, next_wamid(), id, title, now_ms / 1000));
    }

    // The messages the citizen got, oldest first; waits (bounded) for `n` and returns the n-th.
    std::vector<sent_message> to_citizen() const { return graph.sends_to(citizen.user_id); }
    sent_message message_number(std::size_t n)
    {
        EXPECT_TRUE(graph.wait_for_sends_to(citizen.user_id, n))
            << "have " << to_citizen().size() << ", want " << n << "\n" << gateway->log();
        auto const all = to_citizen();
        return all.size() >= n ? all[n - 1] : sent_message{};
    }

    void official_says(std::string const& text)
    {
        auto const r = http_post(gateway->port(), "/webhook/telegram",
                                 tg::topic_message(++update_id, staff_group, topic_id, official, text),
                                 tg::secret_header);
        ASSERT_EQ(r.status, 200) << r.body;
    }

    double metric(std::string const& series) const
    {
        return metric_value(http_get(gateway->port(), "/metrics").body, series);
    }

    // Files a petition through the dialog: typed numbers, a typed place and text,
    // a tapped reply button. Returns its tracking number.
    std::string file_petition()
    {
        citizen_says("hello");
        auto const menu = message_number(1);
        EXPECT_EQ(menu.type, "interactive");  // the menu's choices as a list
        EXPECT_EQ(menu.interactive_type, "list") << menu.body.dump();
        citizen_says("1");  // a typed number: file a petition
        auto const categories = message_number(2);
        // More choices than a list holds: all numbered in the text, a typed number the press.
        EXPECT_TRUE(contains(categories.text, "1. ")) << categories.body.dump();
        EXPECT_EQ(categories.type, "text") << categories.body.dump();
        citizen_says("1");  // a typed number: the first category
        EXPECT_TRUE(contains(message_number(3).text, "Where")) << message_number(3).body.dump();
        citizen_says("Main Street 12, by the bus stop");
        message_number(4);
        citizen_says("A pothole about 30 cm wide has been growing for two weeks.");
        message_number(5);
        citizen_says("skip");  // since when
        message_number(6);
        citizen_says("skip");  // what outcome
        message_number(7);
        citizen_says("no photos");
        auto const confirm = message_number(8);
        EXPECT_EQ(confirm.interactive_type, "button") << confirm.body.dump();
        citizen_taps("ok", "Send");  // a reply button pressed: its id is the dialog's data
        auto const filed = message_number(9);
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed.text, m, std::regex("[A-Z0-9]{4}-[A-Z0-9]{4}"))) << filed.body.dump();
        // The menu follows the receipt: waited for here, so that a test counting
        // messages from now on does not take it for what comes next.
        EXPECT_EQ(message_number(10).interactive_type, "list");
        return m.empty() ? std::string() : m.str();
    }

    fake_platform telegram;
    fake_graph_api graph;
    business const number{};
    user const citizen{};
    temp_dir data;
    temp_dir clock_dir;
    std::filesystem::path clock_file = clock_dir.path() / "now";
    std::int64_t now_ms = t0_ms;
    std::int64_t wamid_ = 0;
    std::int64_t update_id = 9000;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(whatsapp, the_get_check_echoes_the_challenge_only_for_our_verify_token)
{
    auto const ok = verify(gateway->port(), number, "1158201444", number.verify_token);
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.body, "1158201444");
    EXPECT_EQ(verify(gateway->port(), number, "1158201444", "someone-elses-token").status, 401);
    EXPECT_EQ(verify(gateway->port(), number, "<script>", number.verify_token).status, 401);
}

TEST_F(whatsapp, a_citizen_files_staff_answer_and_each_status_arrives_inside_and_outside_the_window)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    for (auto const& m : graph.sends())
        EXPECT_EQ(m.to, citizen.user_id);  // the BSUID, never the phone number

    // The officials get the card in their topic.
    ASSERT_TRUE(eventually([&] {
        for (auto const& r : telegram.requests())
            if (r.target.ends_with("/sendMessage") && contains(r.body, tracking))
                return true;
        return false;
    })) << gateway->log();

    // Inside the 24 hours (23 hours on): free text.
    set_clock(t0_ms + 23 * hour_ms);
    auto const before = to_citizen().size();
    official_says("accept");
    auto const accepted = message_number(before + 1);
    EXPECT_EQ(accepted.type, "text") << accepted.body.dump();
    EXPECT_TRUE(contains(accepted.text, tracking)) << accepted.text;

    // 25 hours after the citizen last wrote: the status's template...
    set_clock(t0_ms + 25 * hour_ms);
    official_says("answer The pothole was filled on Tuesday.");
    auto const answered = message_number(before + 2);
    EXPECT_EQ(answered.type, "template") << answered.body.dump();
    EXPECT_EQ(answered.template_name, "petition_answered");
    EXPECT_EQ(answered.template_language, "en_US");
    ASSERT_EQ(answered.template_parameters.size(), 2u);
    EXPECT_EQ(answered.template_parameters[0], tracking);
    EXPECT_TRUE(contains(answered.template_parameters[1], "The pothole was filled on Tuesday."))
        << answered.template_parameters[1];

    // ...and for a status without one, nothing: the citizen has no other chat,
    // so the push is not sent (the timeline says so), no request to Meta.
    auto const calls_before = graph.calls().size();
    official_says("close");
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_notices_planned_total{channel="none",form="none"})") >= 1;
    })) << gateway->log();
    EXPECT_EQ(graph.calls().size(), calls_before);
    for (auto const& c : graph.calls())
        EXPECT_NE(c.code, 131047);

    // The citizen writes again: the window opens, and the answer is free text again.
    auto const seen = to_citizen().size();
    citizen_says(tracking);
    auto const status = message_number(seen + 1);
    EXPECT_TRUE(contains(status.text, tracking)) << status.body.dump();
    EXPECT_NE(status.type, "template");
}

TEST_F(whatsapp, a_rate_limited_send_is_retried_and_goes_once)
{
    graph.fail_next(130429);
    citizen_says("hello");
    auto const menu = message_number(1);
    EXPECT_EQ(menu.type, "interactive");
    auto const calls = graph.calls();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0].code, 130429);
    EXPECT_EQ(calls[1].code, 0);
    EXPECT_EQ(to_citizen().size(), 1u);
}

TEST_F(whatsapp, a_closed_window_or_an_expired_token_is_a_dead_letter_not_a_retry_loop)
{
    auto const permanent = [&] { return metric(R"(pg_outbox_sends_total{channel="whatsapp",verdict="permanent"})"); };
    graph.fail_next(131047);  // Meta knows better than our heard_at
    citizen_says("hello");
    EXPECT_TRUE(eventually([&] { return permanent() >= 1; })) << gateway->log();
    EXPECT_EQ(graph.calls().size(), 1u);

    graph.fail_next(190);
    citizen_says("hello again");
    EXPECT_TRUE(eventually([&] { return permanent() >= 2; })) << gateway->log();
    EXPECT_EQ(graph.calls().size(), 2u);
    EXPECT_TRUE(graph.sends().empty());
    EXPECT_FALSE(contains(gateway->log(), graph.account().access_token));
}

TEST_F(whatsapp, a_bad_signature_is_401_and_stores_nothing)
{
    auto const body = text_notification(number, citizen, "wamid.FORGED1", "hello", now_ms / 1000);
    auto const forged = deliver_signed(gateway->port(), number, body, signature("not-the-app-secret", body));
    EXPECT_EQ(forged.status, 401);
    // Re-serialised (UTF-8 instead of Meta's escapes) under the original signature: refused too.
    auto const unicode = text_notification(number, citizen, "wamid.FORGED2", "Stra\u00dfe \u8def", now_ms / 1000);
    ASSERT_TRUE(contains(unicode, "\\u00df")) << unicode;
    EXPECT_EQ(deliver_signed(gateway->port(), number, json::parse(unicode).dump(), signature(number.app_secret, unicode))
                  .status,
              401);
    EXPECT_EQ(http_request(gateway->port(), "POST", number.path, body, {{"Content-Type", "application/json"}}).status,
              401);

    // Nothing was stored: the genuine delivery of the same message is processed, and answered once.
    post(body);
    message_number(1);
    post(unicode);
    message_number(2);
    EXPECT_EQ(to_citizen().size(), 2u);
}

TEST_F(whatsapp, a_redelivered_message_is_processed_once)
{
    auto const body = text_notification(number, citizen, "wamid.ONCE", "hello", now_ms / 1000);
    post(body);
    message_number(1);
    post(body);  // Meta's retry
    citizen_says("again");
    message_number(2);
    EXPECT_EQ(to_citizen().size(), 2u);  // one reply each, none for the redelivery
}

TEST_F(whatsapp, statuses_are_accepted_and_counted_once_each)
{
    citizen_says("hello");
    auto const menu = message_number(1);
    ASSERT_FALSE(menu.wamid.empty());
    post(status_notification(number, citizen, menu.wamid, "sent", now_ms / 1000));
    post(status_notification(number, citizen, menu.wamid, "read", now_ms / 1000 + 2));  // before delivered
    post(status_notification(number, citizen, menu.wamid, "delivered", now_ms / 1000 + 1));
    post(status_notification(number, citizen, menu.wamid, "delivered", now_ms / 1000 + 1));  // redelivered
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_receipts_total{channel="whatsapp",state="delivered"})") == 1 &&
               metric(R"(pg_receipts_total{channel="whatsapp",state="read"})") == 1 &&
               metric(R"(pg_receipts_total{channel="whatsapp",state="sent"})") == 1;
    })) << http_get(gateway->port(), "/metrics").body;
    EXPECT_EQ(to_citizen().size(), 1u);  // a receipt says nothing to the citizen
}

}  // namespace
}  // namespace pg::testing
