#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using std::chrono::days;

TEST(filing, full_path_in_english_files_the_petition)
{
    harness h;
    model::conversation st;
    h.feed(st, {text_event("hello"), text_event("1"), button_event("c:roads"), text_event(good_location),
                text_event(good_description), text_event("since last Monday"), text_event("fill it"),
                photo_event({"ph-1"}), photo_event({"ph-2"}), text_event("done")});
    ASSERT_EQ(st.step, dialog_step::confirm);
    EXPECT_EQ(h.tracking_calls, 0);

    auto const out = h.run(st, button_event("ok", "cb-9"));

    ASSERT_EQ(h.tracking_calls, 1);
    auto const tracking = tracking_number(1, "k");
    ASSERT_TRUE(out.filed);
    auto const& p = *out.filed;
    EXPECT_EQ(p.number, 0u);
    EXPECT_EQ(p.tracking, tracking);
    EXPECT_EQ(p.channel_id, channel);
    EXPECT_EQ(p.chat_id, chat);
    EXPECT_EQ(p.user_id, user);
    EXPECT_EQ(p.language, "en");
    EXPECT_EQ(p.category, "roads");
    EXPECT_EQ(p.department, "transport");
    EXPECT_EQ(p.location_text, good_location);
    EXPECT_FALSE(p.location);
    EXPECT_EQ(p.description, good_description);
    EXPECT_EQ(p.photo_ids, (std::vector<std::string>{"ph-1", "ph-2"}));
    EXPECT_EQ(p.since, "since last Monday");
    EXPECT_EQ(p.outcome, "fill it");
    EXPECT_EQ(p.current, model::status::submitted);
    EXPECT_EQ(p.submitted_at, t0);
    EXPECT_EQ(p.deadline_at, t0 + days{10});  // roads: the category's own deadline

    ASSERT_EQ(out.timeline.size(), 1u);
    auto const& e = out.timeline[0];
    EXPECT_EQ(e.at, t0);
    EXPECT_EQ(e.to, model::status::submitted);
    EXPECT_EQ(e.actor, model::actor_kind::citizen);
    EXPECT_EQ(e.actor_id, user);
    EXPECT_EQ(e.channel_id, channel);
    EXPECT_EQ(e.department, "transport");
    EXPECT_EQ(e.note, "submitted");

    EXPECT_EQ(out.next.step, dialog_step::menu);
    EXPECT_EQ(out.next.petitions, std::vector<std::string>{tracking});
    EXPECT_TRUE(draft_empty(out.next.draft));
    EXPECT_FALSE(out.next.editing);

    ASSERT_EQ(out.replies.size(), 3u);
    EXPECT_EQ(out.replies[0].kind, model::message_kind::callback_ack);
    EXPECT_EQ(out.replies[0].callback_id, "cb-9");
    EXPECT_TRUE(has(out.replies[1].text, "\n" + tracking + "\n")) << "the number stands on a line of its own";
    EXPECT_TRUE(has(out.replies[1].text, "2023-11-24"));
    EXPECT_TRUE(has(out.replies[2].text, shipped("en", "menu.file")));
    EXPECT_EQ(last_buttons(out), (std::vector<std::string>{"m:file", "m:track", "help", "lang"}));
    for (auto const& m : out.replies) {
        EXPECT_EQ(m.channel_id, channel);
        EXPECT_EQ(m.chat_id, chat);
    }
}

