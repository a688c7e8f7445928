// Guided drafting (issue 18): since when and what outcome, the description's
// length, the split suggestion and the duplicate offer.
#include "dialog/citizen_flow.hpp"
#include "dialog/drafting.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using std::chrono::days;

// ---- since when, what outcome ----

TEST(drafting, asks_since_and_outcome_after_the_description_and_keeps_the_answers)
{
    harness h;
    auto st = at(dialog_step::description);
    auto const asked_since = h.feed(st, {text_event(good_description)});
    EXPECT_EQ(st.step, dialog_step::since);
    EXPECT_TRUE(has(last_text(asked_since), head_of("en", "since.prompt")));
    EXPECT_EQ(last_buttons(asked_since), (std::vector<std::string>{"skip", "back", "cancel"}));

    auto const asked_outcome = h.feed(st, {text_event("  since last Monday ")});
    EXPECT_EQ(st.step, dialog_step::outcome);
    EXPECT_EQ(st.draft.since, "since last Monday");
    EXPECT_TRUE(has(last_text(asked_outcome), head_of("en", "outcome.prompt")));

    h.feed(st, {text_event("Fill the hole"), text_event("no photos")});
    ASSERT_EQ(st.step, dialog_step::confirm);
    EXPECT_EQ(st.draft.outcome, "Fill the hole");
    auto const summary = h.run(st, text_event("/help"));
    EXPECT_TRUE(has(last_text(summary), "Since: since last Monday\n")) << last_text(summary);
    EXPECT_TRUE(has(last_text(summary), "Outcome wanted: Fill the hole\n")) << last_text(summary);

    auto const filed = h.run(st, button_event("ok"));
    ASSERT_TRUE(filed.filed);
    EXPECT_EQ(filed.filed->since, "since last Monday");
    EXPECT_EQ(filed.filed->outcome, "Fill the hole");
}

TEST(drafting, each_question_can_be_skipped_by_button_or_typed_word)
{
    struct case_ { char const* name; model::inbound_event skip; };
    case_ const cases[] = {
        {"button", button_event("skip")},
        {"typed", text_event("Skip")},
        {"typed in Chinese", text_event("跳过")},
    };
    for (auto const& c : cases) {
        harness h;
        auto st = at(dialog_step::since);
        st.draft.since = "old answer";
        h.feed(st, {c.skip});
        EXPECT_EQ(st.step, dialog_step::outcome) << c.name;
        EXPECT_TRUE(st.draft.since.empty()) << c.name;
        EXPECT_TRUE(st.draft.since_asked) << c.name;
        h.feed(st, {c.skip});
        EXPECT_EQ(st.step, dialog_step::photos) << c.name;
        EXPECT_TRUE(st.draft.outcome_asked) << c.name;
        h.feed(st, {text_event("done")});
        ASSERT_EQ(st.step, dialog_step::confirm) << c.name;
        auto const summary = h.run(st, text_event("/help"));
        EXPECT_FALSE(has(last_text(summary), "Since:")) << c.name << ": a skipped answer is left out";
        EXPECT_FALSE(has(last_text(summary), "Outcome wanted:")) << c.name;
        auto const filed = h.run(st, button_event("ok"));
        ASSERT_TRUE(filed.filed) << c.name;
        EXPECT_TRUE(filed.filed->since.empty()) << c.name;
    }
}

TEST(drafting, an_overlong_answer_is_refused_with_its_length)
{
    harness h;
    auto const st = at(dialog_step::outcome);
    auto const out = h.run(st, text_event(std::string(201, 'x')));
    EXPECT_EQ(out.next.step, dialog_step::outcome);
    EXPECT_TRUE(out.next.draft.outcome.empty());
    EXPECT_TRUE(has(last_text(out), "201")) << last_text(out);
    EXPECT_TRUE(has(last_text(out), head_of("en", "outcome.prompt")));
    auto const fits = h.run(st, text_event(std::string(200, 'x')));
    EXPECT_EQ(fits.next.step, dialog_step::photos);
}

