// The storage contract (storage/store.hpp), the same tests against every
// backend (backends.hpp): RocksDB always, PostgreSQL when PG_TEST_DSN is set.
#include "storage/store.hpp"

#include "backends.hpp"
#include "samples.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

namespace pg::storage {
namespace {

using test::commit_petitions;
using test::expect_same;
using test::numbered;
using test::trackings;
using test::filing_unit;
using test::message_unit;
using test::outbox_of;
using test::seqs_of;

class conformance_test : public test::backend_test {};

TEST_P(conformance_test, a_new_store_is_empty)
{
    auto s = open();
    EXPECT_FALSE(s->conversation("telegram-main", "1"));
    EXPECT_FALSE(s->petition("7KQM-2X4D"));
    EXPECT_TRUE(s->timeline("7KQM-2X4D").empty());
    EXPECT_TRUE(outbox_of(*s).empty());
    EXPECT_TRUE(s->dead_letters(10).empty());
    EXPECT_EQ(s->outbox_depth(), 0u);
    EXPECT_EQ(s->next_petition_number(), 1u);
    EXPECT_FALSE(s->seen("tg:1"));
}
TEST_P(conformance_test, commit_round_trips_every_field)
{
    auto s = open();
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    auto const r = s->commit(w);
    ASSERT_EQ(r.status, commit_status::committed) << r.error;
    EXPECT_TRUE(r.error.empty());

    auto const c = s->conversation(w.conversation->channel_id, w.conversation->chat_id);
    ASSERT_TRUE(c);
    expect_same(*w.conversation, *c);

    auto const p = s->petition("7KQM-2X4D");
    ASSERT_TRUE(p);
    expect_same(w.petitions[0], *p);

    auto const events = s->timeline("7KQM-2X4D");
    ASSERT_EQ(events.size(), 1u);
    expect_same(w.timeline[0].second, events[0]);

    // Queued in the order given, not yet tried, stamped with the unit's own time.
    ASSERT_EQ(r.queued.size(), 2u);
    EXPECT_LT(r.queued[0].seq, r.queued[1].seq);
    for (std::size_t i = 0; i < 2; ++i) {
        expect_same(w.outbox[i], r.queued[i].message);
        EXPECT_EQ(r.queued[i].attempts, 0u);
        EXPECT_EQ(r.queued[i].created_at, w.conversation->updated_at);
    }
    auto const pending = outbox_of(*s);
    ASSERT_EQ(pending.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i)
        expect_same(r.queued[i], pending[i]);
    EXPECT_EQ(s->outbox_depth(), 2u);
    EXPECT_TRUE(s->seen("tg:1"));
}
TEST_P(conformance_test, a_later_commit_replaces_conversation_and_petition)
{
    auto s = open();
    ASSERT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::committed);

    unit_of_work w;
    w.dedupe_key = "tg:2";
    w.conversation = test::sample_conversation();
    w.conversation->step = model::dialog_step::menu;
    w.conversation->draft = {};
    w.conversation_read = w.conversation->events;  // what the first unit stored
    w.conversation->events += 1;
    auto p = test::sample_petition(7, "7KQM-2X4D");
    p.current = model::status::answered;
    w.petitions.push_back(p);
    ASSERT_EQ(s->commit(w).status, commit_status::committed);

