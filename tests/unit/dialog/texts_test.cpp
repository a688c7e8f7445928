#include "dialog/texts.hpp"

#include "demo_data.hpp"
#include "dialog/citizen_flow.hpp"
#include "dialog/citizen_texts.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_texts.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace pg::dialog {
namespace {

using fixture::demo_data;

TEST(substitute, fills_placeholders_once)
{
    struct case_ { char const* name; std::string text; std::string want; };
    case_ const cases[] = {
        {"one", "That is {count} characters.", "That is 12 characters."},
        {"two and repeated", "{count}/{max} {count}", "12/20 12"},
        {"unknown left as written", "{nope} {count}", "{nope} 12"},
        {"not a name", "{ count } {Count} {}", "{ count } {Count} {}"},
        {"unclosed", "a {count", "a {count"},
        {"value is not substituted again", "{value}", "{count}"},
        {"cjk around", "目前只有{count}个字", "目前只有12个字"},
    };
    for (auto const& c : cases)
        EXPECT_EQ(substitute(c.text, {{"count", "12"}, {"max", "20"}, {"value", "{count}"}}), c.want) << c.name;
}

TEST(placeholders, lists_each_name_once)
{
    EXPECT_EQ(placeholders("{a} x {b_2} {a} {Not} { c }"), (std::vector<std::string>{"a", "b_2"}));
    EXPECT_TRUE(placeholders("no braces").empty());
}

TEST(pick_locale, prefers_the_client_language)
{
    struct case_ { char const* hint; char const* want; };
    case_ const cases[] = {
        {"zh-hans", "zh-CN"}, {"ZH-Hant", "zh-CN"}, {"zh", "zh-CN"}, {"en-GB", "en"},
        {"fr", "en"},         {"", "en"},           {"e", "en"},
    };
    for (auto const& c : cases)
        EXPECT_EQ(pick_locale(demo_data(), c.hint).code, c.want) << c.hint;
}

TEST(texts, falls_back_to_the_default_locale_then_the_key)
{
    auto data = demo_data();
    data.locales[1].texts.erase("welcome");
    texts const zh(data, "zh-CN");
    EXPECT_EQ(zh.get("welcome"), data.locales[0].texts.at("welcome"));
    EXPECT_EQ(zh.get("menu.file"), "提交诉求");
    EXPECT_EQ(zh.get("no.such.key"), "no.such.key");
    EXPECT_EQ(zh.find("no.such.key"), nullptr);
    texts const unknown(data, "fr");
    EXPECT_EQ(unknown.code(), "en");
    EXPECT_EQ(zh.label(data.citizen.categories[0]), "道路、人行道和交通");
    model::category bare{"bare", "x", 0, {}};
    EXPECT_EQ(zh.label(bare), "bare");
}

// What the pages show for the ids in petitions (gateway: *_label fields).
TEST(texts, labels_departments_and_categories_by_id_else_shows_the_id)
{
    auto data = demo_data();
    data.locales[1].texts.erase("dept.water");
    texts const zh(data, "zh-CN"), en(data, "en");
    EXPECT_EQ(en.department_label("public_works"), "Public Works Department");
    EXPECT_EQ(zh.department_label("public_works"), "市政工程管理处");
    EXPECT_EQ(zh.department_label("water"), "Water Authority");  // the default locale's
    EXPECT_EQ(zh.department_label("no_such_department"), "no_such_department");
    EXPECT_EQ(en.category_label("lighting"), "Street lighting");
    EXPECT_EQ(zh.category_label("lighting"), "路灯照明");
    EXPECT_EQ(zh.category_label("no_such_category"), "no_such_category");
}

// The shipped locale files: what the gateway checks at start, and more.

// Both tables: the citizen dialog's and the lifecycle's.
template <class F>
void for_each_spec(F f)
{
    for (auto const& spec : text_specs)
        f(spec.key, spec.args);
    for (auto const& spec : lifecycle_text_specs)
        f(spec.key, spec.args);
}

TEST(shipped_locales, define_every_required_key_with_its_placeholders)
{
    for (auto const& l : demo_data().locales)
        for_each_spec([&](std::string_view spec_key, std::string_view spec_args) {
            auto const key = std::string(spec_key);
            auto const it = l.texts.find(key);
            ASSERT_NE(it, l.texts.end()) << l.code << ": missing " << key;
            EXPECT_FALSE(trim(it->second).empty()) << l.code << ": empty " << key;
            std::set<std::string> want;
            std::string args(spec_args);
            for (std::size_t p = 0; p < args.size();) {
                auto const q = std::min(args.find(' ', p), args.size());
                want.insert(args.substr(p, q - p));
                p = q + 1;
            }
            auto const used = placeholders(it->second);
            EXPECT_EQ(std::set<std::string>(used.begin(), used.end()), want)
                << l.code << " " << key << ": placeholders in the text must be exactly those the dialog fills in";
        });
}

TEST(shipped_locales, define_the_same_keys)
{
    auto const& ls = demo_data().locales;
    ASSERT_EQ(ls.size(), 2u);
    std::set<std::string> a, b;
    for (auto const& [k, v] : ls[0].texts) a.insert(k);
    for (auto const& [k, v] : ls[1].texts) b.insert(k);
    EXPECT_EQ(a, b);
    EXPECT_EQ(ls[0].code, "en");
    EXPECT_EQ(ls[1].code, "zh-CN");
    EXPECT_EQ(ls[1].name, "中文");
    EXPECT_EQ(ls[1].matches, std::vector<std::string>{"zh"});
}

TEST(shipped_locales, required_text_keys_match_the_table)
{
    auto const& keys = required_text_keys();
    EXPECT_EQ(keys.size(), text_specs.size() + lifecycle_text_specs.size());
    EXPECT_EQ(std::set<std::string>(keys.begin(), keys.end()).size(), keys.size()) << "duplicate key";
}

// A typed word must mean one thing: a global command word may not also be a
// menu or confirm word, in any locale.
TEST(shipped_locales, keywords_do_not_collide)
{
    std::map<std::string, std::string> owner;
    auto claim = [&](text id, std::string const& group) {
        for (auto const& l : demo_data().locales)
            for (auto const& w : word_list(l.texts.at(std::string(key_of(id))))) {
                auto [it, fresh] = owner.emplace(w, group);
                EXPECT_TRUE(fresh || it->second == group) << "'" << w << "' means " << it->second << " and " << group;
            }
    };
    claim(text::kw_menu, "menu"), claim(text::button_menu, "menu");
    claim(text::kw_cancel, "cancel"), claim(text::button_cancel, "cancel");
    claim(text::kw_back, "back"), claim(text::button_back, "back");
    claim(text::kw_help, "help"), claim(text::menu_help, "help");
    claim(text::kw_language, "language"), claim(text::menu_language, "language");
    claim(text::kw_file, "file"), claim(text::menu_file, "file");
    claim(text::kw_track, "track"), claim(text::menu_track, "track");
    claim(text::kw_continue, "continue"), claim(text::menu_continue, "continue");
    claim(text::kw_add_info, "add_info"), claim(text::addinfo_button, "add_info");
    claim(text::kw_link, "link"), claim(text::kw_notify_here, "notify_here");
    // Step-local words may repeat a menu word (they are read at other steps), not a global one.
    std::map<std::string, std::string> const globals = owner;
    for (auto id : {text::kw_done, text::kw_send, text::kw_edit, text::photos_done, text::photos_skip,
                    text::confirm_send, text::confirm_edit})
        for (auto const& l : demo_data().locales)
            for (auto const& w : word_list(l.texts.at(std::string(key_of(id))))) {
                auto const it = globals.find(w);
                bool const global = it != globals.end() && it->second != "file" && it->second != "track" &&
                                    it->second != "continue" && it->second != "add_info";
                EXPECT_FALSE(global) << "'" << w << "' is a global command word";
            }
}

TEST(shipped_flow, has_real_categories_other_last_and_short_button_data)
{
    auto const& data = demo_data();
    auto const& f = data.citizen;
    EXPECT_EQ(f.default_language, "en");
    EXPECT_EQ(f.description_min, 20u);
    EXPECT_EQ(f.description_max, 1000u);
    EXPECT_EQ(f.location_max, 300u);
    EXPECT_EQ(f.max_photos, 5u);
    EXPECT_EQ(f.deadline_days, 15);
    EXPECT_EQ(f.response_days, 3);
    EXPECT_EQ(f.remembered_petitions, 20u);
    ASSERT_GE(f.categories.size(), 7u);
    EXPECT_EQ(f.categories.back().id, "other");
    std::set<std::string> ids;
    for (auto const& c : f.categories) {
        EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
        EXPECT_LE(("c:" + c.id).size(), 64u);
        EXPECT_FALSE(c.department.empty()) << c.id;
        EXPECT_GE(c.deadline_days, 0) << c.id;
        EXPECT_GE(c.response_days, 0) << c.id;
        for (auto const& l : data.locales) {
            ASSERT_TRUE(c.labels.count(l.code)) << c.id << " has no " << l.code << " label";
            EXPECT_TRUE(l.texts.count("dept." + c.department)) << l.code << " does not name " << c.department;
        }
    }
    for (auto const& l : data.locales)
        EXPECT_LE(("l:" + l.code).size(), 64u);
}

}  // namespace
}  // namespace pg::dialog