TEST(drafting, back_and_edit_reach_the_new_questions)
{
    harness h;
    auto st = at(dialog_step::photos);
    h.feed(st, {button_event("back")});
    EXPECT_EQ(st.step, dialog_step::outcome);
    h.feed(st, {button_event("back")});
    EXPECT_EQ(st.step, dialog_step::since);

    st = at(dialog_step::confirm);
    h.feed(st, {button_event("edit"), button_event("e:since"), text_event("for two weeks")});
    EXPECT_EQ(st.step, dialog_step::confirm) << "editing one answer returns to the summary";
    EXPECT_EQ(st.draft.since, "for two weeks");
}

// The demo flow with guided drafting and the duplicate offer off, as a flow without those keys has them.
model::dialog_data const& plain_data()
{
    static model::dialog_data const data = [] {
        auto d = demo_data();
        d.citizen.drafting = {};
        d.citizen.duplicates = {};
        d.citizen.description_concise = 0;
        return d;
    }();
    return data;
}

TEST(drafting, a_flow_without_drafting_goes_from_the_description_to_the_photos)
{
    vocabulary const words{plain_data()};
    map_lookup lookup;
    context ctx{t0, plain_data(), words, lookup, [] { return std::string("AAAA-BBBB"); }};
    auto st = at(dialog_step::description);
    auto const out = step(st, text_event(good_description), ctx);
    EXPECT_EQ(out.next.step, dialog_step::photos);
    auto confirm = at(dialog_step::photos);
    confirm.draft.since_asked = confirm.draft.outcome_asked = false;  // never asked: not needed
    auto const summary = step(confirm, text_event("done"), ctx);
    EXPECT_EQ(summary.next.step, dialog_step::confirm);
    auto const back = step(summary.next, button_event("back"), ctx);
    EXPECT_EQ(back.next.step, dialog_step::photos);
    auto const back_again = step(back.next, button_event("back"), ctx);
    EXPECT_EQ(back_again.next.step, dialog_step::description);
}

// ---- length ----

TEST(description_length, is_shown_after_the_description_and_in_the_summary)
{
    harness h;
    auto st = at(dialog_step::description);
    std::string const text = "路灯坏了一周了，人民路十二号门口，晚上很黑，请尽快修理。";  // 28 visible characters
    auto const out = h.feed(st, {text_event(text + " \u200B")});
    auto const count = std::to_string(visible_characters(text));
    EXPECT_TRUE(has(last_text(out), count + " of 1000 characters")) << last_text(out);
    EXPECT_FALSE(has(last_text(out), head_of("en", "description.concise"))) << "short enough: no hint";

    h.feed(st, {button_event("skip"), button_event("skip"), button_event("p:done")});
    ASSERT_EQ(st.step, dialog_step::confirm);
    auto const summary = h.run(st, text_event("/help"));
    EXPECT_TRUE(has(last_text(summary), "(" + count + " of 1000 characters)")) << last_text(summary);

    // Editing the description: the prompt says how long the current one is.
    auto const edit = h.feed(st, {button_event("edit"), button_event("e:description")});
    EXPECT_TRUE(has(last_text(edit), count + " of 1000 characters")) << last_text(edit);
}

TEST(description_length, past_the_soft_limit_a_hint_but_still_accepted)
{
    harness h;
    std::string const long_text = "The pavement is broken. " + std::string(600, 'x');
    auto const out = h.run(at(dialog_step::description), text_event(long_text));
    EXPECT_EQ(out.next.step, dialog_step::since) << "accepted up to the hard maximum";
    EXPECT_EQ(out.next.draft.description, long_text);
    EXPECT_TRUE(has(last_text(out), head_of("en", "description.concise"))) << last_text(out);
    EXPECT_TRUE(has(last_text(out), "about 500")) << last_text(out);
}

// ---- split suggestion ----