    expect_same(*w.conversation, *s->conversation(w.conversation->channel_id, w.conversation->chat_id));
    expect_same(p, *s->petition("7KQM-2X4D"));
}
TEST_P(conformance_test, a_duplicate_dedupe_key_writes_nothing)
{
    auto s = open();
    auto first = filing_unit("tg:1", 7, "7KQM-2X4D");
    ASSERT_EQ(s->commit(first).status, commit_status::committed);

    auto second = filing_unit("tg:1", 8, "8AAA-AAAA");
    second.conversation->step = model::dialog_step::language;
    second.timeline.emplace_back("7KQM-2X4D", test::sample_event("should not appear"));
    auto const r = s->commit(second);
    EXPECT_EQ(r.status, commit_status::duplicate);
    EXPECT_TRUE(r.queued.empty());

    EXPECT_EQ(s->conversation(first.conversation->channel_id, first.conversation->chat_id)->step,
              model::dialog_step::confirm);
    EXPECT_FALSE(s->petition("8AAA-AAAA"));
    EXPECT_EQ(s->timeline("7KQM-2X4D").size(), 1u);
    EXPECT_EQ(outbox_of(*s).size(), 2u);
    EXPECT_EQ(s->outbox_depth(), 2u);
}
TEST_P(conformance_test, an_empty_dedupe_key_fails_and_writes_nothing)
{
    auto s = open();
    auto const r = s->commit(filing_unit("", 7, "7KQM-2X4D"));
    EXPECT_EQ(r.status, commit_status::failed);
    EXPECT_NE(r.error.find("dedupe key"), std::string::npos) << r.error;
    EXPECT_TRUE(r.queued.empty());
    EXPECT_FALSE(s->conversation("telegram-main", "-100123456789"));
    EXPECT_FALSE(s->petition("7KQM-2X4D"));
    EXPECT_TRUE(s->timeline("7KQM-2X4D").empty());
    EXPECT_TRUE(outbox_of(*s).empty());
    EXPECT_EQ(s->outbox_depth(), 0u);
}
TEST_P(conformance_test, timeline_is_ordered_by_time_then_insertion_across_reopen)
{
    auto const t = test::t0;
    std::vector<std::string> expected;
    {
        auto s = open();
        unit_of_work a;
        a.dedupe_key = "a";
        for (auto const* note : {"t0 first", "t0 second", "t0 third"})
            a.timeline.emplace_back("P1", test::sample_event(note, t));
        a.timeline.emplace_back("P2", test::sample_event("other petition", t));
        ASSERT_EQ(s->commit(a).status, commit_status::committed);

        unit_of_work b;
        b.dedupe_key = "b";
        b.timeline.emplace_back("P1", test::sample_event("t0 fourth", t));
        b.timeline.emplace_back("P1", test::sample_event("earlier, committed later", t - std::chrono::seconds{1}));
        ASSERT_EQ(s->commit(b).status, commit_status::committed);
    }
    {
        auto s = open();
        unit_of_work c;
        c.dedupe_key = "c";
        c.timeline.emplace_back("P1", test::sample_event("t0 fifth, after reopen", t));
        ASSERT_EQ(s->commit(c).status, commit_status::committed);
    }
    auto s = open();
    std::vector<std::string> notes;
    for (auto const& e : s->timeline("P1"))
        notes.push_back(e.note);
    EXPECT_EQ(notes, (std::vector<std::string>{"earlier, committed later", "t0 first", "t0 second", "t0 third",
                                               "t0 fourth", "t0 fifth, after reopen"}));
    ASSERT_EQ(s->timeline("P2").size(), 1u);
    EXPECT_TRUE(s->timeline("P").empty());
}
TEST_P(conformance_test, reopen_keeps_conversation_petition_timeline_and_outbox)
{
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    std::vector<model::outbox_entry> queued;
    {
        auto s = open();
        auto r = s->commit(w);
        ASSERT_EQ(r.status, commit_status::committed) << r.error;
        queued = r.queued;
    }
    auto s = open();
    expect_same(*w.conversation, *s->conversation(w.conversation->channel_id, w.conversation->chat_id));
    expect_same(w.petitions[0], *s->petition("7KQM-2X4D"));
    ASSERT_EQ(s->timeline("7KQM-2X4D").size(), 1u);
    auto const pending = outbox_of(*s);
    ASSERT_EQ(pending.size(), queued.size());
    for (std::size_t i = 0; i < pending.size(); ++i)
        expect_same(queued[i], pending[i]);
    EXPECT_EQ(s->outbox_depth(), 2u);
    EXPECT_TRUE(s->seen("tg:1"));
    EXPECT_EQ(s->commit(w).status, commit_status::duplicate);
    // What the outbox held at the open can be marked delivered, and counts.
    EXPECT_TRUE(s->mark_delivered({pending[1].seq}));
    EXPECT_EQ(s->outbox_depth(), 1u);
    ASSERT_EQ(outbox_of(*s).size(), 1u);
    EXPECT_EQ(outbox_of(*s)[0].seq, pending[0].seq);
}
TEST_P(conformance_test, petition_numbers_never_repeat_a_committed_number_across_reopen)
{
    std::uint64_t committed = 0;
    {
        auto s = open();
        auto const a = s->next_petition_number();
        auto const b = s->next_petition_number();
        EXPECT_EQ(a, 1u);
        EXPECT_GT(b, a);
        committed = s->next_petition_number();
        ASSERT_EQ(s->commit(filing_unit("tg:1", committed, "T-" + std::to_string(committed))).status,
                  commit_status::committed);
        (void)s->next_petition_number();  // handed out, never committed: may come back
    }
    auto s = open();
    EXPECT_GT(s->next_petition_number(), committed);
}
TEST_P(conformance_test, a_committed_number_from_elsewhere_is_not_handed_out_later)
{
    auto s = open();
    ASSERT_EQ(s->commit(filing_unit("tg:1", 50, "T-50")).status, commit_status::committed);
    EXPECT_GT(s->next_petition_number(), 50u);
}
TEST_P(conformance_test, outbox_seqs_keep_growing_across_reopen_after_everything_was_delivered)
{
    std::uint64_t last = 0;
    {
        auto s = open();
        for (int i = 0; i < 3; ++i) {
            auto r = s->commit(message_unit("k" + std::to_string(i)));
            ASSERT_EQ(r.status, commit_status::committed);
            last = r.queued.back().seq;
        }
        ASSERT_TRUE(s->mark_delivered(seqs_of(outbox_of(*s))));
        EXPECT_EQ(s->outbox_depth(), 0u);
    }
    auto s = open();
    EXPECT_TRUE(outbox_of(*s).empty());
    auto r = s->commit(message_unit("k-after"));
    ASSERT_EQ(r.status, commit_status::committed);
    EXPECT_GT(r.queued[0].seq, last);
}
TEST_P(conformance_test, outbox_seqs_keep_growing_across_reopen_after_a_dead_letter)
{
    std::uint64_t last = 0;
    {
        auto s = open();
        auto r = s->commit(message_unit("k1"));
        ASSERT_EQ(r.status, commit_status::committed);
        last = r.queued.back().seq;
        ASSERT_TRUE(s->mark_dead(r.queued[0], "permanent: 400 chat not found"));
    }
    auto s = open();
    auto r = s->commit(message_unit("k2"));
    ASSERT_EQ(r.status, commit_status::committed);
    EXPECT_GT(r.queued[0].seq, last);
}
TEST_P(conformance_test, mark_delivered_removes_entries_and_counts_each_once)
{
    auto s = open();
    auto const r = s->commit(filing_unit("tg:1", 7, "7KQM-2X4D"));
    ASSERT_EQ(r.status, commit_status::committed);
    ASSERT_EQ(s->outbox_depth(), 2u);

    EXPECT_TRUE(s->mark_delivered({r.queued[0].seq}));
    EXPECT_EQ(s->outbox_depth(), 1u);
    auto const pending = outbox_of(*s);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].seq, r.queued[1].seq);

    // Marking again, or a seq never queued, changes nothing.
    EXPECT_TRUE(s->mark_delivered({r.queued[0].seq, 999'999}));
    EXPECT_TRUE(s->mark_delivered({}));
    EXPECT_EQ(s->outbox_depth(), 1u);

    // A seq named twice in one call counts once.
    EXPECT_TRUE(s->mark_delivered({r.queued[1].seq, r.queued[1].seq}));
    EXPECT_EQ(s->outbox_depth(), 0u);
    EXPECT_TRUE(outbox_of(*s).empty());
}
TEST_P(conformance_test, mark_dead_moves_the_entry_with_its_reason_newest_first)
{
    std::vector<model::outbox_entry> queued;
    {
        auto s = open();
        for (int i = 0; i < 3; ++i) {
            auto r = s->commit(message_unit("k" + std::to_string(i), "message " + std::to_string(i)));
            ASSERT_EQ(r.status, commit_status::committed);
            queued.push_back(r.queued[0]);
        }
        for (auto e : queued) {
            e.attempts = 8;
            ASSERT_TRUE(s->mark_dead(e, "permanent: 403 blocked by the user (" + e.message.text + ")"));
        }
        EXPECT_EQ(s->outbox_depth(), 0u);
        EXPECT_TRUE(outbox_of(*s).empty());
    }
    auto s = open();
    EXPECT_EQ(s->outbox_depth(), 0u);
    auto const dead = s->dead_letters(2);
    ASSERT_EQ(dead.size(), 2u);
    EXPECT_EQ(dead[0].first.seq, queued[2].seq);
    EXPECT_EQ(dead[1].first.seq, queued[1].seq);
    auto expected = queued[2];
    expected.attempts = 8;
    expect_same(expected, dead[0].first);
    EXPECT_EQ(dead[0].second, "permanent: 403 blocked by the user (message 2)");
    EXPECT_EQ(s->dead_letters(10).size(), 3u);
    EXPECT_TRUE(s->dead_letters(0).empty());
}
TEST_P(conformance_test, outbox_depth_follows_commits_deliveries_dead_letters_and_reopen)
{
    {
        auto s = open();
        for (int i = 0; i < 5; ++i)
            ASSERT_EQ(s->commit(message_unit("k" + std::to_string(i))).status, commit_status::committed);
        EXPECT_EQ(s->outbox_depth(), 5u);
        auto const pending = outbox_of(*s);
        EXPECT_TRUE(s->mark_delivered({pending[0].seq, pending[1].seq}));
        EXPECT_TRUE(s->mark_dead(pending[2], "permanent"));
        EXPECT_EQ(s->outbox_depth(), 2u);
    }
    auto s = open();
    EXPECT_EQ(s->outbox_depth(), 2u);
}
TEST_P(conformance_test, concurrent_commits_all_land)
{
    constexpr int threads = 8;
    constexpr int per_thread = 500;
    auto s = open();
    std::vector<std::vector<std::uint64_t>> seqs(threads);
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto const id = std::to_string(t) + "-" + std::to_string(i);
                unit_of_work w = message_unit("tg:" + id);
                w.conversation = test::sample_conversation();
                w.conversation->chat_id = id;
                w.timeline.emplace_back("P" + std::to_string(t), test::sample_event(std::to_string(i)));
                auto const r = s->commit(w);
                if (r.status != commit_status::committed || r.queued.size() != 1)
                    return;  // the checks below report it
                seqs[t].push_back(r.queued[0].seq);
            }
        });
    }
    for (auto& w : workers)
        w.join();

    std::set<std::uint64_t> all;
    for (int t = 0; t < threads; ++t) {
        ASSERT_EQ(seqs[t].size(), std::size_t{per_thread}) << "thread " << t;
        EXPECT_TRUE(std::is_sorted(seqs[t].begin(), seqs[t].end()));
        all.insert(seqs[t].begin(), seqs[t].end());
        // One thread's events, committed in order, read back in order.
        auto const events = s->timeline("P" + std::to_string(t));
        ASSERT_EQ(events.size(), std::size_t{per_thread});
        for (int i = 0; i < per_thread; ++i)
            EXPECT_EQ(events[i].note, std::to_string(i));
        for (int i = 0; i < per_thread; ++i)
            EXPECT_TRUE(s->conversation("telegram-main", std::to_string(t) + "-" + std::to_string(i)));
    }
    EXPECT_EQ(all.size(), std::size_t{threads * per_thread});
    EXPECT_EQ(s->outbox_depth(), std::uint64_t{threads * per_thread});
    EXPECT_EQ(seqs_of(outbox_of(*s)), std::vector<std::uint64_t>(all.begin(), all.end()));
}

