#include "storage/rocks_store.hpp"  // first: proves the header stands alone

#include "samples.hpp"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

namespace pg::storage {
namespace {

using test::expect_same;

class rocks_store_test : public testing::Test {
protected:
    std::unique_ptr<rocks_store> open(bool sync = true)
    {
        return std::make_unique<rocks_store>(rocks_options{dir_.path().string(), sync, true});
    }

    test::temp_dir dir_;
};

// A unit that files a petition: conversation, petition, timeline and two messages.
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

TEST_F(rocks_store_test, a_new_store_is_empty)
{
    auto s = open();
    EXPECT_FALSE(s->conversation("telegram-main", "1"));
    EXPECT_FALSE(s->petition("7KQM-2X4D"));
    EXPECT_TRUE(s->timeline("7KQM-2X4D").empty());
    EXPECT_TRUE(s->pending_outbox().empty());
    EXPECT_TRUE(s->dead_letters(10).empty());
    EXPECT_EQ(s->outbox_depth(), 0u);
    EXPECT_EQ(s->next_petition_number(), 1u);
    EXPECT_FALSE(s->seen("tg:1"));
}

TEST_F(rocks_store_test, commit_round_trips_every_field)
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
    auto const pending = s->pending_outbox();
    ASSERT_EQ(pending.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i)
        expect_same(r.queued[i], pending[i]);
    EXPECT_EQ(s->outbox_depth(), 2u);
    EXPECT_TRUE(s->seen("tg:1"));
    EXPECT_EQ(s->decode_failures(), 0u);
    EXPECT_EQ(s->read_errors(), 0u);
}

TEST_F(rocks_store_test, a_later_commit_replaces_conversation_and_petition)
{
    auto s = open();
    ASSERT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::committed);

    unit_of_work w;
    w.dedupe_key = "tg:2";
    w.conversation = test::sample_conversation();
    w.conversation->step = model::dialog_step::menu;
    w.conversation->draft = {};
    auto p = test::sample_petition(7, "7KQM-2X4D");
    p.current = model::status::answered;
    w.petitions.push_back(p);
    ASSERT_EQ(s->commit(w).status, commit_status::committed);

    expect_same(*w.conversation, *s->conversation(w.conversation->channel_id, w.conversation->chat_id));
    expect_same(p, *s->petition("7KQM-2X4D"));
}

TEST_F(rocks_store_test, a_duplicate_dedupe_key_writes_nothing)
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
    EXPECT_EQ(s->pending_outbox().size(), 2u);
    EXPECT_EQ(s->outbox_depth(), 2u);
}

TEST_F(rocks_store_test, an_empty_dedupe_key_fails_and_writes_nothing)
{
    auto s = open();
    auto const r = s->commit(filing_unit("", 7, "7KQM-2X4D"));
    EXPECT_EQ(r.status, commit_status::failed);
    EXPECT_NE(r.error.find("dedupe key"), std::string::npos) << r.error;
    EXPECT_TRUE(r.queued.empty());
    EXPECT_FALSE(s->conversation("telegram-main", "-100123456789"));
    EXPECT_FALSE(s->petition("7KQM-2X4D"));
    EXPECT_TRUE(s->timeline("7KQM-2X4D").empty());
    EXPECT_TRUE(s->pending_outbox().empty());
    EXPECT_EQ(s->outbox_depth(), 0u);
}

TEST_F(rocks_store_test, timeline_is_ordered_by_time_then_insertion_across_reopen)
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

TEST_F(rocks_store_test, reopen_keeps_conversation_petition_timeline_and_outbox)
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
    auto const pending = s->pending_outbox();
    ASSERT_EQ(pending.size(), queued.size());
    for (std::size_t i = 0; i < pending.size(); ++i)
        expect_same(queued[i], pending[i]);
    EXPECT_EQ(s->outbox_depth(), 2u);
    EXPECT_TRUE(s->seen("tg:1"));
    EXPECT_EQ(s->commit(w).status, commit_status::duplicate);
    // What the outbox held at the open can be marked delivered, and counts.
    EXPECT_TRUE(s->mark_delivered({pending[1].seq}));
    EXPECT_EQ(s->outbox_depth(), 1u);
    ASSERT_EQ(s->pending_outbox().size(), 1u);
    EXPECT_EQ(s->pending_outbox()[0].seq, pending[0].seq);
}

