#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"
#include "dialog/texts.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;
using model::status;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

// Deadlines of a filed petition: first response and answer, calendar or working days.

TEST(filing, sets_the_response_and_answer_deadlines)
{
    struct case_ {
        char const* name;
        char const* category;
        calendar cal;
        model::timestamp response_due;
        model::timestamp answer_due;
    };
    // t0 is Tuesday 2023-11-14, 22:13 UTC.
    case_ const cases[] = {
        {"roads: its own days", "roads", {}, t0 + days{2}, t0 + days{10}},
        {"parks: the flow's days", "parks", {}, t0 + days{3}, t0 + days{15}},
        {"water: a one-day response", "water", {}, t0 + days{1}, t0 + days{5}},
        {"roads in working days", "roads", {true, {}}, t0 + days{2}, t0 + days{14}},
        {"roads with a holiday", "roads", {true, {"2023-11-15"}}, t0 + days{3}, t0 + days{15}},
        {"parks in working days", "parks", {true, {}}, t0 + days{3}, t0 + days{21}},
    };
    for (auto const& c : cases) {
        harness h;
        h.cal = c.cal;
        auto st = at(dialog_step::confirm);
        st.draft.category = c.category;
        auto const out = h.run(st, button_event("ok"));
        ASSERT_TRUE(out.filed) << c.name;
        EXPECT_EQ(out.filed->response_due_at, c.response_due) << c.name;
        EXPECT_EQ(out.filed->deadline_at, c.answer_due) << c.name;
        EXPECT_TRUE(has(all_text(out), model::format_local_date(c.answer_due, c.cal.zone)))
            << c.name << ": the citizen is told the answer date";
    }
}

TEST(filing, counts_deadlines_in_the_configured_zone_and_tells_the_local_date)
{
    // t0, Tuesday 22:13 UTC, is Wednesday 2023-11-15 06:13 in Shanghai; Thursday there is a holiday.
    auto const shanghai = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(shanghai);
    harness h;
    h.cal = calendar{true, {"2023-11-16"}, {}, *shanghai};
    auto st = at(dialog_step::confirm);
    st.draft.category = "roads";  // 2 working days to respond, 10 to answer
    auto const out = h.run(st, button_event("ok"));
    ASSERT_TRUE(out.filed);
    EXPECT_EQ(out.filed->response_due_at, t0 + days{5});  // Monday 11-20 06:13 local
    EXPECT_EQ(out.filed->deadline_at, t0 + days{15});     // Thursday 11-30 06:13 local, 11-29 22:13 UTC
    EXPECT_TRUE(has(all_text(out), "2023-11-30")) << all_text(out);
    EXPECT_FALSE(has(all_text(out), "2023-11-29")) << all_text(out);
}

// Petitions of this chat in several states, and one of someone else's.
std::string const open_one = tracking_number(21, "k");
std::string const answered_one = tracking_number(22, "k");
std::string const closed_one = tracking_number(23, "k");
std::string const theirs = tracking_number(24, "k");
std::string const internal_note = "Caller is the contractor's neighbour, low priority";

model::timeline_event entry(model::timestamp at, model::entry_kind kind, status to, std::string note)
{
    model::timeline_event e;
    e.at = at;
    e.kind = kind;
    e.to = to;
    e.actor = kind == model::entry_kind::citizen_info ? model::actor_kind::citizen : model::actor_kind::staff;
    e.channel_id = channel;
    e.department = "transport";
    e.note = std::move(note);
    return e;
}

