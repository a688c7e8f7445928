// Outbound delivery under platform faults: retries keep each chat's order,
// a 429's retry_after is honoured, and a message that cannot be delivered is
// dead-lettered and reported to the supervisors.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/platform_faults.hpp"
#include "tests/support/telegram_updates.hpp"

#include "storage/rocks_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>

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
    void start(std::uint32_t max_attempts, std::function<void(json&)> const& adjust = {})
    {
        auto cfg = test_config(api.base_url(), data.path());
        cfg["outbox"]["max_attempts"] = max_attempts;
        cfg["staff"] = {{"supervisors", {{{"channel", "telegram"}, {"chat", std::to_string(supervisors)}}}}};
        if (adjust)
            adjust(cfg);
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

// Item 13 of issue 15: replies to citizens go ahead of staff notifications. The
// outbox holds what a flood of petitions leaves (a topic and its card in each of
// four staff groups, per petition); the channel sends one request at a time and
// the staff groups answer slowly. A citizen's reply, once due, is the next
// request started: it does not wait for the staff chats' turns.
TEST_F(delivery, a_citizen_reply_goes_ahead_of_a_staff_backlog)
{
    if (gateway_on_postgresql())
        GTEST_SKIP() << "seeds the outbox through a RocksDB store";
    using namespace std::chrono_literals;
    std::vector<std::string> const staff_groups{"-1001000000001", "-1001000000002", "-1001000000003",
                                                "-1001000000004"};
    constexpr int petitions = 6;
    constexpr std::int64_t citizen = 555;
    {
        auto store = storage::open_rocks_store({data.path().string(), true, true});
        storage::unit_of_work flood;
        flood.dedupe_key = "test:flood";
        for (int p = 0; p < petitions; ++p)
            for (auto const& group : staff_groups) {
                model::outbound_message open;
                open.kind = model::message_kind::open_thread;
                open.channel_id = "telegram";
                open.chat_id = group;
                open.thread_key = open.title = "FLOOD-00" + std::to_string(p);
                open.text = "card";
                auto card = open;
                card.kind = model::message_kind::text;
                card.title.clear();
                flood.outbox.push_back(open);
                flood.outbox.push_back(card);
            }
        ASSERT_EQ(store->commit(flood).status, storage::commit_status::committed);
    }
    std::size_t const backlog = 2 * petitions * staff_groups.size();
    api.set_script([topics = std::int64_t{100}](recorded_request const& r, std::size_t) mutable {
        auto const v = view_of(r);
        if (v.chat == std::to_string(citizen))
            return scripted_reply{};
        scripted_reply reply;
        if (v.method == "createForumTopic")
            reply.body = json{{"ok", true}, {"result", {{"message_thread_id", topics++}, {"name", "t"}}}}.dump();
        return fault::slow(200ms, reply);
    });
    start(10, [&](json& cfg) {
        cfg["outbox"]["max_in_flight_per_channel"] = 1;
        for (auto const& group : staff_groups)
            cfg["staff"]["chats"].push_back({{"channel", "telegram"}, {"chat", group}});
    });
    ASSERT_TRUE(api.wait_for_count(2)) << gateway->log();  // the backlog is going out

    post(tg::text(1, citizen, "/start"));
    auto const staff_before = api.count();  // everything so far went to the staff groups
    ASSERT_TRUE(api.wait_until([&](auto const& all) {
        return std::any_of(all.begin(), all.end(), [&](auto const& r) { return view_of(r).chat == std::to_string(citizen); });
    }, 30s)) << gateway->log();
    auto const all = api.requests();
    auto const staff_ahead = static_cast<std::size_t>(std::find_if(all.begin(), all.end(), [&](auto const& r) {
                                                          return view_of(r).chat == std::to_string(citizen);
                                                      }) - all.begin());
    EXPECT_LT(staff_ahead, backlog) << "the reply waited for the whole staff backlog";
    // Only the staff send under way when the reply became due may come first.
    EXPECT_LE(staff_ahead - staff_before, 1u) << staff_ahead << " staff sends came before the reply, "
                                               << staff_before << " of them before it was due";
}

}  // namespace
}  // namespace pg::testing
