// The PostgreSQL store against a real server (PG_TEST_DSN; scripts/pg-test-server
// starts one): its migrations, its failures, two nodes sharing one database,
// and every store method once, until the shared conformance suite covers them.
#include "storage/postgres_store.hpp"  // first: proves the header stands alone

#include "backends_postgres.hpp"
#include "model/chain.hpp"
#include "samples.hpp"
#include "storage/postgres_migrations.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace pg::storage {
namespace {

using namespace std::chrono_literals;
using test::commit_petitions;
using test::expect_same;
using test::numbered;
using test::trackings;
using test::t0;

// A plain connection of the test's own, beside the store's: to look at the
// server, hold rows, end the store's backends.
class admin_connection {
public:
    explicit admin_connection(std::string const& dsn) : c_(PQconnectdb(dsn.c_str()))
    {
        if (PQstatus(c_) != CONNECTION_OK)
            ADD_FAILURE() << "admin connection: " << PQerrorMessage(c_);
        PQsetNoticeProcessor(c_, [](void*, char const*) {}, nullptr);
    }
    ~admin_connection() { PQfinish(c_); }
    admin_connection(admin_connection const&) = delete;
    admin_connection& operator=(admin_connection const&) = delete;

    // The first column of each row; a failed statement fails the test.
    std::vector<std::string> query(std::string const& sql)
    {
        PGresult* r = PQexec(c_, sql.c_str());
        std::vector<std::string> out;
        if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
            ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
        else
            for (int i = 0; i < PQntuples(r); ++i)
                out.emplace_back(PQgetvalue(r, i, 0));
        PQclear(r);
        return out;
    }

private:
    PGconn* c_;
};

std::string pid_list(std::vector<int> const& pids)
{
    std::string s;
    for (auto const p : pids)
        s += (s.empty() ? "" : ",") + std::to_string(p);
    return s.empty() ? "0" : s;
}

// Waits, up to a bound, until `done` holds; false when it never did.
template <class F>
bool eventually(F done)
{
    for (auto const until = std::chrono::steady_clock::now() + 30s; std::chrono::steady_clock::now() < until;) {
        if (done())
            return true;
        std::this_thread::sleep_for(10ms);
    }
    return done();
}

class postgres_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (test::postgres_test_dsn().empty())
            GTEST_SKIP() << "PG_TEST_DSN is not set (scripts/pg-test-server start <dir> prints one)";
        scratch_ = std::make_unique<test::postgres_scratch>(test::postgres_test_dsn());
    }

    void migrate()
    {
        std::string report;
        migrate_postgres(scratch_->dsn(), report);
    }

    std::unique_ptr<postgres_store> open(std::size_t history_max = 0, std::size_t pool_size = 4)
    {
        postgres_options o;
        o.dsn = scratch_->dsn();
        o.pool_size = pool_size;
        o.history_max = history_max;
        return std::make_unique<postgres_store>(o);
    }

    std::unique_ptr<postgres_store> migrated(std::size_t history_max = 0)
    {
        migrate();
        return open(history_max);
    }

    std::unique_ptr<test::postgres_scratch> scratch_;
};

unit_of_work filing_unit(std::string key, std::uint64_t number, std::string tracking)
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.conversation = test::sample_conversation();
    w.petitions.push_back(test::sample_petition(number, tracking));
    w.timeline.emplace_back(tracking, test::sample_event("submitted"));
    w.outbox.push_back(test::sample_message("已收到 📨"));
    w.outbox.push_back(test::sample_message("Tracking number: " + tracking));
    return w;
}

unit_of_work message_unit(std::string key, std::string text = "hello")
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.outbox.push_back(test::sample_message(std::move(text)));
    return w;
}

std::vector<std::uint64_t> seqs_of(std::vector<model::outbox_entry> const& entries)
{
    std::vector<std::uint64_t> seqs;
    for (auto const& e : entries)
        seqs.push_back(e.seq);
    return seqs;
}

outbox_claim claim_by(std::string owner, model::timestamp now = t0, std::size_t limit = 256)
{
    outbox_claim c;
    c.owner = std::move(owner);
    c.now = now;
    c.lease = 1min;
    c.limit = limit;
    return c;
}

// ---- migrations and opening ----

