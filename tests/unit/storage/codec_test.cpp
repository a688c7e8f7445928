#include "storage/codec.hpp"  // first: proves the header stands alone

#include "samples.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace pg::storage {
namespace {

using test::expect_same;

TEST(codec_conversation, round_trips_every_field)
{
    auto const c = test::sample_conversation();
    auto const back = decode_conversation(encode(c));
    ASSERT_TRUE(back);
    expect_same(c, *back);
}

TEST(codec_conversation, round_trips_a_default_conversation)
{
    model::conversation const c;
    auto const back = decode_conversation(encode(c));
    ASSERT_TRUE(back);
    expect_same(c, *back);
}

TEST(codec_conversation, round_trips_every_dialog_step)
{
    for (int i = 0; i <= static_cast<int>(model::dialog_step::add_info); ++i) {
        auto c = test::sample_conversation();
        c.step = static_cast<model::dialog_step>(i);
        c.resume_step = static_cast<model::dialog_step>(i);
        auto const back = decode_conversation(encode(c));
        ASSERT_TRUE(back) << i;
        EXPECT_EQ(back->step, c.step) << i;
        EXPECT_EQ(back->resume_step, c.resume_step) << i;
    }
}

TEST(codec_conversation, stores_steps_by_name_in_compact_utf8_json)
{
    auto const bytes = encode(test::sample_conversation());
    EXPECT_NE(bytes.find("\"v\":1"), std::string::npos);
    EXPECT_NE(bytes.find("\"confirm\""), std::string::npos);
    EXPECT_NE(bytes.find("人民路"), std::string::npos);  // not \u-escaped
    EXPECT_EQ(bytes.find('\n'), std::string::npos);
    EXPECT_EQ(bytes.find(": "), std::string::npos);
}

// The buttons a platform without them offered as numbers: only such records carry them.
TEST(codec_conversation, round_trips_the_offered_numbers_and_old_records_have_none)
{
    auto c = test::sample_conversation();
    c.offered = {"c:roads", "", "back", "r:7KQM-2X4D:4y"};
    auto const back = decode_conversation(encode(c));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->offered, c.offered);
    expect_same(c, *back);

    auto const without = encode(test::sample_conversation());
    EXPECT_EQ(without.find("offered"), std::string::npos) << without;
    auto const old = decode_conversation(without);
    ASSERT_TRUE(old);
    EXPECT_TRUE(old->offered.empty());

    EXPECT_FALSE(decode_conversation(R"({"v":1,"ch":"tg","chat":"1","offered":"back"})")) << "not a list";
}

TEST(codec_conversation, round_trips_the_drafting_answers_and_old_records_have_none)
{
    auto c = test::sample_conversation();
    c.draft.since = "自上周一起";
    c.draft.outcome = "fill it \"now\"";
    c.draft.since_asked = c.draft.outcome_asked = c.draft.split_answered = c.draft.duplicates_answered = true;
    c.draft.rest = "2. The drain\n3. The lamp";
    c.following = {"NEAR-0001", "NEAR-0002"};
    auto const back = decode_conversation(encode(c));
    ASSERT_TRUE(back);
    expect_same(c, *back);

    auto const without = encode(test::sample_conversation());
    for (auto const* key : {"since", "outcome", "_asked", "split_answered", "rest", "duplicates", "following"})
        EXPECT_EQ(without.find(key), std::string::npos) << key << " in " << without;
    for (auto const step : {model::dialog_step::since, model::dialog_step::outcome, model::dialog_step::split,
                            model::dialog_step::duplicates}) {
        auto d = test::sample_conversation();
        d.step = step;
        auto const again = decode_conversation(encode(d));
        ASSERT_TRUE(again);
        EXPECT_EQ(again->step, step);
    }
}

TEST(codec_petition, round_trips_drafting_answers_and_followers_and_old_records_have_none)
{
    auto p = test::sample_petition();
    p.since = "two weeks";
    p.outcome = "修好路灯";
    p.followers = {{"telegram-main", "555"}, {"sms", "+15550100"}};
    auto const back = decode_petition(encode(p));
    ASSERT_TRUE(back);
    expect_same(p, *back);

    auto const without = encode(test::sample_petition());
    for (auto const* key : {"since", "outcome", "followers"})
        EXPECT_EQ(without.find(key), std::string::npos) << key << " in " << without;
    EXPECT_FALSE(decode_petition(R"({"v":1,"followers":[["only-one"]]})")) << "a follower is a pair";
}

