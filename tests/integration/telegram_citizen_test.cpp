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
headers const& secret = tg::secret_header;
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

    // Sends one update, waits (bounded) for the `n` API calls it causes, and
    // returns the texts of the messages among them. Every call is counted, so a
    // missing or extra reply fails the test.
    std::vector<std::string> say(std::string const& update, std::size_t n = 1)
    {
        auto r = http_post(gateway->port(), "/webhook/telegram", update, secret);
        EXPECT_EQ(r.status, 200) << r.body;
        expected_ += n;
        EXPECT_TRUE(api.wait_for_count(expected_)) << "have " << api.count() << ", want " << expected_ << "\n"
                                                   << gateway->log();
        std::vector<std::string> out;
        auto const all = replies(api);
        for (auto i = expected_ - n; i < all.size() && i < expected_; ++i)
            if (all[i].method == "sendMessage")
                out.push_back(all[i].body["text"]);
        return out;
    }
    std::string say_one(std::string const& update)
    {
        auto t = say(update, 1);
        return t.empty() ? std::string() : t.front();
    }

    fake_platform api;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway =
        std::make_unique<gateway_process>(test_config(api.base_url(), data.path()));
    std::size_t expected_ = 0;
};

TEST_F(citizen, files_a_petition_and_tracks_it)
{
    std::int64_t id = 1000;
    auto const welcome = say_one(tg::text(++id, chat, "/start"));
    EXPECT_TRUE(contains(welcome, en("welcome"))) << welcome;
    EXPECT_TRUE(contains(welcome, "Privacy")) << welcome;

    auto const categories = say_one(tg::text(++id, chat, "1"));  // file a request
    EXPECT_TRUE(contains(categories, "What is your request about?")) << categories;

    say(tg::button(++id, chat, "c:roads"), 2);  // a button press: ack first, then the next prompt
    auto const r = replies(api);
    EXPECT_EQ(r[2].method, "answerCallbackQuery");
    EXPECT_EQ(r[2].body["callback_query_id"], "cb" + std::to_string(id));
    EXPECT_EQ(r[3].method, "sendMessage");
    EXPECT_TRUE(contains(r[3].body["text"], "Where exactly is it?"));
    EXPECT_EQ(r[3].body["reply_markup"]["keyboard"][0][0]["request_location"], true);
    EXPECT_EQ(r[3].body["chat_id"], chat);

    say_one(tg::text(++id, chat, "Main Street 12, by the bus stop"));
    auto const too_short = say_one(tg::text(++id, chat, "short"));  // re-prompt, state unchanged
    EXPECT_TRUE(contains(too_short, "only 5 characters")) << too_short;
    auto const since = say_one(
        tg::text(++id, chat, "A pothole about 30 cm wide has been growing for two weeks; please fill it."));
    EXPECT_TRUE(contains(since, "60 of 1000 characters")) << since;  // visible characters: no spaces
    EXPECT_TRUE(contains(since, "Since when")) << since;
    auto const outcome = say_one(tg::text(++id, chat, "two weeks ago"));
    EXPECT_TRUE(contains(outcome, "What would you like the city to do?")) << outcome;
    say_one(tg::text(++id, chat, "skip"));
    auto const summary = say_one(tg::text(++id, chat, "no photos"));
    EXPECT_TRUE(contains(summary, "Category: " + category_label("roads"))) << summary;
    EXPECT_TRUE(contains(summary, "Place: Main Street 12, by the bus stop")) << summary;
    EXPECT_TRUE(contains(summary, "Since: two weeks ago")) << summary;
    EXPECT_FALSE(contains(summary, "Outcome wanted:")) << "skipped: " << summary;

    auto const filed = say(tg::text(++id, chat, "send"), 2);  // the confirmation, then the menu
    ASSERT_EQ(filed.size(), 2u);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(filed[0], m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed[0];
    std::string const tracking = m.str();
    EXPECT_TRUE(contains(filed[0], "Thank you, your request has been sent.")) << filed[0];

    // Tracking: the list, then the details with its timeline.
    auto const list = say_one(tg::text(++id, chat, "track"));
    EXPECT_TRUE(contains(list, tracking)) << list;
    auto const details = say_one(tg::text(++id, chat, tracking));
    EXPECT_TRUE(contains(details, "Status: submitted")) << details;
    EXPECT_TRUE(contains(details, "A pothole about 30 cm wide")) << details;

    // Someone else's chat sees the status and timeline only.
    constexpr std::int64_t stranger = 888'000'222;
    say_one(tg::text(++id, stranger, "/start"));
    auto const public_view = say_one(tg::text(++id, stranger, tracking));
    EXPECT_TRUE(contains(public_view, tracking)) << public_view;
    EXPECT_FALSE(contains(public_view, "pothole")) << public_view;
    EXPECT_FALSE(contains(public_view, "Main Street")) << public_view;
    EXPECT_FALSE(contains(public_view, std::to_string(chat))) << public_view;

    // Every call carries the bot token in its path. Replies of one chat leave
    // in order, so an extra reply to an earlier update would already be here.
    for (auto const& req : api.requests())
        EXPECT_TRUE(req.target.starts_with("/bot123456:TEST-TOKEN/")) << req.target;
    EXPECT_EQ(api.count(), expected_);
}

TEST_F(citizen, a_repeated_update_is_answered_200_and_processed_once)
{
    say_one(tg::text(2001, chat, "/start"));
    auto r = http_post(gateway->port(), "/webhook/telegram", tg::text(2001, chat, "/start"), secret);
    EXPECT_EQ(r.status, 200);
    // A later update of the same chat is answered after the repeat (one lane, in
    // order), so once its reply is in, a reply to the repeat would be too.
    say_one(tg::text(2002, chat, "help"));
    EXPECT_EQ(api.count(), 2u);
}

TEST_F(citizen, untidy_updates_get_sensible_outcomes)
{
    say_one(tg::text(3001, chat, "/start"));
    auto const hint = say_one(tg::sticker(3002, chat));
    EXPECT_TRUE(contains(hint, en("unsupported"))) << hint;

    // Group chatter and unknown update kinds: 200, no reply, nothing breaks.
    nlohmann::json group{{"update_id", 3003},
                         {"message", {{"message_id", 5}, {"from", {{"id", 1}, {"is_bot", false}, {"first_name", "A"}}},
                                      {"chat", {{"id", -1001234567890}, {"type", "supergroup"}, {"title", "x"}}},
                                      {"date", 1764000000}, {"text", "hello"}}}};
    say(group.dump(), 0);
    nlohmann::json unknown{{"update_id", 3004}, {"business_connection", {{"id", "b"}}}};
    say(unknown.dump(), 0);
    // An old button from an earlier message: acknowledged, then explained.
    auto const stale = say(tg::button(3005, chat, "c:roads"), 2);
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_TRUE(contains(stale[0], en("stale_button"))) << stale[0];
    EXPECT_EQ(api.count(), expected_);
}

TEST_F(citizen, a_draft_and_pending_replies_survive_kill_9)
{
    say_one(tg::text(4001, chat, "/start"));
    say_one(tg::text(4002, chat, "1"));
    say_one(tg::text(4003, chat, "1"));  // now at the location step

    // The platform fails from here on: the reply stays in the outbox.
    api.set_script([](recorded_request const&, std::size_t) { return scripted_reply{502, "bad gateway", {}}; });
    ASSERT_EQ(http_post(gateway->port(), "/webhook/telegram", tg::text(4004, chat, "Main Street 12"), secret).status,
              200);
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
    expected_ = api.count();

    // The redelivered update is not processed again (no second description
    // prompt), and the draft resumes at the description step.
    say(tg::text(4004, chat, "Main Street 12"), 0);
    auto const next = say_one(tg::text(4005, chat, "A pothole about 30 cm wide has been growing for two weeks."));
    EXPECT_TRUE(contains(next, "Since when")) << next;
    EXPECT_EQ(api.count(), expected_);
}

}  // namespace
}  // namespace pg::testing