TEST_F(postgres_test, migrations_apply_once_and_a_rerun_applies_nothing)
{
    std::string report;
    EXPECT_EQ(migrate_postgres(scratch_->dsn(), report), postgres_schema_latest());
    EXPECT_NE(report.find("applied 1 "), std::string::npos) << report;
    report.clear();
    EXPECT_EQ(migrate_postgres(scratch_->dsn(), report), 0);
    EXPECT_EQ(report.find("applied"), std::string::npos) << report;
    admin_connection admin(scratch_->dsn());
    EXPECT_EQ(admin.query("SELECT count(*) FROM schema_migrations"),
              std::vector<std::string>{std::to_string(postgres_schema_latest())});
    EXPECT_NO_THROW(open());
}

TEST_F(postgres_test, migrating_from_two_nodes_at_once_applies_each_migration_once)
{
    std::atomic<int> applied{0};
    std::vector<std::thread> nodes;
    for (int i = 0; i < 3; ++i)
        nodes.emplace_back([&] {
            std::string report;
            applied += migrate_postgres(scratch_->dsn(), report);
        });
    for (auto& t : nodes)
        t.join();
    EXPECT_EQ(applied.load(), postgres_schema_latest());
}

TEST_F(postgres_test, opening_an_unmigrated_schema_names_the_migrate_command)
{
    try {
        open();
        FAIL() << "opened an unmigrated schema";
    } catch (storage_error const& e) {
        std::string const what = e.what();
        EXPECT_NE(what.find("petition-gateway migrate"), std::string::npos) << what;
        EXPECT_EQ(what.rfind("postgresql ", 0), 0u) << what;
    }
}

TEST_F(postgres_test, a_bad_dsn_fails_clearly_without_the_password)
{
    postgres_options o;
    o.dsn = "host=127.0.0.1 port=1 dbname=nowhere user=gw password=s3cret-pw";
    o.connect_timeout = 2s;
    try {
        open_postgres_store(o);
        FAIL() << "opened a store on a closed port";
    } catch (storage_error const& e) {
        std::string const what = e.what();
        EXPECT_EQ(what.find("s3cret-pw"), std::string::npos) << what;
        EXPECT_NE(what.find("postgresql "), std::string::npos) << what;
        EXPECT_NE(what.find("port=1"), std::string::npos) << what;
        EXPECT_NE(what.find("connect"), std::string::npos) << what;
    }
    o.dsn = "postgresql://gw:s3cret-pw@127.0.0.1:1/nowhere";
    try {
        open_postgres_store(o);
        FAIL() << "opened a store on a closed port";
    } catch (storage_error const& e) {
        EXPECT_EQ(std::string(e.what()).find("s3cret-pw"), std::string::npos) << e.what();
    }
}

// ---- every method once ----

TEST_F(postgres_test, concurrent_units_on_one_conversation_commit_one_per_version)
{
    auto s = migrated();
    constexpr int threads = 4;
    std::atomic<int> committed{0};
    std::atomic<int> conflicts{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < threads; ++t)
        ts.emplace_back([&, t] {
            for (int round = 0; round < 10; ++round) {
                for (;;) {
                    auto const stored = s->conversation("telegram-main", "-100123456789");
                    auto w = message_unit("t" + std::to_string(t) + "-" + std::to_string(round));
                    w.conversation = test::sample_conversation();
                    w.conversation_read = stored ? stored->events : 0;
                    w.conversation->events = w.conversation_read + 1;
                    auto const r = s->commit(w);
                    if (r.status == commit_status::committed) {
                        ++committed;
                        break;
                    }
                    ASSERT_EQ(r.status, commit_status::conflict) << r.error;
                    ++conflicts;
                }
            }
        });
    for (auto& t : ts)
        t.join();
    EXPECT_EQ(committed.load(), threads * 10);
    EXPECT_EQ(s->conversation("telegram-main", "-100123456789")->events, std::uint64_t{threads * 10});
}

TEST_F(postgres_test, concurrent_commits_of_one_dedupe_key_commit_once)
{
    migrate();
    auto a = open();
    auto b = open();  // two nodes: the platform retried on the other one
    constexpr int keys = 20;
    std::atomic<int> committed{0};
    std::atomic<int> duplicates{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 4; ++t)
        ts.emplace_back([&, t] {
            auto& s = t % 2 ? *a : *b;
            for (int k = 0; k < keys; ++k) {
                auto const r = s.commit(message_unit("k" + std::to_string(k)));
                if (r.status == commit_status::committed)
                    ++committed;
                else if (r.status == commit_status::duplicate)
                    ++duplicates;
                else
                    ADD_FAILURE() << r.error;
            }
        });
    for (auto& t : ts)
        t.join();
    EXPECT_EQ(committed.load(), keys);
    EXPECT_EQ(duplicates.load(), keys * 3);
    EXPECT_EQ(a->outbox_depth(), std::uint64_t{keys});
}

