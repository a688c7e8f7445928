#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;

enum class cmd { menu, cancel, back, help, language };

struct command_form {
    char const* name;
    model::inbound_event ev;
    cmd c;
};

std::vector<command_form> command_forms()
{
    return {
        {"/start", text_event("/start"), cmd::menu},     {"/menu", text_event("/menu"), cmd::menu},
        {"menu", text_event("Menu"), cmd::menu},         {"菜单", text_event("菜单"), cmd::menu},
        {"button menu", button_event("menu"), cmd::menu}, {"/cancel", text_event("/cancel"), cmd::cancel},
        {"cancel", text_event(" cancel "), cmd::cancel}, {"取消", text_event("取消"), cmd::cancel},
        {"button cancel", button_event("cancel"), cmd::cancel},
        {"/back", text_event("/back"), cmd::back},       {"back", text_event("BACK"), cmd::back},
        {"返回", text_event("返回"), cmd::back},         {"button back", button_event("back"), cmd::back},
        {"/help", text_event("/help@city_bot"), cmd::help}, {"help", text_event("help"), cmd::help},
        {"帮助", text_event("帮助"), cmd::help},         {"button help", button_event("help"), cmd::help},
        {"/language", text_event("/language"), cmd::language},
        {"language", text_event("Language"), cmd::language},
        {"语言", text_event("语言"), cmd::language},     {"button lang", button_event("lang"), cmd::language},
    };
}

dialog_step back_of(dialog_step s)
{
    switch (s) {
    case dialog_step::location: return dialog_step::category;
    case dialog_step::description: return dialog_step::location;
    case dialog_step::since: return dialog_step::description;
    case dialog_step::outcome: return dialog_step::since;
    case dialog_step::photos: return dialog_step::outcome;  // the demo flow asks since when and what outcome
    case dialog_step::split: return dialog_step::confirm;
    case dialog_step::duplicates: return dialog_step::confirm;
    case dialog_step::confirm: return dialog_step::photos;
    case dialog_step::edit_field: return dialog_step::confirm;
    case dialog_step::language: return dialog_step::category;  // its resume step in at()
    case dialog_step::add_info: return dialog_step::track;      // the petition it adds to
    default: return dialog_step::menu;
    }
}

std::string help_key(dialog_step s)
{
    if (s == dialog_step::start || s == dialog_step::menu)
        return "help.menu";
    return "help." + std::string(model::to_string(s));
}

// Every step x every spelling of every global command.
TEST(global_commands, work_at_every_step)
{
    for (auto s : all_steps)
        for (auto const& f : command_forms()) {
            harness h;
            auto const st = at(s);
            auto const out = h.run(st, f.ev);
            auto const where = std::string(model::to_string(s)) + " x " + f.name;
            auto const replies = texts_of(out);
            ASSERT_EQ(replies.size(), 1u) << where;
            EXPECT_FALSE(replies[0].text.empty()) << where;
            EXPECT_FALSE(replies[0].buttons.empty()) << where << ": a prompt always offers buttons";
            if (f.ev.kind == model::event_kind::button) {
                ASSERT_EQ(out.replies.size(), 2u) << where;
                EXPECT_EQ(out.replies[0].kind, model::message_kind::callback_ack) << where;
            }
            EXPECT_EQ(out.next.events, st.events + 1) << where;
            EXPECT_FALSE(out.filed) << where;
            if (s == dialog_step::start) {
                EXPECT_TRUE(has(replies[0].text, shipped("en", "welcome"))) << where;
            }

            dialog_step want = s;
            switch (f.c) {
            case cmd::menu:
            case cmd::cancel: want = dialog_step::menu; break;
            case cmd::back: want = back_of(s); break;
            case cmd::help: want = s == dialog_step::start ? dialog_step::menu : s; break;
            case cmd::language: want = dialog_step::language; break;
            }
            EXPECT_EQ(out.next.step, want) << where;

            if (f.c == cmd::cancel) {
                EXPECT_TRUE(draft_empty(out.next.draft)) << where;
            } else {
                EXPECT_EQ(out.next.draft.description, st.draft.description) << where << ": draft kept";
            }
            if (f.c == cmd::help) {
                EXPECT_TRUE(has(replies[0].text, head_of("en", help_key(s)))) << where;
            }
            if (f.c == cmd::language && s != dialog_step::language) {
                auto const resume = s == dialog_step::start ? dialog_step::menu : s;
                EXPECT_EQ(out.next.resume_step, resume) << where;
            }
            if (f.c == cmd::menu || f.c == cmd::cancel) {
                EXPECT_TRUE(has(replies[0].text, head_of("en", "menu.prompt"))) << where;
                EXPECT_FALSE(out.next.editing) << where;
            }
        }
}