// Group commit: units written ahead of their sync while another thread syncs
// the WAL back to back (as the gateway's syncer does) are read at once, every
// sync succeeds, and all of them are kept.
TEST_P(conformance_test, concurrent_commits_of_one_dedupe_key_commit_once)
{
    constexpr int threads = 8;
    constexpr int keys = 200;
    auto s = open();
    std::atomic<int> committed{0};
    std::atomic<int> duplicates{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            for (int k = 0; k < keys; ++k) {
                auto const r = s->commit(message_unit("same:" + std::to_string(k)));
                if (r.status == commit_status::committed)
                    ++committed;
                else if (r.status == commit_status::duplicate)
                    ++duplicates;
            }
        });
    }
    for (auto& w : workers)
        w.join();
    EXPECT_EQ(committed.load(), keys);
    EXPECT_EQ(duplicates.load(), keys * (threads - 1));
    EXPECT_EQ(outbox_of(*s).size(), std::size_t{keys});
    EXPECT_EQ(s->outbox_depth(), std::uint64_t{keys});
}

// ---- staff threads ----

TEST_P(conformance_test, a_bound_thread_is_found_both_ways_per_chat_and_after_reopen)
{
    {
        auto s = open();
        EXPECT_FALSE(s->thread_of("staff-tg", "-1001", "7KQM-2X4D"));
        EXPECT_FALSE(s->petition_of_thread("staff-tg", "-1001", "12"));
        ASSERT_TRUE(s->bind_thread("staff-tg", "-1001", "12", "7KQM-2X4D"));
        // The same petition has its own thread in another chat, and on another channel.
        ASSERT_TRUE(s->bind_thread("staff-tg", "-1002", "99", "7KQM-2X4D"));
        ASSERT_TRUE(s->bind_thread("staff-slack", "C024BE91L", "1700000000.000100", "7KQM-2X4D"));
    }
    auto s = open();
    EXPECT_EQ(s->thread_of("staff-tg", "-1001", "7KQM-2X4D"), "12");
    EXPECT_EQ(s->thread_of("staff-tg", "-1002", "7KQM-2X4D"), "99");
    EXPECT_EQ(s->thread_of("staff-slack", "C024BE91L", "7KQM-2X4D"), "1700000000.000100");
    EXPECT_EQ(s->petition_of_thread("staff-tg", "-1001", "12"), "7KQM-2X4D");
    EXPECT_EQ(s->petition_of_thread("staff-tg", "-1002", "99"), "7KQM-2X4D");
    EXPECT_EQ(s->petition_of_thread("staff-slack", "C024BE91L", "1700000000.000100"), "7KQM-2X4D");
    EXPECT_FALSE(s->petition_of_thread("staff-tg", "-1001", "99"));
    EXPECT_FALSE(s->petition_of_thread("staff-tg", "-1002", "12"));
    EXPECT_FALSE(s->thread_of("staff-tg", "-1001", "8ABC-1234"));
    EXPECT_FALSE(s->thread_of("telegram-main", "-1001", "7KQM-2X4D"));
}
TEST_P(conformance_test, a_second_bind_replaces_the_mapping_and_its_stale_reverse_entry)
{
    auto s = open();
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "12", "P1"));
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P1"));  // the topic was recreated
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "13");
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "13"), "P1");
    EXPECT_FALSE(s->petition_of_thread("tg", "-1001", "12"));

    // Binding the same pair again changes nothing.
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P1"));
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "13");
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "13"), "P1");

    // A thread given to another petition leaves the first one without a thread.
    ASSERT_TRUE(s->bind_thread("tg", "-1001", "13", "P2"));
    EXPECT_EQ(s->petition_of_thread("tg", "-1001", "13"), "P2");
    EXPECT_EQ(s->thread_of("tg", "-1001", "P2"), "13");
    EXPECT_FALSE(s->thread_of("tg", "-1001", "P1"));
}
TEST_P(conformance_test, a_bind_with_an_empty_id_is_refused_and_writes_nothing)
{
    auto s = open();
    EXPECT_FALSE(s->bind_thread("", "-1001", "12", "P1"));
    EXPECT_FALSE(s->bind_thread("tg", "", "12", "P1"));
    EXPECT_FALSE(s->bind_thread("tg", "-1001", "", "P1"));
    EXPECT_FALSE(s->bind_thread("tg", "-1001", "12", ""));
    EXPECT_FALSE(s->thread_of("tg", "-1001", "P1"));
    EXPECT_FALSE(s->petition_of_thread("tg", "-1001", "12"));
}

