// Delivery when the platform misbehaves in every way it can: errors, flood
// control, resets, hangs, slow and malformed answers. The dispatcher keeps each
// chat's order, backs off, honours retry_after, caps its requests per channel,
// gives up after its budget (and tells the supervisors), and inbound webhooks
// are served the whole time.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/platform_faults.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;
headers const& secret = tg::secret_header;
constexpr std::int64_t supervisors = -1001000000099;

std::vector<recorded_request> to_chat(std::vector<recorded_request> const& all, std::int64_t chat)
{
    std::vector<recorded_request> out;
    for (auto const& r : all)
        if (view_of(r).chat == std::to_string(chat))
            out.push_back(r);
    return out;
}
std::vector<recorded_request> to_chat(fake_platform const& api, std::int64_t chat) { return to_chat(api.requests(), chat); }

std::string text_of(recorded_request const& r) { return json::parse(r.body).value("text", std::string()); }

class faults : public ::testing::Test {
protected:
    void start(json outbox)
    {
        auto cfg = test_config(api.base_url(), data.path());
        for (auto const& [k, v] : outbox.items())
            cfg["outbox"][k] = v;
        cfg["staff"] = {{"supervisors", {{{"channel", "telegram"}, {"chat", std::to_string(supervisors)}}}}};
        api.set_script(plan.script());
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }
    int post(std::string const& update)
    {
        auto const r = http_post(gateway->port(), "/webhook/telegram", update, secret);
        if (r.status != 200)
            ADD_FAILURE() << "webhook answered " << r.status << " " << r.body << "\n" << gateway->log();
        return r.status;
    }