TEST(global_commands, help_then_the_current_prompt_again)
{
    harness h;
    auto const out = h.run(at(dialog_step::description), text_event("help"));
    auto const& reply = last_text(out);
    auto const help_at = reply.find(head_of("en", "help.description"));
    auto const prompt_at = reply.find(head_of("en", "description.prompt"));
    ASSERT_NE(help_at, std::string::npos);
    ASSERT_NE(prompt_at, std::string::npos);
    EXPECT_LT(help_at, prompt_at);
}

struct bad_input {
    char const* name;
    model::inbound_event ev;
};

// Text that no step other than the free-text ones can take.
model::inbound_event unexpected_text_for(dialog_step s)
{
    if (s == dialog_step::location || s == dialog_step::description || s == dialog_step::add_info ||
        s == dialog_step::since || s == dialog_step::outcome)
        return text_event("  ");
    return text_event("xyzzy plugh");
}

void expect_same_but_counters(model::conversation const& before, model::conversation const& after,
                              std::string const& where)
{
    EXPECT_EQ(after.step, before.step) << where;
    EXPECT_EQ(after.resume_step, before.resume_step) << where;
    EXPECT_EQ(after.editing, before.editing) << where;
    EXPECT_EQ(after.language, before.language) << where;
    EXPECT_EQ(after.draft.category, before.draft.category) << where;
    EXPECT_EQ(after.draft.location_text, before.draft.location_text) << where;
    EXPECT_EQ(after.draft.description, before.draft.description) << where;
    EXPECT_EQ(after.draft.photo_ids, before.draft.photo_ids) << where;
    EXPECT_EQ(after.petitions, before.petitions) << where;
    EXPECT_EQ(after.events, before.events + 1) << where;
    EXPECT_EQ(after.updated_at, t0) << where;
}

std::string expect_key(dialog_step s) { return "expect." + std::string(model::to_string(s)); }

TEST(bad_input, unexpected_text_reprompts_with_what_is_expected)
{
    for (auto s : all_steps) {
        if (s == dialog_step::start)
            continue;
        harness h;
        auto const st = at(s);
        auto const out = h.run(st, unexpected_text_for(s));
        auto const where = std::string(model::to_string(s));
        expect_same_but_counters(st, out.next, where);
        ASSERT_EQ(out.replies.size(), 1u) << where;
        EXPECT_TRUE(has(last_text(out), shipped("en", expect_key(s)))) << where;
    }
}

TEST(bad_input, unsupported_says_what_can_be_read_and_reprompts)
{
    for (auto s : all_steps) {
        if (s == dialog_step::start)
            continue;
        harness h;
        auto const st = at(s);
        auto const out = h.run(st, unsupported_event());
        auto const where = std::string(model::to_string(s));
        expect_same_but_counters(st, out.next, where);
        ASSERT_EQ(out.replies.size(), 1u) << where;
        EXPECT_TRUE(has(last_text(out), shipped("en", "unsupported"))) << where;
        EXPECT_FALSE(out.replies[0].buttons.empty()) << where;
    }
}

TEST(bad_input, ignored_events_change_only_the_counters)
{
    for (auto s : all_steps) {
        harness h;
        auto const st = at(s);
        auto const out = h.run(st, ignored_event());
        auto const where = std::string(model::to_string(s));
        expect_same_but_counters(st, out.next, where);
        EXPECT_TRUE(out.replies.empty()) << where;
    }
}

