// A citizen on LINE, officials in the Telegram staff group, end to end: the real
// binary, webhooks signed as LINE signs them (by test support's own HMAC, and once
// by @line/bot-sdk's), and a fake Messaging API on 127.0.0.1 that honours reply
// tokens once and retry keys as LINE does.
#include "tests/support/eventually.hpp"
#include "tests/support/fake_line.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include "config/load.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace line;

constexpr std::int64_t t0_ms = 1'764'493'200'000;
constexpr std::int64_t staff_group = -1001000000001;
constexpr std::int64_t official = 4242;
constexpr std::int64_t topic_id = 77;
std::string const user = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
char const* const push = "/v2/bot/message/push";
char const* const reply = "/v2/bot/message/reply";

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

config::settings const& demo()
{
    static auto const s =
        config::load(PG_SOURCE_DIR "/config/demo/demo.json", [](auto const&) { return std::nullopt; });
    return s;
}

class line_citizen : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The Telegram staff group: createForumTopic answers with a topic, the rest with a Message.
        telegram.set_script([](recorded_request const& r, std::size_t) {
            if (r.target.ends_with("/createForumTopic"))
                return scripted_reply{200, json{{"ok", true}, {"result", {{"message_thread_id", topic_id}, {"name", "t"}, {"icon_color", 7322096}}}}.dump(), {}};
            return scripted_reply{};
        });
        std::ofstream(clock_file) << t0_ms;
        auto cfg = test_config(telegram.base_url(), data.path());
        cfg["channels"].push_back({{"id", "line"},
                                   {"type", "line"},
                                   {"api_base", api.base_url()},
                                   {"channel_secret", chan.secret},
                                   {"access_token", api.settings().access_token}});
        json departments = json::array();
        std::set<std::string> seen;
        for (auto const& c : demo().dialog.citizen.categories)
            if (seen.insert(c.department).second)
                departments.push_back({{"id", c.department}});
        cfg["departments"] = departments;
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}}}},
                        {"plain_reply", "answer"},
                        {"language", "en"}};
        cfg["testing"] = {{"clock_file", clock_file.string()}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    // The common fields of the citizen's next event; with a reply token the fake issued.
    event_base next(bool with_token = true)
    {
        return {user, new_event_id(), t0_ms + 1000 * ++events_, with_token ? api.issue_reply_token() : "", false};
    }

    void post(std::vector<json> const& events)
    {
        auto const r = deliver(gateway->port(), signed_webhook(chan, events));
        ASSERT_EQ(r.status, 200) << r.body << gateway->log();
        EXPECT_TRUE(r.body.empty()) << r.body;
    }

    // The text LINE took as the answer to the event that carried `token`, once it arrives.
    std::string replied_with(std::string const& token)
    {
        std::string text;
        EXPECT_TRUE(api.wait_until([&](auto const& a) {
            for (auto const& m : a.replies())
                if (m.reply_token == token) {
                    text = m.text;
                    return true;
                }
            return false;
        })) << "no reply with token " << token << "\n" << gateway->log();
        return text;
    }

    // One event with a fresh reply token; its first answer, which must come by reply.
    std::string answer_to(json const& event)
    {
        post({event});
        return replied_with(event["replyToken"]);
    }
    std::string citizen_says(std::string const& text) { return answer_to(text_event(next(), text)); }

    // Waits (bounded) for a push to the citizen whose text contains `needle`; its index in pushes().
    std::size_t pushed(std::string const& needle)
    {
        std::size_t at = SIZE_MAX;
        EXPECT_TRUE(api.wait_until([&](auto const& a) {
            auto const ps = a.pushes();
            for (std::size_t i = 0; i < ps.size(); ++i)
                if (ps[i].to == user && contains(ps[i].text, needle)) {
                    at = i;
                    return true;
                }
            return false;
        })) << "no push containing \"" << needle << "\"\n" << gateway->log();
        return at;
    }

    void staff_says(std::string const& text)
    {
        auto const r = http_post(gateway->port(), "/webhook/telegram",
                                 tg::topic_message(++tg_update_, staff_group, topic_id, official, text), tg::secret_header);
        ASSERT_EQ(r.status, 200) << r.body;
    }

    std::vector<api_call> calls_to(std::string const& path) const
    {
        std::vector<api_call> out;
        for (auto const& c : api.calls())
            if (c.path == path)
                out.push_back(c);
        return out;
    }

    double metric(std::string const& series) const
    {
        return metric_value(http_get(gateway->port(), "/metrics").body, series);
    }

    // Files through the dialog: follow, a quick-reply press, then typed answers. Returns
    // the tracking number.
    std::string file_petition()
    {
        auto const menu = answer_to(follow_event(next()));
        EXPECT_TRUE(contains(menu, "1. ")) << menu;
        answer_to(postback_event(next(), "m:file"));
        for (auto const* text : {"1", "Main Street 12, by the bus stop",
                                 "A pothole about 30 cm wide has been growing for two weeks.", "skip", "skip",
                                 "no photos"})
            citizen_says(text);
        auto const filed = citizen_says("send");
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed;
        return m.empty() ? std::string() : m.str();
    }

    fake_line_api api;
    fake_platform telegram;
    channel const chan{};
    temp_dir data;
    temp_dir clock_dir;
    std::filesystem::path clock_file = clock_dir.path() / "now";
    std::unique_ptr<gateway_process> gateway;
    std::int64_t events_ = 0;
    std::int64_t tg_update_ = 900'000;
};