// ---- petition lists ----

TEST_P(conformance_test, petitions_come_newest_first_up_to_the_limit)
{
    auto s = open();
    EXPECT_TRUE(s->petitions({}).empty());
    auto const all = numbered(5);
    commit_petitions(*s, {all[0], all[1], all[2]}, "a");
    commit_petitions(*s, {all[3], all[4]}, "b");

    auto const listed = s->petitions({});
    EXPECT_EQ(trackings(listed), (std::vector<std::string>{"P5", "P4", "P3", "P2", "P1"}));
    expect_same(all[4], listed[0]);

    petition_filter f;
    f.limit = 2;
    EXPECT_EQ(trackings(s->petitions(f)), (std::vector<std::string>{"P5", "P4"}));
    f.limit = 0;
    EXPECT_TRUE(s->petitions(f).empty());
}
TEST_P(conformance_test, petitions_filter_by_status_department_time_and_deadline)
{
    auto s = open();
    auto ps = numbered(6);
    ps[0].current = model::status::closed;       // P1
    ps[1].current = model::status::rejected;     // P2
    ps[2].current = model::status::in_progress;  // P3
    ps[2].department = "water";
    ps[3].current = model::status::answered;     // P4
    ps[4].current = model::status::in_progress;  // P5
    // P6 stays submitted
    commit_petitions(*s, ps, "all");

    struct case_ {
        char const* name;
        petition_filter filter;
        std::vector<std::string> expected;
    };
    auto const at = [](std::int64_t seconds) { return test::t0 + std::chrono::seconds{seconds}; };
    auto const with = [](auto set) {
        petition_filter f;
        set(f);
        return f;
    };
    case_ const cases[] = {
        {"status", with([](auto& f) { f.status = model::status::in_progress; }), {"P5", "P3"}},
        {"open only", with([](auto& f) { f.open_only = true; }), {"P6", "P5", "P4", "P3"}},
        {"department", with([](auto& f) { f.department = "water"; }), {"P3"}},
        {"status and department", with([](auto& f) {
             f.status = model::status::in_progress;
             f.department = "transport";
         }), {"P5"}},
        {"from is inclusive", with([&](auto& f) { f.from = at(5); }), {"P6", "P5"}},
        {"to is exclusive", with([&](auto& f) { f.to = at(2); }), {"P1"}},
        {"from and to", with([&](auto& f) {
             f.from = at(2);
             f.to = at(4);
         }), {"P3", "P2"}},
        {"nobody", with([](auto& f) { f.department = "parks"; }), {}},
        {"open, limited", with([](auto& f) {
             f.open_only = true;
             f.limit = 3;
         }), {"P6", "P5", "P4"}},
        // Past P6's response deadline (3 days after it came in), before anyone's answer deadline:
        // only the one still waiting to be accepted is overdue.
        {"overdue on acceptance", with([&](auto& f) { f.overdue_at = at(7) + std::chrono::days{3}; }), {"P6"}},
        // Past every answer deadline: whatever is not answered, closed or rejected.
        {"overdue on the answer", with([&](auto& f) { f.overdue_at = at(7) + std::chrono::days{15}; }),
         {"P6", "P5", "P3"}},
        {"not yet overdue", with([&](auto& f) { f.overdue_at = at(1); }), {}},
    };
    for (auto const& c : cases)
        EXPECT_EQ(trackings(s->petitions(c.filter)), c.expected) << c.name;
}
TEST_P(conformance_test, a_petition_stored_again_is_listed_once_with_its_latest_state)
{
    auto s = open();
    auto ps = numbered(2);
    commit_petitions(*s, ps, "a");
    ps[0].current = model::status::accepted;
    commit_petitions(*s, {ps[0]}, "b");
    // Stored again under a new number: listed once, where the new number puts it.
    ps[0].number = 9;
    commit_petitions(*s, {ps[0]}, "c");

    auto const listed = s->petitions({});
    ASSERT_EQ(trackings(listed), (std::vector<std::string>{"P1", "P2"}));
    EXPECT_EQ(listed[0].number, 9u);
    EXPECT_EQ(listed[0].current, model::status::accepted);
}