TEST(bad_input, edits_get_a_note_for_text_and_silence_otherwise)
{
    for (auto s : all_steps) {
        if (s == dialog_step::start)
            continue;
        harness h;
        auto const st = at(s);
        auto const where = std::string(model::to_string(s));
        auto const text = h.run(st, edited_text_event("cancel"));  // an edit is never obeyed
        expect_same_but_counters(st, text.next, where);
        ASSERT_EQ(text.replies.size(), 1u) << where;
        EXPECT_EQ(last_text(text), shipped("en", "edited")) << where;

        auto moved = location_event(1, 2);
        moved.edited = true;  // a live location moving
        auto const live = h.run(st, moved);
        expect_same_but_counters(st, live.next, where);
        EXPECT_TRUE(live.replies.empty()) << where;
    }
}

TEST(bad_input, a_stale_button_says_so_and_reprompts)
{
    for (auto s : all_steps) {
        if (s == dialog_step::start)
            continue;
        harness h;
        auto const st = at(s);
        auto const data = s == dialog_step::edit_field ? "c:roads" : "e:photos";
        auto const out = h.run(st, button_event(data, "cb-old"));
        auto const where = std::string(model::to_string(s));
        expect_same_but_counters(st, out.next, where);
        ASSERT_EQ(out.replies.size(), 2u) << where;
        EXPECT_EQ(out.replies[0].kind, model::message_kind::callback_ack) << where;
        EXPECT_EQ(out.replies[0].callback_id, "cb-old") << where;
        EXPECT_TRUE(has(last_text(out), shipped("en", "stale_button"))) << where;
    }
}

TEST(bad_input, photos_and_locations_out_of_place_get_a_hint)
{
    for (auto s : {dialog_step::menu, dialog_step::track, dialog_step::language}) {
        harness h;
        auto const st = at(s);
        auto const where = std::string(model::to_string(s));
        auto const photo = h.run(st, photo_event({"x"}));
        expect_same_but_counters(st, photo.next, where);
        EXPECT_TRUE(has(last_text(photo), shipped("en", "photo.elsewhere"))) << where;
    }
    for (auto s : all_steps) {
        if (s == dialog_step::start || s == dialog_step::location)
            continue;
        harness h;
        auto const st = at(s);
        auto const where = std::string(model::to_string(s));
        auto const loc = h.run(st, location_event(1, 2));
        expect_same_but_counters(st, loc.next, where);
        EXPECT_TRUE(has(last_text(loc), shipped("en", "location.elsewhere"))) << where;
    }
}

TEST(every_step, sets_counters_and_ids_from_the_event)
{
    for (auto s : all_steps) {
        harness h;
        auto st = at(s);
        st.user_id = "old";
        st.channel_id = "old";
        auto ev = text_event("hello");
        ev.user_id = "u-7";
        auto const out = h.run(st, ev);
        EXPECT_EQ(out.next.events, 8u);
        EXPECT_EQ(out.next.updated_at, t0);
        EXPECT_EQ(out.next.user_id, "u-7");
        EXPECT_EQ(out.next.channel_id, channel);
        EXPECT_EQ(out.next.chat_id, chat);
        ev.user_id.clear();  // channel posts have no sender: keep the one we know
        EXPECT_EQ(h.run(st, ev).next.user_id, "old");
    }
}

TEST(start, welcomes_with_privacy_then_the_menu)
{
    harness h;
    auto const out = h.run(model::conversation{}, text_event("hi"));
    ASSERT_EQ(out.replies.size(), 1u);
    auto const& reply = last_text(out);
    EXPECT_TRUE(has(reply, shipped("en", "welcome")));
    EXPECT_TRUE(has(reply, shipped("en", "privacy")));
    EXPECT_TRUE(has(reply, head_of("en", "menu.prompt")));
    EXPECT_FALSE(has(reply, shipped("en", "expect.menu"))) << "a greeting is not an error";
    EXPECT_EQ(out.next.step, dialog_step::menu);
    EXPECT_EQ(out.next.language, "en");
    EXPECT_EQ(out.next.events, 1u);
}