TEST(filing, full_path_in_chinese_with_typed_answers)
{
    harness h;
    model::conversation st;
    auto first = text_event("你好");
    first.language = "zh-hans";
    std::string const description = "人民路十二号门前的路面有一个大坑，大约三十厘米宽，从周一开始就有了，请尽快修补。";
    auto const out0 = h.run(st, first);
    EXPECT_TRUE(has(last_text(out0), shipped("zh-CN", "welcome")));
    st = out0.next;
    auto const out = h.feed(st, {text_event("提交诉求"), text_event("１"), text_event("人民路12号"),
                                 text_event(description), text_event("跳过"), text_event("跳过"),
                                 text_event("没有照片"), text_event("确认")});
    ASSERT_TRUE(out.filed);
    EXPECT_EQ(h.tracking_calls, 1);
    EXPECT_EQ(out.filed->language, "zh-CN");
    EXPECT_EQ(out.filed->category, "roads");
    EXPECT_EQ(out.filed->location_text, "人民路12号");
    EXPECT_EQ(out.filed->description, description);
    EXPECT_TRUE(out.filed->photo_ids.empty());
    EXPECT_EQ(out.filed->deadline_at, t0 + days{10});
    EXPECT_TRUE(has(out.replies[0].text, head_of("zh-CN", "filed")));
    EXPECT_TRUE(has(out.replies[0].text, out.filed->tracking));
    EXPECT_TRUE(has(out.replies[1].text, "提交诉求"));
    EXPECT_EQ(st.language, "zh-CN");
}

TEST(filing, deadline_falls_back_to_the_flow_default)
{
    harness h;
    auto st = at(dialog_step::confirm);
    st.draft.category = "parks";  // no deadline of its own
    auto const out = h.run(st, text_event("send"));
    ASSERT_TRUE(out.filed);
    EXPECT_EQ(out.filed->deadline_at, t0 + days{15});
    EXPECT_EQ(out.filed->department, "parks");
    EXPECT_TRUE(has(out.replies[0].text, "2023-11-29"));
}

TEST(filing, remembers_at_most_the_configured_number_of_petitions)
{
    harness h;
    auto st = at(dialog_step::confirm);
    for (int i = 0; i < 20; ++i)
        st.petitions.push_back(tracking_number(std::uint64_t(1000 + i), "k"));
    auto const out = h.run(st, text_event("1"));
    ASSERT_TRUE(out.filed);
    ASSERT_EQ(out.next.petitions.size(), 20u);
    EXPECT_EQ(out.next.petitions.front(), tracking_number(1001, "k"));  // the oldest was dropped
    EXPECT_EQ(out.next.petitions.back(), out.filed->tracking);
}

std::string repeated(std::string const& s, int n)
{
    std::string out;
    for (int i = 0; i < n; ++i)
        out += s;
    return out;
}

TEST(description_step, checks_length_in_code_points)
{
    struct case_ { char const* name; std::string text; bool accepted; std::string count; };
    std::string const cjk6 = "路灯坏了请修";  // 6 code points, 18 bytes
    std::string cjk20;
    for (int i = 0; i < 20; ++i) cjk20 += "路";  // 20 code points
    std::string cjk1000;
    for (int i = 0; i < 1000; ++i) cjk1000 += "路";  // 3000 bytes, still 1000 characters
    case_ const cases[] = {
        {"too short", "hole", false, "4"},
        {"short CJK is counted in characters, not bytes", cjk6, false, "6"},
        {"20 CJK characters are enough", cjk20, true, ""},
        {"1000 CJK characters fit", cjk1000, true, ""},
        {"too long", std::string(1001, 'x'), false, "1001"},
        {"trimmed before counting", "   " + std::string(19, 'x') + "  \n", false, "19"},
        // Only what a reader sees fills the minimum.
        {"zero-width characters are no description", repeated("\u200B", 30), false, "0"},
        {"invisible padding does not count", "hole" + repeated("\u200D\u2060\uFEFF\u00AD\u202E\u2066", 10), false,
         "4"},
        {"spaces between letters do not count", "a b c d e f g h i j k l m n o p q r s", false, "19"},
        {"concise", good_description, true, ""},
    };
    for (auto const& c : cases) {
        harness h;
        auto const st = at(dialog_step::description);
        auto const out = h.run(st, text_event(c.text));
        if (c.accepted) {
            EXPECT_EQ(out.next.step, dialog_step::since) << c.name;
            EXPECT_EQ(out.next.draft.description, std::string(trim(c.text))) << c.name;
        } else {
            EXPECT_EQ(out.next.step, dialog_step::description) << c.name;
            EXPECT_EQ(out.next.draft.description, st.draft.description) << c.name;
            auto const& reply = last_text(out);
            EXPECT_TRUE(has(reply, c.count)) << c.name << ": " << reply;
            EXPECT_TRUE(has(reply, c.count == "1001" ? "1000" : "20")) << c.name << ": the limit is given";
            EXPECT_TRUE(has(reply, head_of("en", "description.prompt"))) << c.name << ": re-prompted";
        }
    }
}