TEST(codec_petition, round_trips_every_field)
{
    auto const p = test::sample_petition(std::numeric_limits<std::uint64_t>::max(), "ZZZZ-ZZZZ");
    auto const back = decode_petition(encode(p));
    ASSERT_TRUE(back);
    expect_same(p, *back);
}

TEST(codec_petition, round_trips_every_status_and_no_location)
{
    for (int i = 0; i <= static_cast<int>(model::status::reopened); ++i) {
        auto p = test::sample_petition();
        p.current = static_cast<model::status>(i);
        p.location.reset();
        auto const back = decode_petition(encode(p));
        ASSERT_TRUE(back) << i;
        expect_same(p, *back);
    }
}

TEST(codec_petition, keeps_resolved_absent_true_and_false_apart)
{
    for (auto const resolved : {std::optional<bool>{}, std::optional<bool>{true}, std::optional<bool>{false}}) {
        auto p = test::sample_petition();
        p.resolved = resolved;
        auto const back = decode_petition(encode(p));
        ASSERT_TRUE(back);
        EXPECT_EQ(back->resolved, resolved);
    }
    auto const null = decode_petition(R"({"v":1,"resolved":null})");
    ASSERT_TRUE(null);
    EXPECT_FALSE(null->resolved);
}

TEST(codec_petition, keeps_a_paused_clock_and_old_records_run)
{
    auto p = test::sample_petition();
    auto const running = encode(p);
    // Not paused: the record is written as before the field existed.
    EXPECT_EQ(running.find("paused_since"), std::string::npos) << running;
    auto back = decode_petition(running);
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->paused_since);

    p.paused_since = model::from_millis(1'764'000'000'123);
    back = decode_petition(encode(p));
    ASSERT_TRUE(back);
    expect_same(p, *back);

    // Written before pauses existed, or null: its clock runs.
    auto const old = decode_petition(
        R"({"v":1,"number":7,"tracking":"7KQM-2X4D","status":"in_progress","submitted":1700000000000,)"
        R"("response_due":1700100000000,"deadline":1701296000000,"assignee":"","transfers":1,"rating":0})");
    ASSERT_TRUE(old);
    EXPECT_FALSE(old->paused_since);
    EXPECT_EQ(old->deadline_at, model::from_millis(1'701'296'000'000));
    auto const null = decode_petition(R"({"v":1,"paused_since":null})");
    ASSERT_TRUE(null);
    EXPECT_FALSE(null->paused_since);
    EXPECT_FALSE(decode_petition(R"({"v":1,"paused_since":"yesterday"})"));
}

TEST(codec_timeline_event, round_trips_every_entry_kind_by_name)
{
    for (int k = 0; k <= static_cast<int>(model::entry_kind::erasure); ++k) {
        auto e = test::sample_event();
        e.kind = static_cast<model::entry_kind>(k);
        auto const bytes = encode(e);
        EXPECT_NE(bytes.find("\"kind\":\"" + std::string(model::to_string(e.kind)) + "\""), std::string::npos) << bytes;
        auto const back = decode_timeline_event(bytes);
        ASSERT_TRUE(back) << k;
        expect_same(e, *back);
    }
}

TEST(codec_timeline_event, round_trips_its_seal_and_erased_content_and_older_records_have_neither)
{
    auto e = test::sample_event();
    e.digest = std::string(64, 'a');
    e.erased_content = std::string(64, 'b');
    auto const back = decode_timeline_event(encode(e));
    ASSERT_TRUE(back);
    expect_same(e, *back);
    auto const old = decode_timeline_event(encode(test::sample_event()));
    ASSERT_TRUE(old);
    EXPECT_EQ(old->digest, "");
    EXPECT_EQ(old->erased_content, "");
}

TEST(codec_petition, round_trips_when_its_personal_data_was_erased)
{
    auto p = test::sample_petition();
    EXPECT_EQ(decode_petition(encode(p))->erased_at, std::nullopt);
    p.erased_at = model::from_millis(1'765'000'000'000);
    auto const back = decode_petition(encode(p));
    ASSERT_TRUE(back);
    expect_same(p, *back);
}

TEST(codec_timeline_event, round_trips_every_field_status_and_actor)
{
    for (int s = 0; s <= static_cast<int>(model::status::reopened); ++s) {
        for (int a = 0; a <= static_cast<int>(model::actor_kind::system); ++a) {
            auto e = test::sample_event("答复：已修复 🛠️", model::from_millis(-5));  // before 1970 on purpose
            e.to = static_cast<model::status>(s);
            e.actor = static_cast<model::actor_kind>(a);
            auto const back = decode_timeline_event(encode(e));
            ASSERT_TRUE(back) << s << "/" << a;
            expect_same(e, *back);
        }
    }
}