// Two nodes serve one chat in turns (its webhooks go to either): what b queues
// while a still holds the chat's earlier entries is a's to send after them, or
// goes with them to whoever claims them once a's lease runs out. Sent by b at
// once, it could overtake them.
TEST_F(postgres_test, entries_queued_behind_another_nodes_pending_entries_of_the_chat_join_them)
{
    auto s = migrated();
    auto first = message_unit("on-a", "first");
    first.lease = outbox_lease{"a", t0 + 1min};
    auto const held = s->commit(first).queued;
    ASSERT_EQ(held.size(), 1u);

    auto second = message_unit("on-b", "second");
    second.outbox.push_back(test::sample_message("third"));
    second.lease = outbox_lease{"b", t0 + 1min};
    auto const r = s->commit(second);
    ASSERT_EQ(r.status, commit_status::committed);
    EXPECT_TRUE(r.queued.empty()) << "b must not send them ahead of a's";
    EXPECT_TRUE(s->claim_outbox(claim_by("b", t0 + 30s)).empty());
    // a queues more before its renewal: what was handed to it comes along, in order.
    auto own = message_unit("on-a-own", "own");
    own.lease = outbox_lease{"a", t0 + 1min};
    auto const with = s->commit(own).queued;
    ASSERT_EQ(with.size(), 4u);
    EXPECT_EQ(with[0].seq, held[0].seq);
    EXPECT_EQ(with[1].message.text, "second");
    EXPECT_EQ(with[2].message.text, "third");
    EXPECT_EQ(with[3].message.text, "own");
    auto const renewed = s->claim_outbox(claim_by("a", t0 + 30s));  // a's renewal brings the same, in order
    EXPECT_EQ(seqs_of(renewed), seqs_of(with));

    // a stops: once its lease runs out, b claims the chat's entries together, in order.
    auto const taken = s->claim_outbox(claim_by("b", t0 + 90s));
    EXPECT_EQ(seqs_of(taken), seqs_of(renewed));

    // Nothing pending in the chat: a unit's entries are its node's again.
    ASSERT_TRUE(s->mark_delivered(seqs_of(taken)));
    auto fourth = message_unit("on-a-again", "fourth");
    fourth.lease = outbox_lease{"a", t0 + 2min};
    EXPECT_EQ(s->commit(fourth).queued.size(), 1u);
    // Behind the node's own pending entries: those again, then the new one. Another chat's hold nothing back.
    auto fifth = message_unit("on-a-more", "fifth");
    fifth.lease = outbox_lease{"a", t0 + 2min};
    EXPECT_EQ(s->commit(fifth).queued.size(), 2u);
    auto elsewhere = message_unit("on-b-elsewhere", "sixth");
    elsewhere.outbox[0].chat_id = "another chat";
    elsewhere.lease = outbox_lease{"b", t0 + 2min};
    EXPECT_EQ(s->commit(elsewhere).queued.size(), 1u);
}

TEST_F(postgres_test, two_nodes_claiming_at_once_get_each_entry_once)
{
    migrate();
    auto a = open();
    auto b = open();
    constexpr int entries = 300;
    for (int i = 0; i < entries; i += 10) {
        unit_of_work w;
        w.dedupe_key = "k" + std::to_string(i);
        for (int j = 0; j < 10; ++j)
            w.outbox.push_back(test::sample_message(std::to_string(i + j)));
        ASSERT_EQ(a->commit(w).status, commit_status::committed);
    }
    std::vector<std::uint64_t> got[2];
    auto node = [&](postgres_store& s, std::string owner, std::vector<std::uint64_t>& out) {
        // Its own entries stay claimable by it: a pass pages on by seq.
        auto c = claim_by(owner, t0, 7);
        for (;;) {
            auto const page = s.claim_outbox(c);
            if (page.empty())
                return;
            for (auto const& e : page)
                out.push_back(e.seq);
            c.after = page.back().seq;
        }
    };
    std::thread ta([&] { node(*a, "a", got[0]); });
    std::thread tb([&] { node(*b, "b", got[1]); });
    ta.join();
    tb.join();
    std::multiset<std::uint64_t> all(got[0].begin(), got[0].end());
    all.insert(got[1].begin(), got[1].end());
    EXPECT_EQ(all.size(), std::size_t{entries});
    EXPECT_EQ(std::set<std::uint64_t>(all.begin(), all.end()).size(), std::size_t{entries}) << "claimed twice";

    // a stops; once its leases run out, b takes over what a held.
    auto const later = b->claim_outbox(claim_by("b", t0 + 1min, 1000));
    EXPECT_EQ(later.size(), std::size_t{entries});
}