TEST_F(rocks_store_test, an_unsynced_store_keeps_everything_after_a_clean_close)
{
    {
        auto s = open(false);
        ASSERT_EQ(s->commit(filing_unit("tg:1", 7, "7KQM-2X4D")).status, commit_status::committed);
        EXPECT_TRUE(s->flush());
    }
    auto s = open(false);
    EXPECT_TRUE(s->petition("7KQM-2X4D"));
    EXPECT_EQ(s->outbox_depth(), 2u);
}

TEST_F(rocks_store_test, petition_numbers_never_repeat_a_committed_number_across_reopen)
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

TEST_F(rocks_store_test, a_committed_number_from_elsewhere_is_not_handed_out_later)
{
    auto s = open();
    ASSERT_EQ(s->commit(filing_unit("tg:1", 50, "T-50")).status, commit_status::committed);
    EXPECT_GT(s->next_petition_number(), 50u);
}

TEST_F(rocks_store_test, outbox_seqs_keep_growing_across_reopen_after_everything_was_delivered)
{
    std::uint64_t last = 0;
    {
        auto s = open();
        for (int i = 0; i < 3; ++i) {
            auto r = s->commit(message_unit("k" + std::to_string(i)));
            ASSERT_EQ(r.status, commit_status::committed);
            last = r.queued.back().seq;
        }
        ASSERT_TRUE(s->mark_delivered(seqs_of(s->pending_outbox())));
        EXPECT_EQ(s->outbox_depth(), 0u);
    }
    auto s = open();
    EXPECT_TRUE(s->pending_outbox().empty());
    auto r = s->commit(message_unit("k-after"));
    ASSERT_EQ(r.status, commit_status::committed);
    EXPECT_GT(r.queued[0].seq, last);
}

TEST_F(rocks_store_test, outbox_seqs_keep_growing_across_reopen_after_a_dead_letter)
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

