// Officials run a petition from the staff side: a Telegram forum group and a
// Slack channel, both fakes on loopback speaking the real wire formats. The
// citizen sees every step in their own chat; the timeline shows who did what.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/platform_faults.hpp"
#include "tests/support/slack_events.hpp"
#include "tests/support/telegram_updates.hpp"

#include "config/load.hpp"
#include "storage/rocks_store.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;

headers const& tg_secret = tg::secret_header;
constexpr std::int64_t citizen_chat = 555'000'111;
constexpr std::int64_t staff_group = -1001000000001;
constexpr std::int64_t supervisors = -1001000000099;
constexpr std::int64_t transport_supervisors = -1001000000098;  // serve the demo's roads petitions
constexpr std::int64_t water_supervisors = -1001000000097;      // serve another department
constexpr std::int64_t official = 4242;
constexpr std::int64_t topic_id = 77;
constexpr char slack_channel[] = "C0STAFF";
constexpr char slack_secret[] = "slack-signing-secret";
constexpr std::int64_t t0_ms = 1'764'493'200'000;  // Sunday 2025-11-30 09:00 UTC

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

std::string method_of(recorded_request const& r) { return r.target.substr(r.target.rfind('/') + 1); }

config::settings const& demo()
{
    static auto const s =
        config::load(PG_SOURCE_DIR "/config/demo/demo.json", [](auto const&) { return std::nullopt; });
    return s;
}

