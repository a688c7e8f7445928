// Two gateway nodes over a replicated PostgreSQL: a primary and a synchronous
// standby on loopback (scripts/pg-test-server). Citizens file petitions, each
// update to a node chosen at random among those up and resent until it is
// answered 200, as Telegram does. Mid-load node a is killed with SIGKILL and
// later restarted; then the primary is killed and the standby promoted while
// the load runs. At the end the crash-loop invariants hold:
// - nothing acknowledged is lost: every citizen got each reply at least once,
//   and has exactly one petition;
// - nothing is processed twice: no unexpected reply, a repeat only across a
//   kill (of a node or of the primary), tracking numbers unique;
// - the order per chat is kept: first deliveries in order.
// It prints the write outage of the failover: from the primary's kill to the
// first webhook (sent after the kill) answered 200, and how long the promotion
// took (scripts/pg-test-server promote: pg_ctl promote -w and a reload). PG_MULTI_NODE_CITIZENS sets
// the load (default 30); PG_MULTI_NODE_SEED the random choices. Skipped only
// without PostgreSQL 15 (scripts/install-deps installs it).
#include "tests/support/chat_checks.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/pg_cluster.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <thread>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

constexpr std::int64_t first_citizen = 910'000'000;
constexpr char staff_token[] = "multi-node-token-0123456789";
constexpr std::size_t replies_per_citizen = 10;  // the demo flow's, from /start to the receipt
// A message the fake read this soon after a kill may have been written by the
// killed process (or over the killed database's last commit) just before it:
// it may count as sent before the kill. Far below the lease, so a node's resend
// of a dead node's entry still counts as after the kill.
constexpr auto kill_grace = 500ms;

long long ms(clock_type::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

class multi_node : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (!pg_cluster::available())
            GTEST_SKIP() << "/usr/lib/postgresql/15/bin is absent: scripts/install-deps installs postgresql-15";
        cluster = std::make_unique<pg_cluster>();
        for (std::size_t i = 0; i < nodes.size(); ++i)
            nodes[i] = std::make_unique<gateway_process>(node_config(i == 0 ? "a" : "b"));
        auto const migrated = run_gateway("migrate --config " + nodes[0]->config_path().string());
        ASSERT_EQ(migrated.status, 0) << migrated.output;
    }

    json node_config(std::string const& name)
    {
        auto cfg = test_config(api.base_url(), data.path() / name);
        cfg["server"]["node"] = name;
        cfg["storage"] = {{"backend", "postgresql"}, {"postgresql", {{"dsn", cluster->dsn()}, {"pool_size", 8}}}};
        // A dead node's entries are the other's after a second.
        cfg["outbox"]["lease_ms"] = 1000;
        // A send answered late is retried, a fair duplicate this test would
        // blame on no kill: a long timeout keeps them out, as in crash_loop_test.
        cfg["outbox"]["request_timeout_ms"] = 30000;
        cfg["staff_api"] = {{"tokens", {{{"name", "harness"}, {"token", staff_token}}}}};
        return cfg;
    }

    void start_node(std::size_t i)
    {
        nodes[i]->start();
        ports[i] = nodes[i]->port();
    }

    void kill_node(std::size_t i)
    {
        ports[i] = 0;
        note_kill();
        nodes[i]->kill_hard();
    }

    // A kill lasts until what it broke works again: a node's is an instant, the
    // primary's lasts until the standby is promoted. Meanwhile the nodes still
    // send what they hold, but cannot mark it sent; once their leases run out
    // it is sent again, after the kill.
    void note_kill()
    {
        std::lock_guard lock(mutex);
        auto const now = clock_type::now();
        kills.push_back({now, now});
    }

    void kill_ended()
    {
        std::lock_guard lock(mutex);
        kills.back().second = clock_type::now();
    }

    // Posts to a node that is up until one answers 200, as Telegram does.
    void deliver(std::string const& update, std::mt19937& rng)
    {
        auto const deadline = clock_type::now() + 120s;
        while (clock_type::now() < deadline) {
            std::vector<unsigned short> up;
            for (auto const& p : ports)
                if (auto const v = p.load(); v != 0)
                    up.push_back(v);
            if (!up.empty()) {
                auto const port = up[std::uniform_int_distribution<std::size_t>(0, up.size() - 1)(rng)];
                auto const sent = clock_type::now();
                int status = 0;
                try {
                    status = http_post(port, "/webhook/telegram", update, tg::secret_header).status;
                } catch (std::exception const&) {  // refused: the node was killed after we chose it
                }
                ++posts;
                if (status == 200) {
                    answered(sent);
                    ++updates;
                    return;
                }
                ++not_200;
            }
            std::this_thread::sleep_for(5ms);  // nothing up, or it failed: Telegram waits too
        }
        failed = true;
    }

    // The first webhook sent after the primary's kill and answered 200 ends the outage.
    void answered(clock_type::time_point sent)
    {
        std::lock_guard lock(mutex);
        if (primary_killed && sent > *primary_killed && !first_write_after)
            first_write_after = clock_type::now();
    }

    void citizen(std::int64_t chat, std::mt19937& rng)
    {
        for (auto const& text : petition_steps(chat))
            deliver(tg::text(++update_id, chat, text), rng);
        std::lock_guard lock(mutex);
        citizens_done.insert(chat);
    }

    // One chat's sendMessage texts in the order the fake read them, each with
    // the runs (between kills) that may have sent it.
    std::map<std::int64_t, std::vector<sent_text>> messages_by_chat()
    {
        std::map<std::int64_t, std::vector<sent_text>> out;
        std::vector<std::pair<clock_type::time_point, clock_type::time_point>> k;
        {
            std::lock_guard lock(mutex);
            k = kills;
        }
        for (auto const& r : api.requests()) {
            if (!r.target.ends_with("/sendMessage"))
                continue;
            auto const b = json::parse(r.body);
            auto const chat = b["chat_id"].get<std::int64_t>();
            sent_text m{normalized(b.value("text", std::string()), chat), 0, 0};
            m.at = r.at;
            for (auto const& [began, ended] : k) {
                m.earliest_run += r.at > ended + kill_grace;
                m.latest_run += r.at >= began;
            }
            out[chat].push_back(std::move(m));
        }
        return out;
    }

    json staff_get(unsigned short port, std::string const& target)
    {
        auto const r = http_request(port, "GET", target, "", {{"Authorization", std::string("Bearer ") + staff_token}});
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        return json::parse(r.body, nullptr, false);
    }

    bool outbox_empty(unsigned short port)
    {
        return metric_value(http_get(port, "/metrics").body, "pg_outbox_depth") == 0;
    }

    // Waits (bounded) until `updates` webhooks were answered 200, or the load stopped.
    void wait_for_updates(std::uint64_t n)
    {
        ASSERT_TRUE(eventually([&] { return updates >= n || failed; }, 120s)) << "the load stalled at " << updates;
        ASSERT_FALSE(failed) << "an update never got a 200";
    }

    std::unique_ptr<pg_cluster> cluster;
    fake_platform api;
    temp_dir data;
    std::array<std::unique_ptr<gateway_process>, 2> nodes;
    std::array<std::atomic<unsigned short>, 2> ports{};
    std::atomic<std::int64_t> update_id{2'000'000};
    std::atomic<std::uint64_t> updates{0}, posts{0}, not_200{0};
    std::atomic<bool> failed{false};
    std::mutex mutex;
    std::vector<std::pair<clock_type::time_point, clock_type::time_point>> kills;  // began, ended
    std::optional<clock_type::time_point> primary_killed, first_write_after;
    std::set<std::int64_t> citizens_done;
};

