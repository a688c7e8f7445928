// The same Telegram update posted at the same moment on several connections
// (a retry racing the original) is processed exactly once, and every copy is
// answered 200. Why: the copies share the update's chat, so they queue on one
// lane and run one after the other; the first commits the update's dedupe key
// with its effects in one batch, and each later copy finds the key (the store
// checks and writes it under one lock as well) and is answered 200 without
// running the dialog. A copy gets 503 only if the storage itself fails.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;
headers const& secret = tg::secret_header;

class redelivery : public ::testing::Test {
protected:
    void SetUp() override { gateway->start(); }

    // Posts every update in `burst` at once, one connection each; returns the statuses.
    std::vector<int> post_all_at_once(std::vector<std::string> const& burst)
    {
        std::vector<int> statuses(burst.size(), -1);
        std::latch go(static_cast<std::ptrdiff_t>(burst.size()));
        std::vector<std::thread> senders;
        for (std::size_t i = 0; i < burst.size(); ++i)
            senders.emplace_back([&, i] {
                go.arrive_and_wait();
                statuses[i] = http_post(gateway->port(), "/webhook/telegram", burst[i], secret).status;
            });
        for (auto& t : senders)
            t.join();
        return statuses;
    }

    std::int64_t metric(std::string const& series)
    {
        auto const text = http_get(gateway->port(), "/metrics").body;
        auto const at = text.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::stoll(text.substr(at + series.size() + 2));
    }

    std::vector<std::string> texts_to(std::int64_t chat)
    {
        std::vector<std::string> out;
        for (auto const& r : api.requests()) {
            auto const b = json::parse(r.body);
            if (b.value("chat_id", std::int64_t{0}) == chat)
                out.push_back(b.value("text", std::string()));
        }
        return out;
    }

    fake_platform api;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway =
        std::make_unique<gateway_process>(test_config(api.base_url(), data.path()));
};

TEST_F(redelivery, two_copies_at_the_same_moment_give_one_reply_and_two_200s)
{
    auto const update = tg::text(5001, 42, "/start");
    EXPECT_EQ(post_all_at_once({update, update}), (std::vector<int>{200, 200}));
    // A later update of the chat runs on the same lane after both copies: once
    // its reply is in, a second reply to the copy would be too.
    ASSERT_EQ(http_post(gateway->port(), "/webhook/telegram", tg::text(5002, 42, "help"), secret).status, 200);
    ASSERT_TRUE(api.wait_for_count(2)) << gateway->log();
    EXPECT_EQ(api.count(), 2u);
    EXPECT_EQ(metric("pg_dialog_steps_total{channel=\"telegram\"}"), 2);
    EXPECT_EQ(metric("pg_commits_total{result=\"duplicate\"}"), 1);
}

TEST_F(redelivery, a_burst_of_copies_across_chats_is_processed_once_per_update_in_order)
{
    // Five chats, three dialog steps each, every update posted four times, all at once per step.
    constexpr int chats = 5, copies = 4;
    char const* const steps[] = {"/start", "1", "1"};
    std::int64_t update_id = 6000;
    for (auto const* step : steps) {
        std::vector<std::string> burst;
        for (int c = 0; c < chats; ++c) {
            auto const u = tg::text(++update_id, 100 + c, step);
            for (int k = 0; k < copies; ++k)
                burst.push_back(u);
        }
        for (int s : post_all_at_once(burst))
            EXPECT_EQ(s, 200);
    }
    constexpr std::size_t want = chats * std::size(steps);
    ASSERT_TRUE(api.wait_for_count(want)) << gateway->log();
    // Every chat got the same three distinct replies, once each, in dialog order.
    auto const first = texts_to(100);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_NE(first[0], first[1]);
    EXPECT_NE(first[1], first[2]);
    for (int c = 1; c < chats; ++c)
        EXPECT_EQ(texts_to(100 + c), first) << "chat " << 100 + c;
    EXPECT_EQ(metric("pg_dialog_steps_total{channel=\"telegram\"}"), static_cast<std::int64_t>(want));
    EXPECT_EQ(metric("pg_commits_total{result=\"duplicate\"}"), static_cast<std::int64_t>(want * (copies - 1)));
    // Nothing more is on its way: a fresh update's reply is the next call.
    ASSERT_EQ(http_post(gateway->port(), "/webhook/telegram", tg::text(++update_id, 100, "help"), secret).status, 200);
    ASSERT_TRUE(api.wait_for_count(want + 1)) << gateway->log();
    EXPECT_EQ(api.count(), want + 1);
}

}  // namespace
}  // namespace pg::testing
