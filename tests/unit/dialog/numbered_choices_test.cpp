// Platforms without inline buttons (WeChat, SMS): every button of a screen is
// offered as a numbered line, and a typed number stands for the press.
#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/tracking.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using model::status;
using std::chrono::days;
using std::chrono::hours;

std::string const open_one = tracking_number(31, "k");
std::string const answered_one = tracking_number(32, "k");
std::string const closed_one = tracking_number(33, "k");

model::petition make(std::string tracking, status s)
{
    model::petition p;
    p.tracking = std::move(tracking);
    p.channel_id = channel;
    p.chat_id = chat;
    p.user_id = user;
    p.language = "en";
    p.category = "roads";
    p.department = "transport";
    p.location_text = good_location;
    p.description = good_description;
    p.current = s;
    p.submitted_at = t0 - days{5};
    p.deadline_at = t0 + days{5};
    return p;
}

model::timeline_event transition(model::timestamp at, status to)
{
    model::timeline_event e;
    e.at = at;
    e.to = to;
    e.channel_id = channel;
    e.department = "transport";
    e.note = std::string(model::to_string(to));
    return e;
}

// A chat on a platform without buttons, with three own petitions (one answered an hour ago).
struct buttonless : harness {
    buttonless()
    {
        buttons = false;
        lookup.add(make(open_one, status::accepted), {transition(t0 - days{5}, status::submitted)});
        lookup.add(make(answered_one, status::answered), {transition(t0 - hours{1}, status::answered)});
        lookup.add(make(closed_one, status::closed), {});
    }
    // Parked at s, its screen just shown (so its numbers are on offer).
    model::conversation shown(dialog_step s)
    {
        auto st = at(s);
        st.petitions = {open_one, answered_one, closed_one};
        auto const out = run(st, text_event("/help"));
        EXPECT_EQ(out.next.step, s == dialog_step::start ? dialog_step::menu : s);
        return out.next;
    }
};

void expect_no_buttons(outcome const& out)
{
    for (auto const& m : texts_of(out))
        EXPECT_TRUE(m.buttons.empty()) << m.text;
}

std::vector<std::string> const categories{"c:roads", "c:lighting", "c:waste", "c:water", "c:transit",
                                          "c:parks", "c:noise",    "c:housing", "c:other"};

TEST(numbered_choices, the_menu_keeps_its_numbers_and_shows_no_buttons)
{
    buttonless h;
    auto const out = h.run(h.shown(dialog_step::menu), text_event("menu"));
    expect_no_buttons(out);
    EXPECT_EQ(out.next.offered, (std::vector<std::string>{"m:file", "m:track", "help", "lang"}));
    auto const& text = last_text(out);
    EXPECT_TRUE(has(text, "1. File a request\n2. Track my requests\n3. Help\n4. Language")) << text;
    EXPECT_FALSE(has(text, "5.")) << "no second line for a choice already numbered: " << text;

    harness with_buttons;
    EXPECT_EQ(text, last_text(with_buttons.run(at(dialog_step::menu), text_event("menu"))));
}

TEST(numbered_choices, back_and_cancel_follow_the_numbered_list)
{
    buttonless h;
    auto const out = h.run(at(dialog_step::category), text_event("/help"));
    expect_no_buttons(out);
    auto expected = categories;
    expected.insert(expected.end(), {"back", "cancel"});
    EXPECT_EQ(out.next.offered, expected);
    EXPECT_TRUE(has(last_text(out), "1. Roads, pavements and traffic")) << last_text(out);
    EXPECT_TRUE(last_text(out).ends_with("\n\n10. Back\n11. Cancel")) << last_text(out);

    auto const location = h.run(at(dialog_step::location), text_event("/help"));
    expect_no_buttons(location);
    EXPECT_EQ(location.next.offered, (std::vector<std::string>{"back", "cancel"}));
    EXPECT_TRUE(last_text(location).ends_with("\n\n1. Back\n2. Cancel")) << last_text(location);
}

