// Crash loop: citizens file petitions and officials accept, answer and close
// them, under load, while the gateway is killed with SIGKILL at random moments
// and restarted on the same data directory. The load generator resends every
// update that did not get a 200, as Telegram does. At the end:
// - every update answered 200 was processed exactly once: each chat got exactly
//   the replies of its steps, each timeline has each transition once;
// - every committed reply was delivered at least once and in order per chat,
//   a duplicate only after a restart (a kill between send and mark);
// - no petition lost or doubled, tracking numbers unique, timelines never go
//   backwards.
// PG_CRASH_CYCLES sets the number of kills (default 20); see README, Testing.
#include "tests/support/chat_checks.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <thread>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using headers = std::vector<std::pair<std::string, std::string>>;

headers const& secret = tg::secret_header;
constexpr std::int64_t staff_group = -1001000000001;
constexpr std::int64_t official = 4242;
constexpr std::int64_t first_citizen = 900'000'000;
char const answer_text[] = "The pothole was filled on Monday.";

std::string method_of(recorded_request const& r) { return r.target.substr(r.target.rfind('/') + 1); }

struct delivered {
    std::string text;
    int generation;  // which run of the gateway sent it
};

class crash_loop : public ::testing::Test {
protected:
    void SetUp() override
    {
        api.set_script([this](recorded_request const& r, std::size_t) {
            int const gen = generation.load();
            std::lock_guard lock(mutex);
            generation_of.push_back(gen);  // index-aligned with api.requests()
            if (method_of(r) != "createForumTopic")
                return scripted_reply{};
            auto const id = next_topic++;
            topic_name[id] = json::parse(r.body).value("name", std::string());
            ++topics_created;
            return scripted_reply{200,
                                  json{{"ok", true}, {"result", {{"message_thread_id", id}, {"name", "t"}, {"icon_color", 7322096}}}}.dump(),
                                  {}};
        });
        auto cfg = test_config(api.base_url(), data.path());
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}}}},
                        {"plain_reply", "answer"},
                        {"language", "en"}};
        cfg["staff_api"] = {{"tokens", {{{"name", "harness"}, {"token", "crash-loop-token-0123456789"}}}}};
        // A send whose answer is late is retried, and that duplicate is fair
        // (at least once); a long timeout keeps such duplicates out of this test,
        // which counts only those a kill causes, even on a loaded CI machine.
        cfg["outbox"]["request_timeout_ms"] = 30000;
        gateway = std::make_unique<gateway_process>(cfg);
    }

    // Posts until the gateway answers 200, across kills and restarts, as Telegram does.
    void deliver(std::string const& update)
    {
        ++updates;
        auto const deadline = std::chrono::steady_clock::now() + 120s;
        while (std::chrono::steady_clock::now() < deadline) {
            auto const p = port.load();
            if (p != 0) {
                int status = 0;
                try {
                    status = http_post(p, "/webhook/telegram", update, secret).status;
                } catch (std::exception const&) {  // refused: killed between our read of the port and connect
                }
                ++posts;
                if (status == 200)
                    return;
                ++not_200;
            }
            std::this_thread::sleep_for(5ms);  // the gateway is down or restarting: Telegram waits too
        }
        failed = true;
    }

    void citizen(std::int64_t chat)
    {
        for (auto const& text : petition_steps(chat))
            deliver(tg::text(++update_id, chat, text));
        std::lock_guard lock(mutex);
        citizens_done.insert(chat);
    }

    bool is_closed(std::string const& tracking)
    {
        auto const deadline = std::chrono::steady_clock::now() + 120s;
        while (std::chrono::steady_clock::now() < deadline) {
            if (auto const p = port.load(); p != 0) {
                try {
                    auto const r = http_request(p, "GET", "/staff/api/petitions/" + tracking, "",
                                                {{"Authorization", "Bearer crash-loop-token-0123456789"}});
                    if (r.status == 200)
                        return json::parse(r.body).value("status", std::string()) == "closed";
                } catch (std::exception const&) {
                }
            }
            std::this_thread::sleep_for(5ms);  // the gateway is down or restarting
        }
        return false;
    }

    // One official works through the petitions as their cards appear in topics.
    void official_desk(std::atomic<bool> const& quit)
    {
        std::set<std::string> handled;
        std::map<std::string, std::int64_t> topic_of;  // tracking -> the topic its latest card went to
        std::size_t scanned = 0;
        while (!quit && !failed) {
            auto const reqs = api.requests();
            for (; scanned < reqs.size(); ++scanned) {
                auto const& r = reqs[scanned];
                if (method_of(r) != "sendMessage")
                    continue;
                auto const b = json::parse(r.body);
                if (b.value("chat_id", std::int64_t{0}) != staff_group || !b.contains("message_thread_id"))
                    continue;
                if (auto t = tracking_in(b.value("text", std::string())); !t.empty())
                    topic_of[t] = b["message_thread_id"].get<std::int64_t>();
            }
            bool worked = false;
            for (auto const& [tracking, topic] : topic_of) {
                if (handled.count(tracking) || quit)
                    continue;
                std::string name;
                {
                    std::lock_guard lock(mutex);
                    name = topic_name[topic];
                }
                // Once, in the topic where the card appeared: each command is
                // answered 200 only once processed, so the petition must be closed now.
                for (auto const* command : {"accept", answer_text, "close"})
                    deliver(tg::topic_message(++update_id, staff_group, topic, official, command, name));
                handled.insert(tracking);
                worked = true;
                bool const closed = is_closed(tracking);
                std::lock_guard lock(mutex);
                (closed ? petitions_done : petitions_stuck).insert(tracking);
            }
            if (!worked)
                std::this_thread::sleep_for(20ms);  // nothing new on the desk yet
        }
    }

    // sendMessage texts per chat, in the order the fake received them.
    std::map<std::int64_t, std::vector<delivered>> messages_by_chat()
    {
        std::map<std::int64_t, std::vector<delivered>> out;
        auto const reqs = api.requests();
        std::lock_guard lock(mutex);
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            if (method_of(reqs[i]) != "sendMessage")
                continue;
            auto const b = json::parse(reqs[i].body);
            out[b["chat_id"].get<std::int64_t>()].push_back({b.value("text", std::string()), generation_of.at(i)});
        }
        return out;
    }

    json staff_get(std::string const& target)
    {
        auto const r = http_request(gateway->port(), "GET", target, "",
                                    {{"Authorization", "Bearer crash-loop-token-0123456789"}});
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }

    fake_platform api;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway;
    std::atomic<unsigned short> port{0};
    std::atomic<int> generation{0};
    std::atomic<std::int64_t> update_id{1'000'000};
    std::atomic<std::uint64_t> updates{0}, posts{0}, not_200{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::vector<int> generation_of;
    std::map<std::int64_t, std::string> topic_name;  // as createForumTopic named it
    std::int64_t next_topic = 1000;
    std::size_t topics_created = 0;
    std::set<std::int64_t> citizens_done;
    std::set<std::string> petitions_done;   // closed by the official's three commands
    std::set<std::string> petitions_stuck;  // still open after them: a command was lost
};

