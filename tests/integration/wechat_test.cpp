// A citizen on a WeChat Official Account and officials on WeCom, end to end:
// the real binary, pushes signed and encrypted as the platforms send them (by
// test support's own implementation of WXBizMsgCrypt), and fake WeChat and
// WeCom APIs on 127.0.0.1 that answer as the real ones do.
#include "tests/support/eventually.hpp"
#include "tests/support/fake_wechat.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace wx;

constexpr std::int64_t hour_ms = 3'600'000;
constexpr std::int64_t t0_ms = 1'780'000'000'000;  // 2026-05-28
std::string const openid = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
std::string const official = "zhangsan";

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

class wechat : public ::testing::Test {
protected:
    void SetUp() override
    {
        set_clock(t0_ms);
        auto cfg = test_config(api.base_url(), data.path());
        cfg["channels"] = json::array({
            {{"id", "wechat"},
             {"type", "wechat"},
             {"api_base", api.base_url()},
             {"app_id", api.credentials().app_id},
             {"app_secret", api.credentials().app_secret},
             {"token", account.token},
             {"encoding_aes_key", account.encoding_aes_key},
             {"templates",
              {{"answered",
                {{"template_id", "tmpl-answered"},
                 {"data", {{"keyword1", "{tracking}"}, {"keyword2", "{status}"}, {"remark", "{text}"}}}}}}},
             {"menu", {{"button", {{{"name", "File"}, {"type", "click"}, {"key", "m:file"}}}}}}},
            {{"id", "wecom"},
             {"type", "wecom"},
             {"api_base", api.base_url()},
             {"corp_id", app.corp_id},
             {"corp_secret", api.credentials().corp_secret},
             {"agent_id", api.credentials().agent_id},
             {"token", app.token},
             {"encoding_aes_key", app.encoding_aes_key}},
        });
        // The same citizen may also write from Telegram (linked with a code).
        cfg["channels"].push_back({{"id", "telegram"},
                                   {"type", "telegram"},
                                   {"api_base", telegram_api.base_url()},
                                   {"bot_token", "123456:TEST-TOKEN"},
                                   {"webhook_secret", tg::webhook_secret}});
        cfg["staff"] = {{"chats", {{{"channel", "wecom"}, {"chat", "party:2"}}}}};
        cfg["testing"] = {{"clock_file", clock_file.string()}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    void set_clock(std::int64_t ms)
    {
        now_ms = ms;
        std::ofstream(clock_file) << ms;
    }

    // One citizen push, answered 200 "success" (the 5-second rule: the reply goes
    // through the customer-service API, not in this answer).
    void citizen_says(std::string const& text)
    {
        api.user_wrote(openid);
        auto const r = deliver(gateway->port(), wechat_text_push(account, openid, text, std::to_string(++msg_id),
                                                                 now_ms / 1000));
        ASSERT_EQ(r.status, 200) << r.body << gateway->log();
        EXPECT_EQ(r.body, "success");
    }

    // The texts the citizen got by the customer-service API, oldest first.
    std::vector<std::string> citizen_texts() const
    {
        std::vector<std::string> out;
        for (auto const& m : api.custom_sends())
            if (m.touser == openid)
                out.push_back(m.content);
        return out;
    }

    // Waits (bounded) until the citizen has `n` texts; returns the last.
    std::string text_number(std::size_t n)
    {
        EXPECT_TRUE(api.wait_until([&](auto const& a) {
            std::size_t count = 0;
            for (auto const& m : a.custom_sends())
                count += m.touser == openid;
            return count >= n;
        })) << "have " << citizen_texts().size() << ", want " << n << "\n" << gateway->log();
        auto const texts = citizen_texts();
        return texts.size() >= n ? texts[n - 1] : std::string();
    }

    void official_says(std::string const& text)
    {
        auto const r = deliver(gateway->port(), wecom_text_push(app, official, text, std::to_string(++msg_id),
                                                                now_ms / 1000));
        ASSERT_EQ(r.status, 200) << r.body << gateway->log();
    }

    std::vector<sent_message> to_staff() const
    {
        std::vector<sent_message> out;
        for (auto const& m : api.wecom_sends())
            if (m.toparty == "2")
                out.push_back(m);
        return out;
    }

    double metric(std::string const& series) const
    {
        return metric_value(http_get(gateway->port(), "/metrics").body, series);
    }

    // Files a petition through the dialog, numbers typed for every choice; its tracking number.
    std::string file_petition()
    {
        api.user_wrote(openid);
        auto const r = deliver(gateway->port(), wechat_event_push(account, openid, "subscribe", "", now_ms / 1000));
        EXPECT_EQ(r.status, 200) << r.body;
        auto const menu = text_number(1);
        EXPECT_TRUE(contains(menu, "1. ")) << menu;  // a numbered menu: WeChat text has no buttons
        std::size_t n = 1;
        for (auto const* text : {"1", "1", "Main Street 12, by the bus stop",
                                 "A pothole about 30 cm wide has been growing for two weeks.", "skip", "skip",
                                 "no photos", "send"}) {
            citizen_says(text);
            text_number(++n);
        }
        std::smatch m;
        auto const filed = text_number(n);  // the receipt, a message of its own
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[A-Z0-9]{4}-[A-Z0-9]{4}"))) << filed;
        // The menu follows it: waited for here, so that a test counting the
        // citizen's texts from now on does not take it for what comes next.
        auto const menu_again = text_number(n + 1);
        EXPECT_TRUE(contains(menu_again, "1. ")) << menu_again;
        return m.empty() ? std::string() : m.str();
    }

    // Waits (bounded) for a WeChat text after the first `from` that matches `pattern`; the match.
    std::string wait_for_match(std::size_t from, std::string const& pattern)
    {
        std::regex const re(pattern);
        std::string found;
        EXPECT_TRUE(eventually([&] {
            auto const texts = citizen_texts();
            for (auto i = from; i < texts.size(); ++i) {
                std::smatch m;
                if (std::regex_search(texts[i], m, re)) {
                    found = m.str();
                    return true;
                }
            }
            return false;
        })) << gateway->log();
        return found;
    }

    // The texts the citizen's Telegram chat got, oldest first.
    std::vector<std::string> telegram_texts() const
    {
        std::vector<std::string> out;
        for (auto const& r : telegram_api.requests())
            if (r.target.ends_with("/sendMessage"))
                out.push_back(json::parse(r.body).value("text", ""));
        return out;
    }

    // Says `text` from Telegram and waits (bounded) for the reply; returns it.
    std::string telegram_says(std::string const& text)
    {
        auto const before = telegram_texts().size();
        auto const r = http_post(gateway->port(), "/webhook/telegram", tg::text(++update_id, telegram_chat, text),
                                 tg::secret_header);
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_TRUE(eventually([&] { return telegram_texts().size() > before; })) << gateway->log();
        auto const texts = telegram_texts();
        return texts.size() > before ? texts.back() : std::string();
    }

    fake_wechat_api api;
    fake_platform telegram_api;
    std::int64_t const telegram_chat = 424242;
    std::int64_t update_id = 9000;
    wechat_account const account{};
    wecom_app const app{};
    temp_dir data;
    temp_dir clock_dir;
    std::filesystem::path clock_file = clock_dir.path() / "now";
    std::int64_t now_ms = t0_ms;
    std::int64_t msg_id = 6'000'000'000'000'000'000;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(wechat, url_checks_answer_as_each_platform_expects)
{
    auto const wx = deliver(gateway->port(), wechat_url_check(account, "echo-4711", now_ms / 1000));
    EXPECT_EQ(wx.status, 200);
    EXPECT_EQ(wx.body, "echo-4711");
    auto const wc = deliver(gateway->port(), wecom_url_check(app, "plain-4712", now_ms / 1000));
    EXPECT_EQ(wc.status, 200);
    EXPECT_EQ(wc.body, "plain-4712");

    auto forged = wechat_url_check(account, "echo-4711", now_ms / 1000);
    forged.target += "0";  // the nonce is signed
    EXPECT_EQ(deliver(gateway->port(), forged).status, 401);
}

TEST_F(wechat, a_citizen_files_an_official_answers_and_each_status_reaches_the_citizen_inside_and_outside_the_window)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    EXPECT_EQ(api.token_fetches(), 1u);  // one token served every send

    // The officials get the card in their WeCom department, naming the petition.
    ASSERT_TRUE(api.wait_until([&](auto const&) { return !to_staff().empty(); })) << gateway->log();
    EXPECT_TRUE(contains(to_staff().front().content, tracking)) << to_staff().front().content;

    // Inside the 48 hours: a customer-service message.
    auto const before = citizen_texts().size();
    official_says(tracking + " 受理");
    auto const accepted = text_number(before + 1);
    EXPECT_TRUE(contains(accepted, tracking)) << accepted;

    // 49 hours later the window has closed: a template message for a status that has one...
    set_clock(t0_ms + 49 * hour_ms);
    api.set_outside_window(openid);
    official_says(tracking + " answer The pothole was filled on Tuesday.");
    ASSERT_TRUE(api.wait_for_template_sends(1)) << gateway->log();
    auto const t = api.template_sends().front();
    EXPECT_EQ(t.touser, openid);
    EXPECT_EQ(t.template_id, "tmpl-answered");
    EXPECT_EQ(t.data["keyword1"]["value"], tracking);
    EXPECT_EQ(t.data["keyword2"]["value"], "answered");

    // ...and nothing the platform would refuse for one that has none: the
    // citizen has no other chat, so the push is not sent (the timeline says
    // so), not a 45015 and no retry loop.
    official_says(tracking + " close");
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_notices_planned_total{channel="none",form="none"})") >= 1;
    })) << gateway->log();
    for (auto const& c : api.calls())
        EXPECT_NE(c.errcode, 45015) << c.path;
    EXPECT_EQ(citizen_texts().size(), before + 1);

    // The citizen writes again: the window opens, and tracking answers in a message.
    auto const seen = citizen_texts().size();
    citizen_says(tracking);
    auto const status = text_number(seen + 1);
    EXPECT_TRUE(contains(status, tracking)) << status;
}

