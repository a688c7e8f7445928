// Personal data over time, in every backend: a petition's timeline erased
// in place within a unit, and retention forgetting old dedupe keys, idle
// conversations with their web chat history, and old audit entries.
#include "model/chain.hpp"

#include "backends.hpp"
#include "samples.hpp"

#include <gtest/gtest.h>

namespace pg::storage {
namespace {

using test::t0;
using namespace std::chrono_literals;

class retention_test : public test::backend_test {};
PG_STORAGE_BACKENDS(retention_test);

model::conversation conversation_of(std::string chat, model::timestamp updated)
{
    auto c = test::sample_conversation();
    c.channel_id = "web";
    c.chat_id = std::move(chat);
    c.updated_at = updated;
    return c;
}

unit_of_work chat_unit(std::string key, std::string chat, model::timestamp updated)
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.conversation = conversation_of(chat, updated);
    w.history.push_back({"web", chat, {0, updated, "citizen", R"({"text":"the street lamp is out"})"}});
    return w;
}

model::audit_entry audit_at(model::timestamp at)
{
    model::audit_entry a;
    a.at = at;
    a.who = "console:official";
    a.via = "console";
    a.method = "GET";
    a.resource = "/staff/console/api/petitions";
    a.status = 200;
    return a;
}

TEST_P(retention_test, an_erasing_unit_rewrites_the_stored_timeline_without_personal_parts_and_keeps_its_chain)
{
    auto s = open();
    std::vector<model::timeline_event> written;
    for (auto const* note : {"submitted", "the lamp by number 12 is out", "crew sent"}) {
        auto e = test::sample_event(note, t0 + std::chrono::minutes(written.size()));
        e.actor = written.empty() ? model::actor_kind::citizen : model::actor_kind::staff;
        std::optional<model::timestamp> last_at;
        if (!written.empty())
            last_at = written.back().at;
        model::seal("7KQM-2X4D", model::chain_head("7KQM-2X4D", written), last_at, {&e});
        written.push_back(e);
        unit_of_work w;
        w.dedupe_key = std::string("step:") + note;
        w.petitions.push_back(test::sample_petition());
        w.timeline.emplace_back("7KQM-2X4D", e);
        ASSERT_EQ(s->commit(w).status, commit_status::committed);
    }
    auto const head = model::chain_head("7KQM-2X4D", s->timeline("7KQM-2X4D"));

    unit_of_work erase;
    erase.dedupe_key = "erase:7KQM-2X4D";
    erase.petitions.push_back(model::without_personal_data(test::sample_petition(), t0 + 1h));
    erase.erased_timelines.push_back("7KQM-2X4D");
    auto why = test::sample_event("the citizen's request of 5 December", t0 + 1h);
    why.kind = model::entry_kind::erasure;
    erase.timeline.emplace_back("7KQM-2X4D", why);
    ASSERT_EQ(s->commit(erase).status, commit_status::committed);
    s.reset();
    s = open();  // and it stays so

    auto const t = s->timeline("7KQM-2X4D");
    ASSERT_EQ(t.size(), 4u);
    for (std::size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(t[i].note, "") << i;
        EXPECT_EQ(t[i].erased_content, model::content_digest(written[i])) << i;
        EXPECT_EQ(t[i].digest, written[i].digest) << i;
    }
    EXPECT_EQ(t[0].actor_id, "");  // the citizen's
    EXPECT_EQ(t[1].actor_id, written[1].actor_id);
    EXPECT_EQ(t[3].note, "the citizen's request of 5 December");  // the erasure's own entry, appended after
    std::vector<model::timeline_event> const sealed(t.begin(), t.begin() + 3);
    auto const check = model::verify_chain("7KQM-2X4D", sealed);
    EXPECT_FALSE(check.broken_at) << check.reason;
    EXPECT_EQ(check.head, head);

    auto const p = s->petition("7KQM-2X4D");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->description, "");
    EXPECT_EQ(p->location_text, "");
    EXPECT_FALSE(p->location);
    EXPECT_TRUE(p->photo_ids.empty());
    EXPECT_EQ(p->chat_id, "");
    EXPECT_EQ(p->user_id, "");
    ASSERT_TRUE(p->erased_at);
    EXPECT_EQ(*p->erased_at, t0 + 1h);
    EXPECT_EQ(p->category, test::sample_petition().category);  // what the figures need stays
    EXPECT_EQ(p->submitted_at, test::sample_petition().submitted_at);
}

TEST_P(retention_test, dedupe_keys_are_forgotten_only_past_their_cutoff)
{
    auto s = open();
    ASSERT_EQ(s->commit(chat_unit("tg:1", "a", t0)).status, commit_status::committed);
    // Dedupe keys carry the wall-clock time of their commit.
    auto const now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
    EXPECT_EQ(s->forget({now - 1h, {}, {}}).dedupe_keys, 0u);
    EXPECT_TRUE(s->seen("tg:1"));
    auto const gone = s->forget({now + 1h, {}, {}});
    EXPECT_EQ(gone.dedupe_keys, 1u);
    EXPECT_EQ(gone.conversations, 0u);
    EXPECT_FALSE(s->seen("tg:1"));
    EXPECT_TRUE(s->conversation("web", "a"));  // nothing else went
}

TEST_P(retention_test, idle_conversations_go_with_their_history_and_active_ones_stay)
{
    auto s = open();
    ASSERT_EQ(s->commit(chat_unit("1", "idle", t0)).status, commit_status::committed);
    ASSERT_EQ(s->commit(chat_unit("2", "idle-other", t0)).status, commit_status::committed);
    ASSERT_EQ(s->commit(chat_unit("3", "active", t0 + 48h)).status, commit_status::committed);
    ASSERT_EQ(s->commit(chat_unit("4", "idle2", t0 + 1h)).status, commit_status::committed);

    auto const gone = s->forget({{}, t0 + 24h, {}});
    EXPECT_EQ(gone.conversations, 3u);
    EXPECT_EQ(gone.history_entries, 3u);
    EXPECT_EQ(gone.dedupe_keys, 0u);
    for (auto const* chat : {"idle", "idle-other", "idle2"}) {
        EXPECT_FALSE(s->conversation("web", chat)) << chat;
        EXPECT_TRUE(s->history("web", chat, 0, 100).empty()) << chat;
    }
    EXPECT_TRUE(s->conversation("web", "active"));
    EXPECT_EQ(s->history("web", "active", 0, 100).size(), 1u);
    EXPECT_TRUE(s->seen("1"));
}

TEST_P(retention_test, audit_entries_older_than_the_cutoff_are_forgotten)
{
    auto s = open();
    for (auto at : {t0, t0 + 1h, t0 + 2h, t0 + 30h})
        ASSERT_TRUE(s->record_audit(audit_at(at)));
    EXPECT_EQ(s->forget({{}, {}, t0 + 2h}).audit_entries, 2u);
    auto const left = s->audit({});
    ASSERT_EQ(left.size(), 2u);
    EXPECT_EQ(left[0].at, t0 + 30h);
    EXPECT_EQ(left[1].at, t0 + 2h);
    EXPECT_EQ(s->forget({}).audit_entries, 0u);  // no cutoff: all kept
    EXPECT_EQ(s->audit({}).size(), 2u);
}

}  // namespace
}  // namespace pg::storage