TEST_F(multi_node, node_and_primary_killed_under_load_lose_and_double_nothing)
{
    auto const count = static_cast<std::int64_t>(std::max(8, env_int("PG_MULTI_NODE_CITIZENS", 30)));
    auto const seed = static_cast<unsigned>(env_int("PG_MULTI_NODE_SEED", static_cast<int>(std::random_device{}())));
    std::cout << "multi node: " << count << " citizens, seed " << seed << "\n";
    auto const began = clock_type::now();
    start_node(0);
    start_node(1);

    // One citizen first, across both nodes, to learn the replies a citizen gets.
    std::mt19937 rng(seed);
    citizen(first_citizen, rng);
    ASSERT_TRUE(eventually([&] { return messages_by_chat()[first_citizen].size() >= replies_per_citizen; }, 30s))
        << nodes[0]->log() << nodes[1]->log();
    ASSERT_TRUE(eventually([&] { return outbox_empty(ports[0]); }, 30s));
    std::vector<std::string> want;
    auto const learned = messages_by_chat();
    for (auto const& m : learned.at(first_citizen))
        want.push_back(m.text);
    ASSERT_EQ(want.size(), replies_per_citizen);
    ASSERT_EQ(std::set<std::string>(want.begin(), want.end()).size(), want.size())
        << "the check below needs distinct replies per citizen";

    // Two waves: the first carries the node's kill and is still running when
    // the primary dies; the second (a quarter of the citizens) starts right
    // after the primary's kill, so webhooks keep coming through the failover
    // however fast the first wave goes.
    auto const second_wave = first_citizen + count - std::max<std::int64_t>(1, count / 4);
    std::atomic<std::int64_t> next_chat{first_citizen + 1}, next_late_chat{second_wave};
    std::vector<std::thread> crowd;
    struct join_all {  // a failed ASSERT returns early: stop and join the load first
        std::function<void()> fn;
        ~join_all() { fn(); }
    } joiner{[&] {
        next_chat = next_late_chat = first_citizen + count;
        for (auto& t : crowd)
            if (t.joinable())
                t.join();
    }};
    auto const work = [&](unsigned w, std::atomic<std::int64_t>& next, std::int64_t end) {
        std::mt19937 own(seed + w + 1);
        for (auto chat = next++; chat < end; chat = next++)
            citizen(chat, own);
    };
    for (unsigned w = 0; w < 4; ++w)
        crowd.emplace_back(work, w, std::ref(next_chat), second_wave);

    // Node a dies under load; b carries on, and takes a's unsent replies once their lease runs out.
    std::uint64_t const first_total = static_cast<std::uint64_t>(second_wave - first_citizen) * petition_steps(0).size();
    wait_for_updates(first_total / 5);
    kill_node(0);
    wait_for_updates(first_total * 2 / 5);
    start_node(0);

    // The primary dies; the standby is promoted at once; the nodes reconnect to it.
    wait_for_updates(first_total * 3 / 5);
    note_kill();
    cluster->kill_primary();
    // From here the primary is gone (its processes reaped): the outage is measured from now.
    auto const killed = clock_type::now();
    {
        std::lock_guard lock(mutex);
        primary_killed = killed;
    }
    for (unsigned w = 4; w < 8; ++w)
        crowd.emplace_back(work, w, std::ref(next_late_chat), first_citizen + count);
    cluster->promote_standby();
    auto const promoted = clock_type::now();
    kill_ended();

    for (auto& t : crowd)
        t.join();
    ASSERT_FALSE(failed) << "an update never got a 200\n"
                         << nodes[0]->log().substr(0, 20000) << nodes[1]->log().substr(0, 20000);

    // Every citizen's replies are delivered, by one node or the other.
    std::set<std::int64_t> citizens;
    {
        std::lock_guard lock(mutex);
        citizens = citizens_done;
    }
    EXPECT_TRUE(eventually([&] {
        auto const by_chat = messages_by_chat();
        for (auto chat : citizens) {
            std::set<std::string> distinct;
            if (auto it = by_chat.find(chat); it != by_chat.end())
                for (auto const& m : it->second)
                    distinct.insert(m.text);
            if (distinct.size() < want.size())
                return false;
        }
        return true;
    }, 60s)) << "not every reply was delivered";

    auto const by_chat = messages_by_chat();
    std::size_t duplicates = 0;
    for (auto chat : citizens) {
        auto const it = by_chat.find(chat);
        bool const before = HasFailure();
        duplicates += check_chat("chat " + std::to_string(chat), want,
                                 it == by_chat.end() ? std::vector<sent_text>{} : it->second);
        if (!before && HasFailure() && it != by_chat.end()) {  // what the fake read, against the kills
            std::lock_guard lock(mutex);
            for (auto const& [from, to] : kills)
                std::cerr << "  kill from " << ms(from - began) << " to " << ms(to - began) << " ms\n";
            for (auto const& m : it->second)
                std::cerr << "  reply " << (std::find(want.begin(), want.end(), m.text) - want.begin()) << " read at "
                          << ms(m.at - began) << " ms\n";
        }
    }

    // One petition per citizen, tracking numbers unique, the same through either node.
    auto const listed = staff_get(ports[0], "/staff/api/petitions?limit=1000")["petitions"];
    EXPECT_EQ(staff_get(ports[1], "/staff/api/petitions?limit=1000")["petitions"], listed);
    std::map<std::string, int> per_description;
    std::set<std::string> trackings;
    for (auto const& p : listed) {
        ++per_description[p["description"].get<std::string>()];
        EXPECT_TRUE(trackings.insert(p["tracking"].get<std::string>()).second) << "tracking twice: " << p["tracking"];
    }
    EXPECT_EQ(listed.size(), citizens.size());
    for (auto chat : citizens)
        EXPECT_EQ(per_description[description_of(chat)], 1) << "chat " << chat;

    std::optional<clock_type::time_point> first_write;
    {
        std::lock_guard lock(mutex);
        first_write = first_write_after;
    }
    ASSERT_TRUE(first_write) << "no webhook sent after the primary's kill was answered 200";
    std::cout << "multi node figures: citizens=" << citizens.size() << " updates=" << updates << " posts=" << posts
              << " not_200=" << not_200 << " duplicates=" << duplicates
              << " promote_ms=" << ms(promoted - killed) << " write_outage_ms=" << ms(*first_write - killed) << "\n";
    RecordProperty("promote_ms", static_cast<int>(ms(promoted - killed)));
    RecordProperty("write_outage_ms", static_cast<int>(ms(*first_write - killed)));
}

}  // namespace
}  // namespace pg::testing
