#include "config/dialog_files.hpp"

#include "config/load.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace pg::config {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A fresh directory under the system temp dir holding one flow and two
// locales, removed afterwards.
class dialog_dir {
public:
    dialog_dir()
    {
        auto const* test = ::testing::UnitTest::GetInstance()->current_test_info();
        std::random_device rd;
        do {
            path_ = fs::temp_directory_path() / ("pg_dialog_" + std::string(test->name()) + "_" + std::to_string(rd()));
        } while (!fs::create_directory(path_));
    }
    ~dialog_dir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    dialog_dir(dialog_dir const&) = delete;
    dialog_dir& operator=(dialog_dir const&) = delete;

    std::string write(std::string const& name, json const& j) const
    {
        auto const p = (path_ / name).string();
        std::ofstream(p, std::ios::binary) << j.dump(2);
        return p;
    }
    std::string flow() const { return (path_ / "citizen.json").string(); }
    std::vector<std::string> locales() const { return {(path_ / "en.json").string(), (path_ / "zh-CN.json").string()}; }

    // The files as given, then read.
    model::dialog_data read(json const& flow, json const& en, json const& zh) const
    {
        write("citizen.json", flow);
        write("en.json", en);
        write("zh-CN.json", zh);
        return read_dialog_files(this->flow(), locales());
    }
    std::string error_of(json const& flow, json const& en, json const& zh) const
    {
        try {
            read(flow, en, zh);
        } catch (config_error const& e) {
            return e.what();
        }
        return "";
    }

private:
    fs::path path_;
};

json full_flow()
{
    return json::parse(R"({
      "default_language": "zh-CN",
      "description": {"min": 5, "max": 50},
      "location": {"max": 40},
      "photos": {"max": 2},
      "deadline_days": 30,
      "response_days": 2,
      "remembered_petitions": 7,
      "categories": [
        {"id": "roads", "department": "transport", "deadline_days": 10, "response_days": 1,
         "labels": {"en": "Roads", "zh-CN": "道路"}},
        {"id": "other", "department": "office", "labels": {"en": "Other", "zh-CN": "其他"}}
      ]})");
}

json en_locale()
{
    return json::parse(R"({"code": "en", "name": "English", "matches": ["en"],
                           "texts": {"welcome": "Welcome, {name}", "menu.file": "File a petition", "bye": "Bye"}})");
}

json zh_locale()
{
    return json::parse(R"({"code": "zh-CN", "name": "中文", "matches": ["zh", "zh-CN"],
                           "texts": {"welcome": "欢迎，{name}", "menu.file": "提交请愿", "bye": "再见"}})");
}

// `value` is JSON text; empty removes the key.
json patched(json j, std::string const& pointer, std::string const& value)
{
    json::json_pointer const p(pointer);
    if (value.empty())
        j.at(p.parent_pointer()).erase(p.back());
    else
        j[p] = json::parse(value);
    return j;
}

TEST(read_dialog_files, reads_flow_and_locales)
{
    dialog_dir d;
    auto const data = d.read(full_flow(), en_locale(), zh_locale());

    auto const& f = data.citizen;
    EXPECT_EQ(f.default_language, "zh-CN");
    EXPECT_EQ(f.description_min, 5u);
    EXPECT_EQ(f.description_max, 50u);
    EXPECT_EQ(f.location_max, 40u);
    EXPECT_EQ(f.max_photos, 2u);
    EXPECT_EQ(f.deadline_days, 30);
    EXPECT_EQ(f.response_days, 2);
    EXPECT_EQ(f.remembered_petitions, 7u);
    ASSERT_EQ(f.categories.size(), 2u);
    EXPECT_EQ(f.categories[0].id, "roads");
    EXPECT_EQ(f.categories[0].department, "transport");
    EXPECT_EQ(f.categories[0].deadline_days, 10);
    EXPECT_EQ(f.categories[0].response_days, 1);
    EXPECT_EQ(f.categories[0].labels.at("en"), "Roads");
    EXPECT_EQ(f.categories[0].labels.at("zh-CN"), "道路");
    EXPECT_EQ(f.categories[1].id, "other");
    EXPECT_EQ(f.categories[1].deadline_days, 0);  // the flow's default applies
    EXPECT_EQ(f.categories[1].response_days, 0);

    ASSERT_EQ(data.locales.size(), 2u);
    EXPECT_EQ(data.locales[0].code, "en");  // the first is the fallback
    EXPECT_EQ(data.locales[0].name, "English");
    EXPECT_EQ(data.locales[0].matches, std::vector<std::string>{"en"});
    EXPECT_EQ(data.locales[0].texts.at("welcome"), "Welcome, {name}");
    EXPECT_EQ(data.locales[1].code, "zh-CN");
    EXPECT_EQ(data.locales[1].name, "中文");
    EXPECT_EQ(data.locales[1].matches, (std::vector<std::string>{"zh", "zh-CN"}));
    EXPECT_EQ(data.locales[1].texts.at("menu.file"), "提交请愿");
    EXPECT_EQ(data.locales[1].texts.size(), 3u);
}