TEST_F(rocks_store_test, mark_delivered_removes_entries_and_counts_each_once)
{
    auto s = open();
    auto const r = s->commit(filing_unit("tg:1", 7, "7KQM-2X4D"));
    ASSERT_EQ(r.status, commit_status::committed);
    ASSERT_EQ(s->outbox_depth(), 2u);

    EXPECT_TRUE(s->mark_delivered({r.queued[0].seq}));
    EXPECT_EQ(s->outbox_depth(), 1u);
    auto const pending = s->pending_outbox();
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].seq, r.queued[1].seq);

    // Marking again, or a seq never queued, changes nothing.
    EXPECT_TRUE(s->mark_delivered({r.queued[0].seq, 999'999}));
    EXPECT_TRUE(s->mark_delivered({}));
    EXPECT_EQ(s->outbox_depth(), 1u);

    // A seq named twice in one call counts once.
    EXPECT_TRUE(s->mark_delivered({r.queued[1].seq, r.queued[1].seq}));
    EXPECT_EQ(s->outbox_depth(), 0u);
    EXPECT_TRUE(s->pending_outbox().empty());
}

TEST_F(rocks_store_test, mark_dead_moves_the_entry_with_its_reason_newest_first)
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
        EXPECT_TRUE(s->pending_outbox().empty());
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

TEST_F(rocks_store_test, outbox_depth_follows_commits_deliveries_dead_letters_and_reopen)
{
    {
        auto s = open();
        for (int i = 0; i < 5; ++i)
            ASSERT_EQ(s->commit(message_unit("k" + std::to_string(i))).status, commit_status::committed);
        EXPECT_EQ(s->outbox_depth(), 5u);
        auto const pending = s->pending_outbox();
        EXPECT_TRUE(s->mark_delivered({pending[0].seq, pending[1].seq}));
        EXPECT_TRUE(s->mark_dead(pending[2], "permanent"));
        EXPECT_EQ(s->outbox_depth(), 2u);
    }
    auto s = open();
    EXPECT_EQ(s->outbox_depth(), 2u);
}

TEST_F(rocks_store_test, concurrent_commits_all_land)
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
    EXPECT_EQ(seqs_of(s->pending_outbox()), std::vector<std::uint64_t>(all.begin(), all.end()));
}

// Group commit: units written ahead of their sync while another thread syncs
// the WAL back to back (as the gateway's syncer does) are read at once, every
// sync succeeds, and all of them are kept.
TEST_F(rocks_store_test, units_written_ahead_of_their_sync_are_read_at_once_and_kept)
{
    auto s = open(true);
    std::atomic<bool> writing{true};
    std::atomic<int> syncs{0};
    std::atomic<int> failed_syncs{0};
    std::thread syncer([&] {
        while (writing)
            ++(s->sync_wal() ? syncs : failed_syncs);
    });
    constexpr int threads = 4;
    constexpr int per_thread = 100;
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; ++t)
        writers.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                auto const key = "ahead-" + std::to_string(t) + "-" + std::to_string(i);
                unit_of_work w = message_unit(key);
                w.conversation = test::sample_conversation();
                w.conversation->chat_id = key;
                auto const r = s->commit(w, durability::on_sync);
                EXPECT_EQ(r.status, commit_status::committed) << r.error;
                EXPECT_TRUE(s->seen(key));
                EXPECT_TRUE(s->conversation("telegram-main", key));
            }
        });
    for (auto& w : writers)
        w.join();
    writing = false;
    syncer.join();
    EXPECT_GT(syncs.load(), 0);
    EXPECT_EQ(failed_syncs.load(), 0);
    EXPECT_TRUE(s->sync_wal());

    s.reset();
    s = open(true);
    for (int t = 0; t < threads; ++t)
        for (int i = 0; i < per_thread; ++i)
            EXPECT_TRUE(s->seen("ahead-" + std::to_string(t) + "-" + std::to_string(i)));
}

TEST_F(rocks_store_test, concurrent_commits_of_one_dedupe_key_commit_once)
{
    constexpr int threads = 8;
    constexpr int keys = 200;
    auto s = open(false);
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
    EXPECT_EQ(s->pending_outbox().size(), std::size_t{keys});
    EXPECT_EQ(s->outbox_depth(), std::uint64_t{keys});
}

// ---- staff threads ----

TEST_F(rocks_store_test, a_bound_thread_is_found_both_ways_per_chat_and_after_reopen)
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

TEST_F(rocks_store_test, a_second_bind_replaces_the_mapping_and_its_stale_reverse_entry)
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
    EXPECT_EQ(s->read_errors(), 0u);
}

TEST_F(rocks_store_test, a_bind_with_an_empty_id_is_refused_and_writes_nothing)
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

// Petitions numbered 1..n, one second apart, submitted but not yet accepted.
std::vector<model::petition> numbered(std::size_t n)
{
    std::vector<model::petition> out;
    for (std::size_t i = 1; i <= n; ++i) {
        auto p = test::sample_petition(i, "P" + std::to_string(i));
        p.current = model::status::submitted;
        p.department = "transport";
        p.submitted_at = test::t0 + std::chrono::seconds{i};
        p.response_due_at = p.submitted_at + std::chrono::days{3};
        p.deadline_at = p.submitted_at + std::chrono::days{15};
        out.push_back(std::move(p));
    }
    return out;
}

void commit_petitions(store& s, std::vector<model::petition> const& ps, std::string const& key)
{
    unit_of_work w;
    w.dedupe_key = key;
    w.petitions = ps;
    ASSERT_EQ(s.commit(w).status, commit_status::committed);
}

std::vector<std::string> trackings(std::vector<model::petition> const& ps)
{
    std::vector<std::string> out;
    for (auto const& p : ps)
        out.push_back(p.tracking);
    return out;
}

