// A citizen files and tracks a petition over Telegram: the real binary, a real
// RocksDB directory, and a fake Bot API on loopback that records every reply.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include "config/load.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace pg::testing {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;
headers const secret{{"X-Telegram-Bot-Api-Secret-Token", "test-secret"}};
constexpr std::int64_t chat = 777'000'111;

struct reply {
    std::string method;  // sendMessage, answerCallbackQuery
    nlohmann::json body;
};

std::vector<reply> replies(fake_platform const& api)
{
    std::vector<reply> out;
    for (auto const& r : api.requests()) {
        auto const slash = r.target.rfind('/');
        out.push_back({r.target.substr(slash + 1), nlohmann::json::parse(r.body)});
    }
    return out;
}

std::vector<std::string> texts(fake_platform const& api)
{
    std::vector<std::string> out;
    for (auto const& r : replies(api))
        if (r.method == "sendMessage")
            out.push_back(r.body["text"]);
    return out;
}

config::settings const& demo()
{
    static auto const settings =
        config::load(PG_SOURCE_DIR "/config/demo/demo.json", [](auto const&) { return std::nullopt; });
    return settings;
}

std::string const& en(std::string const& key) { return demo().dialog.locales.front().texts.at(key); }

std::string const& category_label(std::string const& id)
{
    for (auto const& c : demo().dialog.citizen.categories)
        if (c.id == id)
            return c.labels.at("en");
    throw std::runtime_error("no category " + id);
}

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

class citizen : public ::testing::Test {
protected:
    void SetUp() override { gateway->start(); }

    // Sends one update and waits (bounded) until the fake API holds `total` calls.
    void say(std::string const& update, std::size_t total)
    {
        auto r = http_post(gateway->port(), "/webhook/telegram", update, secret);
        ASSERT_EQ(r.status, 200) << r.body;
        ASSERT_TRUE(api.wait_for_count(total)) << "have " << api.count() << ", want " << total << "\n"
                                              << gateway->log();
    }

    fake_platform api;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway =
        std::make_unique<gateway_process>(test_config(api.base_url(), data.path()));
};