// The duplicate offer's question, asked on every filing: a category's open
// petitions, newest first. Closing, moving to another category or renumbering
// a petition moves it in or out of the answer.
TEST_P(conformance_test, a_categorys_open_petitions_come_newest_first_and_follow_each_change)
{
    auto s = open();
    auto ps = numbered(5);  // all "roads", in progress
    ps[1].category = "lights";  // P2
    ps[2].current = model::status::closed;  // P3
    commit_petitions(*s, ps, "all");
    auto const open_in = [&](std::string category, std::size_t limit = 100) {
        petition_filter f;
        f.open_only = true;
        f.category = std::move(category);
        f.limit = limit;
        return trackings(s->petitions(f));
    };
    using list = std::vector<std::string>;
    EXPECT_EQ(open_in("roads"), (list{"P5", "P4", "P1"}));
    EXPECT_EQ(open_in("roads", 2), (list{"P5", "P4"}));
    EXPECT_EQ(open_in("lights"), (list{"P2"}));
    EXPECT_EQ(open_in("parks"), list{});
    EXPECT_EQ(open_in("road"), list{}) << "a category is matched whole, not as a prefix";

    petition_filter any_roads;
    any_roads.category = "roads";
    EXPECT_EQ(trackings(s->petitions(any_roads)), (list{"P5", "P4", "P3", "P1"})) << "closed ones too";

    ps[3].current = model::status::rejected;  // P4 leaves
    ps[1].category = "roads";                 // P2 moves over
    ps[2].current = model::status::reopened;  // P3 comes back
    ps[0].number = 9;                          // P1 renumbered: newest
    commit_petitions(*s, {ps[0], ps[1], ps[2], ps[3]}, "changes");
    EXPECT_EQ(open_in("roads"), (list{"P1", "P5", "P3", "P2"}));
    EXPECT_EQ(open_in("lights"), list{});
    s.reset();
    s = open();
    EXPECT_EQ(open_in("roads"), (list{"P1", "P5", "P3", "P2"})) << "after reopening";
}