class staff_channel : public ::testing::Test {
protected:
    void SetUp() override
    {
        // The fake Bot API: createForumTopic answers with a ForumTopic; every
        // other call with a Message.
        telegram.set_script([](recorded_request const& r, std::size_t) {
            if (method_of(r) == "createForumTopic")
                return scripted_reply{200, json{{"ok", true}, {"result", {{"message_thread_id", topic_id}, {"name", "t"}, {"icon_color", 7322096}}}}.dump(), {}};
            return scripted_reply{};
        });
        // The fake Slack Web API: chat.postMessage answers with the message's ts.
        slack_api.set_script([this](recorded_request const&, std::size_t) {
            auto const ts = "1764000000." + std::to_string(100000 + ++slack_ts_);
            return scripted_reply{200, json{{"ok", true}, {"channel", slack_channel}, {"ts", ts}}.dump(), {}};
        });
        set_clock(t0_ms);

        auto cfg = test_config(telegram.base_url(), data.path());
        cfg["channels"].push_back({{"id", "slack"}, {"type", "slack"}, {"api_base", slack_api.base_url()},
                                   {"bot_token", "xoxb-test-token"}, {"signing_secret", slack_secret}});
        json departments = json::array();
        std::set<std::string> seen;
        for (auto const& c : demo().dialog.citizen.categories)
            if (seen.insert(c.department).second)
                departments.push_back({{"id", c.department}});
        departments.push_back({{"id", "water_board"}, {"staff_user_ids", {"999"}}});
        cfg["departments"] = departments;
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}},
                                   {{"channel", "slack"}, {"chat", slack_channel}}}},
                        {"supervisors", {{{"channel", "telegram"}, {"chat", std::to_string(supervisors)}},
                                         {{"channel", "telegram"}, {"chat", std::to_string(transport_supervisors)},
                                          {"departments", {"transport"}}},
                                         {{"channel", "telegram"}, {"chat", std::to_string(water_supervisors)},
                                          {"departments", {"water"}}}}},
                        {"language", "en"}};
        if (plain_reply)
            cfg["staff"]["plain_reply"] = *plain_reply;
        cfg["deadlines"] = {{"working_days", false}, {"remind_before_ms", 3'600'000}, {"check_interval_ms", 50}};
        cfg["testing"] = {{"clock_file", clock_file.string()}};
        cfg["staff_api"] = {{"tokens", {{{"name", "cms"}, {"token", "staff-api-token-0123456789"}}}}};
        config_ = cfg;
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    // Over PostgreSQL, a second node on the same database and clock (null on
    // RocksDB, whose data one process holds).
    std::unique_ptr<gateway_process> second_node()
    {
        if (!gateway_on_postgresql())
            return nullptr;
        auto cfg = config_;
        cfg["server"]["node"] = "second";
        auto node = std::make_unique<gateway_process>(cfg);
        node->start();
        return node;
    }

    void set_clock(std::int64_t ms) { std::ofstream(clock_file) << ms; }

    void post_tg(std::string const& update)
    {
        auto r = http_post(gateway->port(), "/webhook/telegram", update, tg_secret);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    void post_slack(std::string const& body)
    {
        auto r = http_post(gateway->port(), "/webhook/slack", body,
                           slack::signed_headers(slack_secret, body, t0_ms / 1000));
        ASSERT_EQ(r.status, 200) << r.body;
    }

    // Messages sent to one Telegram chat (and topic, if given), in order.
    std::vector<json> tg_messages_to(std::int64_t chat, std::optional<std::int64_t> thread = std::nullopt) const
    {
        std::vector<json> out;
        for (auto const& r : telegram.requests()) {
            if (method_of(r) != "sendMessage")
                continue;
            auto b = json::parse(r.body);
            if (b["chat_id"] != chat)
                continue;
            if (thread && b.value("message_thread_id", std::int64_t{0}) != *thread)
                continue;
            out.push_back(b);
        }
        return out;
    }
    std::vector<json> slack_posts() const
    {
        std::vector<json> out;
        for (auto const& r : slack_api.requests())
            out.push_back(json::parse(r.body));
        return out;
    }

    bool wait_citizen_messages(std::size_t n)
    {
        return eventually([&] { return tg_messages_to(citizen_chat).size() >= n; });
    }

    // Walks the citizen through filing; returns the tracking number.
    std::string file_petition(
        std::int64_t& id,
        std::string const& description = "A pothole about 30 cm wide has been growing for two weeks; please fill it.")
    {
        for (std::string const text : {"/start", "1", "1", "Main Street 12, by the bus stop", description.c_str(),
                                       "skip", "skip", "no photos", "send"})
            post_tg(tg::text(++id, citizen_chat, text));
        EXPECT_TRUE(wait_citizen_messages(10)) << gateway->log();
        auto const filed = tg_messages_to(citizen_chat)[8]["text"].get<std::string>();
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed;
        return m.str();
    }

    std::int64_t metric(std::string const& series, gateway_process const* node = nullptr)
    {
        auto const text = http_get((node ? node : gateway.get())->port(), "/metrics").body;
        auto const at = text.find("\n" + series + " ");  // a sample line, not the HELP/TYPE lines
        return at == std::string::npos ? 0 : std::stoll(text.substr(at + series.size() + 2));
    }

    json timeline_of(std::string const& tracking)
    {
        auto const r = http_get_auth(gateway->port(), "/staff/api/petitions/" + tracking);
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body)["timeline"];
    }

    http_result http_get_auth(unsigned short port, std::string const& target)
    {
        return http_request(port, "GET", target, "", {{"Authorization", "Bearer staff-api-token-0123456789"}});
    }

    // A flood of petitions: each opens a thread in the staff chats. The staff
    // sides answer slowly; each new Telegram topic gets its own id, from 100.
    void answer_staff_slowly(std::chrono::milliseconds delay, std::size_t rate_limited_cards = 0)
    {
        telegram.set_script([=, topics = std::int64_t{100}, cards = std::size_t{0}](recorded_request const& r,
                                                                                      std::size_t) mutable {
            auto const v = view_of(r);
            if (v.chat != std::to_string(staff_group))
                return scripted_reply{};
            if (v.method == "sendMessage" && cards++ < rate_limited_cards)
                return fault::too_many(1);
            scripted_reply reply;
            if (v.method == "createForumTopic")
                reply.body = json{{"ok", true},
                                  {"result", {{"message_thread_id", topics++}, {"name", "t"}, {"icon_color", 7322096}}}}
                                 .dump();
            return fault::slow(delay, reply);
        });
        slack_api.set_script([this, delay](recorded_request const&, std::size_t) {
            auto const ts = "1764000000." + std::to_string(100000 + ++slack_ts_);
            return fault::slow(delay, {200, json{{"ok", true}, {"channel", slack_channel}, {"ts", ts}}.dump(), {}});
        });
    }
    // Citizens citizen_chat+1.. each file one petition with a photo.
    void file_petitions(std::size_t n)
    {
        std::int64_t id = 50'000;
        for (std::size_t i = 1; i <= n; ++i) {
            auto const chat = citizen_chat + static_cast<std::int64_t>(i);
            // Each at a place of its own: the same place would offer the others' petitions to follow.
            for (std::string const& text : {std::string("/start"), std::string("1"), std::string("1"),
                                           "Main Street " + std::to_string(i) + ", by the bus stop",
                                           std::string("A pothole about 30 cm wide has been growing for two weeks; "
                                                       "please fill it."),
                                           std::string("skip"), std::string("skip")})
                post_tg(tg::text(++id, chat, text));
            post_tg(tg::photo(++id, chat, "AgACAgIAAxkBAAIBQ2-photo-" + std::to_string(i)));
            for (auto const* text : {"Done", "send"})
                post_tg(tg::text(++id, chat, text));
        }
    }
    std::vector<recorded_request> to_staff_group() const
    {
        std::vector<recorded_request> out;
        for (auto const& r : telegram.requests())
            if (view_of(r).chat == std::to_string(staff_group))
                out.push_back(r);
        return out;
    }

    fake_platform telegram;
    fake_platform slack_api;
    std::atomic<int> slack_ts_{0};
    temp_dir data;
    temp_dir clock_dir;
    std::filesystem::path clock_file = clock_dir.path() / "now";
    std::unique_ptr<gateway_process> gateway;
    json config_;
    // staff.plain_reply as configured; nullopt leaves the default.
    std::optional<std::string> plain_reply = "answer";
};

// The shipped default: a plain message in a staff thread is staff talk.
class staff_channel_by_default : public staff_channel {
protected:
    staff_channel_by_default() { plain_reply.reset(); }
};