TEST_F(citizen, files_a_petition_and_tracks_it)
{
    std::int64_t id = 1000;
    say(tg::text(++id, chat, "/start"), 1);
    auto t = texts(api);
    EXPECT_TRUE(contains(t[0], en("welcome"))) << t[0];
    EXPECT_TRUE(contains(t[0], "Privacy")) << t[0];

    say(tg::text(++id, chat, "1"), 2);  // file a request
    EXPECT_TRUE(contains(texts(api)[1], "What is your request about?")) << texts(api)[1];

    say(tg::button(++id, chat, "c:roads"), 4);  // a button press: ack first, then the next prompt
    auto const r = replies(api);
    EXPECT_EQ(r[2].method, "answerCallbackQuery");
    EXPECT_EQ(r[2].body["callback_query_id"], "cb" + std::to_string(id));
    EXPECT_EQ(r[3].method, "sendMessage");
    EXPECT_TRUE(contains(r[3].body["text"], "Where exactly is it?"));
    EXPECT_EQ(r[3].body["reply_markup"]["keyboard"][0][0]["request_location"], true);
    EXPECT_EQ(r[3].body["chat_id"], chat);

    say(tg::text(++id, chat, "Main Street 12, by the bus stop"), 5);
    say(tg::text(++id, chat, "short"), 6);  // too short: re-prompt, state unchanged
    EXPECT_TRUE(contains(texts(api).back(), "only 5 characters")) << texts(api).back();
    say(tg::text(++id, chat, "A pothole about 30 cm wide has been growing for two weeks; please fill it."), 7);
    say(tg::text(++id, chat, "no photos"), 8);
    auto const summary = texts(api).back();
    EXPECT_TRUE(contains(summary, "Category: " + category_label("roads"))) << summary;
    EXPECT_TRUE(contains(summary, "Place: Main Street 12, by the bus stop")) << summary;

    say(tg::text(++id, chat, "send"), 9);
    std::smatch m;
    auto const filed = texts(api).back();
    ASSERT_TRUE(std::regex_search(filed, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed;
    std::string const tracking = m.str();
    EXPECT_TRUE(contains(filed, "Thank you, your request has been sent.")) << filed;

    // Tracking: the list, then the details with its timeline.
    auto const before = api.count();
    say(tg::text(++id, chat, "track"), before + 1);
    auto const list = texts(api).back();
    EXPECT_TRUE(contains(list, tracking)) << list;
    say(tg::text(++id, chat, tracking), before + 2);
    auto const details = texts(api).back();
    EXPECT_TRUE(contains(details, "Status: submitted")) << details;
    EXPECT_TRUE(contains(details, "A pothole about 30 cm wide")) << details;

    // Someone else's chat sees the status and timeline only.
    constexpr std::int64_t stranger = 888'000'222;
    say(tg::text(++id, stranger, "/start"), before + 3);
    say(tg::text(++id, stranger, tracking), before + 4);
    auto const public_view = texts(api).back();
    EXPECT_TRUE(contains(public_view, tracking)) << public_view;
    EXPECT_FALSE(contains(public_view, "pothole")) << public_view;
    EXPECT_FALSE(contains(public_view, "Main Street")) << public_view;
    EXPECT_FALSE(contains(public_view, std::to_string(chat))) << public_view;

    // Every reply went to the chat it answers, in order, with the bot token in the path.
    for (auto const& req : api.requests())
        EXPECT_TRUE(req.target.starts_with("/bot123456:TEST-TOKEN/")) << req.target;
}

TEST_F(citizen, a_repeated_update_is_answered_200_and_processed_once)
{
    say(tg::text(2001, chat, "/start"), 1);
    auto r = http_post(gateway->port(), "/webhook/telegram", tg::text(2001, chat, "/start"), secret);
    EXPECT_EQ(r.status, 200);
    say(tg::text(2002, chat, "help"), 2);  // a later update's reply arrives, the repeat's never did
    EXPECT_EQ(api.count(), 2u);
}

TEST_F(citizen, untidy_updates_get_sensible_outcomes)
{
    say(tg::text(3001, chat, "/start"), 1);
    say(tg::sticker(3002, chat), 2);
    EXPECT_TRUE(contains(texts(api)[1], en("unsupported"))) << texts(api)[1];

    // Group chatter and unknown update kinds: 200, no reply, nothing breaks.
    nlohmann::json group{{"update_id", 3003},
                         {"message", {{"message_id", 5}, {"from", {{"id", 1}, {"is_bot", false}, {"first_name", "A"}}},
                                      {"chat", {{"id", -1001234567890}, {"type", "supergroup"}, {"title", "x"}}},
                                      {"date", 1764000000}, {"text", "hello"}}}};
    EXPECT_EQ(http_post(gateway->port(), "/webhook/telegram", group.dump(), secret).status, 200);
    nlohmann::json unknown{{"update_id", 3004}, {"business_connection", {{"id", "b"}}}};
    EXPECT_EQ(http_post(gateway->port(), "/webhook/telegram", unknown.dump(), secret).status, 200);
    // An old button from an earlier message.
    say(tg::button(3005, chat, "c:roads"), 4);
    EXPECT_TRUE(contains(texts(api)[2], en("stale_button"))) << texts(api)[2];
}

TEST_F(citizen, a_draft_and_pending_replies_survive_kill_9)
{
    say(tg::text(4001, chat, "/start"), 1);
    say(tg::text(4002, chat, "1"), 2);
    say(tg::text(4003, chat, "1"), 3);  // now at the location step

    // The platform fails from here on: replies stay in the outbox.
    api.set_script([](recorded_request const&, std::size_t) { return scripted_reply{502, "bad gateway", {}}; });
    auto r = http_post(gateway->port(), "/webhook/telegram", tg::text(4004, chat, "Main Street 12"), secret);
    ASSERT_EQ(r.status, 200);
    ASSERT_TRUE(api.wait_for_count(4)) << gateway->log();  // it tried, and failed
    gateway->kill_hard();

    api.set_script(nullptr);  // healthy again
    auto const failed_attempts = api.count();
    gateway->start();
    // The pending reply (the description prompt) is delivered after the restart.
    ASSERT_TRUE(api.wait_until([&](auto const& reqs) {
        for (auto i = failed_attempts; i < reqs.size(); ++i)
            if (contains(reqs[i].body, "Describe it in"))
                return true;
        return false;
    })) << gateway->log();

    // The redelivered update is not processed again: no second description prompt.
    auto const settled = api.count();
    EXPECT_EQ(http_post(gateway->port(), "/webhook/telegram", tg::text(4004, chat, "Main Street 12"), secret).status,
              200);
    // The draft resumed at the description step.
    say(tg::text(4005, chat, "A pothole about 30 cm wide has been growing for two weeks."), settled + 1);
    auto const last = texts(api).back();
    EXPECT_TRUE(contains(last, "photos")) << last;
    EXPECT_EQ(api.count(), settled + 1);
}

}  // namespace
}  // namespace pg::testing
