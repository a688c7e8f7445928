#include "config/dialog_files.hpp"

#include "config/json_fields.hpp"

#include <algorithm>
#include <map>

namespace pg::config {
namespace {

constexpr std::string_view locale_keys[] = {"code", "name", "matches", "texts"};
constexpr std::string_view flow_keys[] = {"default_language", "description", "location", "photos", "deadline_days",
                                          "response_days", "remembered_petitions", "categories", "drafting",
                                          "duplicates"};
constexpr std::string_view description_keys[] = {"min", "max", "concise"};
constexpr std::string_view drafting_keys[] = {"since", "outcome", "split", "answer_max"};
constexpr std::string_view duplicates_keys[] = {"days", "distance_m"};
constexpr std::string_view category_keys[] = {"id", "department", "deadline_days", "response_days", "labels"};
constexpr std::string_view min_max_keys[] = {"min", "max"};
constexpr std::string_view max_keys[] = {"max"};

constexpr std::int64_t max_description = 4000;
constexpr std::int64_t max_deadline_days = 365;

std::string quoted_list(std::vector<std::string> const& names)
{
    std::string out;
    for (auto const& n : names)
        out += (out.empty() ? "" : ", ") + quote(n);
    return out;
}

std::string codes_of(std::vector<model::locale> const& locales)
{
    std::string out;
    for (auto const& l : locales)
        out += (out.empty() ? "" : ", ") + l.code;
    return out;
}

bool is_category_id(std::string_view id)
{
    return !id.empty() && id.size() <= 24 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

model::locale read_locale(object_node const& o)
{
    o.allow(locale_keys);
    model::locale l;
    l.code = o.need("code").non_empty_text();
    l.name = o.need("name").non_empty_text();
    if (auto m = o.get("matches")) {
        for (auto const& item : m->items())
            l.matches.push_back(item.non_empty_text());
    }
    for (auto const& [key, value] : o.need("texts").object().entries())
        l.texts.emplace(key, value.non_empty_text());
    return l;
}

// Every locale carries the same text keys as the first, so a lookup that works
// in one language works in all of them.
void check_same_keys(model::locale const& first, std::string const& first_file, model::locale const& l,
                     node const& texts)
{
    std::vector<std::string> missing;
    std::vector<std::string> extra;
    for (auto const& entry : first.texts) {
        if (!l.texts.contains(entry.first))
            missing.push_back(entry.first);
    }
    for (auto const& entry : l.texts) {
        if (!first.texts.contains(entry.first))
            extra.push_back(entry.first);
    }
    if (missing.empty() && extra.empty())
        return;
    std::sort(missing.begin(), missing.end());
    std::sort(extra.begin(), extra.end());
    std::string reason;
    if (!missing.empty())
        reason = "missing " + quoted_list(missing);
    if (!extra.empty())
        reason += (reason.empty() ? "" : "; ") + std::string("extra ") + quoted_list(extra);
    texts.fail(reason + " (compared with " + first_file + ", the first locale)");
}

model::category read_category(object_node const& c, std::vector<model::locale> const& locales)
{
    c.allow(category_keys);
    model::category cat;
    auto const id = c.need("id");
    cat.id = id.text();
    if (!is_category_id(cat.id))
        id.fail("expected 1 to 24 characters of a-z 0-9 _, found " + describe_string(cat.id));
    cat.department = c.need("department").non_empty_text();
    c.read_int("deadline_days", cat.deadline_days, 0, max_deadline_days);
    c.read_int("response_days", cat.response_days, 0, max_deadline_days);
    auto const labels = c.need("labels");
    for (auto const& [code, text] : labels.object().entries())
        cat.labels.emplace(code, text.non_empty_text());
    for (auto const& l : locales) {
        if (!cat.labels.contains(l.code))
            labels.fail("missing " + quote(l.code));
    }
    return cat;
}

void read_categories(node const& n, std::vector<model::locale> const& locales, model::flow& f)
{
    auto const items = n.items();
    if (items.empty())
        n.fail("expected at least one category, found an empty array");
    std::map<std::string, std::string> seen;  // id -> where it was first
    for (auto const& item : items) {
        auto cat = read_category(item.object(), locales);
        auto const where = item.path() + ".id";
        if (auto [it, fresh] = seen.emplace(cat.id, where); !fresh)
            node(item.raw(), item.src(), where).fail("duplicate " + quote(cat.id) + " (also " + it->second + ")");
        f.categories.push_back(std::move(cat));
    }
    if (!seen.contains("other"))
        n.fail("no category has the id \"other\"; one must, to take everything else");
}

model::flow read_flow(object_node const& o, std::vector<model::locale> const& locales)
{
    o.allow(flow_keys);
    model::flow f;
    o.read_non_empty("default_language", f.default_language);
    bool const known = std::any_of(locales.begin(), locales.end(),
                                   [&](model::locale const& l) { return l.code == f.default_language; });
    if (!known)
        o.fail_at("default_language", quote(f.default_language) + " is not a loaded locale; loaded: " + codes_of(locales));
    if (auto n = o.get("description")) {
        auto const d = n->object();
        d.allow(description_keys);
        d.read_int("min", f.description_min, 1, max_description);
        d.read_int("max", f.description_max, 1, max_description);
        d.read_int("concise", f.description_concise, 0, max_description);
        if (f.description_min >= f.description_max)
            d.fail("min (" + std::to_string(f.description_min) + ") must be less than max (" +
                   std::to_string(f.description_max) + ")");
        if (f.description_concise != 0 &&
            (f.description_concise <= f.description_min || f.description_concise >= f.description_max))
            d.fail_at("concise", "expected 0 (no hint) or between min (" + std::to_string(f.description_min) +
                                     ") and max (" + std::to_string(f.description_max) + "), found " +
                                     std::to_string(f.description_concise));
    }
    if (auto n = o.get("location")) {
        auto const l = n->object();
        l.allow(max_keys);
        l.read_int("max", f.location_max, 1, 1000);
    }
    if (auto n = o.get("photos")) {
        auto const p = n->object();
        p.allow(max_keys);
        p.read_int("max", f.max_photos, 0, 10);
    }
    o.read_int("deadline_days", f.deadline_days, 1, max_deadline_days);
    o.read_int("response_days", f.response_days, 1, max_deadline_days);
    o.read_int("remembered_petitions", f.remembered_petitions, 1, 100);
    if (auto n = o.get("drafting")) {
        auto const d = n->object();
        d.allow(drafting_keys);
        d.read_bool("since", f.drafting.since);
        d.read_bool("outcome", f.drafting.outcome);
        d.read_bool("split", f.drafting.split);
        d.read_int("answer_max", f.drafting.answer_max, 1, 1000);
    }
    if (auto n = o.get("duplicates")) {
        auto const d = n->object();
        d.allow(duplicates_keys);
        f.duplicates.enabled = true;
        d.read_int("days", f.duplicates.days, 1, max_deadline_days);
        int metres = static_cast<int>(f.duplicates.distance_m);
        d.read_int("distance_m", metres, 1, 100'000);
        f.duplicates.distance_m = metres;
    }
    read_categories(o.need("categories"), locales, f);
    return f;
}

}  // namespace

model::dialog_data read_dialog_files(std::string const& flow_file, std::vector<std::string> const& locale_files)
{
    model::dialog_data d;
    for (std::size_t i = 0; i < locale_files.size(); ++i) {
        source const src{locale_files[i]};
        json const doc = read_json_file(src.file);
        auto const o = node(doc, src, "").object();
        auto l = read_locale(o);
        for (std::size_t j = 0; j < i; ++j) {
            if (d.locales[j].code == l.code)
                o.fail_at("code", quote(l.code) + " is already the code of " + locale_files[j]);
        }
        if (i > 0)
            check_same_keys(d.locales.front(), locale_files.front(), l, o.need("texts"));
        d.locales.push_back(std::move(l));
    }
    source const src{flow_file};
    json const doc = read_json_file(src.file);
    d.citizen = read_flow(node(doc, src, "").object(), d.locales);
    return d;
}

}  // namespace pg::config