TEST(read_dialog_files, absent_flow_keys_take_the_defaults)
{
    dialog_dir d;
    json flow = {{"categories", full_flow()["categories"]}};
    auto en = en_locale();
    en.erase("matches");
    auto const data = d.read(flow, en, zh_locale());

    model::flow const defaults;
    EXPECT_EQ(data.citizen.default_language, defaults.default_language);
    EXPECT_EQ(data.citizen.description_min, defaults.description_min);
    EXPECT_EQ(data.citizen.description_max, defaults.description_max);
    EXPECT_EQ(data.citizen.location_max, defaults.location_max);
    EXPECT_EQ(data.citizen.max_photos, defaults.max_photos);
    EXPECT_EQ(data.citizen.deadline_days, defaults.deadline_days);
    EXPECT_EQ(data.citizen.response_days, defaults.response_days);
    EXPECT_EQ(data.citizen.response_days, 3);
    EXPECT_EQ(data.citizen.remembered_petitions, defaults.remembered_petitions);
    EXPECT_TRUE(data.locales[0].matches.empty());
}

TEST(read_dialog_files, reads_guided_drafting_and_duplicates)
{
    dialog_dir d;
    auto flow = full_flow();
    flow["description"]["concise"] = 30;
    flow["drafting"] = json::parse(R"({"since": true, "outcome": true, "split": true, "answer_max": 80})");
    flow["duplicates"] = json::parse(R"({"days": 14, "distance_m": 150})");
    auto const f = d.read(flow, en_locale(), zh_locale()).citizen;
    EXPECT_EQ(f.description_concise, 30u);
    EXPECT_TRUE(f.drafting.since);
    EXPECT_TRUE(f.drafting.outcome);
    EXPECT_TRUE(f.drafting.split);
    EXPECT_EQ(f.drafting.answer_max, 80u);
    EXPECT_TRUE(f.duplicates.enabled);
    EXPECT_EQ(f.duplicates.days, 14);
    EXPECT_DOUBLE_EQ(f.duplicates.distance_m, 150);

    // Absent: all off. Present and empty: the defaults.
    auto const off = d.read(full_flow(), en_locale(), zh_locale()).citizen;
    EXPECT_EQ(off.description_concise, 0u);
    EXPECT_FALSE(off.drafting.since || off.drafting.outcome || off.drafting.split);
    EXPECT_FALSE(off.duplicates.enabled);
    flow = full_flow();
    flow["duplicates"] = json::object();
    auto const defaults = d.read(flow, en_locale(), zh_locale()).citizen.duplicates;
    EXPECT_TRUE(defaults.enabled);
    EXPECT_EQ(defaults.days, 30);
    EXPECT_DOUBLE_EQ(defaults.distance_m, 300);
}