TEST_F(wechat, a_refused_token_is_fetched_again_once_and_the_message_still_goes)
{
    citizen_says("hello");
    text_number(1);
    ASSERT_EQ(api.token_fetches(), 1u);
    api.revoke_tokens();  // the next send with the cached token gets 40001
    citizen_says("hello again");
    text_number(2);
    EXPECT_EQ(api.token_fetches(), 2u);
    std::size_t refused = 0;
    for (auto const& c : api.calls())
        refused += c.errcode == 40001;
    EXPECT_EQ(refused, 1u);
}

TEST_F(wechat, outside_the_window_as_the_platform_says_is_a_permanent_verdict_not_a_retry_loop)
{
    citizen_says("hello");
    text_number(1);
    api.set_outside_window(openid);  // the platform knows better: say the citizen unfollowed
    auto const r = deliver(gateway->port(), wechat_text_push(account, openid, "once more", "77", now_ms / 1000));
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(eventually([&] {
        return metric(R"(pg_outbox_sends_total{channel="wechat",verdict="permanent"})") >= 1;
    })) << gateway->log();
    std::size_t refused = 0;
    for (auto const& c : api.calls())
        refused += c.errcode == 45015;
    EXPECT_EQ(refused, 1u);
}

TEST_F(wechat, a_redelivered_push_is_processed_once)
{
    auto const push = wechat_text_push(account, openid, "hello", "4242", now_ms / 1000);
    api.user_wrote(openid);
    ASSERT_EQ(deliver(gateway->port(), push).status, 200);
    text_number(1);
    ASSERT_EQ(deliver(gateway->port(), push).status, 200);  // WeChat's retry after 5 s
    citizen_says("again");
    text_number(2);
    EXPECT_EQ(citizen_texts().size(), 2u);  // one reply each, none for the redelivery
}