TEST_F(staff_channel, an_official_takes_a_petition_from_submission_to_close)
{
    std::int64_t id = 1000;
    auto const tracking = file_petition(id);

    // The petition opens a topic in the Telegram staff group with its card,
    // and a thread in the Slack channel whose parent is the card.
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); }))
        << gateway->log();
    auto const card = tg_messages_to(staff_group, topic_id).front()["text"].get<std::string>();
    EXPECT_TRUE(contains(card, tracking)) << card;
    EXPECT_TRUE(contains(card, "A pothole about 30 cm wide")) << card;
    EXPECT_FALSE(contains(card, std::to_string(citizen_chat))) << card;  // the card names the channel, not the citizen
    ASSERT_TRUE(slack_api.wait_for_count(1)) << gateway->log();
    auto const parent = slack_posts().front();
    EXPECT_EQ(parent["channel"], slack_channel);
    EXPECT_FALSE(parent.contains("thread_ts"));
    EXPECT_TRUE(contains(parent["text"], tracking));
    std::string const slack_thread = "1764000000.100001";

    // Accept from the Telegram topic: the citizen is told, Slack's thread mirrors it.
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "accept"));
    ASSERT_TRUE(wait_citizen_messages(11)) << gateway->log();
    auto const accepted = tg_messages_to(citizen_chat)[10]["text"].get<std::string>();
    EXPECT_TRUE(contains(accepted, tracking)) << accepted;
    ASSERT_TRUE(slack_api.wait_for_count(2));
    EXPECT_EQ(slack_posts()[1]["thread_ts"], slack_thread);

    // Transfer from the Slack thread.
    post_slack(slack::thread_reply("Ev001", slack_channel, "U0STAFF", slack_thread, "1764000100.000200",
                                   "transfer water_board Water mains are theirs"));
    ASSERT_TRUE(wait_citizen_messages(12)) << gateway->log();
    // Slack's retry of the same event is not processed twice.
    post_slack(slack::thread_reply("Ev001", slack_channel, "U0STAFF", slack_thread, "1764000100.000200",
                                   "transfer water_board Water mains are theirs"));

    // The water board allows only user 999: someone else's answer changes nothing.
    auto const refused_before = metric("pg_staff_refused_total{channel=\"telegram\",reason=\"not_allowed\"}");
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "answer Fixed."));
    EXPECT_EQ(metric("pg_staff_refused_total{channel=\"telegram\",reason=\"not_allowed\"}"), refused_before + 1);

    // A message from a chat that is not a staff chat changes nothing.
    post_tg(tg::topic_message(++id, -1009999999999, topic_id, 999, "close"));

    // The allowed official answers with a plain reply; then closes.
    post_tg(tg::topic_message(++id, staff_group, topic_id, 999, "The main was repaired on Monday."));
    ASSERT_TRUE(wait_citizen_messages(13)) << gateway->log();
    auto const answer = tg_messages_to(citizen_chat)[12];
    EXPECT_TRUE(contains(answer["text"], "The main was repaired on Monday.")) << answer.dump();
    EXPECT_TRUE(answer.contains("reply_markup")) << answer.dump();  // rating buttons
    post_tg(tg::topic_message(++id, staff_group, topic_id, 999, "close"));
    ASSERT_TRUE(wait_citizen_messages(14)) << gateway->log();
    EXPECT_EQ(tg_messages_to(citizen_chat).size(), 14u);

    // The timeline: who did what and when, never going backwards.
    auto const tl = timeline_of(tracking);
    std::vector<std::string> statuses;
    for (auto const& e : tl)
        if (e["kind"] == "transition")
            statuses.push_back(e["status"]);
    EXPECT_EQ(statuses, (std::vector<std::string>{"submitted", "accepted", "transferred", "answered", "closed"}));
    for (std::size_t i = 1; i < tl.size(); ++i)
        EXPECT_LE(tl[i - 1]["at"].get<std::string>(), tl[i]["at"].get<std::string>());
    EXPECT_EQ(tl[1]["actor_name"], "Li Wei");
}

// Staff talk in a thread about the citizen must never reach them: with the
// default config a plain message is an internal note, and only a command answers.
TEST_F(staff_channel_by_default, a_plain_message_in_the_thread_is_an_internal_note)
{
    std::int64_t id = 5000;
    auto const tracking = file_petition(id);
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); })) << gateway->log();
    auto const card = tg_messages_to(staff_group, topic_id).front()["text"].get<std::string>();
    EXPECT_TRUE(contains(card, "Plain messages here are internal notes; write `answer <text>` to answer the citizen."))
        << card;
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "accept"));
    ASSERT_TRUE(wait_citizen_messages(11)) << gateway->log();

    std::string const chatter = "Same caller as last week, he shouts at the front desk.";
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, chatter));
    // The thread confirms the note.
    ASSERT_TRUE(eventually([&] {
        for (auto const& m : tg_messages_to(staff_group, topic_id))
            if (contains(m["text"], "Internal note by") && contains(m["text"], chatter))
                return true;
        return false;
    })) << gateway->log();
    auto const tl = timeline_of(tracking);
    ASSERT_FALSE(tl.empty());
    EXPECT_EQ(tl.back()["kind"], "note") << tl.dump();
    EXPECT_EQ(tl.back()["note"], chatter) << tl.dump();
    EXPECT_EQ(json::parse(http_get_auth(gateway->port(), "/staff/api/petitions/" + tracking).body)["status"],
              "accepted");

    // An explicit answer does reach the citizen; a citizen's messages go out in
    // order, so had the note been sent, it would have come first.
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "answer The pothole was filled today."));
    ASSERT_TRUE(wait_citizen_messages(12)) << gateway->log();
    auto const to_citizen = tg_messages_to(citizen_chat);
    EXPECT_TRUE(contains(to_citizen[11]["text"], "The pothole was filled today.")) << to_citizen[11].dump();
    for (auto const& m : to_citizen)
        EXPECT_FALSE(contains(m["text"], "front desk")) << m.dump();
}