TEST(description_step, prompt_asks_for_a_concise_specific_text)
{
    harness h;
    auto const out = h.run(at(dialog_step::location), text_event(good_location));
    EXPECT_TRUE(has(last_text(out), "20 to 1000"));
    EXPECT_TRUE(has(last_text(out), "since when"));
}

TEST(location_step, takes_text_or_a_map_point)
{
    harness h;
    auto const st = at(dialog_step::location);

    auto const prompt = h.run(at(dialog_step::category), button_event("c:roads"));
    EXPECT_EQ(prompt.replies.back().location_label, shipped("en", "location.button"));

    auto const typed = h.run(st, text_event("  Elm Road 5  "));
    EXPECT_EQ(typed.next.step, dialog_step::description);
    EXPECT_EQ(typed.next.draft.location_text, "Elm Road 5");
    EXPECT_FALSE(typed.next.draft.location);

    auto const shared = h.run(st, location_event(48.13743, 11.57549, "Marienplatz"));
    EXPECT_EQ(shared.next.step, dialog_step::description);
    ASSERT_TRUE(shared.next.draft.location);
    EXPECT_DOUBLE_EQ(shared.next.draft.location->latitude, 48.13743);
    EXPECT_EQ(shared.next.draft.location_text, "Marienplatz");

    auto const too_long = h.run(st, text_event(std::string(301, 'a')));
    EXPECT_EQ(too_long.next.step, dialog_step::location);
    EXPECT_TRUE(has(last_text(too_long), "301"));
    EXPECT_TRUE(has(last_text(too_long), "300"));

    auto const blank = h.run(st, text_event(" \u3000 "));
    EXPECT_EQ(blank.next.step, dialog_step::location);
    EXPECT_TRUE(has(last_text(blank), shipped("en", "expect.location")));
}

TEST(location_step, map_point_shows_in_the_summary_and_is_filed)
{
    harness h;
    auto st = at(dialog_step::location);
    auto const out = h.feed(st, {location_event(48.13743, 11.57549), text_event(good_description), text_event("skip"),
                                 text_event("skip"), text_event("skip")});
    EXPECT_EQ(st.step, dialog_step::confirm);
    EXPECT_TRUE(has(last_text(out), "48.13743, 11.57549"));
    auto const filed = h.run(st, button_event("ok"));
    ASSERT_TRUE(filed.filed);
    ASSERT_TRUE(filed.filed->location);
    EXPECT_DOUBLE_EQ(filed.filed->location->longitude, 11.57549);
    EXPECT_EQ(filed.filed->location_text, "");
}

TEST(photos_step, acknowledges_each_photo_and_moves_on_at_the_max)
{
    harness h;
    auto st = at(dialog_step::photos);
    for (int i = 1; i <= 4; ++i) {
        auto const out = h.feed(st, {photo_event({"p" + std::to_string(i)})});
        EXPECT_EQ(st.step, dialog_step::photos);
        EXPECT_TRUE(has(last_text(out), "Photo " + std::to_string(i) + " of 5")) << last_text(out);
        EXPECT_EQ(last_buttons(out)[0], "p:done");
    }
    auto const fifth = h.feed(st, {photo_event({"p5"})});
    EXPECT_EQ(st.step, dialog_step::confirm);
    EXPECT_EQ(st.draft.photo_ids.size(), 5u);
    EXPECT_TRUE(has(last_text(fifth), "Photo 5 of 5"));
    EXPECT_TRUE(has(last_text(fifth), "Photos: 5"));
}

TEST(photos_step, at_the_max_already_a_photo_is_not_kept)
{
    harness h;
    auto st = at(dialog_step::photos);
    st.draft.photo_ids = {"1", "2", "3", "4", "5"};
    st.editing = true;
    auto const out = h.run(st, photo_event({"6"}));
    EXPECT_EQ(out.next.step, dialog_step::confirm);
    EXPECT_EQ(out.next.draft.photo_ids.size(), 5u);
    EXPECT_FALSE(has(last_text(out), "Photo 5 of 5 received"));
    EXPECT_TRUE(has(last_text(out), shipped("en", "photos.full").substr(0, 20)));
}