TEST_F(crash_loop, kill_9_under_load_loses_and_doubles_nothing)
{
    int const cycles = std::max(1, env_int("PG_CRASH_CYCLES", 20));
    int const workers = 4;
    constexpr std::int64_t max_citizens = 900;  // the staff API lists up to 1000 in one page
    std::mt19937 rng(static_cast<unsigned>(env_int("PG_CRASH_SEED", static_cast<int>(std::random_device{}()))));
    std::cout << "crash loop: " << cycles << " cycles\n";

    // Run 0 (no kill yet): one citizen and the official go all the way through,
    // to learn the replies a citizen and a staff topic should get.
    gateway->start();
    port = gateway->port();
    std::atomic<bool> quit{false}, stop_new{false};
    std::thread desk([&] { official_desk(quit); });
    std::vector<std::thread> crowd;
    struct join_all {  // a failed ASSERT returns early: stop and join the load first
        std::function<void()> fn;
        ~join_all() { fn(); }
    } joiner{[&] {
        stop_new = quit = failed = true;
        for (auto& t : crowd)
            if (t.joinable())
                t.join();
        if (desk.joinable())
            desk.join();
    }};
    citizen(first_citizen);
    ASSERT_TRUE(eventually([&] { return messages_by_chat()[first_citizen].size() >= 13; }, 30s)) << gateway->log();
    std::vector<std::string> citizen_replies;
    auto const learned = messages_by_chat();
    for (auto const& m : learned.at(first_citizen))
        citizen_replies.push_back(normalized(m.text, first_citizen));
    for (auto const& t : citizen_replies)
        std::cerr << "  learned: " << t.substr(0, 80) << "\n";
    ASSERT_EQ(citizen_replies.size(), 13u);  // 10 dialog replies, then accepted, answered, closed
    ASSERT_EQ(std::set<std::string>(citizen_replies.begin(), citizen_replies.end()).size(), 13u)
        << "the check below needs distinct replies per citizen";

    // Citizens keep coming until the last kill.
    std::atomic<std::int64_t> next_chat{first_citizen + 1};
    for (int w = 0; w < workers; ++w)
        crowd.emplace_back([&] {
            while (!stop_new && !failed && next_chat < first_citizen + max_citizens)
                citizen(next_chat++);
        });

    std::uniform_int_distribution<int> uptime_ms(100, 700);
    std::cerr << "crash loop: learned " << citizen_replies.size() << " replies per citizen\n";
    // In some cycles the Bot API's host is unreachable, through the kill and the
    // restart that follows: connections refused, or dropped (each connect waits
    // for its timeout). Sends fail many at a time while replies pile up.
    std::uniform_int_distribution<int> host_state(0, 3);  // 0: refuses, 1: drops, else answers
    std::size_t unreachable_cycles = 0;
    for (int cycle = 0; cycle < cycles; ++cycle) {
        switch (host_state(rng)) {
        case 0: api.refuse_connections(); ++unreachable_cycles; break;
        case 1: api.drop_connections(); ++unreachable_cycles; break;
        default: api.accept_connections(); break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{uptime_ms(rng)});  // the load runs; then the kill
        port = 0;
        gateway->kill_hard();
        // What the killed run wrote is still in the fake's sockets, or in its
        // accept queue: it belongs to that run. Once the fake has accepted every
        // one and read it to the end (the kernel closed them with the process),
        // later requests are the next run's.
        ASSERT_TRUE(api.accept_queued()) << "the fake did not take a dead run's queued connections";
        ASSERT_TRUE(eventually([&] { return api.open_connections() == 0; })) << "the fake kept a dead run's connection";
        generation = cycle + 1;
        gateway->start();
        port = gateway->port();
    }
    api.accept_connections();
    stop_new = true;
    for (auto& t : crowd)
        t.join();
    ASSERT_FALSE(failed) << "an update never got a 200\n" << gateway->log().substr(0, 20000);

    // The last run drains: every citizen's petition closed, every reply delivered.
    std::set<std::int64_t> citizens;
    {
        std::lock_guard lock(mutex);
        citizens = citizens_done;
    }
    auto const all_handled = [&] {
        std::lock_guard lock(mutex);
        return petitions_done.size() + petitions_stuck.size() >= citizens.size();
    };
    EXPECT_TRUE(eventually(all_handled, 60s)) << "the official did not see every petition's card";
    std::set<std::string> closed;
    {
        std::lock_guard lock(mutex);
        closed = petitions_done;
        // Every command answered 200 counts, in whichever topic of the petition it was written.
        for (auto const& t : petitions_stuck)
            ADD_FAILURE() << "petition " << t << " is still open after accept, answer and close in its topic";
    }
    auto const listed = staff_get("/staff/api/petitions?limit=1000")["petitions"];
    std::map<std::int64_t, std::string> tracking_of;  // chat -> its petition
    for (auto const& p : listed)
        for (auto chat : citizens)
            if (p["description"] == description_of(chat))
                tracking_of[chat] = p["tracking"];
    auto const want_for = [&](std::int64_t chat) {
        return closed.count(tracking_of[chat])
                   ? citizen_replies
                   : std::vector<std::string>(citizen_replies.begin(), citizen_replies.begin() + 10);
    };
    EXPECT_TRUE(eventually([&] {
        auto const by_chat = messages_by_chat();
        for (auto chat : citizens) {
            auto const it = by_chat.find(chat);
            std::set<std::string> distinct;
            if (it != by_chat.end())
                for (auto const& m : it->second)
                    distinct.insert(m.text);
            if (distinct.size() < want_for(chat).size())
                return false;
        }
        return true;
    }, 60s)) << "not every reply was delivered";
    quit = true;
    desk.join();

    // Replies: exactly the expected ones per citizen, in order, duplicates only across a restart.
    auto const by_chat = messages_by_chat();
    std::size_t duplicates = 0, replies = 0;
    for (auto chat : citizens) {
        std::vector<sent_text> got;
        if (auto it = by_chat.find(chat); it != by_chat.end())
            for (auto const& m : it->second)
                got.push_back({normalized(m.text, chat), m.generation, m.generation, {}});
        replies += got.size();
        duplicates += check_chat("chat " + std::to_string(chat), want_for(chat), got);
    }

    // Petitions: one per citizen, none lost or doubled, tracking numbers unique.
    std::map<std::string, int> per_description;
    std::set<std::string> trackings;
    for (auto const& p : listed) {
        ++per_description[p["description"].get<std::string>()];
        EXPECT_TRUE(trackings.insert(p["tracking"].get<std::string>()).second) << "tracking twice: " << p["tracking"];
        EXPECT_EQ(p["status"], closed.count(p["tracking"]) ? "closed" : "submitted") << p["tracking"];
    }
    EXPECT_EQ(listed.size(), citizens.size());
    for (auto chat : citizens)
        EXPECT_EQ(per_description[description_of(chat)], 1) << "chat " << chat;

    // Timelines: each transition once (each staff command processed once), time never going backwards,
    // every chain intact.
    for (auto const& tracking : trackings) {
        auto const tl = staff_get("/staff/api/petitions/" + tracking)["timeline"];
        std::vector<std::string> statuses;
        for (std::size_t i = 0; i < tl.size(); ++i) {
            if (tl[i]["kind"] == "transition")
                statuses.push_back(tl[i]["status"]);
            if (i > 0) {
                EXPECT_LE(tl[i - 1]["at"].get<std::string>(), tl[i]["at"].get<std::string>()) << tracking;
            }
        }
        // Sealed entry by entry across every kill: the chain verifies.
        auto const chain = http_get(gateway->port(), "/public/api/verify/" + tracking);
        EXPECT_EQ(chain.status, 200) << chain.body;
        EXPECT_TRUE(json::parse(chain.body, nullptr, false).value("intact", false)) << tracking << ": " << chain.body;
        if (closed.count(tracking))
            EXPECT_EQ(statuses, (std::vector<std::string>{"submitted", "accepted", "answered", "closed"})) << tracking;
        else
            EXPECT_EQ(statuses, (std::vector<std::string>{"submitted"})) << tracking;
    }

    // Staff side: each topic message went out at least once; a topic opened twice only after a restart.
    std::size_t staff_messages = by_chat.count(staff_group) ? by_chat.at(staff_group).size() : 0;

    std::cout << "crash loop figures: cycles=" << cycles << " citizens=" << citizens.size()
              << " petitions=" << listed.size() << " updates=" << updates << " posts=" << posts
              << " not_200=" << not_200 << " citizen_replies=" << replies << " duplicates=" << duplicates
              << " closed=" << closed.size() << " staff_messages=" << staff_messages << " topics_created=" << topics_created
              << " unreachable_cycles=" << unreachable_cycles << "\n";
    RecordProperty("cycles", cycles);
    RecordProperty("duplicates", static_cast<int>(duplicates));
}

}  // namespace
}  // namespace pg::testing