TEST(codec_outbox_entry, round_trips_every_field_and_takes_seq_from_the_key)
{
    model::outbox_entry e{12, test::sample_message(), 3, test::t0};
    auto const back = decode_outbox_entry(encode(e), 12);
    ASSERT_TRUE(back);
    expect_same(e, *back);

    auto const other = decode_outbox_entry(encode(e), 99);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->seq, 99u);
}

TEST(codec_outbox_entry, round_trips_a_callback_ack_without_buttons)
{
    model::outbox_entry e;
    e.seq = 1;
    e.message.kind = model::message_kind::callback_ack;
    e.message.channel_id = "tg";
    e.message.callback_id = "cbq-1";
    auto const back = decode_outbox_entry(encode(e), 1);
    ASSERT_TRUE(back);
    expect_same(e, *back);
}

TEST(codec_outbox_entry, round_trips_an_open_thread)
{
    model::outbox_entry e;
    e.seq = 3;
    e.message.kind = model::message_kind::open_thread;
    e.message.channel_id = "staff-tg";
    e.message.chat_id = "-1001234567890";
    e.message.thread_key = "7KQM-2X4D";
    e.message.title = "7KQM-2X4D · Roads";
    e.message.text = "New petition 7KQM-2X4D";
    e.created_at = test::t0;
    auto const bytes = encode(e);
    EXPECT_NE(bytes.find("\"kind\":\"open_thread\""), std::string::npos) << bytes;
    auto const back = decode_outbox_entry(bytes, 3);
    ASSERT_TRUE(back);
    expect_same(e, *back);
}

TEST(codec_dead_letter, round_trips_entry_and_reason)
{
    model::outbox_entry e{5, test::sample_message(), 8, test::t0};
    auto const back = decode_dead_letter(encode_dead_letter(e, "permanent: 403 bot was blocked"), 5);
    ASSERT_TRUE(back);
    expect_same(e, back->first);
    EXPECT_EQ(back->second, "permanent: 403 bot was blocked");
}

TEST(codec, invalid_utf8_is_replaced_not_thrown)
{
    auto c = test::sample_conversation();
    c.draft.description = "ok \xff\xfe cut \xe4\xb8";
    std::string bytes;
    ASSERT_NO_THROW(bytes = encode(c));
    auto const back = decode_conversation(bytes);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->draft.description.substr(0, 3), "ok ");
    EXPECT_NE(back->draft.description.find("\xef\xbf\xbd"), std::string::npos);  // U+FFFD
}

TEST(codec, a_location_that_is_not_a_number_is_stored_as_none)
{
    auto p = test::sample_petition();
    p.location = model::geo_point{std::nan(""), 1.0};
    auto const back = decode_petition(encode(p));
    ASSERT_TRUE(back);
    EXPECT_FALSE(back->location);
}

TEST(codec, missing_fields_decode_to_their_empty_values)
{
    auto const c = decode_conversation(R"({"v":1,"ch":"tg","chat":"1"})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->chat_id, "1");
    EXPECT_EQ(c->step, model::dialog_step::start);
    EXPECT_TRUE(c->draft.photo_ids.empty());
}

// Records as the first version of the codec wrote them, before the staff side:
// each new field decodes to its default, and every old field as it was.
TEST(codec, records_written_before_the_staff_fields_decode_with_defaults)
{
    auto const c = decode_conversation(
        R"({"v":1,"ch":"tg","chat":"1","user":"42","step":"track","resume":"menu","editing":false,"lang":"en",)"
        R"("draft":{"cat":"","loc":"","desc":"","photos":[]},"petitions":["7KQM-2X4D"],"events":3,"updated":5})");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->step, model::dialog_step::track);
    EXPECT_EQ(c->petitions, std::vector<std::string>{"7KQM-2X4D"});
    EXPECT_EQ(c->target_petition, "");

    auto const p = decode_petition(
        R"({"v":1,"number":7,"tracking":"7KQM-2X4D","ch":"tg","chat":"1","user":"42","lang":"en","cat":"roads",)"
        R"("dept":"transport","loc":"Main St","desc":"A pothole","photos":[],"status":"accepted",)"
        R"("submitted":1700000000000,"deadline":1701296000000})");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->number, 7u);
    EXPECT_EQ(p->current, model::status::accepted);
    EXPECT_EQ(p->submitted_at, test::t0);
    EXPECT_EQ(p->deadline_at, model::from_millis(1'701'296'000'000));
    EXPECT_EQ(p->response_due_at, model::timestamp{});
    EXPECT_EQ(p->assignee, "");
    EXPECT_EQ(p->rating, 0);
    EXPECT_FALSE(p->resolved);

    auto const e = decode_timeline_event(
        R"({"v":1,"at":1700000000000,"to":"submitted","actor":"citizen","actor_id":"42","ch":"tg","dept":"",)"
        R"("note":"submitted"})");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, model::entry_kind::transition);
    EXPECT_EQ(e->to, model::status::submitted);
    EXPECT_EQ(e->actor, model::actor_kind::citizen);
    EXPECT_EQ(e->actor_name, "");
    EXPECT_EQ(e->note, "submitted");

    std::string const entry = R"({"v":1,"kind":"text","ch":"tg","chat":"1","text":"hi","buttons":[],"loc_label":"",)"
                              R"("thread":"","cb":"","attempts":2,"created":1700000000000)";
    auto const o = decode_outbox_entry(entry + "}", 9);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->seq, 9u);
    EXPECT_EQ(o->message.text, "hi");
    EXPECT_EQ(o->attempts, 2u);
    EXPECT_EQ(o->message.thread_key, "");
    EXPECT_EQ(o->message.title, "");
    auto const d = decode_dead_letter(entry + R"(,"reason":"permanent"})", 9);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->second, "permanent");
    EXPECT_EQ(d->first.message.thread_key, "");
}

