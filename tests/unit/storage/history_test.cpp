// Web chat history, in every backend: seqs per conversation, appends in the
// unit of work, local delivery from the outbox, and what survives a reopen.
#include "storage/codec.hpp"

#include "backends.hpp"
#include "samples.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace pg::storage {
namespace {

using test::t0;

history_append entry(std::string chat, std::string from, std::string frame, model::timestamp at = t0)
{
    return {"web", std::move(chat), {0, at, std::move(from), std::move(frame)}};
}

// A citizen's message: the dialog's reply queued, the citizen's line appended.
unit_of_work citizen_unit(std::string key, std::string chat, std::string frame)
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    auto reply = test::sample_message("reply");
    reply.channel_id = "web";
    reply.chat_id = chat;
    w.outbox.push_back(reply);
    w.history.push_back(entry(std::move(chat), "citizen", std::move(frame)));
    return w;
}

std::vector<std::uint64_t> seqs(std::vector<history_entry> const& entries)
{
    std::vector<std::uint64_t> out;
    for (auto const& e : entries)
        out.push_back(e.seq);
    return out;
}

class history_test : public test::backend_test {};
PG_STORAGE_BACKENDS(history_test);

TEST_P(history_test, an_unknown_conversation_has_no_history)
{
    auto s = open();
    EXPECT_TRUE(s->history("web", "nobody", 0, 100).empty());
}