TEST(read_dialog_files, flow_errors_name_the_flow_file)
{
    struct case_ {
        char const* pointer;
        char const* value;  // JSON text; "" removes the key
        char const* expected;
    };
    case_ const cases[] = {
        {"/default_language", R"("fr")", R"(default_language: "fr" is not a loaded locale; loaded: en, zh-CN)"},
        {"/default_language", R"("")", "default_language: expected a non-empty string, found an empty string"},
        {"/description/min", "0", "description.min: expected an integer from 1 to 4000, found 0"},
        {"/description/max", "4001", "description.max: expected an integer from 1 to 4000, found 4001"},
        {"/description/min", "50", "description: min (50) must be less than max (50)"},
        {"/description", R"({"max": 10})", "description: min (20) must be less than max (10)"},
        {"/description/avg", "3", "description.avg: unknown key; expected one of: min, max, concise"},
        {"/description/concise", "50", "description.concise: expected 0 (no hint) or between min (5) and max (50), found 50"},
        {"/description/concise", "5", "description.concise: expected 0 (no hint) or between min (5) and max (50), found 5"},
        {"/description/concise", "-1", "description.concise: expected an integer from 0 to 4000, found -1"},
        {"/drafting", "true", "drafting: expected an object, found true"},
        {"/drafting/since", "1", "drafting.since: expected true or false, found 1"},
        {"/drafting/answer_max", "0", "drafting.answer_max: expected an integer from 1 to 1000, found 0"},
        {"/drafting/when", "true", "drafting.when: unknown key; expected one of: since, outcome, split, answer_max"},
        {"/duplicates/days", "0", "duplicates.days: expected an integer from 1 to 365, found 0"},
        {"/duplicates/distance_m", "0", "duplicates.distance_m: expected an integer from 1 to 100000, found 0"},
        {"/duplicates/radius", "5", "duplicates.radius: unknown key; expected one of: days, distance_m"},
        {"/location/max", "0", "location.max: expected an integer from 1 to 1000, found 0"},
        {"/location/max", "1001", "location.max: expected an integer from 1 to 1000, found 1001"},
        {"/location/min", "1", "location.min: unknown key; expected one of: max"},
        {"/photos/max", "11", "photos.max: expected an integer from 0 to 10, found 11"},
        {"/photos", "5", "photos: expected an object, found 5"},
        {"/deadline_days", "0", "deadline_days: expected an integer from 1 to 365, found 0"},
        {"/deadline_days", "366", "deadline_days: expected an integer from 1 to 365, found 366"},
        {"/deadline_days", R"("10")", R"(deadline_days: expected an integer from 1 to 365, found "10")"},
        {"/response_days", "0", "response_days: expected an integer from 1 to 365, found 0"},
        {"/response_days", "366", "response_days: expected an integer from 1 to 365, found 366"},
        {"/response_days", "1.5", "response_days: expected an integer from 1 to 365, found 1.5"},
        {"/remembered_petitions", "0", "remembered_petitions: expected an integer from 1 to 100, found 0"},
        {"/remembered_petitions", "101", "remembered_petitions: expected an integer from 1 to 100, found 101"},
        {"/steps", "[]",
         "steps: unknown key; expected one of: default_language, description, location, photos, deadline_days, "
         "response_days, remembered_petitions, categories, drafting, duplicates"},
        {"/categories", "", "categories: missing"},
        {"/categories", "[]", "categories: expected at least one category, found an empty array"},
        {"/categories", "{}", "categories: expected an array, found an empty object"},
        {"/categories/0", R"("roads")", R"(categories[0]: expected an object, found "roads")"},
        {"/categories/0/id", "", "categories[0].id: missing"},
        {"/categories/0/id", R"("Roads")", R"(categories[0].id: expected 1 to 24 characters of a-z 0-9 _, found "Roads")"},
        {"/categories/0/id", R"("road-works")",
         R"(categories[0].id: expected 1 to 24 characters of a-z 0-9 _, found "road-works")"},
        {"/categories/0/id", R"("abcdefghijklmnopqrstuvwxy")",
         R"(categories[0].id: expected 1 to 24 characters of a-z 0-9 _, found "abcdefghijklmnopqrstuvwxy")"},
        {"/categories/0/id", R"("other")", R"(categories[1].id: duplicate "other" (also categories[0].id))"},
        {"/categories/1/id", R"("misc")", R"(categories: no category has the id "other"; one must, to take everything else)"},
        {"/categories/0/department", "", "categories[0].department: missing"},
        {"/categories/0/department", R"("")", "categories[0].department: expected a non-empty string, found an empty string"},
        {"/categories/0/deadline_days", "366", "categories[0].deadline_days: expected an integer from 0 to 365, found 366"},
        {"/categories/0/deadline_days", "-1", "categories[0].deadline_days: expected an integer from 0 to 365, found -1"},
        {"/categories/0/response_days", "366", "categories[0].response_days: expected an integer from 0 to 365, found 366"},
        {"/categories/0/response_days", "-1", "categories[0].response_days: expected an integer from 0 to 365, found -1"},
        {"/categories/0/response_days", R"("1")",
         R"(categories[0].response_days: expected an integer from 0 to 365, found "1")"},
        {"/categories/0/labels", "", "categories[0].labels: missing"},
        {"/categories/0/labels", "[]", "categories[0].labels: expected an object, found an empty array"},
        {"/categories/1/labels/zh-CN", "", R"(categories[1].labels: missing "zh-CN")"},
        {"/categories/1/labels/en", R"("")", "categories[1].labels.en: expected a non-empty string, found an empty string"},
        {"/categories/0/label", "{}",
         "categories[0].label: unknown key; expected one of: id, department, deadline_days, response_days, labels"},
    };
    dialog_dir d;
    for (auto const& c : cases) {
        EXPECT_EQ(d.error_of(patched(full_flow(), c.pointer, c.value), en_locale(), zh_locale()),
                  d.flow() + ": " + c.expected)
            << c.pointer << " = " << c.value;
    }
}