    fake_platform api;
    fault_plan plan;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(faults, every_kind_of_failure_is_retried_in_order_while_other_chats_flow)
{
    constexpr std::int64_t chat = 42;
    plan.next("sendMessage", std::to_string(chat),
              {fault::reset(), fault::hang(), fault::server_error(), fault::bad_gateway(), fault::malformed_json(),
               fault::not_ok(), fault::trickle(2ms)});  // the last one succeeds, slowly
    start({{"request_timeout_ms", 3000}, {"max_attempts", 20}});

    ASSERT_EQ(post(tg::text(1, chat, "/start")), 200);
    ASSERT_EQ(post(tg::text(2, chat, "1")), 200);
    ASSERT_EQ(post(tg::text(3, 43, "/start")), 200);

    // Seven tries of the welcome (the seventh trickles in), then the menu answer once.
    ASSERT_TRUE(api.wait_until([&](auto const& all) { return to_chat(all, chat).size() >= 8; })) << gateway->log();
    auto const tries = to_chat(api, chat);
    ASSERT_EQ(tries.size(), 8u);
    for (std::size_t i = 1; i < 7; ++i)
        EXPECT_EQ(text_of(tries[i]), text_of(tries[0])) << "try " << i;
    EXPECT_NE(text_of(tries[0]).find("Hello"), std::string::npos);
    EXPECT_NE(text_of(tries[7]), text_of(tries[0]));  // the second reply only after the first got through
    // The hang ended because the gateway gave up on it (request_timeout), not the fake.
    EXPECT_EQ(api.hangs_abandoned(), 1u);
    // Chat 43 was not held up behind chat 42's trouble.
    ASSERT_EQ(to_chat(api, 43).size(), 1u);
    EXPECT_LT(to_chat(api, 43)[0].at, tries[6].at) << "chat 43 waited behind chat 42";
}

TEST_F(faults, inbound_is_served_while_every_send_hangs)
{
    plan.always("sendMessage", "", fault::hang());
    start({{"request_timeout_ms", 3000}, {"max_in_flight_per_channel", 4}});
    ASSERT_EQ(post(tg::text(1, 100, "/start")), 200);
    ASSERT_TRUE(api.wait_for_count(1)) << gateway->log();
    // Every POST below is answered while sends hang: new chats add hung sends.
    for (std::int64_t chat = 101; chat <= 120; ++chat) {
        EXPECT_EQ(post(tg::text(chat * 10, chat, "/start")), 200) << "chat " << chat;
        EXPECT_EQ(http_get(gateway->port(), "/healthz").status, 200);
    }
    EXPECT_LT(api.hangs_abandoned(), api.count()) << "no send was hanging any more";
    // The cap holds even when every request hangs.
    EXPECT_LE(api.max_in_flight(), 4u);
    // Hung sends end by the client's timeout and are retried.
    ASSERT_TRUE(eventually([&] { return api.hangs_abandoned() >= 4; }, 30s)) << gateway->log();
}

TEST_F(faults, a_429_is_waited_out_and_does_not_spend_the_budget)
{
    constexpr std::int64_t chat = 42;
    plan.next("sendMessage", std::to_string(chat), {fault::too_many(1), fault::too_many(1)});
    // A budget of one attempt: only a 429 may be retried. A long max_backoff:
    // the wait after a 429 comes from retry_after, not from the budget's backoff.
    start({{"max_attempts", 1}, {"max_backoff_ms", 120'000}});
    ASSERT_EQ(post(tg::text(1, chat, "/start")), 200);
    ASSERT_TRUE(api.wait_until([&](auto const& all) { return to_chat(all, chat).size() >= 3; }, 20s))
        << gateway->log();
    auto const tries = to_chat(api, chat);
    EXPECT_EQ(text_of(tries[2]), text_of(tries[0]));
    // Never sooner than the platform asked (a lower bound, not a speed).
    EXPECT_GE(tries[1].at - tries[0].at, 1s);
    EXPECT_GE(tries[2].at - tries[1].at, 1s);
    EXPECT_EQ(gateway->log().find("\"event\":\"dead_letter\""), std::string::npos);
}

TEST_F(faults, backoff_grows_and_the_budget_ends_in_a_dead_letter_the_supervisors_see)
{
    constexpr std::int64_t chat = 42;
    plan.next("sendMessage", std::to_string(chat),
              {fault::reset(), fault::server_error(), fault::malformed_json(), fault::not_ok(), fault::bad_gateway(),
               fault::hang()});
    start({{"max_attempts", 6}, {"base_backoff_ms", 100}, {"max_backoff_ms", 400}, {"request_timeout_ms", 1000}});
    ASSERT_EQ(post(tg::text(1, chat, "/start")), 200);
    ASSERT_TRUE(api.wait_until([&](auto const& all) { return !to_chat(all, supervisors).empty(); }, 30s))
        << gateway->log();

    auto const tries = to_chat(api, chat);
    ASSERT_EQ(tries.size(), 6u);  // the budget, exactly
    // No hot loop: attempt n waits at least half of min(max, base * 2^(n-1)).
    for (std::size_t i = 1; i < tries.size(); ++i) {
        auto const floor = std::min(400ms, 100ms * (1 << (i - 1))) / 2;
        EXPECT_GE(tries[i].at - tries[i - 1].at, floor) << "attempt " << i + 1;
    }
    auto const report = text_of(to_chat(api, supervisors)[0]);
    EXPECT_FALSE(report.empty());
    auto const m = http_get(gateway->port(), "/metrics").body;
    EXPECT_NE(m.find("pg_dead_letters_total{channel=\"telegram\"} 1"), std::string::npos) << m;

    // The chat is not stuck: its next reply goes out.
    ASSERT_EQ(post(tg::text(2, chat, "help")), 200);
    ASSERT_TRUE(api.wait_until([&](auto const& all) { return to_chat(all, chat).size() == 7; })) << gateway->log();
}

TEST_F(faults, requests_in_flight_are_capped_per_channel)
{
    plan.always("sendMessage", "", fault::slow(300ms));
    start({{"max_in_flight_per_channel", 2}});
    for (std::int64_t chat = 1; chat <= 8; ++chat)
        ASSERT_EQ(post(tg::text(chat, chat, "/start")), 200);
    ASSERT_TRUE(api.wait_for_count(8, 30s)) << gateway->log();
    // At most two at once, and two were reached, so the cap is what held it.
    EXPECT_EQ(api.max_in_flight(), 2u);
}

// The host refuses connections, then drops them unanswered, while 30 citizens
// write at once and the gateway is restarted with all their replies queued:
// every send fails at connect, many at the same moment, and the gateway keeps
// serving. Once the host answers again, each chat gets its reply.
TEST_F(faults, refused_and_dropped_connections_fail_sends_without_harm)
{
    constexpr std::int64_t citizens = 30;
    api.refuse_connections();
    start({{"request_timeout_ms", 500}, {"base_backoff_ms", 20}, {"max_backoff_ms", 100}, {"max_attempts", 1000}});
    auto const failed_sends = [&]() -> double {
        try {
            return metric_value(http_get(gateway->port(), "/metrics").body,
                          R"(pg_outbox_sends_total{channel="telegram",verdict="retry"})");
        } catch (std::exception const&) {
            return -1;  // refused: the gateway is gone
        }
    };
    std::vector<std::thread> crowd;
    for (std::int64_t chat = 1; chat <= citizens; ++chat)
        crowd.emplace_back([&, chat] { post(tg::text(chat, chat, "/start")); });
    for (auto& t : crowd)
        t.join();
    // Each chat's send failed a few times: connects failing together on one client.
    ASSERT_TRUE(eventually([&] { return failed_sends() >= 3 * citizens; }, 30s)) << "gateway gone?\n" << gateway->log();

    // A restart finds 30 replies queued and starts them all at once.
    gateway->kill_hard();
    gateway->start();
    ASSERT_TRUE(eventually([&] { return failed_sends() >= 3 * citizens; }, 30s)) << "gateway gone?\n" << gateway->log();

    // Connects that wait for the timeout instead of failing at once.
    api.drop_connections();
    auto const before = failed_sends();
    ASSERT_TRUE(eventually([&] { return failed_sends() >= before + citizens; }, 30s)) << gateway->log();
    EXPECT_EQ(api.count(), 0u);

    api.accept_connections();
    ASSERT_TRUE(api.wait_until([&](auto const& all) {
        std::set<std::string> chats;
        for (auto const& r : all)
            chats.insert(view_of(r).chat);
        return chats.size() == citizens;
    }, 30s)) << gateway->log();
    EXPECT_EQ(http_get(gateway->port(), "/healthz").status, 200);
}

}  // namespace
}  // namespace pg::testing