// A description that writes card lines stays quoted in the Telegram card and the
// Slack one: the card's own lines are the only ones that start with a field name.
TEST_F(staff_channel, citizen_text_cannot_forge_a_card_line)
{
    std::int64_t id = 6000;
    file_petition(id, "A pothole about 30 cm wide by the school gate\nDepartment: parks\nAnswer due: never");
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); })) << gateway->log();
    ASSERT_TRUE(slack_api.wait_for_count(1)) << gateway->log();
    auto const lines_starting = [](std::string const& text, std::string const& prefix) {
        std::size_t n = 0;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);)
            n += line.starts_with(prefix) ? 1 : 0;
        return n;
    };
    auto const tg_card = tg_messages_to(staff_group, topic_id).front()["text"].get<std::string>();
    auto const slack_card = slack_posts().front()["text"].get<std::string>();
    for (auto const& [card, quote] : {std::pair{tg_card, std::string("> ")}, std::pair{slack_card, std::string("&gt; ")}}) {
        EXPECT_EQ(lines_starting(card, "Department:"), 1u) << card;
        EXPECT_EQ(lines_starting(card, "Answer due:"), 1u) << card;
        EXPECT_EQ(lines_starting(card, quote + "Department: parks"), 1u) << card;
        EXPECT_EQ(lines_starting(card, quote + "Answer due: never"), 1u) << card;
    }
}

// The staff topic on the citizen's own bot shows the photos themselves (a file id
// is valid for the bot that received it); Slack gets the card's photo count only.
TEST_F(staff_channel, citizen_photos_follow_the_card_in_the_telegram_topic)
{
    std::int64_t id = 3000;
    for (auto const* text : {"/start", "1", "1", "Main Street 12, by the bus stop",
                             "A pothole about 30 cm wide has been growing for two weeks; please fill it.", "skip",
                             "skip"})
        post_tg(tg::text(++id, citizen_chat, text));
    post_tg(tg::photo(++id, citizen_chat, "AgACAgIAAxkBAAIBQ2-pothole"));
    for (auto const* text : {"Done", "send"})
        post_tg(tg::text(++id, citizen_chat, text));

    auto const calls_to_staff = [&] {
        std::vector<std::pair<std::string, json>> out;
        for (auto const& r : telegram.requests()) {
            auto b = json::parse(r.body);
            if (b.value("chat_id", json()) == staff_group)
                out.emplace_back(method_of(r), b);
        }
        return out;
    };
    ASSERT_TRUE(eventually([&] {
        auto const c = calls_to_staff();
        return !c.empty() && c.back().first == "sendPhoto";
    })) << gateway->log();
    auto const calls = calls_to_staff();
    ASSERT_EQ(calls.size(), 3u);  // the topic, the card, the photo: in that order
    EXPECT_EQ(calls[0].first, "createForumTopic");
    EXPECT_EQ(calls[1].first, "sendMessage");
    EXPECT_EQ(calls[2].second["photo"], "AgACAgIAAxkBAAIBQ2-pothole");
    EXPECT_EQ(calls[2].second["message_thread_id"], topic_id);

    ASSERT_TRUE(slack_api.wait_for_count(1)) << gateway->log();
    for (auto const& r : slack_api.requests()) {
        EXPECT_EQ(method_of(r), "chat.postMessage");
        EXPECT_FALSE(contains(r.body, "AgACAgIAAxkBAAIBQ2")) << r.body;
    }
}

TEST_F(staff_channel, a_refused_transition_gets_a_reply_in_the_thread_and_changes_nothing)
{
    std::int64_t id = 2000;
    auto const tracking = file_petition(id);
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); }));
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "close"));  // submitted -> closed: refused
    ASSERT_TRUE(eventually([&] { return tg_messages_to(staff_group, topic_id).size() >= 2; }))
        << gateway->log();
    EXPECT_TRUE(contains(tg_messages_to(staff_group, topic_id)[1]["text"], tracking));
    auto const r = http_get_auth(gateway->port(), "/staff/api/petitions/" + tracking);
    EXPECT_EQ(json::parse(r.body)["status"], "submitted");
    EXPECT_EQ(tg_messages_to(citizen_chat).size(), 10u);  // the citizen heard nothing
}