// Every decoder must turn these into nullopt, never a crash or an exception.
std::vector<std::string> garbage()
{
    std::vector<std::string> g = {
        "",
        "garbage",
        std::string("\0\0\0\0", 4),
        "\xff\xfe\xfd",
        "{",
        "null",
        "[]",
        "42",
        "\"text\"",
        "{}",
        R"({"v":2,"ch":"tg"})",
        R"({"v":"1"})",
        R"({"v":1.5})",
        // Each of these breaks a field that every one of the five decoders reads.
        R"({"v":1,"ch":5})",
        R"({"v":1,"step":"flying","status":"lost","to":"lost","kind":"fax"})",
        R"({"v":1,"draft":[],"geo":[1],"to":1,"buttons":[["x"]]})",
        R"({"v":1,"draft":{"geo":[1]},"geo":["a","b"],"actor":"robot","buttons":"x"})",
        R"({"v":1,"petitions":"x","photos":"x","note":7,"text":7})",
        R"({"v":1,"at":"noon","submitted":"noon","created":"noon","updated":"noon"})",
        R"({"v":1,"attempts":"many","number":"seven","events":"x","at":"x"})",
        R"({"v":1,"reason":7,"note":7,"text":7,"lang":7})",
        R"({"v":1,"target":5,"resolved":"yes","kind":"fax","actor_name":5,"title":5})",
        R"({"v":1,"target":[],"rating":"five","kind":"rating!","thread_key":5})",
        R"({"v":1,"ch":"\ud800"})",
        std::string(100'000, '['),
    };
    std::mt19937 rng(12345);  // fixed seed: the same bytes every run
    for (int n = 0; n < 200; ++n) {
        std::string s(rng() % 64, '\0');
        for (auto& ch : s)
            ch = static_cast<char>(rng());
        g.push_back(std::move(s));
    }
    return g;
}

TEST(codec, garbage_decodes_to_nullopt)
{
    for (auto const& g : garbage()) {
        SCOPED_TRACE(testing::PrintToString(g.substr(0, 60)));
        EXPECT_FALSE(decode_conversation(g));
        EXPECT_FALSE(decode_petition(g));
        EXPECT_FALSE(decode_timeline_event(g));
        EXPECT_FALSE(decode_outbox_entry(g, 1));
        EXPECT_FALSE(decode_dead_letter(g, 1));
    }
}

TEST(codec, every_truncation_decodes_to_nullopt)
{
    model::outbox_entry const e{1, test::sample_message(), 2, test::t0};
    std::string const records[] = {
        encode(test::sample_conversation()),
        encode(test::sample_petition()),
        encode(test::sample_event()),
        encode(e),
        encode_dead_letter(e, "gone"),
    };
    for (auto const& r : records) {
        for (std::size_t n = 0; n < r.size(); ++n) {
            auto const cut = r.substr(0, n);
            EXPECT_FALSE(decode_conversation(cut)) << n;
            EXPECT_FALSE(decode_petition(cut)) << n;
            EXPECT_FALSE(decode_timeline_event(cut)) << n;
            EXPECT_FALSE(decode_outbox_entry(cut, 1)) << n;
            EXPECT_FALSE(decode_dead_letter(cut, 1)) << n;
        }
    }
}

}  // namespace
}  // namespace pg::storage
