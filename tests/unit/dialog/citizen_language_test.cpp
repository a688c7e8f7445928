#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;

TEST(language, first_contact_follows_the_client_language)
{
    struct case_ { char const* hint; char const* want; };
    case_ const cases[] = {
        {"zh-hans", "zh-CN"}, {"zh-TW", "zh-CN"}, {"ZH", "zh-CN"}, {"en-US", "en"}, {"fr", "en"}, {"", "en"},
    };
    for (auto const& c : cases) {
        harness h;
        auto ev = text_event("/start");
        ev.language = c.hint;
        auto const out = h.run(model::conversation{}, ev);
        EXPECT_EQ(out.next.language, c.want) << c.hint;
        EXPECT_TRUE(has(last_text(out), shipped(c.want, "welcome"))) << c.hint;
        EXPECT_TRUE(has(last_text(out), head_of(c.want, "menu.prompt"))) << c.hint;
    }
}

TEST(language, later_events_keep_the_chosen_language)
{
    harness h;
    auto st = at(dialog_step::menu, "zh-CN");
    auto ev = text_event("1");
    ev.language = "en";
    auto const out = h.run(st, ev);
    EXPECT_EQ(out.next.language, "zh-CN");
    EXPECT_TRUE(has(last_text(out), head_of("zh-CN", "category.prompt")));
    EXPECT_TRUE(has(last_text(out), "道路、人行道和交通"));
}

TEST(language, choosing_resumes_the_step_and_keeps_the_draft)
{
    struct case_ { char const* name; model::inbound_event pick; };
    case_ const cases[] = {
        {"number", text_event("2")},
        {"name", text_event("中文")},
        {"code", text_event("zh-cn")},
        {"prefix", text_event("zh")},
        {"button", button_event("l:zh-CN")},
    };
    for (auto const& c : cases) {
        harness h;
        auto st = at(dialog_step::description);
        auto const menu = h.feed(st, {text_event("language")});
        ASSERT_EQ(st.step, dialog_step::language) << c.name;
        EXPECT_EQ(last_buttons(menu), (std::vector<std::string>{"l:en", "l:zh-CN", "back"})) << c.name;
        auto const out = h.feed(st, {c.pick});
        EXPECT_EQ(st.step, dialog_step::description) << c.name;
        EXPECT_EQ(st.language, "zh-CN") << c.name;
        EXPECT_EQ(st.draft.category, "roads") << c.name;
        EXPECT_EQ(st.draft.location_text, good_location) << c.name;
        EXPECT_TRUE(has(last_text(out), head_of("zh-CN", "description.prompt"))) << c.name;
    }
}

TEST(language, a_language_name_typed_anywhere_switches_directly)
{
    harness h;
    auto st = at(dialog_step::location);
    auto const out = h.feed(st, {text_event("中文")});
    EXPECT_EQ(st.step, dialog_step::location);
    EXPECT_EQ(st.language, "zh-CN");
    EXPECT_EQ(st.draft.category, "roads");
    EXPECT_TRUE(has(last_text(out), head_of("zh-CN", "location.prompt")));
    EXPECT_EQ(out.replies.back().location_label, shipped("zh-CN", "location.button"));
    EXPECT_EQ(out.replies.back().language, "zh-CN");  // the web chat's page labels follow it

    auto const back = h.feed(st, {button_event("l:en")});  // an old language button
    EXPECT_EQ(st.language, "en");
    EXPECT_EQ(back.replies.back().language, "en");
    EXPECT_EQ(st.step, dialog_step::location);
}

TEST(language, switching_mid_filing_then_filing_records_the_new_language)
{
    harness h;
    auto st = at(dialog_step::confirm);
    auto const out = h.feed(st, {text_event("language"), text_event("2"), text_event("确认")});
    ASSERT_TRUE(out.filed);
    EXPECT_EQ(out.filed->language, "zh-CN");
    EXPECT_EQ(out.filed->description, good_description);
}

TEST(language, keywords_work_in_either_language_whatever_is_chosen)
{
    harness h;
    auto const zh = h.run(at(dialog_step::description, "zh-CN"), text_event("back"));
    EXPECT_EQ(zh.next.step, dialog_step::location);
    EXPECT_TRUE(has(last_text(zh), head_of("zh-CN", "location.prompt")));
    auto const en = h.run(at(dialog_step::description), text_event("返回"));
    EXPECT_EQ(en.next.step, dialog_step::location);
    EXPECT_TRUE(has(last_text(en), head_of("en", "location.prompt")));
}

TEST(language, a_stored_language_no_longer_shipped_falls_back)
{
    harness h;
    auto const out = h.run(at(dialog_step::menu, "fr"), text_event("help"));
    EXPECT_EQ(out.next.language, "en");
    EXPECT_TRUE(has(last_text(out), head_of("en", "help.menu")));
}

}  // namespace
}  // namespace pg::dialog