// A kill between createForumTopic and storing the topic's id leaves a topic the
// gateway does not know. Telegram repeats the topic's name in each message there,
// and that name is the petition's thread title: commands there still count.
TEST_F(staff_channel, a_topic_created_but_never_stored_still_takes_commands)
{
    std::int64_t id = 3000;
    auto const tracking = file_petition(id);
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); })) << gateway->log();
    std::string title;
    for (auto const& r : telegram.requests())
        if (method_of(r) == "createForumTopic")
            title = json::parse(r.body)["name"];
    ASSERT_TRUE(contains(title, tracking)) << title;
    auto const status = [&] {
        return json::parse(http_get_auth(gateway->port(), "/staff/api/petitions/" + tracking).body)["status"];
    };
    std::int64_t const orphan = topic_id + 77;

    // Only the exact title adopts a topic: the number alone, or in another group, does not.
    post_tg(tg::topic_message(++id, staff_group, orphan, official, "accept", tracking + " \u00b7 Other"));
    post_tg(tg::topic_message(++id, -1009999999999, orphan, official, "accept", title));
    EXPECT_EQ(status(), "submitted");

    post_tg(tg::topic_message(++id, staff_group, orphan, official, "accept", title));
    EXPECT_EQ(status(), "accepted");
    EXPECT_EQ(metric("pg_staff_threads_adopted_total{channel=\"telegram\"}"), 1);
    // From now on the topic needs no name: it leads to the petition.
    post_tg(tg::topic_message(++id, staff_group, orphan, official, "answer Filled on Monday."));
    EXPECT_EQ(status(), "answered");
    // The petition's own topic keeps working, and what the gateway posts still goes there.
    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "close"));
    EXPECT_EQ(status(), "closed");
}

// A kill between storing a new topic and marking its opening delivered: after the
// restart the opening is sent again. It must not open a second topic.
TEST_F(staff_channel, an_opening_already_stored_is_not_sent_again_after_a_restart)
{
    if (gateway_on_postgresql())
        GTEST_SKIP() << "seeds a thread through a RocksDB store";
    std::int64_t id = 4000;
    auto const tracking = file_petition(id);
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); })) << gateway->log();
    ASSERT_EQ(gateway->terminate(), 0);

    // What the outbox holds after such a kill: the opening again, then a message for the topic.
    {
        auto store = storage::open_rocks_store({data.path().string(), true, false});
        storage::unit_of_work work;
        work.dedupe_key = "test:reopen";
        model::outbound_message open;
        open.kind = model::message_kind::open_thread;
        open.channel_id = "telegram";
        open.chat_id = std::to_string(staff_group);
        open.text = "card";
        open.title = tracking;
        open.thread_key = tracking;
        model::outbound_message after = open;
        after.kind = model::message_kind::text;
        after.title.clear();
        after.text = "after the restart";
        work.outbox = {open, after};
        ASSERT_EQ(store->commit(work).status, storage::commit_status::committed);
    }
    gateway->start();

    ASSERT_TRUE(eventually([&] {
        auto const in_topic = tg_messages_to(staff_group, topic_id);
        return !in_topic.empty() && in_topic.back()["text"] == "after the restart";
    })) << gateway->log();
    std::size_t topics = 0;
    for (auto const& r : telegram.requests())
        topics += method_of(r) == "createForumTopic";
    EXPECT_EQ(topics, 1u);
}

// Over PostgreSQL two nodes check the deadlines, and still each fires once.
TEST_F(staff_channel, a_passed_deadline_escalates_once)
{
    std::int64_t id = 3000;
    auto const tracking = file_petition(id);
    auto const other = second_node();
    auto escalations_logged = [&] {
        std::size_t n = 0;
        for (auto const& e : timeline_of(tracking))
            n += e["kind"] == "escalation";
        return n;
    };
    EXPECT_EQ(escalations_logged(), 0u);

    set_clock(t0_ms + 30LL * 24 * 3'600'000);  // a month later: every deadline has passed
    // Two checks more (on each node): at least one ran wholly after the clock moved.
    auto const before = metric("pg_deadline_checks_total");
    auto const other_before = other ? metric("pg_deadline_checks_total", other.get()) : 0;
    ASSERT_TRUE(eventually([&] {
        return metric("pg_deadline_checks_total") >= before + 2 &&
               (!other || metric("pg_deadline_checks_total", other.get()) >= other_before + 2);
    }));
    auto const logged = escalations_logged();
    ASSERT_GE(logged, 1u);
    ASSERT_TRUE(eventually([&] { return tg_messages_to(supervisors).size() >= logged; }))
        << gateway->log();
    EXPECT_TRUE(contains(tg_messages_to(supervisors).front()["text"], tracking));
    // Supervisors of the petition's department (transport) hear of it; those of another do not.
    ASSERT_TRUE(eventually([&] { return tg_messages_to(transport_supervisors).size() >= logged; }))
        << gateway->log();
    EXPECT_TRUE(contains(tg_messages_to(transport_supervisors).front()["text"], tracking));

    // Several more checks: nothing new is logged or reaches the supervisors.
    auto const checks = metric("pg_deadline_checks_total");
    auto const other_checks = other ? metric("pg_deadline_checks_total", other.get()) : 0;
    ASSERT_TRUE(eventually([&] {
        return metric("pg_deadline_checks_total") >= checks + 5 &&
               (!other || metric("pg_deadline_checks_total", other.get()) >= other_checks + 5);
    }));
    EXPECT_EQ(escalations_logged(), logged);
    EXPECT_EQ(tg_messages_to(supervisors).size(), logged);
    EXPECT_EQ(tg_messages_to(transport_supervisors).size(), logged);
    EXPECT_EQ(tg_messages_to(water_supervisors).size(), 0u);
}