TEST(split_heuristic, finds_several_listed_requests)
{
    struct case_ { char const* name; std::string text; std::size_t count; std::string first; };
    case_ const cases[] = {
        {"numbered with an intro", two_requests, 2,
         "Two problems on our street:\n1. The lamp at number 12 has been dark for a week."},
        {"numbered with parentheses", "1) The lamp at number 12 is dark.\n2) The drain at number 14 overflows.", 2,
         "1) The lamp at number 12 is dark."},
        {"bullets", "- The lamp at number 12 is dark.\n- The drain at number 14 overflows.\n- Bins not emptied here.",
         3, "- The lamp at number 12 is dark."},
        {"round bullets", "\u2022 The lamp at number 12 is dark.\n\u2022 The drain at number 14 overflows.", 2,
         "\u2022 The lamp at number 12 is dark."},
        {"Chinese enumeration", "1、人民路十二号的路灯坏了一周了，晚上很黑。\n2、人民路十四号的下水道一下雨就冒水，已经一个月了。", 2,
         "1、人民路十二号的路灯坏了一周了，晚上很黑。"},
        {"full-width parentheses", "（1）人民路十二号的路灯坏了一周了，晚上很黑。\n（2）人民路十四号的下水道一下雨就冒水，已经一个月了。", 2,
         "（1）人民路十二号的路灯坏了一周了，晚上很黑。"},
    };
    for (auto const& c : cases) {
        auto const parts = several_requests(c.text, 20);
        ASSERT_TRUE(parts) << c.name;
        EXPECT_EQ(parts->count, c.count) << c.name;
        EXPECT_EQ(parts->first, c.first) << c.name;
        EXPECT_TRUE(c.text.ends_with(parts->rest)) << c.name;
    }
}

TEST(split_heuristic, leaves_one_request_alone)
{
    struct case_ { char const* name; std::string text; };
    case_ const cases[] = {
        {"one paragraph", good_description},
        {"one item", "Please fix this:\n1. The lamp at number 12 has been dark for a week."},
        {"numbers inside sentences", "The hole is 1.5 metres wide.\n2.5 metres of kerb are missing as well."},
        {"a number without its mark", "12 Main Street: the lamp is dark.\n14 Main Street: the drain overflows."},
        {"items too short to file alone", "Fix:\n1. lamp\n2. drain"},
        {"empty markers", "1.\n2.\nThe lamp at number 12 has been dark for a week."},
        {"three digits are no list number", "100. The lamp at number 12 is dark.\n200. The drain at 14 overflows."},
    };
    for (auto const& c : cases)
        EXPECT_FALSE(several_requests(c.text, 20)) << c.name;
}

TEST(split, is_offered_before_filing_and_file_as_one_files_it_whole)
{
    harness h;
    auto st = at(dialog_step::confirm);
    st.draft.description = two_requests;
    auto const offer = h.feed(st, {button_event("ok")});
    EXPECT_FALSE(offer.filed);
    ASSERT_EQ(st.step, dialog_step::split);
    EXPECT_TRUE(has(last_text(offer), head_of("en", "split.prompt"))) << last_text(offer);
    EXPECT_TRUE(has(last_text(offer), "The drain at number 14")) << "the rest is shown";
    EXPECT_EQ(last_buttons(offer), (std::vector<std::string>{"s:one", "s:first", "back", "cancel"}));

    auto const filed = h.feed(st, {text_event("file as one")});
    ASSERT_TRUE(filed.filed);
    EXPECT_EQ(filed.filed->description, two_requests);
    EXPECT_EQ(st.step, dialog_step::menu);
}

TEST(split, first_now_files_the_first_and_drafts_the_rest)
{
    harness h;
    auto st = at(dialog_step::confirm);
    st.draft.description = two_requests;
    st.draft.since = "a week";
    h.feed(st, {button_event("ok")});
    ASSERT_EQ(st.step, dialog_step::split);
    auto const out = h.feed(st, {button_event("s:first")});
    ASSERT_TRUE(out.filed);
    EXPECT_EQ(out.filed->description, "Two problems on our street:\n1. The lamp at number 12 has been dark for a week.");
    EXPECT_EQ(out.filed->since, "a week");
    // The rest: same category and place, asked its own since/outcome, then the summary.
    EXPECT_EQ(st.draft.description, "2. The drain at number 14 overflows whenever it rains.");
    EXPECT_EQ(st.draft.category, "roads");
    EXPECT_EQ(st.draft.location_text, good_location);
    EXPECT_EQ(st.step, dialog_step::since);
    EXPECT_TRUE(has(all_text(out), shipped("en", "split.rest"))) << all_text(out);
    h.feed(st, {button_event("skip"), button_event("skip"), button_event("p:done")});
    ASSERT_EQ(st.step, dialog_step::confirm);
    auto const second = h.feed(st, {button_event("ok")});
    ASSERT_TRUE(second.filed) << "one item left: no split offered again";
    EXPECT_EQ(second.filed->description, "2. The drain at number 14 overflows whenever it rains.");
    EXPECT_EQ(st.petitions.size(), 2u);
}