// ---- what several nodes rely on ----

TEST_P(conformance_test, a_conversation_changed_since_the_unit_read_it_is_a_conflict_and_writes_nothing)
{
    auto s = open();
    ASSERT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::committed);  // events 17

    auto stale = filing_unit("tg:2", 8, "8ABC-1234");  // read before tg:1 landed: no conversation then
    stale.conversation->events = 1;
    auto const r = s->commit(stale);
    EXPECT_EQ(r.status, commit_status::conflict);
    EXPECT_TRUE(r.queued.empty());
    EXPECT_FALSE(s->seen("tg:2"));  // so the unit may run again
    EXPECT_FALSE(s->petition("8ABC-1234"));
    EXPECT_EQ(outbox_of(*s).size(), 2u);
    EXPECT_EQ(s->conversation(stale.conversation->channel_id, stale.conversation->chat_id)->events, 17u);

    stale.conversation_read = 17;  // run again on what is stored now
    stale.conversation->events = 18;
    EXPECT_EQ(s->commit(stale).status, commit_status::committed);
    EXPECT_EQ(s->conversation(stale.conversation->channel_id, stale.conversation->chat_id)->events, 18u);
}

TEST_P(conformance_test, a_thread_alias_in_a_unit_leads_to_the_petition_which_keeps_its_own_thread)
{
    auto s = open();
    ASSERT_TRUE(s->bind_thread("staff-tg", "-1001", "12", "7KQM-2X4D"));
    unit_of_work w = message_unit("alias:1");
    w.thread_aliases.push_back({"staff-tg", "-1001", "13", "7KQM-2X4D"});
    ASSERT_EQ(s->commit(w).status, commit_status::committed);
    EXPECT_EQ(s->petition_of_thread("staff-tg", "-1001", "13"), "7KQM-2X4D");
    EXPECT_EQ(s->petition_of_thread("staff-tg", "-1001", "12"), "7KQM-2X4D");
    EXPECT_EQ(s->thread_of("staff-tg", "-1001", "7KQM-2X4D"), "12");
    EXPECT_FALSE(s->petition_of_thread("staff-tg", "-1002", "13"));  // per chat
}