TEST_F(rocks_store_test, petitions_come_newest_first_up_to_the_limit)
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

TEST_F(rocks_store_test, petitions_filter_by_status_department_time_and_deadline)
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

TEST_F(rocks_store_test, a_petition_stored_again_is_listed_once_with_its_latest_state)
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

// ---- backups ----

TEST_F(rocks_store_test, a_backup_opens_as_a_store_with_everything_committed_before_it)
{
    auto const copy = (dir_.path() / "backup").string();
    auto const db = (dir_.path() / "db").string();
    std::vector<model::outbox_entry> queued;
    {
        rocks_store s(rocks_options{db, false, true});  // unsynced: the backup must still see every commit
        auto r = s.commit(filing_unit("tg:1", 7, "7KQM-2X4D"));
        ASSERT_EQ(r.status, commit_status::committed);
        queued = r.queued;
        ASSERT_TRUE(s.bind_thread("staff-tg", "-1001", "12", "7KQM-2X4D"));
        ASSERT_TRUE(s.mark_delivered({queued[0].seq}));

        std::string error = "left over";
        ASSERT_TRUE(s.backup(copy, error)) << error;
        EXPECT_EQ(error, "");

        // After the backup: in the store, not in the copy.
        ASSERT_EQ(s.commit(filing_unit("tg:2", 8, "8ABC-1234")).status, commit_status::committed);
        EXPECT_TRUE(s.petition("8ABC-1234"));
    }
    rocks_store b(rocks_options{copy, true, false});
    auto const w = filing_unit("tg:1", 7, "7KQM-2X4D");
    expect_same(w.petitions[0], *b.petition("7KQM-2X4D"));
    expect_same(*w.conversation, *b.conversation(w.conversation->channel_id, w.conversation->chat_id));
    EXPECT_EQ(b.timeline("7KQM-2X4D").size(), 1u);
    EXPECT_EQ(b.thread_of("staff-tg", "-1001", "7KQM-2X4D"), "12");
    auto const pending = b.pending_outbox();
    ASSERT_EQ(pending.size(), 1u);
    expect_same(queued[1], pending[0]);
    EXPECT_EQ(b.outbox_depth(), 1u);
    EXPECT_TRUE(b.seen("tg:1"));
    EXPECT_FALSE(b.seen("tg:2"));
    EXPECT_FALSE(b.petition("8ABC-1234"));
    EXPECT_GT(b.next_petition_number(), 7u);
    EXPECT_EQ(b.decode_failures(), 0u);
}

TEST_F(rocks_store_test, a_backup_taken_while_commits_run_holds_every_commit_that_returned_before_it)
{
    auto const s = std::make_unique<rocks_store>(rocks_options{(dir_.path() / "db").string(), false, true});
    constexpr int before = 50;
    for (int i = 0; i < before; ++i)
        ASSERT_EQ(s->commit(message_unit("before:" + std::to_string(i))).status, commit_status::committed);

    std::atomic<bool> stop{false};
    std::atomic<int> during{0};
    std::thread writer([&] {
        for (int i = 0; !stop.load(); ++i) {
            if (s->commit(message_unit("during:" + std::to_string(i))).status == commit_status::committed)
                ++during;
        }
    });
    auto const copy = (dir_.path() / "backup").string();
    std::string error;
    bool const ok = s->backup(copy, error);
    stop = true;
    writer.join();
    ASSERT_TRUE(ok) << error;

    auto const b = std::make_unique<rocks_store>(rocks_options{copy, true, false});
    for (int i = 0; i < before; ++i)
        EXPECT_TRUE(b->seen("before:" + std::to_string(i))) << i;
    // The copy is consistent: each unit in it is whole, its dedupe key and message together.
    auto const in_copy = b->pending_outbox().size();
    EXPECT_GE(in_copy, std::size_t{before});
    EXPECT_LE(in_copy, std::size_t{before} + static_cast<std::size_t>(during.load()));
    EXPECT_EQ(b->outbox_depth(), in_copy);
    std::size_t seen_during = 0;
    for (int i = 0; i < during.load(); ++i)
        seen_during += b->seen("during:" + std::to_string(i)) ? 1 : 0;
    EXPECT_EQ(in_copy, before + seen_during);
}

