#include "storage/rocks_store.hpp"  // first: proves the header stands alone

#include "samples.hpp"

#include <gtest/gtest.h>

#include <algorithm>
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