TEST(numbered_choices, typing_the_number_of_back_or_cancel_presses_it)
{
    buttonless h;
    auto const st = h.shown(dialog_step::location);

    auto const back = h.run(st, text_event("1"));
    EXPECT_EQ(back.next.step, dialog_step::category);
    EXPECT_EQ(back.next.draft.location_text, "") << "not taken as the place";

    auto const cancel = h.run(st, text_event("2."));
    EXPECT_EQ(cancel.next.step, dialog_step::menu);
    EXPECT_TRUE(draft_empty(cancel.next.draft));
    EXPECT_TRUE(has(all_text(cancel), shipped("en", "cancelled")));

    auto const at_category = h.shown(dialog_step::category);
    auto const picked = h.run(at_category, text_event("2"));
    EXPECT_EQ(picked.next.draft.category, "lighting");
    auto const backed = h.run(at_category, text_event("10"));
    EXPECT_EQ(backed.next.step, dialog_step::menu);

    auto const place = h.run(st, text_event("Main Street 3"));
    EXPECT_EQ(place.next.draft.location_text, "Main Street 3") << "other text is still the answer";
    EXPECT_EQ(place.next.step, dialog_step::description);
}

TEST(numbered_choices, confirm_photos_and_the_rating_question_are_numbered)
{
    buttonless h;
    auto const confirm = h.run(at(dialog_step::confirm), text_event("/help"));
    EXPECT_EQ(confirm.next.offered, (std::vector<std::string>{"ok", "edit", "cancel"}));
    EXPECT_TRUE(last_text(confirm).ends_with("\n\n1. Send\n2. Edit\n3. Cancel")) << last_text(confirm);
    auto const edit = h.run(confirm.next, text_event("2"));
    EXPECT_EQ(edit.next.step, dialog_step::edit_field);
    // The field list is numbered already; Back comes after it.
    EXPECT_EQ(edit.next.offered,
              (std::vector<std::string>{"e:category", "e:location", "e:description", "e:since", "e:outcome",
                                        "e:photos", "back"}));
    EXPECT_EQ(h.run(edit.next, text_event("7")).next.step, dialog_step::confirm);

    auto with_photo = at(dialog_step::photos);
    with_photo.draft.photo_ids = {"ph-1"};
    auto const photos = h.run(with_photo, text_event("/help"));
    EXPECT_EQ(photos.next.offered, (std::vector<std::string>{"p:done", "p:clear", "back", "cancel"}));
    auto const cleared = h.run(photos.next, text_event("2"));
    EXPECT_TRUE(cleared.next.draft.photo_ids.empty());
    EXPECT_EQ(h.run(photos.next, text_event("1")).next.step, dialog_step::confirm);
}

TEST(numbered_choices, the_answer_goes_out_without_rating_buttons_and_a_typed_rating_then_resolved_works)
{
    buttonless h;
    auto const menu = h.shown(dialog_step::menu);  // "4" is on offer: Language

    petition_context ctx{t0, demo_data(), "en", {}};
    ctx.buttons = false;
    actor const official{model::actor_kind::staff, "u-77", "Li Wei", "staff-tg"};
    auto const answered =
        apply_staff(make(open_one, status::in_progress), {model::petition_action::answer, {}, {}, "Filled."},
                    official, ctx);
    ASSERT_TRUE(answered.applied);
    ASSERT_FALSE(answered.to_citizen.empty());
    for (auto const& m : answered.to_citizen)
        EXPECT_TRUE(m.buttons.empty());
    EXPECT_TRUE(has(answered.to_citizen.back().text, shipped("en", "notify.rate")));

    // The answer is the newest message: a typed 1-5 rates, whatever the menu offered.
    auto st = menu;
    st.updated_at = t0 - hours{2};
    auto const asked = h.run(st, text_event("4"));
    expect_no_buttons(asked);
    EXPECT_TRUE(has(last_text(asked), "with 4 out of 5")) << last_text(asked);
    EXPECT_TRUE(last_text(asked).ends_with("\n\n1. Yes, resolved\n2. No, not resolved")) << last_text(asked);

    auto const done = h.run(asked.next, text_event("2"));
    ASSERT_EQ(done.requests.size(), 1u);
    EXPECT_EQ(done.requests[0].what, citizen_request::kind::rate);
    EXPECT_EQ(done.requests[0].tracking, answered_one);
    EXPECT_EQ(done.requests[0].rating, 4);
    EXPECT_FALSE(done.requests[0].resolved);
    EXPECT_TRUE(has(all_text(done), shipped("en", "rate.thanks")));

    petition_context const with_buttons{t0, demo_data(), "en", {}};
    auto const on_telegram =
        apply_staff(make(open_one, status::in_progress), {model::petition_action::answer, {}, {}, "Filled."},
                    official, with_buttons);
    EXPECT_EQ(button_data(on_telegram.to_citizen.back()).size(), 5u);
}