TEST(read_dialog_files, locale_errors_name_the_locale_file)
{
    struct case_ {
        bool first;  // en.json, else zh-CN.json
        char const* pointer;
        char const* value;
        char const* expected;
    };
    case_ const cases[] = {
        {true, "/code", "", "code: missing"},
        {true, "/code", R"("")", "code: expected a non-empty string, found an empty string"},
        {false, "/code", R"("en")", R"(code: "en" is already the code of )"},
        {true, "/name", "", "name: missing"},
        {false, "/name", "7", "name: expected a non-empty string, found 7"},
        {true, "/matches", R"("en")", R"(matches: expected an array, found "en")"},
        {false, "/matches/1", "2", "matches[1]: expected a non-empty string, found 2"},
        {false, "/matches/0", R"("")", "matches[0]: expected a non-empty string, found an empty string"},
        {true, "/texts", "", "texts: missing"},
        {true, "/texts", "[]", "texts: expected an object, found an empty array"},
        {false, "/texts/bye", R"("")", "texts.bye: expected a non-empty string, found an empty string"},
        {false, "/texts/menu.file", "1", R"(texts["menu.file"]: expected a non-empty string, found 1)"},
        {true, "/direction", R"("ltr")", "direction: unknown key; expected one of: code, name, matches, texts"},
    };
    dialog_dir d;
    auto const files = d.locales();
    for (auto const& c : cases) {
        auto const en = c.first ? patched(en_locale(), c.pointer, c.value) : en_locale();
        auto const zh = c.first ? zh_locale() : patched(zh_locale(), c.pointer, c.value);
        std::string expected = (c.first ? files[0] : files[1]) + ": " + c.expected;
        if (std::string_view(c.expected).ends_with("code of "))
            expected += files[0];
        EXPECT_EQ(d.error_of(full_flow(), en, zh), expected) << c.pointer << " = " << c.value;
    }
}

TEST(read_dialog_files, locales_with_different_keys_list_the_difference)
{
    dialog_dir d;
    auto const files = d.locales();
    auto const against = " (compared with " + files[0] + ", the first locale)";

    auto zh = zh_locale();
    zh["texts"].erase("bye");
    zh["texts"].erase("welcome");
    EXPECT_EQ(d.error_of(full_flow(), en_locale(), zh), files[1] + R"(: texts: missing "bye", "welcome")" + against);

    zh = zh_locale();
    zh["texts"]["zeta"] = "z";
    zh["texts"]["alpha"] = "a";
    EXPECT_EQ(d.error_of(full_flow(), en_locale(), zh), files[1] + R"(: texts: extra "alpha", "zeta")" + against);

    zh["texts"].erase("menu.file");
    EXPECT_EQ(d.error_of(full_flow(), en_locale(), zh),
              files[1] + R"(: texts: missing "menu.file"; extra "alpha", "zeta")" + against);
}

TEST(read_dialog_files, category_labels_cover_every_loaded_locale_only)
{
    dialog_dir d;
    // A label for a locale that is not loaded is harmless; one missing for a loaded locale is not.
    auto flow = full_flow();
    flow["categories"][0]["labels"]["fr"] = "Routes";
    EXPECT_EQ(d.read(flow, en_locale(), zh_locale()).citizen.categories[0].labels.size(), 3u);

    flow["default_language"] = "en";
    auto zh = zh_locale();
    zh["code"] = "zh-TW";
    EXPECT_EQ(d.error_of(flow, en_locale(), zh), d.flow() + R"(: categories[0].labels: missing "zh-TW")");
}

TEST(read_dialog_files, strings_are_data_not_expanded)
{
    dialog_dir d;
    auto en = en_locale();
    auto zh = zh_locale();
    en["texts"]["bye"] = "Costs ${PRICE}";
    zh["texts"]["bye"] = "${PRICE:-1}";
    auto const data = d.read(full_flow(), en, zh);
    EXPECT_EQ(data.locales[0].texts.at("bye"), "Costs ${PRICE}");
    EXPECT_EQ(data.locales[1].texts.at("bye"), "${PRICE:-1}");
}

TEST(read_dialog_files, unreadable_files_are_named)
{
    dialog_dir d;
    d.write("en.json", en_locale());
    d.write("zh-CN.json", zh_locale());
    auto const files = d.locales();
    try {
        read_dialog_files(d.flow(), files);
        FAIL() << "no error";
    } catch (config_error const& e) {
        EXPECT_EQ(std::string(e.what()), d.flow() + ": cannot read: No such file or directory");
    }
    try {
        read_dialog_files(d.flow(), {files[0], files[1] + ".missing"});
        FAIL() << "no error";
    } catch (config_error const& e) {
        EXPECT_EQ(std::string(e.what()), files[1] + ".missing: cannot read: No such file or directory");
    }
}

}  // namespace
}  // namespace pg::config