TEST_F(rocks_store_test, a_backup_into_an_existing_or_unreachable_dir_fails_naming_it)
{
    auto s = open();
    ASSERT_EQ(s->commit(message_unit("k")).status, commit_status::committed);

    std::string error;
    auto const existing = dir_.path().string();  // the store's own directory
    EXPECT_FALSE(s->backup(existing, error));
    EXPECT_EQ(error.rfind(existing + ": checkpoint: ", 0), 0u) << error;
    EXPECT_NE(error.find("Directory exists"), std::string::npos) << "no RocksDB status: " << error;

    auto const unreachable = (dir_.path() / "no" / "such" / "parent").string();
    EXPECT_FALSE(s->backup(unreachable, error));
    EXPECT_EQ(error.rfind(unreachable + ": checkpoint: ", 0), 0u) << error;
    EXPECT_FALSE(std::filesystem::exists(unreachable));

    // The store goes on serving.
    EXPECT_EQ(s->commit(message_unit("k2")).status, commit_status::committed);
}

// ---- upgrades ----

TEST_F(rocks_store_test, a_database_from_before_the_threads_family_opens_and_gains_it)
{
    // The families the first release created, and one record in them, written
    // with RocksDB directly.
    {
        rocksdb::DBOptions o;
        o.create_if_missing = true;
        o.create_missing_column_families = true;
        std::vector<rocksdb::ColumnFamilyDescriptor> families;
        for (auto const* name : {"default", "dedupe", "conversations", "petitions", "petition_numbers", "timeline",
                                 "outbox", "dead_letters"})
            families.emplace_back(name, rocksdb::ColumnFamilyOptions{});
        std::vector<rocksdb::ColumnFamilyHandle*> handles;
        rocksdb::DB* raw = nullptr;
        ASSERT_TRUE(rocksdb::DB::Open(o, dir_.path().string(), families, &handles, &raw).ok());
        std::unique_ptr<rocksdb::DB> db(raw);
        ASSERT_TRUE(db->Put({}, handles[0], "format", "1").ok());
        ASSERT_TRUE(db->Put({}, handles[1], "tg:old", std::string(8, '\0')).ok());
        for (auto* h : handles)
            ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
        ASSERT_TRUE(db->Close().ok());
    }
    {
        auto s = open();
        EXPECT_TRUE(s->seen("tg:old"));
        ASSERT_TRUE(s->bind_thread("tg", "-1001", "12", "P1"));
        EXPECT_EQ(s->petition_of_thread("tg", "-1001", "12"), "P1");
    }
    auto s = open();
    EXPECT_EQ(s->thread_of("tg", "-1001", "P1"), "12");
    EXPECT_TRUE(s->seen("tg:old"));
}

TEST_F(rocks_store_test, open_without_create_refuses_a_missing_store_naming_the_path)
{
    auto const missing = (dir_.path() / "missing").string();
    try {
        rocks_store s(rocks_options{missing, true, false});
        FAIL() << "opened a store that does not exist";
    } catch (storage_error const& e) {
        EXPECT_EQ(std::string(e.what()).rfind(missing + ": open: ", 0), 0u) << e.what();
    }
}

TEST_F(rocks_store_test, a_second_open_of_the_same_path_is_refused)
{
    auto s = open();
    EXPECT_THROW(open(), storage_error);
    EXPECT_TRUE(s->commit(message_unit("still-works")).status == commit_status::committed);
}

TEST_F(rocks_store_test, the_factory_returns_a_working_store)
{
    auto s = open_rocks_store(rocks_options{dir_.path().string()});
    EXPECT_EQ(s->commit(message_unit("k")).status, commit_status::committed);
    EXPECT_EQ(s->outbox_depth(), 1u);
}

}  // namespace
}  // namespace pg::storage