TEST(numbered_choices, the_track_list_keeps_its_numbers_and_the_details_number_their_buttons)
{
    buttonless h;
    auto const list = h.run(h.shown(dialog_step::menu), text_event("2"));
    EXPECT_EQ(list.next.step, dialog_step::track);
    expect_no_buttons(list);
    EXPECT_EQ(list.next.offered, (std::vector<std::string>{"t:" + closed_one, "t:" + answered_one, "t:" + open_one,
                                                           "menu"}));
    EXPECT_TRUE(last_text(list).ends_with("\n\n4. Menu")) << last_text(list);

    auto const details = h.run(list.next, text_event("3"));
    EXPECT_TRUE(has(last_text(details), "Request " + open_one)) << last_text(details);
    EXPECT_EQ(details.next.offered, (std::vector<std::string>{"a:" + open_one, "m:track", "menu"}));
    EXPECT_TRUE(last_text(details).ends_with("\n\n1. Add information\n2. Track my requests\n3. Menu"))
        << last_text(details);

    auto const adding = h.run(details.next, text_event("1"));
    EXPECT_EQ(adding.next.step, dialog_step::add_info);
    EXPECT_EQ(adding.next.target_petition, open_one);
    EXPECT_EQ(h.run(details.next, text_event("3")).next.step, dialog_step::menu);
    EXPECT_EQ(h.run(adding.next, text_event("2")).next.step, dialog_step::menu) << "Cancel";
}

TEST(numbered_choices, a_screen_without_buttons_clears_the_offer)
{
    buttonless h;
    auto st = h.shown(dialog_step::location);
    ASSERT_FALSE(st.offered.empty());
    auto const edited = h.run(st, edited_text_event("Main Street"));
    EXPECT_TRUE(edited.next.offered.empty());
    auto const typed = h.run(edited.next, text_event("1"));
    EXPECT_EQ(typed.next.draft.location_text, "1") << "no button behind the number any more";
}

TEST(numbered_choices, with_buttons_nothing_is_numbered_or_remembered)
{
    for (auto s : all_steps) {
        auto const where = std::string(model::to_string(s));
        harness h;
        auto st = at(s);
        st.offered = {"back", "cancel"};  // as if left from a buttonless channel
        auto const out = h.run(st, text_event("/help"));
        EXPECT_TRUE(out.next.offered.empty()) << where;
        EXPECT_FALSE(last_buttons(out).empty()) << where;
        EXPECT_FALSE(has(last_text(out), "Back")) << where << ": " << last_text(out);
    }
    harness h;
    auto st = at(dialog_step::location);
    st.offered = {"back", "cancel"};
    auto const typed = h.run(st, text_event("1"));
    EXPECT_EQ(typed.next.draft.location_text, "1") << "a typed number is the place, as before";
}

TEST(numbered_choices, a_screen_with_more_buttons_than_the_platform_shows_is_numbered_and_typed)
{
    harness h;
    h.max_buttons = 2;  // fewer than the menu has
    auto const menu = h.run(at(dialog_step::menu), text_event("/menu"));
    EXPECT_TRUE(last_buttons(menu).empty());
    EXPECT_TRUE(has(last_text(menu), "2. ")) << last_text(menu);
    ASSERT_FALSE(menu.next.offered.empty());
    auto const typed = h.run(menu.next, text_event("2"));  // the second choice: track
    EXPECT_EQ(typed.next.step, dialog_step::track);

    h.max_buttons = 13;  // room for all: buttons, nothing remembered
    auto const shown = h.run(at(dialog_step::menu), text_event("/menu"));
    EXPECT_FALSE(last_buttons(shown).empty());
    EXPECT_TRUE(shown.next.offered.empty());
}

}  // namespace
}  // namespace pg::dialog