TEST(photos_step, keeps_no_more_than_the_max_from_one_album)
{
    harness h;
    auto st = at(dialog_step::photos);
    h.feed(st, {photo_event({"a", "b", "c", "d", "e", "f", "g"})});
    EXPECT_EQ(st.step, dialog_step::confirm);
    EXPECT_EQ(st.draft.photo_ids, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(photos_step, done_skip_and_remove)
{
    struct case_ { char const* name; model::inbound_event ev; dialog_step want; std::size_t photos; };
    case_ const cases[] = {
        {"typed done", text_event("Done"), dialog_step::confirm, 1},
        {"typed skip", text_event("skip"), dialog_step::confirm, 1},
        {"typed chinese", text_event("完成"), dialog_step::confirm, 1},
        {"button", button_event("p:done"), dialog_step::confirm, 1},
        {"remove", button_event("p:clear"), dialog_step::photos, 0},
        {"other text", text_event("what now"), dialog_step::photos, 1},
    };
    for (auto const& c : cases) {
        harness h;
        auto st = at(dialog_step::photos);
        st.draft.photo_ids = {"ph-1"};
        auto const out = h.run(st, c.ev);
        EXPECT_EQ(out.next.step, c.want) << c.name;
        EXPECT_EQ(out.next.draft.photo_ids.size(), c.photos) << c.name;
    }
}

TEST(photos_elsewhere, are_kept_while_filing_and_a_caption_answers_the_question)
{
    harness h;
    auto const at_description = h.run(at(dialog_step::description), photo_event({"early"}, good_description));
    EXPECT_EQ(at_description.next.draft.photo_ids, std::vector<std::string>{"early"});
    EXPECT_EQ(at_description.next.step, dialog_step::since);
    EXPECT_EQ(at_description.next.draft.description, good_description);
    EXPECT_TRUE(has(last_text(at_description), "(1 of 5)"));

    auto const no_caption = h.run(at(dialog_step::location), photo_event({"early"}));
    EXPECT_EQ(no_caption.next.step, dialog_step::location);
    EXPECT_EQ(no_caption.next.draft.photo_ids, std::vector<std::string>{"early"});
}

TEST(edit, each_field_returns_to_confirm)
{
    struct case_ { char const* field; model::inbound_event answer; dialog_step field_step; };
    case_ const cases[] = {
        {"e:category", button_event("c:water"), dialog_step::category},
        {"e:location", text_event("Elm Road 5"), dialog_step::location},
        {"e:description", text_event("The street light at Elm Road 5 has been dark for a week."), dialog_step::description},
        {"e:photos", photo_event({"ph-2"}), dialog_step::photos},
    };
    for (auto const& c : cases) {
        harness h;
        auto st = at(dialog_step::confirm);
        auto const edit = h.feed(st, {text_event("edit")});
        ASSERT_EQ(st.step, dialog_step::edit_field) << c.field;
        h.feed(st, {button_event(c.field)});
        EXPECT_EQ(st.step, c.field_step) << c.field;
        EXPECT_TRUE(st.editing) << c.field;
        auto const out = h.feed(st, {c.answer});
        if (c.field_step == dialog_step::photos) {  // photos: add, then done
            EXPECT_EQ(st.step, dialog_step::photos);
            h.feed(st, {text_event("done")});
        }
        EXPECT_EQ(st.step, dialog_step::confirm) << c.field;
        EXPECT_FALSE(st.editing) << c.field;
    }
    harness h;
    auto st = at(dialog_step::edit_field);
    h.feed(st, {text_event("3"), text_event("The street light at Elm Road 5 has been dark for a week.")});
    EXPECT_EQ(st.step, dialog_step::confirm);
    EXPECT_EQ(st.draft.description, "The street light at Elm Road 5 has been dark for a week.");
    EXPECT_EQ(st.draft.category, "roads");
    EXPECT_EQ(st.draft.location_text, good_location);
}

TEST(edit, back_while_editing_returns_to_confirm_unchanged)
{
    harness h;
    auto st = at(dialog_step::confirm);
    h.feed(st, {button_event("edit"), button_event("e:location"), text_event("back")});
    EXPECT_EQ(st.step, dialog_step::confirm);
    EXPECT_FALSE(st.editing);
    EXPECT_EQ(st.draft.location_text, good_location);
}

TEST(cancel, discards_the_draft_at_every_filing_step)
{
    for (auto s : {dialog_step::category, dialog_step::location, dialog_step::description, dialog_step::photos,
                   dialog_step::confirm, dialog_step::edit_field}) {
        harness h;
        auto st = at(s);
        st.draft.category = "roads";
        auto const out = h.run(st, text_event("cancel"));
        EXPECT_EQ(out.next.step, dialog_step::menu) << model::to_string(s);
        EXPECT_TRUE(draft_empty(out.next.draft)) << model::to_string(s);
        EXPECT_TRUE(has(last_text(out), shipped("en", "cancelled"))) << model::to_string(s);
        EXPECT_FALSE(out.filed);
    }
}

TEST(back, walks_the_filing_steps_backwards_with_the_prompt)
{
    struct case_ { dialog_step from, to; std::string prompt_head; };
    case_ const cases[] = {
        {dialog_step::category, dialog_step::menu, head_of("en", "menu.prompt")},
        {dialog_step::location, dialog_step::category, head_of("en", "category.prompt")},
        {dialog_step::description, dialog_step::location, head_of("en", "location.prompt")},
        {dialog_step::since, dialog_step::description, head_of("en", "description.prompt")},
        {dialog_step::outcome, dialog_step::since, head_of("en", "since.prompt")},
        {dialog_step::photos, dialog_step::outcome, head_of("en", "outcome.prompt")},
        {dialog_step::confirm, dialog_step::photos, head_of("en", "photos.prompt")},
        {dialog_step::edit_field, dialog_step::confirm, head_of("en", "confirm.prompt")},
    };
    for (auto const& c : cases) {
        harness h;
        auto const st = at(c.from);
        auto const out = h.run(st, button_event("back"));
        EXPECT_EQ(out.next.step, c.to) << model::to_string(c.from);
        EXPECT_EQ(out.next.draft.category, st.draft.category) << "draft kept";
        EXPECT_EQ(out.next.draft.description, st.draft.description) << "draft kept";
        EXPECT_TRUE(has(last_text(out), c.prompt_head)) << model::to_string(c.from);
    }
}

TEST(menu, offers_the_draft_and_file_starts_afresh)
{
    harness h;
    auto st = at(dialog_step::description);
    auto const menu = h.feed(st, {text_event("menu")});
    EXPECT_EQ(last_buttons(menu), (std::vector<std::string>{"m:file", "m:track", "help", "lang", "m:draft"}));
    EXPECT_TRUE(has(last_text(menu), "5. " + shipped("en", "menu.continue")));
    auto const resumed = h.run(st, text_event("5"));
    EXPECT_EQ(resumed.next.step, dialog_step::description);
    auto const fresh = h.run(st, text_event("1"));
    EXPECT_EQ(fresh.next.step, dialog_step::category);
    EXPECT_TRUE(fresh.next.draft.category.empty());
    EXPECT_TRUE(has(last_text(fresh), shipped("en", "draft.discarded")));

    auto complete = at(dialog_step::confirm);
    complete.step = dialog_step::menu;
    EXPECT_EQ(h.run(complete, button_event("m:draft")).next.step, dialog_step::confirm);
}

TEST(confirm, an_incomplete_draft_asks_for_what_is_missing)
{
    harness h;
    auto st = at(dialog_step::confirm);
    st.draft.category = "abolished";  // removed from the config since
    auto const out = h.run(st, button_event("ok"));
    EXPECT_FALSE(out.filed);
    EXPECT_EQ(h.tracking_calls, 0);
    EXPECT_EQ(out.next.step, dialog_step::category);
}

}  // namespace
}  // namespace pg::dialog