TEST_F(postgres_test, threads_bind_both_ways_replace_stale_entries_and_take_aliases)
{
    auto s = migrated();
    EXPECT_FALSE(s->thread_of("tg", "-1001", "P1"));
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "12", "P1"));
    ASSERT_TRUE(s->bind_thread("tg", "-1002", "99", "P1"));
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "12");
    EXPECT_EQ(s->thread_of("tg", "-1002", "P1"), "99");
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "12"), "P1");
    EXPECT_FALSE(s->petition_of_thread("tg", "-1002", "12"));

    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P1"));  // the topic was recreated
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "13");
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "13"), "P1");
    EXPECT_FALSE(s->petition_of_thread("tg", "-1001", "12"));
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P1"));  // again: no change
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "13");

    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P2"));  // the thread moves
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "13"), "P2");
    EXPECT_EQ(s->thread_of("tg", "-1001", "P2"), "13");
    EXPECT_FALSE(s->thread_of("tg", "-1001", "P1"));

    EXPECT_FALSE(s->bind_thread("", "-1001", "12", "P1"));
    EXPECT_FALSE(s->bind_thread("tg", "-1001", "", "P1"));
    EXPECT_FALSE(s->bind_thread("tg", "-1001", "12", ""));

    // An alias leads to the petition, which keeps its own thread.
    unit_of_work w;
    w.dedupe_key = "alias";
    w.thread_aliases.push_back({"tg", "-1001", "14", "P2"});
    ASSERT_EQ(s->commit(w).status, commit_status::committed);
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "14"), "P2");
    EXPECT_EQ(s->thread_of("tg", "-1001", "P2"), "13");
    unit_of_work bad;
    bad.dedupe_key = "bad alias";
    bad.thread_aliases.push_back({"tg", "-1001", "", "P2"});
    EXPECT_EQ(s->commit(bad).status, commit_status::failed);
}

TEST_F(postgres_test, a_long_overdue_list_pages_past_what_is_not_overdue)
{
    auto s = migrated();
    auto ps = numbered(30);
    for (std::size_t i = 10; i < 30; ++i)
        ps[i].current = model::status::answered;  // the newest twenty are not overdue
    commit_petitions(*s, ps, "all");
    petition_filter f;
    f.overdue_at = t0 + std::chrono::days{30};
    f.limit = 3;
    EXPECT_EQ(trackings(s->petitions(f)), (std::vector<std::string>{"P10", "P9", "P8"}));
}

TEST_F(postgres_test, connections_ended_by_the_server_are_replaced_at_the_next_call)
{
    auto s = migrated();
    ASSERT_EQ(s->commit(message_unit("k1")).status, commit_status::committed);
    auto const pids = s->backend_pids();
    ASSERT_FALSE(pids.empty());
    admin_connection admin(scratch_->base_dsn());
    admin.query("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE pid IN (" + pid_list(pids) + ")");
    EXPECT_TRUE(s->seen("k1"));
    EXPECT_EQ(s->commit(message_unit("k2")).status, commit_status::committed);
    for (auto const pid : s->backend_pids())
        EXPECT_EQ(std::count(pids.begin(), pids.end(), pid), 0) << "a terminated connection was used again";
}

TEST_F(postgres_test, a_lock_whose_connection_is_ended_while_waiting_is_unavailable_then_works)
{
    migrate();
    auto a = open();
    auto b = open();
    auto held = a->lock(lock_space::petition, {"P1"});
    std::atomic<bool> unavailable_seen{false};
    std::thread waiter([&] {
        try {
            auto got = b->lock(lock_space::petition, {"P1"});
        } catch (unavailable const& e) {
            unavailable_seen = true;
            EXPECT_NE(std::string(e.what()).find("lock"), std::string::npos) << e.what();
        }
    });
    admin_connection admin(scratch_->base_dsn());
    std::vector<std::string> waiting;
    EXPECT_TRUE(eventually([&] {
        waiting = admin.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND pid IN (" +
                              pid_list(b->backend_pids()) + ")");
        return waiting.size() == 1;
    }));
    if (!waiting.empty())
        admin.query("SELECT pg_terminate_backend(" + waiting[0] + ", 5000)");
    waiter.join();
    EXPECT_TRUE(unavailable_seen.load());
    held.reset();
    EXPECT_TRUE(b->lock(lock_space::petition, {"P1"}));
}