model::petition make(std::string tracking, status s, std::string chat_id = chat)
{
    model::petition p;
    p.tracking = std::move(tracking);
    p.channel_id = channel;
    p.chat_id = std::move(chat_id);
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

struct requests_harness : harness {
    requests_harness()
    {
        using model::entry_kind;
        lookup.add(make(open_one, status::accepted),
                   {entry(t0 - days{5}, entry_kind::transition, status::submitted, "submitted"),
                    entry(t0 - days{4}, entry_kind::transition, status::accepted, "Crew booked"),
                    entry(t0 - days{4}, entry_kind::note, status::accepted, internal_note),
                    entry(t0 - days{4}, entry_kind::assignment, status::accepted, "Wang Fang"),
                    entry(t0 - days{3}, entry_kind::citizen_info, status::accepted, "It got bigger (+1 photos)"),
                    entry(t0 - days{2}, entry_kind::reminder, status::accepted, "answer deadline")});
        lookup.add(make(answered_one, status::answered),
                   {entry(t0 - days{5}, entry_kind::transition, status::submitted, "submitted"),
                    entry(t0 - hours{1}, entry_kind::transition, status::answered, "Filled today.")});
        lookup.add(make(closed_one, status::closed), {});
        lookup.add(make(theirs, status::answered, "9999"), {});
    }
    model::conversation state_at(dialog_step s)
    {
        auto st = at(s);
        st.petitions = {open_one, answered_one, closed_one};
        return st;
    }
    // The details of a petition on screen, as after typing its number.
    model::conversation details_of(std::string const& tracking)
    {
        auto const out = run(state_at(dialog_step::track), text_event(tracking));
        return out.next;
    }
};

TEST(add_info, is_offered_on_the_details_of_an_own_open_petition)
{
    struct case_ {
        std::string tracking;
        bool offered;
    };
    case_ const cases[] = {{open_one, true}, {answered_one, true}, {closed_one, false}, {theirs, false}};
    for (auto const& c : cases) {
        requests_harness h;
        auto const out = h.run(h.state_at(dialog_step::track), text_event(c.tracking));
        auto const buttons = last_buttons(out);
        bool const shown = std::find(buttons.begin(), buttons.end(), "a:" + c.tracking) != buttons.end();
        EXPECT_EQ(shown, c.offered) << c.tracking;
        EXPECT_EQ(out.next.target_petition, c.offered ? c.tracking : "") << c.tracking;
        EXPECT_EQ(has(last_text(out), shipped("en", "addinfo.button")), false) << "a button, not a text";
    }
}

TEST(add_info, a_text_goes_to_the_officials_and_back_to_the_menu)
{
    requests_harness h;
    auto const asked = h.run(h.details_of(open_one), button_event("a:" + open_one));
    EXPECT_EQ(asked.next.step, dialog_step::add_info);
    EXPECT_EQ(asked.next.target_petition, open_one);
    EXPECT_TRUE(has(last_text(asked), "What would you like to add to request " + open_one));
    EXPECT_TRUE(asked.requests.empty());
    EXPECT_EQ(last_buttons(asked), (std::vector<std::string>{"back", "cancel"}));

    auto const sent = h.run(asked.next, text_event("  The hole got bigger after the rain.  "));
    ASSERT_EQ(sent.requests.size(), 1u);
    auto const& r = sent.requests[0];
    EXPECT_EQ(r.what, citizen_request::kind::add_info);
    EXPECT_EQ(r.tracking, open_one);
    EXPECT_EQ(r.text, "The hole got bigger after the rain.");
    EXPECT_TRUE(r.photo_ids.empty());
    EXPECT_EQ(sent.next.step, dialog_step::menu);
    EXPECT_TRUE(sent.next.target_petition.empty());
    EXPECT_TRUE(has(last_text(sent), "sent to the officials handling request " + open_one));
    EXPECT_TRUE(has(last_text(sent), head_of("en", "menu.prompt")));
    EXPECT_FALSE(sent.filed);
}

TEST(add_info, can_be_typed_in_either_language)
{
    for (std::string typed : {"add", "Add information", "ADD INFO", "补充信息", "补充"}) {
        requests_harness h;
        auto const out = h.run(h.details_of(open_one), text_event(typed));
        EXPECT_EQ(out.next.step, dialog_step::add_info) << typed;
        EXPECT_EQ(out.next.target_petition, open_one) << typed;
    }
    requests_harness h;  // with the list on screen there is no petition to add to
    auto const list = h.run(h.state_at(dialog_step::track), text_event("add"));
    EXPECT_EQ(list.next.step, dialog_step::track);
    EXPECT_TRUE(has(last_text(list), shipped("en", "expect.track")));
}

TEST(add_info, photos_go_with_their_caption)
{
    struct case_ {
        char const* name;
        model::inbound_event ev;
        std::string text;
        std::size_t photos;
    };
    case_ const cases[] = {
        {"photos with a caption", photo_event({"p1", "p2"}, " After the rain "), "After the rain", 2},
        {"a photo alone", photo_event({"p1"}), "", 1},
        {"more than the limit", photo_event({"p1", "p2", "p3", "p4", "p5", "p6", "p7"}), "", 5},
    };
    for (auto const& c : cases) {
        requests_harness h;
        auto st = h.state_at(dialog_step::add_info);
        st.target_petition = open_one;
        auto const out = h.run(st, c.ev);
        ASSERT_EQ(out.requests.size(), 1u) << c.name;
        EXPECT_EQ(out.requests[0].text, c.text) << c.name;
        EXPECT_EQ(out.requests[0].photo_ids.size(), c.photos) << c.name;
        EXPECT_EQ(out.next.step, dialog_step::menu) << c.name;
        EXPECT_TRUE(out.next.draft.photo_ids.empty()) << c.name << ": not the filing draft's photos";
    }
}

TEST(add_info, bad_input_reprompts_without_a_request)
{
    struct case_ {
        char const* name;
        model::inbound_event ev;
        std::string says;
    };
    case_ const cases[] = {
        {"too long", text_event(std::string(1001, 'x')), "That is 1001 characters; the limit is 1000."},
        {"caption too long", photo_event({"p1"}, std::string(1001, 'x')), "the limit is 1000"},
        {"blank", text_event(" \u3000 "), shipped("en", "expect.add_info")},
        {"a location", location_event(1, 2), shipped("en", "location.elsewhere")},
        {"a sticker", unsupported_event(), shipped("en", "unsupported")},
    };
    for (auto const& c : cases) {
        requests_harness h;
        auto st = h.state_at(dialog_step::add_info);
        st.target_petition = open_one;
        auto const out = h.run(st, c.ev);
        EXPECT_TRUE(out.requests.empty()) << c.name;
        EXPECT_EQ(out.next.step, dialog_step::add_info) << c.name;
        EXPECT_EQ(out.next.target_petition, open_one) << c.name;
        EXPECT_TRUE(has(last_text(out), c.says)) << c.name << ": " << last_text(out);
        EXPECT_TRUE(has(last_text(out), "What would you like to add")) << c.name;
    }
}

TEST(add_info, cancel_back_and_menu_leave_it)
{
    requests_harness h;
    auto st = h.state_at(dialog_step::add_info);
    st.target_petition = open_one;
    st.draft.category = "roads";  // a filing draft in the background
    st.draft.description = good_description;

    auto const cancelled = h.run(st, text_event("cancel"));
    EXPECT_EQ(cancelled.next.step, dialog_step::menu);
    EXPECT_TRUE(cancelled.next.target_petition.empty());
    EXPECT_EQ(cancelled.next.draft.description, good_description) << "the filing draft is not what was cancelled";
    EXPECT_TRUE(cancelled.requests.empty());

    auto const back = h.run(st, button_event("back"));
    EXPECT_EQ(back.next.step, dialog_step::track);
    EXPECT_EQ(back.next.target_petition, open_one);
    EXPECT_TRUE(has(last_text(back), "Request " + open_one)) << "the details again";

    auto const menu = h.run(st, text_event("/menu"));
    EXPECT_EQ(menu.next.step, dialog_step::menu);
    EXPECT_TRUE(menu.next.target_petition.empty());

    auto const help = h.run(st, text_event("help"));
    EXPECT_EQ(help.next.step, dialog_step::add_info);
    EXPECT_TRUE(has(last_text(help), head_of("en", "help.add_info")));

    auto const zh = h.run(st, text_event("中文"));
    EXPECT_EQ(zh.next.step, dialog_step::add_info);
    EXPECT_EQ(zh.next.target_petition, open_one);
    EXPECT_TRUE(has(last_text(zh), "您想为诉求 " + open_one + " 补充什么"));
}

TEST(add_info, only_for_own_petitions_that_are_still_open)
{
    requests_harness h;
    auto const other = h.run(h.state_at(dialog_step::track), button_event("a:" + theirs));
    EXPECT_EQ(other.next.step, dialog_step::track);
    EXPECT_TRUE(has(last_text(other), shipped("en", "stale_button")));

    auto const closed = h.run(h.state_at(dialog_step::menu), button_event("a:" + closed_one));
    EXPECT_EQ(closed.next.step, dialog_step::menu);
    EXPECT_TRUE(has(last_text(closed), "Request " + closed_one + " is closed; information can no longer be added"));

    auto const from_menu = h.run(h.state_at(dialog_step::menu), button_event("a:" + open_one));
    EXPECT_EQ(from_menu.next.step, dialog_step::add_info) << "an earlier details message still works";

    auto const mid_filing = h.run(h.state_at(dialog_step::description), button_event("a:" + open_one));
    EXPECT_EQ(mid_filing.next.step, dialog_step::description) << "not in the middle of filing";
    EXPECT_TRUE(has(last_text(mid_filing), shipped("en", "stale_button")));

    // Closed while the citizen was typing: told so, nothing sent.
    auto st = h.state_at(dialog_step::add_info);
    st.target_petition = open_one;
    h.lookup.petitions[open_one].current = status::closed;
    auto const late = h.run(st, text_event("One more thing"));
    EXPECT_TRUE(late.requests.empty());
    EXPECT_EQ(late.next.step, dialog_step::menu);
    EXPECT_TRUE(has(all_text(late), "is closed; information can no longer be added"));
}

TEST(track, hides_internal_entries_and_shows_what_the_citizen_added)
{
    requests_harness h;
    auto const out = h.run(h.state_at(dialog_step::track), text_event(open_one));
    auto const& reply = last_text(out);
    EXPECT_FALSE(has(reply, internal_note));
    EXPECT_FALSE(has(reply, "Wang Fang"));
    EXPECT_FALSE(has(reply, "answer deadline"));
    EXPECT_TRUE(has(reply, "Crew booked"));
    EXPECT_TRUE(has(reply, "information added by you \u00b7 It got bigger (+1 photos)")) << reply;
}

// Rating: the answer notification's 1-5 buttons, then resolved or not.

std::string rate(std::string const& tracking, std::string const& tail) { return "r:" + tracking + ":" + tail; }

TEST(rating, the_buttons_work_at_every_step_and_return_to_it)
{
    for (auto s : all_steps) {
        auto const where = std::string(model::to_string(s));
        requests_harness h;
        auto const st = h.state_at(s);
        auto const back_to = s == dialog_step::start ? dialog_step::menu : s;

        auto const asked = h.run(st, button_event(rate(answered_one, "4")));
        EXPECT_TRUE(asked.requests.empty()) << where;
        EXPECT_EQ(asked.next.step, back_to) << where;
        EXPECT_TRUE(has(last_text(asked), "You rated the answer to request " + answered_one + " with 4 out of 5"))
            << where;
        EXPECT_EQ(last_buttons(asked), (std::vector<std::string>{rate(answered_one, "4y"), rate(answered_one, "4n")}))
            << where;

        for (auto const& [tail, resolved] : {std::pair{"4y", true}, std::pair{"2n", false}}) {
            auto const done = h.run(st, button_event(rate(answered_one, tail)));
            ASSERT_EQ(done.requests.size(), 1u) << where;
            auto const& r = done.requests[0];
            EXPECT_EQ(r.what, citizen_request::kind::rate) << where;
            EXPECT_EQ(r.tracking, answered_one) << where;
            EXPECT_EQ(r.rating, tail[0] - '0') << where;
            EXPECT_EQ(r.resolved, resolved) << where;
            EXPECT_EQ(done.next.step, back_to) << where;
            EXPECT_EQ(done.next.draft.description, st.draft.description) << where;
            EXPECT_EQ(done.next.target_petition, st.target_petition) << where;
            EXPECT_TRUE(has(all_text(done), shipped("en", "rate.thanks"))) << where;
            EXPECT_EQ(done.replies[0].kind, model::message_kind::callback_ack) << where;
        }
    }
}

TEST(rating, only_an_own_answered_petition_can_be_rated)
{
    requests_harness h;
    auto const st = h.state_at(dialog_step::menu);
    auto const early = h.run(st, button_event(rate(open_one, "4y")));
    EXPECT_TRUE(early.requests.empty());
    EXPECT_TRUE(has(last_text(early), "Request " + open_one + " cannot be rated now: it is accepted."));

    for (auto const& data : {rate(theirs, "4y"), rate(theirs, "4"), rate(answered_one, "9"), rate(answered_one, "4x"),
                             rate(answered_one, ""), std::string("r:")}) {
        auto const out = h.run(st, button_event(data));
        EXPECT_TRUE(out.requests.empty()) << data;
        EXPECT_TRUE(has(last_text(out), shipped("en", "stale_button"))) << data;
        EXPECT_EQ(out.next.step, dialog_step::menu) << data;
    }
}

TEST(rating, a_typed_number_rates_when_the_answer_is_the_latest_message)
{
    requests_harness h;
    auto st = h.state_at(dialog_step::menu);
    st.updated_at = t0 - hours{2};  // the answer (t0 - 1h) came after the citizen's last turn
    auto const typed = h.run(st, text_event("3"));
    EXPECT_EQ(typed.next.step, dialog_step::menu);
    EXPECT_TRUE(has(last_text(typed), "with 3 out of 5")) << last_text(typed);
    EXPECT_EQ(last_buttons(typed), (std::vector<std::string>{rate(answered_one, "3y"), rate(answered_one, "3n")}));

    auto track = h.state_at(dialog_step::track);
    track.updated_at = st.updated_at;
    auto const at_track = h.run(track, text_event("５"));
    EXPECT_TRUE(has(last_text(at_track), "with 5 out of 5")) << "full-width digits too";

    st.updated_at = t0 - minutes{5};  // the citizen has used the dialog since: "3" is the menu's Help again
    auto const help = h.run(st, text_event("3"));
    EXPECT_TRUE(has(last_text(help), head_of("en", "help.menu")));

    st.updated_at = t0 - hours{2};
    auto const six = h.run(st, text_event("6"));
    EXPECT_FALSE(has(last_text(six), "out of 5")) << "only 1 to 5";
}

TEST(rating, the_answer_notification_buttons_drive_the_dialog_end_to_end)
{
    requests_harness h;
    auto p = make(open_one, status::in_progress);
    petition_context const ctx{t0, demo_data(), "en", {}};
    actor const official{model::actor_kind::staff, "u-77", "Li Wei", "staff-tg"};
    auto const answered = apply_staff(p, {model::petition_action::answer, {}, {}, "Filled today."}, official, ctx);
    ASSERT_TRUE(answered.applied);
    h.lookup.petitions[open_one] = answered.next;
    auto const& buttons = answered.to_citizen.back().buttons;

    auto st = h.state_at(dialog_step::photos);
    auto const asked = h.run(st, button_event(buttons[0][1].data));  // "2"
    auto const not_resolved = last_buttons(asked).at(1);
    auto const done = h.run(asked.next, button_event(not_resolved));
    ASSERT_EQ(done.requests.size(), 1u);
    EXPECT_FALSE(done.requests[0].resolved);
    EXPECT_EQ(done.next.step, dialog_step::photos);

    actor const citizen{model::actor_kind::citizen, user, {}, channel};
    auto const reopened = apply_citizen(h.lookup.petitions[open_one], done.requests[0], citizen, ctx);
    EXPECT_TRUE(reopened.applied);
    EXPECT_EQ(reopened.next.current, status::reopened);
    EXPECT_EQ(reopened.next.rating, 2);
}

}  // namespace
}  // namespace pg::dialog