TEST(start, acts_on_a_first_message_that_is_a_menu_choice)
{
    struct case_ { char const* name; model::inbound_event ev; dialog_step want; };
    case_ const cases[] = {
        {"track", text_event("track"), dialog_step::track},
        {"file by number", text_event("1"), dialog_step::category},
        {"/start", text_event("/start"), dialog_step::menu},
        {"stale button", button_event("c:roads"), dialog_step::menu},
        {"photo", photo_event({"p"}), dialog_step::menu},
        {"sticker", unsupported_event(), dialog_step::menu},
        {"a word in the other language's name", text_event("中文"), dialog_step::menu},
    };
    for (auto const& c : cases) {
        harness h;
        auto const out = h.run(model::conversation{}, c.ev);
        EXPECT_EQ(out.next.step, c.want) << c.name;
        auto const& reply = last_text(out);
        EXPECT_TRUE(has(reply, shipped(out.next.language, "welcome"))) << c.name;
        EXPECT_FALSE(has(reply, shipped("en", "stale_button"))) << c.name;
    }
}

TEST(start, ignored_and_edited_non_text_do_not_start_the_conversation)
{
    harness h;
    EXPECT_EQ(h.run(model::conversation{}, ignored_event()).next.step, dialog_step::start);
    auto moved = location_event(1, 2);
    moved.edited = true;
    auto const out = h.run(model::conversation{}, moved);
    EXPECT_EQ(out.next.step, dialog_step::start);
    EXPECT_TRUE(out.replies.empty());
}

TEST(buttons, typed_labels_and_numbers_work_like_presses)
{
    struct case_ { char const* name; dialog_step at_step; model::inbound_event ev; dialog_step want; };
    case_ const cases[] = {
        {"menu label", dialog_step::menu, text_event("file a request"), dialog_step::category},
        {"menu number", dialog_step::menu, text_event("2"), dialog_step::track},
        {"menu keyword", dialog_step::menu, text_event("track"), dialog_step::track},
        {"category label", dialog_step::category, text_event("Street lighting"), dialog_step::location},
        {"category label in the other language", dialog_step::category, text_event("路灯照明"), dialog_step::location},
        {"category id", dialog_step::category, text_event("waste"), dialog_step::location},
        {"category number", dialog_step::category, text_event("9"), dialog_step::location},
        {"category number out of range", dialog_step::category, text_event("10"), dialog_step::category},
        {"confirm edit by number", dialog_step::confirm, text_event("2"), dialog_step::edit_field},
        {"edit field label", dialog_step::edit_field, text_event("place"), dialog_step::location},
        {"share-location keyboard's back row", dialog_step::location, text_event("Back"), dialog_step::category},
    };
    for (auto const& c : cases) {
        harness h;
        auto const out = h.run(at(c.at_step), c.ev);
        EXPECT_EQ(out.next.step, c.want) << c.name;
    }
}

TEST(buttons, long_labels_get_a_row_each)
{
    harness h;
    auto const en = h.run(at(dialog_step::menu), text_event("1"));
    EXPECT_EQ(en.replies.back().buttons.front().size(), 1u) << "English category labels are long";
    auto const zh = h.run(at(dialog_step::menu, "zh-CN"), text_event("1"));
    EXPECT_EQ(zh.replies.back().buttons.front().size(), 2u) << "Chinese ones fit two to a row";
    auto const& nav = zh.replies.back().buttons.back();
    ASSERT_EQ(nav.size(), 2u);
    EXPECT_EQ(nav[0].label + "|" + nav[0].data + "|" + nav[1].label + "|" + nav[1].data, "返回|back|取消|cancel");
}

TEST(buttons, data_fits_in_64_bytes_and_labels_are_set)
{
    for (auto s : all_steps) {
        harness h;
        auto const out = h.run(at(s), text_event("help"));
        for (auto const& m : out.replies)
            for (auto const& row : m.buttons)
                for (auto const& b : row) {
                    EXPECT_FALSE(b.label.empty());
                    EXPECT_FALSE(b.data.empty());
                    EXPECT_LE(b.data.size(), 64u);
                }
    }
}

}  // namespace
}  // namespace pg::dialog