TEST_P(conformance_test, a_claimed_entry_is_the_owners_until_its_lease_runs_out)
{
    auto a = open();
    std::unique_ptr<store> b_owned = several_nodes() ? open() : nullptr;
    store& b = b_owned ? *b_owned : *a;
    for (int i = 0; i < 3; ++i)
        ASSERT_EQ(a->commit(message_unit("k" + std::to_string(i))).status, commit_status::committed);
    std::chrono::milliseconds const lease{60'000};

    auto const mine = a->claim_outbox({"node-a", test::t0, lease, 0, 2});
    ASSERT_EQ(mine.size(), 2u);  // the limit, lowest seqs first
    EXPECT_LT(mine[0].seq, mine[1].seq);
    auto const theirs = b.claim_outbox({"node-b", test::t0, lease, 0, 10});
    ASSERT_EQ(theirs.size(), 1u);  // only the one node-a left
    EXPECT_GT(theirs[0].seq, mine[1].seq);

    // The owner renews its own; the other node waits for the lease to run out.
    EXPECT_EQ(seqs_of(a->claim_outbox({"node-a", test::t0 + lease / 2, lease, 0, 10})), seqs_of(mine));
    EXPECT_EQ(seqs_of(b.claim_outbox({"node-b", test::t0 + lease, lease, 0, 10})), seqs_of(theirs));
    auto const taken = b.claim_outbox({"node-b", test::t0 + lease + lease / 2, lease, 0, 10});
    EXPECT_EQ(seqs_of(taken), (std::vector<std::uint64_t>{mine[0].seq, mine[1].seq, theirs[0].seq}));

    // Paging by the last seq; delivered and dead entries are never claimed.
    ASSERT_TRUE(b.mark_delivered({mine[0].seq}));
    ASSERT_TRUE(b.mark_dead(taken[2], "permanent: 403 blocked"));
    auto const later = test::t0 + std::chrono::hours{1};
    EXPECT_EQ(seqs_of(a->claim_outbox({"node-a", later, lease, mine[0].seq, 10})),
              (std::vector<std::uint64_t>{mine[1].seq}));
}

TEST_P(conformance_test, entries_a_unit_queues_under_a_lease_are_the_committers)
{
    auto a = open();
    std::unique_ptr<store> b_owned = several_nodes() ? open() : nullptr;
    store& b = b_owned ? *b_owned : *a;
    std::chrono::milliseconds const lease{60'000};
    auto w = message_unit("k1");
    w.lease = outbox_lease{"node-a", test::t0 + lease};
    auto const r = a->commit(w);
    ASSERT_EQ(r.status, commit_status::committed);

    EXPECT_TRUE(b.claim_outbox({"node-b", test::t0, lease, 0, 10}).empty());
    EXPECT_EQ(seqs_of(a->claim_outbox({"node-a", test::t0 + lease / 2, lease, 0, 10})), seqs_of(r.queued));
    // node-a renewed it until t0 + 1.5 * lease.
    EXPECT_TRUE(b.claim_outbox({"node-b", test::t0 + lease, lease, 0, 10}).empty());
    EXPECT_EQ(b.claim_outbox({"node-b", test::t0 + lease + lease / 2, lease, 0, 10}).size(), 1u);
}

// Waits (bounded) for `done`; true when it came.
template <class Pred>
bool wait_for(std::mutex& m, std::condition_variable& cv, std::chrono::milliseconds bound, Pred done)
{
    std::unique_lock lock(m);
    return cv.wait_for(lock, bound, done);
}

TEST_P(conformance_test, a_held_lock_keeps_every_other_locker_of_the_name_out_until_released)
{
    auto a = open();
    std::unique_ptr<store> b_owned = several_nodes() ? open() : nullptr;
    store& b = b_owned ? *b_owned : *a;

    std::mutex m;
    std::condition_variable cv;
    bool trying = false;
    bool acquired = false;
    auto held = a->lock(lock_space::petition, {"7KQM-2X4D", "8ABC-1234"});
    std::thread other([&] {
        {
            std::lock_guard lock(m);
            trying = true;
        }
        cv.notify_all();
        auto mine = b.lock(lock_space::petition, {"8ABC-1234"});
        {
            std::lock_guard lock(m);
            acquired = true;
        }
        cv.notify_all();
    });
    ASSERT_TRUE(wait_for(m, cv, std::chrono::seconds{10}, [&] { return trying; }));
    // A lock that let it in would let it in now: give it the time to show that.
    EXPECT_FALSE(wait_for(m, cv, std::chrono::milliseconds{300}, [&] { return acquired; }));
    // Another space is another lock.
    EXPECT_TRUE(b.lock(lock_space::chain, {"8ABC-1234"}));
    held.reset();
    EXPECT_TRUE(wait_for(m, cv, std::chrono::seconds{10}, [&] { return acquired; }));
    other.join();
    EXPECT_TRUE(a->lock(lock_space::petition, {}));  // nothing to lock: at once
}

PG_STORAGE_BACKENDS(conformance_test);

}  // namespace
}  // namespace pg::storage