TEST_F(line_citizen, files_by_reply_tokens_and_hears_each_status_by_push)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    // Every event's first answer went by its own reply token, each used once.
    auto const replies = api.replies();
    EXPECT_EQ(replies.size(), 9u);
    std::set<std::string> tokens;
    for (auto const& r : replies)
        EXPECT_TRUE(tokens.insert(r.reply_token).second) << r.reply_token;
    for (auto const& c : calls_to(reply))
        EXPECT_EQ(c.status, 200) << c.answer;
    // The quick replies the menu offered are postbacks LINE would take.
    auto const menu = replies.front().messages[0];
    ASSERT_TRUE(menu.contains("quickReply")) << menu.dump();
    EXPECT_EQ(menu["quickReply"]["items"][0]["action"]["type"], "postback");

    // The officials see the card in the Telegram staff group and act on it.
    ASSERT_TRUE(telegram.wait_until([](auto const& rs) {
        for (auto const& r : rs)
            if (r.target.ends_with("/sendMessage") && contains(r.body, std::to_string(staff_group)))
                return true;
        return false;
    })) << gateway->log();
    auto const before = api.pushes().size();
    staff_says("accept");
    auto const accepted_at = pushed(tracking);  // first: it waits for the push
    auto const accepted = api.pushes().at(accepted_at);
    EXPECT_FALSE(accepted.retry_key.empty());
    staff_says("The pothole was filled on Tuesday.");  // plain_reply: an answer
    auto const answered_at = pushed("The pothole was filled on Tuesday.");
    auto const answered = api.pushes().at(answered_at);
    EXPECT_NE(answered.retry_key, accepted.retry_key) << "each message its own key";
    EXPECT_EQ(api.replies().size(), 9u) << "no event to answer: status news goes by push";
    EXPECT_GE(api.pushes().size(), before + 2);
    for (auto const& p : api.pushes())
        EXPECT_EQ(p.to, user);
}

TEST_F(line_citizen, an_invalid_reply_token_sends_the_answer_by_push_exactly_once)
{
    auto const b = next();
    api.expire_reply_tokens();  // it took too long to get here: LINE says "Invalid reply token"
    post({follow_event(b)});
    auto const at = pushed("1. ");
    EXPECT_EQ(at, 0u);
    // The answer after it, a barrier: anything sent for the first event has been sent by now.
    citizen_says("help");
    auto const refused = calls_to(reply);
    ASSERT_GE(refused.size(), 1u);
    EXPECT_EQ(refused.front().status, 400);
    EXPECT_TRUE(contains(refused.front().answer, "Invalid reply token")) << refused.front().answer;
    EXPECT_EQ(refused.front().reply_token, b.reply_token);
    std::size_t menus = 0;
    for (auto const& p : api.pushes())
        menus += contains(p.text, "1. ");
    EXPECT_EQ(menus, 1u) << "pushed once, not again on a later retry";
    std::size_t refusals = 0;
    for (auto const& c : refused)
        refusals += c.status == 400;
    EXPECT_EQ(refusals, 1u) << "the token is tried once";
}

TEST_F(line_citizen, a_redelivered_event_is_processed_once_and_answered_by_push)
{
    // The first delivery failed on LINE's side; the redelivery carries a token, likely stale.
    auto b = next();
    b.redelivery = true;
    auto const e = follow_event(b);
    post({e});
    pushed("1. ");
    post({e});  // and once more
    citizen_says("help");  // a barrier
    std::size_t menus = 0;
    for (auto const& p : api.pushes())
        menus += contains(p.text, "1. ");
    EXPECT_EQ(menus, 1u) << "processed once";
    for (auto const& c : calls_to(reply))
        EXPECT_NE(c.reply_token, b.reply_token) << "a redelivered event's token is not used";
    EXPECT_EQ(metric(R"(pg_commits_total{result="duplicate"})"), 1) << gateway->log();
}

