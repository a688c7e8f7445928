#include "model/chain.hpp"  // first: proves the header stands alone

#include <gtest/gtest.h>

#include <chrono>

namespace pg::model {
namespace {

using namespace std::chrono_literals;

timestamp at_utc(std::chrono::sys_days day, std::chrono::minutes m) { return timestamp{day + m}; }
constexpr std::chrono::sys_days dec5 = std::chrono::year{2026} / 12 / 5;

timeline_event entry(timestamp at, status to, std::string note, entry_kind kind = entry_kind::transition)
{
    timeline_event e;
    e.at = at;
    e.kind = kind;
    e.to = to;
    e.actor = actor_kind::staff;
    e.actor_id = "u-7";
    e.actor_name = "Officer Li";
    e.channel_id = "staff_tg";
    e.department = "water";
    e.note = std::move(note);
    return e;
}

// A petition's timeline as the gateway writes it: each unit sealed onto what is stored.
std::vector<timeline_event> sealed_timeline(std::string_view tracking, std::vector<timeline_event> events)
{
    std::vector<timeline_event> stored;
    for (auto& e : events) {
        std::optional<timestamp> last_at;
        if (!stored.empty())
            last_at = stored.back().at;
        seal(tracking, chain_head(tracking, stored), last_at, {&e});
        stored.push_back(e);
    }
    return stored;
}

std::vector<timeline_event> five_entries()
{
    auto citizen = entry(at_utc(dec5, 60min), status::submitted, "submitted");
    citizen.actor = actor_kind::citizen;
    citizen.actor_id = "tg-4242";
    citizen.actor_name = "";
    return sealed_timeline("7KQM-2X4D", {citizen,
                                         entry(at_utc(dec5, 90min), status::accepted, ""),
                                         entry(at_utc(dec5, 120min), status::accepted, "call the caretaker",
                                               entry_kind::note),
                                         entry(at_utc(dec5, 180min), status::in_progress, "crew sent"),
                                         entry(at_utc(dec5, 240min), status::answered, "the pipe is mended")});
}

TEST(chain, sha256_of_the_standard_test_vector)
{
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(chain, each_entry_is_sealed_over_the_one_before_and_the_chain_verifies)
{
    auto const t = five_entries();
    std::string previous;
    for (auto const& e : t) {
        ASSERT_EQ(e.digest.size(), 64u);
        EXPECT_EQ(e.digest, chain_link(previous, "7KQM-2X4D", e));
        previous = e.digest;
    }
    auto const check = verify_chain("7KQM-2X4D", t);
    EXPECT_FALSE(check.broken_at);
    EXPECT_EQ(check.entries, 5u);
    EXPECT_EQ(check.sealed, 5u);
    EXPECT_EQ(check.head, t.back().digest);
    EXPECT_EQ(chain_head("7KQM-2X4D", t), t.back().digest);
    // The same entries under another tracking number are another chain.
    EXPECT_TRUE(verify_chain("7KQM-2X4E", t).broken_at);
}

TEST(chain, a_changed_entry_breaks_the_chain_where_it_was_changed)
{
    struct tamper {
        char const* what;
        void (*change)(std::vector<timeline_event>&);
        std::size_t broken_at;
    };
    tamper const cases[] = {
        {"note rewritten", [](auto& t) { t[3].note = "crew sent at once"; }, 3},
        {"time moved", [](auto& t) { t[1].at -= 10min; }, 1},
        {"status changed", [](auto& t) { t[4].to = status::closed; }, 4},
        {"department changed", [](auto& t) { t[2].department = "transport"; }, 2},
        {"entry removed", [](auto& t) { t.erase(t.begin() + 2); }, 2},
        {"entry inserted unsealed", [](auto& t) { t.insert(t.begin() + 2, t[1]); t[2].digest.clear(); }, 2},
        {"digest replaced", [](auto& t) { t[0].digest = sha256_hex("x"); }, 0},
    };
    for (auto const& c : cases) {
        auto t = five_entries();
        c.change(t);
        auto const check = verify_chain("7KQM-2X4D", t);
        ASSERT_TRUE(check.broken_at) << c.what;
        EXPECT_EQ(*check.broken_at, c.broken_at) << c.what;
        EXPECT_FALSE(check.reason.empty()) << c.what;
    }
}

TEST(chain, erasing_personal_parts_keeps_the_chain_and_drops_the_text_and_the_citizen)
{
    auto t = five_entries();
    auto const before = verify_chain("7KQM-2X4D", t).head;
    for (auto& e : t)
        e = erased(e);
    EXPECT_EQ(t[0].actor_id, "");  // the citizen's id
    EXPECT_EQ(t[3].actor_id, "u-7");  // an official's id stays
    for (auto const& e : t) {
        EXPECT_EQ(e.note, "");
        EXPECT_EQ(e.erased_content.size(), 64u);
    }
    auto const check = verify_chain("7KQM-2X4D", t);
    EXPECT_FALSE(check.broken_at) << check.reason;
    EXPECT_EQ(check.head, before);
    // Erasing twice changes nothing.
    EXPECT_EQ(erased(t[3]).erased_content, t[3].erased_content);
}

TEST(chain, entries_written_before_sealing_are_chained_by_the_first_sealed_one)
{
    auto legacy = five_entries();
    for (auto& e : legacy)
        e.digest.clear();
    auto const head = chain_head("7KQM-2X4D", legacy);
    EXPECT_EQ(head, five_entries().back().digest);  // recomputed as if sealed
    auto next = entry(at_utc(dec5, 300min), status::closed, "");
    seal("7KQM-2X4D", head, legacy.back().at, {&next});
    legacy.push_back(next);
    auto const check = verify_chain("7KQM-2X4D", legacy);
    EXPECT_FALSE(check.broken_at) << check.reason;
    EXPECT_EQ(check.sealed, 1u);
    // A rewritten legacy entry breaks the first sealed one.
    legacy[2].note = "nothing to do";
    auto const broken = verify_chain("7KQM-2X4D", legacy);
    ASSERT_TRUE(broken.broken_at);
    EXPECT_EQ(*broken.broken_at, 5u);
}

TEST(chain, a_sealed_entry_is_never_dated_before_the_one_it_follows)
{
    auto t = five_entries();
    auto late = entry(t.back().at - 5min, status::closed, "");
    seal("7KQM-2X4D", t.back().digest, t.back().at, {&late});
    EXPECT_EQ(late.at, t.back().at);
    t.push_back(late);
    EXPECT_FALSE(verify_chain("7KQM-2X4D", t).broken_at);
}

TEST(chain, a_receipt_digest_names_the_entry_it_seals)
{
    auto const t = five_entries();
    auto const check = verify_chain("7KQM-2X4D", t, short_digest(t[3].digest));
    ASSERT_TRUE(check.receipt_at);
    EXPECT_EQ(*check.receipt_at, 3u);
    EXPECT_EQ(short_digest(t[3].digest).size(), 16u);
    EXPECT_FALSE(verify_chain("7KQM-2X4D", t, "0123456789abcdef").receipt_at);
    EXPECT_FALSE(verify_chain("7KQM-2X4D", t, "").receipt_at);
}

TEST(chain, a_days_head_covers_every_petition_as_it_stood_when_the_day_ended)
{
    auto const zone = zone::locate("Asia/Shanghai");
    ASSERT_TRUE(zone);
    // 2026-12-05 ends at 16:00 UTC in Shanghai.
    auto a = five_entries();  // 01:00-04:00 UTC on the 5th
    auto b = sealed_timeline("9PZR-4M2C", {entry(at_utc(dec5, 15h + 30min), status::submitted, "submitted"),
                                           entry(at_utc(dec5, 16h + 30min), status::accepted, "")});
    auto const now = at_utc(dec5, 24h + 3h);  // the 6th, 11:00 local
    auto const heads = day_heads({{"7KQM-2X4D", &a}, {"9PZR-4M2C", &b}}, now, *zone, 2);
    ASSERT_EQ(heads.size(), 2u);
    EXPECT_EQ(heads[0].day, "2026-12-05");
    EXPECT_EQ(heads[0].ends_at, at_utc(dec5, 16h));
    EXPECT_EQ(heads[0].petitions, 2u);
    EXPECT_EQ(heads[1].day, "2026-12-04");
    EXPECT_EQ(heads[1].petitions, 0u);

    // An entry after the day ended leaves its head alone; a change before it does not.
    auto b_later = b;
    b_later[1].note = "changed after the day";
    EXPECT_EQ(day_heads({{"7KQM-2X4D", &a}, {"9PZR-4M2C", &b_later}}, now, *zone, 1)[0].digest, heads[0].digest);
    auto a_changed = a;
    a_changed[2].note = "changed within the day";
    EXPECT_NE(day_heads({{"7KQM-2X4D", &a_changed}, {"9PZR-4M2C", &b}}, now, *zone, 1)[0].digest, heads[0].digest);
    // The order petitions are given in does not matter.
    EXPECT_EQ(day_heads({{"9PZR-4M2C", &b}, {"7KQM-2X4D", &a}}, now, *zone, 1)[0].digest, heads[0].digest);
}

}  // namespace
}  // namespace pg::model