// A clock paused from the thread with its reason: a month later no deadline has
// raised a reminder or an escalation; resumed, both deadlines have moved on by
// that month, and the citizen heard of the pause (with the reason) and the resume.
TEST_F(staff_channel, a_paused_petition_raises_no_alerts_and_resuming_moves_its_deadlines)
{
    std::int64_t id = 7000;
    auto const tracking = file_petition(id);
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(staff_group, topic_id).empty(); }));
    auto const petition = [&] {
        return json::parse(http_get_auth(gateway->port(), "/staff/api/petitions/" + tracking).body);
    };
    auto const told = [&](std::string const& what) {
        return eventually([&] {
            for (auto const& m : tg_messages_to(citizen_chat))
                if (contains(m.value("text", ""), what))
                    return true;
            return false;
        });
    };
    auto const before = petition();

    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "pause"));  // no reason: refused
    ASSERT_TRUE(eventually([&] { return tg_messages_to(staff_group, topic_id).size() >= 2; })) << gateway->log();
    EXPECT_TRUE(contains(tg_messages_to(staff_group, topic_id)[1]["text"], "needs a reason"));
    EXPECT_EQ(petition()["paused"], false);

    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "pause Waiting for the utility's survey"));
    ASSERT_TRUE(eventually([&] { return petition()["paused"] == true; })) << gateway->log();
    EXPECT_TRUE(told("Reason: Waiting for the utility's survey")) << gateway->log();

    set_clock(t0_ms + 30LL * 24 * 3'600'000);  // a month later: every deadline would have passed
    auto const checks = metric("pg_deadline_checks_total");
    ASSERT_TRUE(eventually([&] { return metric("pg_deadline_checks_total") >= checks + 2; }));
    for (auto const& e : timeline_of(tracking))
        EXPECT_TRUE(e["kind"] != "reminder" && e["kind"] != "escalation") << e.dump();
    EXPECT_EQ(petition()["overdue"], false);
    EXPECT_TRUE(tg_messages_to(supervisors).empty());

    post_tg(tg::topic_message(++id, staff_group, topic_id, official, "resume"));
    ASSERT_TRUE(eventually([&] { return petition()["paused"] == false; })) << gateway->log();
    EXPECT_TRUE(told("has resumed")) << gateway->log();
    auto const after = petition();
    EXPECT_EQ(after["status"], "submitted");
    EXPECT_EQ(after["overdue"], false);
    auto const moved = [&](char const* field) {
        auto const ms = [](json const& iso) {
            int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, milli = 0;
            std::sscanf(iso.get<std::string>().c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &milli);
            auto const date = std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{unsigned(mo)} /
                                                    std::chrono::day{unsigned(d)}};
            return std::chrono::duration_cast<std::chrono::milliseconds>(date.time_since_epoch()).count() +
                   ((h * 60LL + mi) * 60 + sec) * 1000 + milli;
        };
        return ms(after[field]) - ms(before[field]);
    };
    // Without working days, the paused time is the elapsed month.
    EXPECT_EQ(moved("deadline_at"), 30LL * 24 * 3'600'000);
    EXPECT_EQ(moved("response_due_at"), 30LL * 24 * 3'600'000) << "it still awaits sign-for";
}

TEST_F(staff_channel, staff_api_lists_gets_and_acts_with_the_same_rules)
{
    std::int64_t id = 4000;
    auto const tracking = file_petition(id);
    auto const token = headers{{"Authorization", "Bearer staff-api-token-0123456789"}};
    EXPECT_EQ(http_request(gateway->port(), "GET", "/staff/api/petitions", "", {}).status, 401);
    auto list = http_request(gateway->port(), "GET", "/staff/api/petitions?status=submitted", "", token);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(json::parse(list.body)["petitions"][0]["tracking"], tracking);

    auto act = [&](json body) {
        return http_request(gateway->port(), "POST", "/staff/api/petitions/" + tracking + "/actions", body.dump(),
                            token);
    };
    EXPECT_EQ(act({{"action", "close"}}).status, 409);  // refused by the lifecycle
    EXPECT_EQ(act({{"action", "fly"}}).status, 400);
    auto accepted = act({{"action", "accept"}, {"actor", "cms"}});
    EXPECT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(json::parse(accepted.body)["status"], "accepted");
    ASSERT_TRUE(wait_citizen_messages(11)) << gateway->log();
    EXPECT_EQ(http_request(gateway->port(), "GET", "/staff/api/petitions/NOPE-NOPE", "", token).status, 404);
}