TEST_F(wechat, an_official_without_a_tracking_number_is_told_how_to_write_one)
{
    official_says("accept");
    ASSERT_TRUE(api.wait_until([&](auto const& a) {
        for (auto const& m : a.wecom_sends())
            if (m.touser == official)
                return true;
        return false;
    })) << gateway->log();
    for (auto const& m : api.wecom_sends()) {
        if (m.touser == official) {
            EXPECT_TRUE(contains(m.content, "tracking number")) << m.content;
        }
    }
}

TEST_F(wechat, a_draft_and_pending_replies_survive_kill_9)
{
    citizen_says("/start");
    text_number(1);
    citizen_says("1");
    text_number(2);
    citizen_says("1");  // now at the location step
    text_number(3);

    // The platform is busy from here on: the reply stays in the outbox.
    for (int i = 0; i < 3; ++i)
        api.fail_next("/cgi-bin/message/custom/send", -1);
    citizen_says("Main Street 12");
    ASSERT_TRUE(api.wait_until([&](auto const& a) {
        std::size_t busy = 0;
        for (auto const& c : a.calls())
            busy += c.errcode == -1;
        return busy >= 1;
    })) << gateway->log();
    gateway->kill_hard();
    gateway->start();

    // The pending reply (the description prompt) arrives after the restart, once.
    auto const prompt = text_number(4);
    EXPECT_TRUE(contains(prompt, "Describe")) << prompt;
    // WeChat's redelivery of the push is not processed again.
    auto const again = wechat_text_push(account, openid, "Main Street 12", std::to_string(msg_id), now_ms / 1000);
    ASSERT_EQ(deliver(gateway->port(), again).status, 200);
    citizen_says("A pothole about 30 cm wide has been growing for two weeks.");
    auto const next = text_number(5);
    EXPECT_TRUE(contains(next, "Since when")) << next;  // the demo flow asks since when next
    EXPECT_EQ(citizen_texts().size(), 5u);
}