TEST_F(line_citizen, a_bad_signature_is_401_and_stores_nothing)
{
    auto const b = next();
    auto const good = signed_webhook(chan, {follow_event(b)});
    auto forged = good;
    forged.signature = sign("0123456789abcdef0123456789abcdef", good.body);
    EXPECT_EQ(deliver(gateway->port(), forged).status, 401);
    auto tampered = good;
    tampered.body.replace(tampered.body.find("follow"), 6, "FOLLOW");
    EXPECT_EQ(deliver(gateway->port(), tampered).status, 401);
    EXPECT_EQ(http_request(gateway->port(), "POST", good.target, good.body, {{"Content-Type", "application/json"}}).status,
              401);
    EXPECT_EQ(metric(R"(pg_webhook_rejected_total{channel="line",reason="bad_signature"})"), 3);
    EXPECT_TRUE(api.calls().empty());

    // The console's Verify: no events, 200, nothing sent.
    auto const verify = deliver(gateway->port(), signed_webhook(chan, {}));
    EXPECT_EQ(verify.status, 200);

    // Nothing of the refused requests was kept: the genuine event is new, and answered.
    ASSERT_EQ(deliver(gateway->port(), good).status, 200);
    EXPECT_TRUE(contains(replied_with(b.reply_token), "1. "));
    EXPECT_EQ(api.sent().size(), 1u);
}

TEST_F(line_citizen, a_push_answered_500_is_retried_with_the_same_retry_key)
{
    api.fail_next(push, 500);
    auto b = next(false);  // no reply token: the answer is pushed
    post({follow_event(b)});
    pushed("1. ");
    auto const tries = calls_to(push);
    ASSERT_EQ(tries.size(), 2u);
    EXPECT_EQ(tries[0].status, 500);
    EXPECT_EQ(tries[1].status, 200);
    EXPECT_FALSE(tries[0].retry_key.empty());
    EXPECT_EQ(tries[0].retry_key, tries[1].retry_key);

    // Accepted, but the answer is lost on the way: the retry's 409 says it went out,
    // and the citizen has it once.
    api.drop_answer_next(push);
    post({text_event(next(false), "help")});
    ASSERT_TRUE(api.wait_until([](auto const& a) {
        for (auto const& c : a.calls())
            if (c.status == 409)
                return true;
        return false;
    })) << gateway->log();
    auto const all = calls_to(push);
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[2].status, 0);  // dropped
    EXPECT_EQ(all[3].status, 409);
    EXPECT_EQ(all[2].retry_key, all[3].retry_key);
    EXPECT_NE(all[2].retry_key, all[0].retry_key);
    EXPECT_EQ(api.pushes().size(), 2u);
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_outbox_sends_total{channel="line",verdict="ok"})") == 2;
    })) << gateway->log();
}

// What @line/bot-sdk accepts, the gateway accepts.
TEST_F(line_citizen, a_body_signed_as_the_line_sdk_checks_it_is_accepted)
{
    if (std::system("node --version > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "node is not installed (scripts/install-deps installs it)";
    auto const b = next();
    auto const body = json{{"destination", chan.bot_user_id}, {"events", {text_event(b, "路灯坏了 / lamp out")}}}.dump(2);
    auto const file = data.path() / "line_body.json";
    std::ofstream(file, std::ios::binary) << body;
    auto const command = "node " PG_SOURCE_DIR "/tests/sdk/line_sign.js '" + chan.secret + "' '" + file.string() + "'";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    ASSERT_TRUE(pipe);
    std::string signature;
    std::array<char, 256> chunk{};
    while (std::fgets(chunk.data(), chunk.size(), pipe.get()))
        signature += chunk.data();
    int const status = ::pclose(pipe.release());
    ASSERT_EQ(status, 0) << "line_sign.js failed (tests/sdk: npm ci)";
    while (!signature.empty() && (signature.back() == '\n' || signature.back() == '\r'))
        signature.pop_back();
    ASSERT_EQ(signature, sign(chan.secret, body)) << "the SDK's signature and ours agree";

    auto const r = http_request(gateway->port(), "POST", chan.path, body,
                                {{"Content-Type", "application/json"}, {"X-Line-Signature", signature}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(replied_with(b.reply_token).empty());
}

}  // namespace
}  // namespace pg::testing