TEST(split, back_returns_to_the_summary_and_a_new_description_is_checked_again)
{
    harness h;
    auto st = at(dialog_step::confirm);
    st.draft.description = two_requests;
    h.feed(st, {button_event("ok"), button_event("back")});
    EXPECT_EQ(st.step, dialog_step::confirm);
    h.feed(st, {button_event("ok"), button_event("s:one")});
    EXPECT_EQ(st.step, dialog_step::menu);
    auto again = at(dialog_step::confirm);
    again.draft.description = two_requests;
    again.draft.split_answered = true;
    h.feed(again, {button_event("edit"), button_event("e:description"), text_event(two_requests)});
    EXPECT_FALSE(again.draft.split_answered) << "a new description is checked again";
}

// ---- possible duplicates ----

model::petition other_petition(std::string tracking, std::string place, model::timestamp filed = t0 - days{2})
{
    model::petition p;
    p.tracking = std::move(tracking);
    p.channel_id = channel;
    p.chat_id = "another-citizen";
    p.user_id = "u-other";
    p.category = "roads";
    p.location_text = std::move(place);
    p.description = "Private words of another citizen: call me on 0171 555 0100.";
    p.submitted_at = filed;
    p.current = model::status::accepted;
    return p;
}

TEST(duplicates, are_offered_before_filing_without_the_other_citizens_words)
{
    harness h;
    auto const near = other_petition("NEAR-0001", "  MAIN street 12,   outside the BAKERY ");
    h.lookup.nearby.push_back(near);
    h.lookup.petitions[near.tracking] = near;
    auto st = at(dialog_step::confirm);
    auto const offer = h.feed(st, {button_event("ok")});
    EXPECT_FALSE(offer.filed);
    ASSERT_EQ(st.step, dialog_step::duplicates);
    auto const text = last_text(offer);
    EXPECT_TRUE(has(text, head_of("en", "duplicates.prompt"))) << text;
    EXPECT_TRUE(has(text, "NEAR-0001")) << text;
    EXPECT_TRUE(has(text, shipped("en", "status.accepted"))) << text;
    EXPECT_FALSE(has(text, "0171")) << "never the other citizen's description";
    EXPECT_EQ(last_buttons(offer), (std::vector<std::string>{"f:NEAR-0001", "d:new", "back", "cancel"}));
}

TEST(duplicates, mine_is_different_files_it)
{
    harness h;
    auto const near = other_petition("NEAR-0001", good_location);
    h.lookup.nearby.push_back(near);
    auto st = at(dialog_step::confirm);
    h.feed(st, {button_event("ok")});
    ASSERT_EQ(st.step, dialog_step::duplicates);
    auto const out = h.feed(st, {text_event("2")});  // the second choice: mine is different
    ASSERT_TRUE(out.filed);
    EXPECT_FALSE(out.follow);
    EXPECT_EQ(st.step, dialog_step::menu);
}

TEST(duplicates, following_one_files_nothing_and_lists_it_under_my_requests)
{
    harness h;
    auto const near = other_petition("NEAR-0001", good_location);
    h.lookup.nearby.push_back(near);
    h.lookup.petitions[near.tracking] = near;
    auto st = at(dialog_step::confirm);
    h.feed(st, {button_event("ok")});
    ASSERT_EQ(st.step, dialog_step::duplicates);
    auto const out = h.feed(st, {button_event("f:NEAR-0001")});
    EXPECT_FALSE(out.filed);
    EXPECT_EQ(h.tracking_calls, 0);
    ASSERT_TRUE(out.follow);
    EXPECT_EQ(*out.follow, "NEAR-0001");
    EXPECT_TRUE(has(all_text(out), "You now follow request NEAR-0001")) << all_text(out);
    EXPECT_EQ(st.step, dialog_step::menu);
    EXPECT_TRUE(draft_empty(st.draft));
    EXPECT_EQ(st.following, std::vector<std::string>{"NEAR-0001"});
    EXPECT_TRUE(st.petitions.empty()) << "not the citizen's own";

    auto const list = h.feed(st, {button_event("m:track")});
    EXPECT_TRUE(has(last_text(list), "NEAR-0001")) << last_text(list);
    auto const details = h.feed(st, {text_event("NEAR-0001")});
    EXPECT_FALSE(has(last_text(details), "0171")) << "followed, not owned: the public view";

    // Followed already: not offered again.
    auto again = at(dialog_step::confirm);
    again.following = st.following;
    auto const filed = h.run(again, button_event("ok"));
    EXPECT_TRUE(filed.filed);
}