TEST_P(history_test, citizen_entries_commit_with_the_unit_and_number_from_one_per_conversation)
{
    auto s = open();
    ASSERT_EQ(s->commit(citizen_unit("k1", "a", R"({"kind":"text","text":"你好 👋"})")).status, commit_status::committed);
    ASSERT_EQ(s->commit(citizen_unit("k2", "b", R"({"kind":"text","text":"b1"})")).status, commit_status::committed);
    ASSERT_EQ(s->commit(citizen_unit("k3", "a", R"({"kind":"text","text":"a2"})")).status, commit_status::committed);

    auto const a = s->history("web", "a", 0, 100);
    ASSERT_EQ(seqs(a), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(a[0].from, "citizen");
    EXPECT_EQ(a[0].frame, R"({"kind":"text","text":"你好 👋"})");
    EXPECT_EQ(a[0].at, t0);
    EXPECT_EQ(seqs(s->history("web", "b", 0, 100)), (std::vector<std::uint64_t>{1}));
    // A conversation whose id extends another's is not part of it.
    EXPECT_TRUE(s->history("web", "", 0, 100).empty());
    EXPECT_TRUE(s->history("other", "a", 0, 100).empty());

    // A duplicate unit appends nothing.
    EXPECT_EQ(s->commit(citizen_unit("k1", "a", R"({"kind":"text","text":"again"})")).status,
              commit_status::duplicate);
    EXPECT_EQ(s->history("web", "a", 0, 100).size(), 2u);
}

TEST_P(history_test, after_and_limit_page_through_the_entries)
{
    auto s = open();
    for (int i = 1; i <= 5; ++i)
        ASSERT_EQ(s->commit(citizen_unit("k" + std::to_string(i), "a", std::to_string(i))).status,
                  commit_status::committed);
    EXPECT_EQ(seqs(s->history("web", "a", 2, 100)), (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(seqs(s->history("web", "a", 1, 2)), (std::vector<std::uint64_t>{2, 3}));
    EXPECT_TRUE(s->history("web", "a", 5, 100).empty());
    EXPECT_TRUE(s->history("web", "a", std::numeric_limits<std::uint64_t>::max(), 100).empty());
    EXPECT_TRUE(s->history("web", "a", 0, 0).empty());
}

TEST_P(history_test, local_delivery_appends_once_and_empties_the_outbox_entry)
{
    auto s = open();
    auto const committed = s->commit(citizen_unit("k1", "a", "citizen"));
    ASSERT_EQ(committed.queued.size(), 1u);
    auto const seq = committed.queued[0].seq;
    EXPECT_EQ(s->outbox_depth(), 1u);

    EXPECT_EQ(s->deliver_to_history(seq, entry("a", "gateway", "reply")), local_delivery::appended);
    EXPECT_EQ(s->outbox_depth(), 0u);
    EXPECT_TRUE(test::outbox_of(*s).empty());
    // The dispatcher delivering the same entry again (a retry, a restart that
    // replays it) does not double the bubble.
    EXPECT_EQ(s->deliver_to_history(seq, entry("a", "gateway", "reply")), local_delivery::already_delivered);
    EXPECT_EQ(s->deliver_to_history(seq + 100, entry("a", "gateway", "never queued")),
              local_delivery::already_delivered);
    auto const h = s->history("web", "a", 0, 100);
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[1].seq, 2u);
    EXPECT_EQ(h[1].from, "gateway");
    EXPECT_EQ(h[1].frame, "reply");
    EXPECT_EQ(s->outbox_depth(), 0u);
}

TEST_P(history_test, history_and_undelivered_replies_survive_a_reopen)
{
    std::uint64_t pending = 0;
    {
        auto s = open();
        auto const first = s->commit(citizen_unit("k1", "a", "one"));
        ASSERT_EQ(s->deliver_to_history(first.queued[0].seq, entry("a", "gateway", "reply one")),
                  local_delivery::appended);
        pending = s->commit(citizen_unit("k2", "a", "two")).queued.at(0).seq;
    }
    auto s = open();
    ASSERT_EQ(test::outbox_of(*s).size(), 1u);
    EXPECT_EQ(test::outbox_of(*s)[0].seq, pending);
    EXPECT_EQ(s->deliver_to_history(pending, entry("a", "gateway", "reply two")), local_delivery::appended);
    auto const h = s->history("web", "a", 0, 100);
    ASSERT_EQ(seqs(h), (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(h[0].frame, "one");
    EXPECT_EQ(h[1].frame, "reply one");
    EXPECT_EQ(h[2].frame, "two");
    EXPECT_EQ(h[3].frame, "reply two");
}

TEST_P(history_test, concurrent_writers_of_one_conversation_never_share_a_seq)
{
    auto s = open();
    std::vector<std::uint64_t> queued;
    for (int i = 0; i < 40; ++i)
        queued.push_back(s->commit(citizen_unit("q" + std::to_string(i), "a", "c")).queued.at(0).seq);
    // Citizen units and deliveries at once, as lanes and the dispatcher do.
    std::thread citizens([&] {
        for (int i = 0; i < 40; ++i)
            s->commit(citizen_unit("c" + std::to_string(i), "a", "c"));
    });
    std::thread deliveries([&] {
        for (auto seq : queued)
            s->deliver_to_history(seq, entry("a", "gateway", "g"));
    });
    citizens.join();
    deliveries.join();
    auto const h = s->history("web", "a", 0, 1000);
    ASSERT_EQ(h.size(), 120u);
    for (std::size_t i = 0; i < h.size(); ++i)
        EXPECT_EQ(h[i].seq, i + 1);
}

TEST(history_codec, round_trips_and_refuses_garbage)
{
    history_entry const e{9, t0, "gateway", R"({"kind":"text","text":"<b>已受理</b> \"ok\""})"};
    auto const back = decode_history_entry(encode(e), 9);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->seq, 9u);
    EXPECT_EQ(back->at, e.at);
    EXPECT_EQ(back->from, e.from);
    EXPECT_EQ(back->frame, e.frame);
    EXPECT_FALSE(decode_history_entry("not json", 1));
    EXPECT_FALSE(decode_history_entry(R"({"v":2,"from":"x"})", 1));
    EXPECT_FALSE(decode_history_entry(R"({"v":1,"from":3})", 1));
}


// Issue 15: a flooded conversation stays the size it is allowed.
TEST_P(history_test, a_bounded_history_keeps_the_newest_entries_of_each_conversation)
{
    auto bounded = [&] { return open(3); };
    {
        auto s = bounded();
        for (int i = 1; i <= 5; ++i)
            ASSERT_EQ(s->commit(citizen_unit("k" + std::to_string(i), "a", std::to_string(i))).status,
                      commit_status::committed);
        ASSERT_EQ(s->commit(citizen_unit("kb", "b", "b1")).status, commit_status::committed);
        auto const a = s->history("web", "a", 0, 100);
        EXPECT_EQ(seqs(a), (std::vector<std::uint64_t>{3, 4, 5}));
        EXPECT_EQ(a.front().frame, "3");
        EXPECT_EQ(seqs(s->history("web", "b", 0, 100)), (std::vector<std::uint64_t>{1}));
        // Local delivery appends under the same bound.
        auto const queued = test::outbox_of(*s);
        ASSERT_FALSE(queued.empty());
        EXPECT_EQ(s->deliver_to_history(queued.front().seq, entry("a", "gateway", "reply")), local_delivery::appended);
        EXPECT_EQ(seqs(s->history("web", "a", 0, 100)), (std::vector<std::uint64_t>{4, 5, 6}));
    }
    // Numbering goes on after a reopen; the bound still holds.
    auto s = bounded();
    ASSERT_EQ(s->commit(citizen_unit("k6", "a", "7")).status, commit_status::committed);
    EXPECT_EQ(seqs(s->history("web", "a", 0, 100)), (std::vector<std::uint64_t>{5, 6, 7}));
}

}  // namespace
}  // namespace pg::storage