TEST_F(postgres_test, a_commit_whose_connection_is_ended_mid_unit_fails_and_the_next_one_works)
{
    auto s = migrated();
    // An outside transaction holds the unit's dedupe key: the commit waits on it.
    admin_connection holder(scratch_->dsn());
    holder.query("BEGIN");
    holder.query("INSERT INTO dedupe (key, committed_at, token) VALUES ('k1', 0, 'outside')");
    commit_result r;
    std::thread committer([&] { r = s->commit(message_unit("k1")); });
    admin_connection admin(scratch_->base_dsn());
    std::vector<std::string> blocked;
    EXPECT_TRUE(eventually([&] {
        blocked = admin.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid IN (" +
                              pid_list(s->backend_pids()) + ")");
        return blocked.size() == 1;
    }));
    if (!blocked.empty())
        admin.query("SELECT pg_terminate_backend(" + blocked[0] + ", 5000)");
    committer.join();
    EXPECT_EQ(r.status, commit_status::failed);
    EXPECT_NE(r.error.find("commit"), std::string::npos) << r.error;
    holder.query("ROLLBACK");
    EXPECT_FALSE(s->seen("k1"));
    auto const again = s->commit(message_unit("k1"));
    EXPECT_EQ(again.status, commit_status::committed) << again.error;
    EXPECT_EQ(s->outbox_depth(), 1u);
}

TEST_F(postgres_test, a_commit_that_landed_before_its_connection_dropped_is_committed)
{
    auto s = migrated();
    s->inject_commit_fault(postgres_store::commit_fault::drop_after_commit_sent);
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    auto const r = s->commit(w);
    ASSERT_EQ(r.status, commit_status::committed) << r.error;
    ASSERT_EQ(r.queued.size(), 2u);
    EXPECT_TRUE(s->seen("tg:1"));
    EXPECT_TRUE(s->petition("7KQM-2X4D"));
    EXPECT_EQ(seqs_of(s->claim_outbox(claim_by("a"))), seqs_of(r.queued));
    EXPECT_EQ(s->commit(w).status, commit_status::duplicate);
}

TEST_F(postgres_test, a_commit_that_never_reached_the_server_is_failed_and_can_run_again)
{
    auto s = migrated();
    s->inject_commit_fault(postgres_store::commit_fault::drop_instead_of_commit);
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    auto const r = s->commit(w);
    EXPECT_EQ(r.status, commit_status::failed);
    EXPECT_TRUE(r.queued.empty());
    EXPECT_NE(r.error.find("not committed"), std::string::npos) << r.error;
    EXPECT_FALSE(s->seen("tg:1"));
    EXPECT_FALSE(s->petition("7KQM-2X4D"));
    EXPECT_EQ(s->outbox_depth(), 0u);
    auto const again = s->commit(w);
    EXPECT_EQ(again.status, commit_status::committed) << again.error;
}

TEST_F(postgres_test, reads_on_a_dropped_schema_are_unavailable_naming_the_record_kind)
{
    auto s = migrated();
    admin_connection admin(scratch_->base_dsn());
    admin.query("DROP TABLE " + scratch_->schema() + ".petitions");
    try {
        s->petition("7KQM-2X4D");
        FAIL() << "a read of a missing table answered";
    } catch (unavailable const& e) {
        EXPECT_NE(std::string(e.what()).find("read petition"), std::string::npos) << e.what();
    }
    EXPECT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::failed);
    EXPECT_FALSE(s->seen("tg:1"));
}

// The conformance hook: a fresh schema per call, migrated, opened by several nodes.
TEST_F(postgres_test, the_conformance_backend_opens_fresh_migrated_stores)
{
    auto const b = test::postgres_backend();
    EXPECT_EQ(b.name, "postgres");
    auto one = b.fresh();
    auto two = b.fresh();
    ASSERT_TRUE(one && two);
    EXPECT_TRUE(one->several_nodes());
    auto s1 = one->open(0);
    ASSERT_EQ(s1->commit(message_unit("k")).status, commit_status::committed);
    EXPECT_TRUE(one->open(0)->seen("k"));
    EXPECT_FALSE(two->open(0)->seen("k"));
}

}  // namespace
}  // namespace pg::storage