// Back and forth between departments: a transfer needs a reason; the third
// transfer (staff.max_transfers, 3 by default) escalates to the supervisors
// serving the department it landed in, once; a fourth is refused.
TEST_F(staff_channel, transfers_past_the_cap_escalate_to_the_supervisors)
{
    std::int64_t id = 4500;
    auto const tracking = file_petition(id);
    auto const token = headers{{"Authorization", "Bearer staff-api-token-0123456789"}};
    auto act = [&](json body) {
        return http_request(gateway->port(), "POST", "/staff/api/petitions/" + tracking + "/actions", body.dump(),
                            token);
    };
    ASSERT_EQ(act({{"action", "accept"}}).status, 200);
    auto const no_reason = act({{"action", "transfer"}, {"department", "water"}});
    EXPECT_EQ(no_reason.status, 409) << no_reason.body;
    EXPECT_TRUE(contains(no_reason.body, "reason")) << no_reason.body;
    for (auto const* to : {"water", "transport", "water"}) {
        auto const r = act({{"action", "transfer"}, {"department", to}, {"text", "Not ours"}});
        ASSERT_EQ(r.status, 200) << to << ": " << r.body;
    }
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(water_supervisors).empty(); })) << gateway->log();
    auto const alert = tg_messages_to(water_supervisors).front()["text"].get<std::string>();
    EXPECT_TRUE(contains(alert, tracking)) << alert;
    EXPECT_TRUE(contains(alert, "transferred 3 times")) << alert;
    ASSERT_TRUE(eventually([&] { return !tg_messages_to(supervisors).empty(); }));
    std::size_t escalations = 0;
    for (auto const& e : timeline_of(tracking))
        escalations += e["kind"] == "escalation";
    EXPECT_EQ(escalations, 1u);

    auto const fourth = act({{"action", "transfer"}, {"department", "transport"}, {"text", "Not ours either"}});
    EXPECT_EQ(fourth.status, 409) << fourth.body;
    EXPECT_TRUE(contains(fourth.body, "coordinating office")) << fourth.body;
    EXPECT_TRUE(tg_messages_to(transport_supervisors).empty()) << "it never escalated while with transport";
}

// Item 13 of issue 15: one send at a time per staff chat let a flood of
// petitions hold back every other thread. Threads now go in parallel (a few at
// once per chat), each thread still in order: its topic, its card, its photo.
TEST_F(staff_channel, a_staff_chats_threads_are_sent_in_parallel_each_in_order)
{
    using namespace std::chrono_literals;
    constexpr std::size_t petitions = 6;
    answer_staff_slowly(300ms);
    file_petitions(petitions);

    ASSERT_TRUE(telegram.wait_until(
        [&](auto const& all) {
            return std::count_if(all.begin(), all.end(), [](auto const& r) {
                       return view_of(r).chat == std::to_string(staff_group);
                   }) >= static_cast<std::ptrdiff_t>(3 * petitions);
        },
        30s))
        << gateway->log();
    ASSERT_TRUE(slack_api.wait_for_count(petitions, 30s)) << gateway->log();

    // More than one at once, and no more than the burst a chat is given (gateway/dispatcher.cpp).
    EXPECT_GT(telegram.max_in_flight_to(std::to_string(staff_group)), 1u);
    EXPECT_LE(telegram.max_in_flight_to(std::to_string(staff_group)), 3u);
    EXPECT_GT(slack_api.max_in_flight_to(slack_channel), 1u);
    EXPECT_LE(slack_api.max_in_flight_to(slack_channel), 3u);

    // The fake numbered the topics in the order it was asked for them.
    std::map<std::int64_t, std::string> title_of;
    std::map<std::int64_t, std::vector<std::pair<std::string, json>>> in_topic;
    std::int64_t next_topic = 100;
    for (auto const& r : to_staff_group()) {
        auto const b = json::parse(r.body);
        if (method_of(r) == "createForumTopic")
            title_of[next_topic++] = b["name"];
        else
            in_topic[b.value("message_thread_id", std::int64_t{0})].emplace_back(method_of(r), b);
    }
    ASSERT_EQ(title_of.size(), petitions);
    ASSERT_EQ(in_topic.size(), petitions) << "something went outside the topics";
    for (auto const& [topic, title] : title_of) {
        auto const& sent = in_topic[topic];
        ASSERT_EQ(sent.size(), 2u) << "topic " << topic;
        EXPECT_EQ(sent[0].first, "sendMessage") << "topic " << topic << ": the card first";
        EXPECT_TRUE(contains(sent[0].second["text"], title.substr(0, 9))) << title << " / " << sent[0].second.dump();
        EXPECT_EQ(sent[1].first, "sendPhoto") << "topic " << topic << ": then the photo";
    }
}

// A 429 in one thread holds the whole staff chat for its retry_after: the
// platform's limit is per chat, not per thread.
TEST_F(staff_channel, a_429_in_one_thread_pauses_the_whole_staff_chat)
{
    using namespace std::chrono_literals;
    constexpr std::size_t petitions = 4;
    answer_staff_slowly(200ms, 1);  // the first card gets "retry after 1"
    file_petitions(petitions);

    // Every topic, card (one twice) and photo.
    ASSERT_TRUE(eventually([&] { return to_staff_group().size() >= 3 * petitions + 1; }, 30s)) << gateway->log();
    auto const all = to_staff_group();
    auto const limited = std::find_if(all.begin(), all.end(), [](auto const& r) { return method_of(r) == "sendMessage"; });
    ASSERT_NE(limited, all.end());
    // Only sends already under way when the 429 came (the burst of 3, less the
    // limited one) may reach the chat sooner than the platform asked (a lower
    // bound, not a speed).
    std::size_t sooner = 0;
    for (auto it = std::next(limited); it != all.end(); ++it)
        sooner += it->at - limited->at < 1s;
    EXPECT_LE(sooner, 2u) << "the other threads kept sending during the pause";
    auto const retried = std::find_if(std::next(limited), all.end(), [&](auto const& r) { return r.body == limited->body; });
    ASSERT_NE(retried, all.end());
    EXPECT_GE(retried->at - limited->at, 1s);
}