TEST_F(wechat, a_citizen_links_telegram_and_each_push_goes_where_it_can_be_read)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());

    // "link" on WeChat gives a one-time code; sent back from Telegram it joins the chats.
    auto const before = citizen_texts().size();
    citizen_says("link");
    auto const code = wait_for_match(before, "\\b[0-9]{6}\\b");
    ASSERT_FALSE(code.empty());
    EXPECT_TRUE(contains(telegram_says("link " + code), "Linked")) << gateway->log();
    // The code worked once.
    EXPECT_TRUE(contains(telegram_says("link " + code), "not valid")) << gateway->log();
    // "My requests" on Telegram lists the petition filed on WeChat.
    EXPECT_TRUE(contains(telegram_says("my requests"), tracking));

    // Two days on, WeChat's window has closed and "accepted" has no template:
    // the push goes to Telegram instead of nowhere.
    set_clock(t0_ms + 49 * hour_ms);
    api.set_outside_window(openid);
    auto const on_telegram = telegram_texts().size();
    official_says(tracking + " accept");
    ASSERT_TRUE(eventually([&] { return telegram_texts().size() > on_telegram; })) << gateway->log();
    EXPECT_TRUE(contains(telegram_texts().back(), tracking)) << telegram_texts().back();
    EXPECT_TRUE(api.template_sends().empty());

    // "answered" has a WeChat template, but the citizen chose Telegram: it goes there.
    EXPECT_TRUE(contains(telegram_says("notify here"), "come here"));
    auto const chosen = telegram_texts().size();
    official_says(tracking + " answer The pothole was filled on Tuesday.");
    ASSERT_TRUE(eventually([&] { return telegram_texts().size() > chosen; })) << gateway->log();
    EXPECT_TRUE(contains(telegram_texts().back(), "filled on Tuesday")) << telegram_texts().back();
    EXPECT_GE(metric(R"(pg_notices_planned_total{channel="telegram",form="text"})"), 2) << gateway->log();
    EXPECT_TRUE(api.template_sends().empty());
}

TEST_F(wechat, an_unfollow_sends_later_pushes_to_a_linked_chat)
{
    auto const tracking = file_petition();
    ASSERT_FALSE(tracking.empty());
    auto const before = citizen_texts().size();
    citizen_says("link");
    auto const code = wait_for_match(before, "\\b[0-9]{6}\\b");
    ASSERT_FALSE(code.empty());
    EXPECT_TRUE(contains(telegram_says("link " + code), "Linked"));

    // Inside the window, but the citizen unfollowed the account: nothing reaches them there.
    ASSERT_EQ(deliver(gateway->port(), wechat_event_push(account, openid, "unsubscribe", "", now_ms / 1000)).status,
              200);
    auto const on_telegram = telegram_texts().size();
    auto const on_wechat = citizen_texts().size();
    official_says(tracking + " accept");
    ASSERT_TRUE(eventually([&] { return telegram_texts().size() > on_telegram; })) << gateway->log();
    EXPECT_TRUE(contains(telegram_texts().back(), tracking));
    EXPECT_EQ(citizen_texts().size(), on_wechat);
}

TEST_F(wechat, publish_creates_the_custom_menu_from_config)
{
    auto const r = run_gateway("publish wechat --config " + gateway->config_path().string());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "/cgi-bin/menu/create: ok")) << r.output;
    EXPECT_FALSE(contains(r.output, api.credentials().app_secret)) << r.output;
    bool created = false;
    for (auto const& c : api.calls())
        created |= c.path == "/cgi-bin/menu/create" && c.errcode == 0 && contains(c.body, "m:file");
    EXPECT_TRUE(created);

    auto const wecom = run_gateway("publish wecom --config " + gateway->config_path().string());
    EXPECT_EQ(wecom.status, 2) << wecom.output;  // nothing to publish there
}

}  // namespace
}  // namespace pg::testing