TEST(duplicates, a_stale_follow_button_files_nothing)
{
    harness h;
    auto st = at(dialog_step::duplicates);  // nothing nearby any more
    auto const out = h.run(st, button_event("f:NEAR-0001"));
    EXPECT_FALSE(out.follow);
    EXPECT_FALSE(out.filed);
    EXPECT_TRUE(has(last_text(out), shipped("en", "stale_button")));
}

TEST(duplicates, the_citizens_own_petitions_are_not_offered)
{
    harness h;
    auto mine = other_petition("MINE-0001", good_location);
    mine.chat_id = chat;
    h.lookup.nearby.push_back(mine);
    auto const out = h.run(at(dialog_step::confirm), button_event("ok"));
    EXPECT_TRUE(out.filed);
}

TEST(duplicate_candidates, same_category_open_recent_and_nearby)
{
    model::duplicates const rules{true, 30, 300};
    model::petition_draft d;
    d.category = "roads";
    d.location_text = "Main Street 12";
    d.location = model::geo_point{48.13743, 11.57549};
    auto at_point = [](std::string t, double lat, double lon) {
        auto p = other_petition(std::move(t), "somewhere else");
        p.location = model::geo_point{lat, lon};
        return p;
    };
    std::vector<model::petition> pool{
        at_point("NEAR-0200", 48.13743 + 0.0018, 11.57549),  // about 200 m north
        at_point("FAR-0400", 48.13743 + 0.0036, 11.57549),   // about 400 m north
        other_petition("TEXT-0000", "main   STREET 12"),       // same place text, folded
        other_petition("TEXT-DIFF", "Main Street 14"),
    };
    auto old = other_petition("OLD-00031", "Main Street 12", t0 - days{31});
    auto closed = other_petition("CLOSED-01", "Main Street 12");
    closed.current = model::status::closed;
    auto rejected = other_petition("REJECT-01", "Main Street 12");
    rejected.current = model::status::rejected;
    auto answered = other_petition("ANSWER-01", "Main Street 12", t0 - days{5});
    answered.current = model::status::answered;  // still open: its answer goes to the follower
    auto water = other_petition("WATER-001", "Main Street 12");
    water.category = "water";
    for (auto const& p : {old, closed, rejected, answered, water})
        pool.push_back(p);

    auto const found = duplicate_candidates(d, pool, t0, rules);
    std::vector<std::string> trackings;
    for (auto const& p : found)
        trackings.push_back(p.tracking);
    // Nearest first (the same text counts as 0 m), then newest; at most three.
    EXPECT_EQ(trackings, (std::vector<std::string>{"TEXT-0000", "ANSWER-01", "NEAR-0200"}));

    auto const all = duplicate_candidates(d, pool, t0, rules, 10);
    EXPECT_EQ(all.size(), 3u);
    model::duplicates const wider{true, 40, 500};
    EXPECT_EQ(duplicate_candidates(d, pool, t0, wider, 10).size(), 5u) << "FAR-0400 and OLD-00031 come in";

    model::petition_draft text_only = d;
    text_only.location.reset();
    EXPECT_EQ(duplicate_candidates(text_only, pool, t0, rules, 10).size(), 2u) << "text matches only";
    model::petition_draft point_only = d;
    point_only.location_text.clear();
    EXPECT_EQ(duplicate_candidates(point_only, pool, t0, rules, 10).size(), 1u) << "points within 300 m only";
}

TEST(duplicate_candidates, distance_is_haversine_in_metres)
{
    // One degree of latitude is about 111.2 km anywhere.
    EXPECT_NEAR(distance_m({0, 0}, {1, 0}), 111'195, 10);
    EXPECT_NEAR(distance_m({48.0, 11.0}, {48.0, 11.0}), 0, 1e-6);
    // Beijing to Shanghai, about 1067 km.
    EXPECT_NEAR(distance_m({39.9042, 116.4074}, {31.2304, 121.4737}) / 1000, 1067, 5);
}

}  // namespace
}  // namespace pg::dialog