// Guided drafting (issue 18): a second citizen at the same place is offered the
// first one's open petition before filing, follows it instead, and from then
// on hears its status like the filer; a third, joining after the answer, gets
// the answer at once. Following files nothing and counts in no figure.
TEST_F(staff_channel, a_citizen_nearby_follows_an_open_petition_and_hears_its_answer)
{
    std::int64_t id = 6000;
    auto const tracking = file_petition(id);
    ASSERT_FALSE(tracking.empty());
    auto const token = headers{{"Authorization", "Bearer staff-api-token-0123456789"}};
    auto act = [&](json body) {
        return http_request(gateway->port(), "POST", "/staff/api/petitions/" + tracking + "/actions", body.dump(),
                            token);
    };
    // The newest message to `chat` that contains `text`, waited for (bounded).
    auto wait_text = [&](std::int64_t chat, std::string const& text) {
        json found;
        EXPECT_TRUE(eventually([&] {
            for (auto const& m : tg_messages_to(chat))
                if (contains(m.value("text", ""), text))
                    found = m;
            return !found.is_null();
        })) << "no \"" << text << "\" to " << chat << "\n" << gateway->log();
        return found;
    };
    // A neighbour describes the same pothole, at the same place typed differently.
    auto neighbour_files = [&](std::int64_t chat) {
        for (std::string const text : {"/start", "1", "1", "  MAIN street 12,  by the bus stop ",
                                       "The pothole by the bus stop is getting deeper every day, please fix it.",
                                       "since Monday", "skip", "no photos", "send"})
            post_tg(tg::text(++id, chat, text));
        return wait_text(chat, "Requests like yours were filed nearby");
    };

    constexpr std::int64_t neighbour = citizen_chat + 1000;
    auto const offer = neighbour_files(neighbour);
    EXPECT_TRUE(contains(offer["text"], tracking)) << offer.dump();
    EXPECT_FALSE(contains(offer["text"], "30 cm")) << "never the other citizen's description";
    EXPECT_TRUE(contains(offer.dump(), "\"f:" + tracking + "\"")) << offer.dump();
    post_tg(tg::button(++id, neighbour, "f:" + tracking));
    wait_text(neighbour, "You now follow request " + tracking);

    // Not a petition: the list holds one; the timeline notes the follower without naming them.
    auto const listed = http_request(gateway->port(), "GET", "/staff/api/petitions", "", token);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(json::parse(listed.body)["petitions"].size(), 1u) << listed.body;
    auto const tl = timeline_of(tracking);
    EXPECT_TRUE(std::any_of(tl.begin(), tl.end(), [](json const& e) {
        return e["kind"] == "note" && e["note"] == "followed by another citizen";
    })) << tl.dump();
    EXPECT_FALSE(contains(tl.dump(), std::to_string(neighbour))) << tl.dump();
    // The staff are told in the thread.
    wait_text(staff_group, "now follows this petition (1 following)");

    // Each status change reaches the filer and the follower.
    ASSERT_EQ(act({{"action", "accept"}}).status, 200);
    auto const accepted = wait_text(neighbour, "has been accepted");
    EXPECT_TRUE(contains(accepted["text"], tracking)) << accepted.dump();
    ASSERT_EQ(act({{"action", "answer"}, {"text", "The pothole was filled on Tuesday."}}).status, 200);
    auto const to_filer = wait_text(citizen_chat, "The pothole was filled on Tuesday.");
    EXPECT_TRUE(contains(to_filer.dump(), "inline_keyboard")) << "the filer rates: " << to_filer.dump();
    auto const to_follower = wait_text(neighbour, "The pothole was filled on Tuesday.");
    EXPECT_FALSE(contains(to_follower.dump(), "inline_keyboard")) << "the follower does not rate: "
                                                                   << to_follower.dump();
    EXPECT_FALSE(contains(to_follower["text"], "How satisfied")) << to_follower.dump();

    // "My requests" lists the followed petition for the follower.
    post_tg(tg::text(++id, neighbour, "track"));
    wait_text(neighbour, tracking + " \u00b7");

    // Answered is still open: a third neighbour joining now gets the answer at once.
    constexpr std::int64_t late = citizen_chat + 2000;
    auto const late_offer = neighbour_files(late);
    EXPECT_TRUE(contains(late_offer["text"], tracking)) << late_offer.dump();
    post_tg(tg::button(++id, late, "f:" + tracking));
    wait_text(late, "You now follow request " + tracking);
    auto const answer = wait_text(late, "The pothole was filled on Tuesday.");
    EXPECT_TRUE(contains(answer["text"], tracking)) << answer.dump();
    EXPECT_EQ(json::parse(http_request(gateway->port(), "GET", "/staff/api/petitions", "", token).body)["petitions"]
                  .size(),
              1u);
}

}  // namespace
}  // namespace pg::testing
