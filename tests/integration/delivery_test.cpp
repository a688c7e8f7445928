// Outbound delivery under platform faults: retries keep each chat's order,
// a 429's retry_after is honoured, and a message that cannot be delivered is
// dead-lettered and reported to the supervisors.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;
headers const& secret = tg::secret_header;
constexpr std::int64_t supervisors = -1001000000099;

std::vector<json> bodies(fake_platform const& api)
{
    std::vector<json> out;
    for (auto const& r : api.requests())
        out.push_back(json::parse(r.body));
    return out;
}

class delivery : public ::testing::Test {
protected:
    void start(std::uint32_t max_attempts)
    {
        auto cfg = test_config(api.base_url(), data.path());
        cfg["outbox"]["max_attempts"] = max_attempts;
        cfg["staff"] = {{"supervisors", {{{"channel", "telegram"}, {"chat", std::to_string(supervisors)}}}}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }
    void post(std::string const& update)
    {
        ASSERT_EQ(http_post(gateway->port(), "/webhook/telegram", update, secret).status, 200);
    }

    fake_platform api;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(delivery, retries_after_429_and_5xx_keep_each_chats_order)
{
    // Every request of chat 1 fails twice (a 429 with retry_after, then a 500)
    // before it is accepted; chat 2 is served normally meanwhile.
    api.set_script([failures = std::map<std::string, int>{}](recorded_request const& r, std::size_t) mutable {
        auto const b = json::parse(r.body);
        if (b["chat_id"] != 1)
            return scripted_reply{};
        auto& n = failures[b.value("text", std::string())];
        switch (n++) {
        case 0: return scripted_reply{429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})", {}};
        case 1: return scripted_reply{500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})", {}};
        default: return scripted_reply{};
        }
    });
    start(10);
    post(tg::text(1, 1, "/start"));
    post(tg::text(2, 1, "1"));
    post(tg::text(3, 2, "/start"));
    // Chat 1: each message tried three times, strictly one after the other.
    ASSERT_TRUE(api.wait_for_count(7)) << gateway->log();
    // Chat 2 was not held up by chat 1's trouble: its reply came before chat 1's last attempt.
    auto const all = bodies(api);
    EXPECT_NE(all.back()["chat_id"], 2) << "chat 2 waited behind chat 1";
    std::vector<std::string> chat1;
    for (auto const& b : bodies(api))
        if (b["chat_id"] == 1)
            chat1.push_back(b["text"]);
    ASSERT_EQ(chat1.size(), 6u);
    EXPECT_EQ(chat1[0], chat1[1]);
    EXPECT_EQ(chat1[1], chat1[2]);
    EXPECT_EQ(chat1[3], chat1[4]);
    EXPECT_EQ(chat1[4], chat1[5]);
    EXPECT_NE(chat1[0], chat1[3]);
    EXPECT_NE(chat1[0].find("Hello"), std::string::npos);  // the welcome went first
    // Inbound kept being served the whole time.
    EXPECT_EQ(http_get(gateway->port(), "/healthz").status, 200);
}

TEST_F(delivery, a_message_past_its_budget_is_dead_lettered_and_reported)
{
    api.set_script([](recorded_request const& r, std::size_t) {
        auto const b = json::parse(r.body);
        if (b["chat_id"] == 7)
            return scripted_reply{502, "bad gateway", {}};
        return scripted_reply{};
    });
    start(3);
    post(tg::text(1, 7, "/start"));
    ASSERT_TRUE(api.wait_until([](auto const& reqs) {
        for (auto const& r : reqs)
            if (json::parse(r.body)["chat_id"] == supervisors)
                return true;
        return false;
    })) << gateway->log();
    std::size_t attempts = 0;
    for (auto const& b : bodies(api))
        attempts += b["chat_id"] == 7;
    EXPECT_EQ(attempts, 3u);
    auto const m = http_get(gateway->port(), "/metrics").body;
    EXPECT_NE(m.find("pg_dead_letters_total{channel=\"telegram\"} 1"), std::string::npos) << m;
    EXPECT_NE(gateway->log().find("\"event\":\"dead_letter\""), std::string::npos);
}

}  // namespace
}  // namespace pg::testing
