// What each step of the citizen dialog shows, and which answers it accepts.
// Screens and choices are built from the same lists, so every button shown can
// also be typed, by its number or its label.
#include "dialog/citizen_turn.hpp"
#include "dialog/drafting.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_say.hpp"

#include <algorithm>

namespace pg::dialog {
namespace {

using model::dialog_step;

// A citizen's own list: one screen of buttons. The store keeps the rest,
// reachable by typing the tracking number.
constexpr std::size_t track_list_size = 10;
// Timeline notes are staff answers of any length; the whole reply must stay
// under the platform's limit, so each is cut and old entries give way first.
constexpr std::size_t note_units = 300;
constexpr std::size_t timeline_budget_units = 3800;

choice make_choice(turn const& u, std::string data, text label, std::initializer_list<text> words, std::size_t number)
{
    return {std::move(data), u.say(label), words_of(u, words), number, true};
}

std::string numbered(std::vector<choice> const& cs)
{
    std::string out;
    for (auto const& c : cs) {
        if (c.number == 0)
            continue;
        if (!out.empty())
            out += '\n';
        out += std::to_string(c.number) + ". " + c.label;
    }
    return out;
}

// The data behind each number of that list: screen::listed.
std::vector<std::string> listed_of(std::vector<choice> const& cs)
{
    std::vector<std::string> listed;
    for (auto const& c : cs) {
        if (c.number == 0)
            continue;
        if (listed.size() < c.number)
            listed.resize(c.number);
        listed[c.number - 1] = c.data;
    }
    return listed;
}

// Half a phone's width, in columns: wider labels get a row of their own, or
// the client cuts them short.
constexpr std::size_t half_row_width = 20;

std::vector<std::vector<model::button>> rows_of(std::vector<choice> const& cs, std::size_t per_row)
{
    for (auto const& c : cs)
        if (c.button && display_width(c.label) > half_row_width)
            per_row = 1;
    std::vector<std::vector<model::button>> rows;
    for (auto const& c : cs) {
        if (!c.button)
            continue;
        if (rows.empty() || rows.back().size() >= per_row)
            rows.emplace_back();
        rows.back().push_back({c.label, c.data});
    }
    return rows;
}

std::vector<model::button> nav_row(turn const& u, bool cancel)
{
    std::vector<model::button> row{{u.say(text::button_back), "back"}};
    if (cancel)
        row.push_back({u.say(text::button_cancel), "cancel"});
    return row;
}

std::vector<choice> menu_choices(turn const& u, bool numbered_and_shown)
{
    std::vector<choice> cs{
        make_choice(u, "m:file", text::menu_file, {text::menu_file, text::kw_file}, 1),
        make_choice(u, "m:track", text::menu_track, {text::menu_track, text::kw_track}, 2),
        make_choice(u, "help", text::menu_help, {text::menu_help}, 3),
        make_choice(u, "lang", text::menu_language, {text::menu_language}, 4),
    };
    if (has_draft(u.state().draft))
        cs.push_back(make_choice(u, "m:draft", text::menu_continue, {text::menu_continue, text::kw_continue}, 5));
    if (!numbered_and_shown)
        for (auto& c : cs) {
            c.number = 0;
            c.button = false;
        }
    return cs;
}

struct listed_petition {
    std::string tracking;
    model::petition p;
};

// The citizen's own petitions, from this chat and the chats linked to it,
// newest first, as the store has them now.
std::vector<listed_petition> own_petitions(turn const& u)
{
    std::vector<listed_petition> out;
    auto const& mine = u.state().petitions;
    for (auto it = mine.rbegin(); it != mine.rend() && out.size() < track_list_size; ++it)
        if (auto p = u.ctx.petitions.petition(*it))
            out.push_back({*it, std::move(*p)});
    // Petitions this chat follows are listed too; their details stay public ones.
    auto const& followed = u.state().following;
    for (auto it = followed.rbegin(); it != followed.rend(); ++it)
        if (std::none_of(out.begin(), out.end(), [&](auto const& l) { return l.tracking == *it; }))
            if (auto p = u.ctx.petitions.petition(*it))
                out.push_back({*it, std::move(*p)});
    if (u.ctx.linked_petitions.empty() && followed.empty())
        return out;
    for (auto const& t : u.ctx.linked_petitions)
        if (std::none_of(out.begin(), out.end(), [&](auto const& l) { return l.tracking == t; }))
            if (auto p = u.ctx.petitions.petition(t); p && owned(u, *p))
                out.push_back({t, std::move(*p)});
    std::stable_sort(out.begin(), out.end(),
                     [](auto const& a, auto const& b) { return a.p.submitted_at > b.p.submitted_at; });
    if (out.size() > track_list_size)
        out.resize(track_list_size);
    return out;
}

std::string category_label(turn const& u, std::string const& id) { return category_name(u.tx, u.flow(), id); }
std::string department_label(turn const& u, std::string const& id) { return department_name(u.tx, id); }

std::string place_of(turn const& u, std::string const& typed, std::optional<model::geo_point> const& point)
{
    return place_text(u.tx, typed, point);
}

std::string join_parts(std::initializer_list<std::string> parts)
{
    std::string out;
    for (auto const& p : parts) {
        if (p.empty())
            continue;
        if (!out.empty())
            out += " \u00b7 ";
        out += p;
    }
    return out;
}

// What a citizen may read of a timeline: the changes of status, and on their
// own petition what they added. Internal notes, assignments, deadline alerts
// and ratings are for the staff.
bool shown_to_citizen(model::timeline_event const& e, bool own)
{
    return e.kind == model::entry_kind::transition || (own && e.kind == model::entry_kind::citizen_info);
}

// Newest entries win the space; they are still printed oldest first.
std::string timeline_text(turn const& u, std::vector<model::timeline_event> all, bool own, std::size_t budget)
{
    std::vector<model::timeline_event> timeline;
    for (auto& e : all)
        if (shown_to_citizen(e, own))
            timeline.push_back(std::move(e));
    std::stable_sort(timeline.begin(), timeline.end(), [](auto const& a, auto const& b) { return a.at < b.at; });
    std::vector<std::string> lines;
    std::size_t used = 0;
    for (auto it = timeline.rbegin(); it != timeline.rend(); ++it) {
        // Someone else's petition: times, status words and departments only,
        // never a note, which may quote the citizen or name them. A note that
        // only repeats the status name ("submitted") says nothing more.
        bool const show_note = own && it->note != model::to_string(it->to);
        bool const added = it->kind == model::entry_kind::citizen_info;
        auto line = join_parts({model::format_local_minutes(it->at, u.ctx.cal.zone),
                                added ? u.say(text::track_added_info) : status_word(u, it->to),
                                it->department.empty() || added ? std::string() : department_label(u, it->department),
                                show_note ? clip(it->note, note_units) : std::string()});
        auto const units = utf16_units(line) + 1;
        if (used + units > budget)
            break;
        used += units;
        lines.push_back(std::move(line));
    }
    std::string out;
    if (lines.size() < timeline.size())
        out = u.say(text::track_omitted, {{"count", std::to_string(timeline.size() - lines.size())}});
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        if (!out.empty())
            out += '\n';
        out += *it;
    }
    return out;
}

screen track_screen(turn const& u)
{
    auto const cs = choices(u, dialog_step::track);
    auto const listed = own_petitions(u);
    screen s;
    if (listed.empty()) {
        s.text = u.say(text::track_none);
    } else {
        std::string items;
        for (std::size_t i = 0; i < listed.size(); ++i) {
            auto const& p = listed[i].p;
            if (!items.empty())
                items += '\n';
            items += std::to_string(i + 1) + ". " +
                     join_parts({listed[i].tracking, category_label(u, p.category), status_word(u, p.current),
                                 model::format_local_date(p.submitted_at, u.ctx.cal.zone)});
        }
        s.text = u.say(text::track_list, {{"items", items}});
        s.listed = listed_of(cs);  // the petitions' numbers are their choices' numbers
    }
    s.buttons = rows_of(cs, 1);
    s.buttons.push_back({{u.say(text::button_menu), "menu"}});
    return s;
}

screen confirm_screen(turn const& u)
{
    auto const& d = u.state().draft;
    screen s;
    std::string details;  // the drafting answers given; a skipped one is left out
    if (!d.since.empty())
        details += u.say(text::confirm_since, {{"text", d.since}}) + "\n";
    if (!d.outcome.empty())
        details += u.say(text::confirm_outcome, {{"text", d.outcome}}) + "\n";
    s.text = u.say(text::confirm_prompt, {{"category", category_label(u, d.category)},
                                          {"location", place_of(u, d.location_text, d.location)},
                                          {"description", d.description},
                                          {"length", description_length(u)},
                                          {"details", details},
                                          {"photos", std::to_string(d.photo_ids.size())}});
    auto const cs = choices(u, dialog_step::confirm);
    s.buttons = {{{cs[0].label, cs[0].data}}, {{cs[1].label, cs[1].data}, {cs[2].label, cs[2].data}}};
    return s;
}

}  // namespace

std::vector<std::string_view> words_of(turn const& u, std::initializer_list<text> ids)
{
    std::vector<std::string_view> words;
    for (auto id : ids)
        for (auto const& w : u.ctx.words.of_text(static_cast<std::size_t>(id)))
            words.push_back(w);
    return words;
}

vocabulary::vocabulary(model::dialog_data const& data) : data_(&data)
{
    texts_.resize(text_specs.size());
    for (auto const& l : data.locales)
        for (std::size_t id = 0; id < text_specs.size(); ++id)
            if (auto const it = l.texts.find(std::string(text_specs[id].key)); it != l.texts.end())
                for (auto& w : word_list(it->second))
                    texts_[id].push_back(std::move(w));
    for (auto const& c : data.citizen.categories) {
        auto& words = categories_.emplace_back(std::vector{fold(c.id)});
        for (auto const& [code, label] : c.labels)
            words.push_back(fold(label));
    }
    for (auto const& l : data.locales) {
        auto& words = locales_.emplace_back(std::vector{fold(l.name), fold(l.code)});
        for (auto const& m : l.matches)
            words.push_back(fold(m));
    }
}

std::string status_word(turn const& u, model::status s) { return status_name(u.tx, s); }

std::string description_length(turn const& u)
{
    return u.say(text::description_length,
                 {{"count", std::to_string(visible_characters(u.state().draft.description))},
                  {"max", std::to_string(u.flow().description_max)}});
}

std::vector<model::petition> nearby_petitions(turn const& u)
{
    auto const& f = u.flow();
    auto const& d = u.state().draft;
    if (!f.duplicates.enabled || d.category.empty())
        return {};
    auto pool = u.ctx.petitions.recent_open(d.category, u.ctx.now - std::chrono::days{f.duplicates.days});
    // Not the citizen's own, nor one this chat already follows.
    std::erase_if(pool, [&](model::petition const& p) {
        auto const& followed = u.state().following;
        return owned(u, p) || std::find(followed.begin(), followed.end(), p.tracking) != followed.end();
    });
    return duplicate_candidates(d, pool, u.ctx.now, f.duplicates);
}

std::vector<choice> choices(turn const& u, dialog_step s)
{
    std::vector<choice> cs;
    switch (s) {
    case dialog_step::start:
    case dialog_step::menu:
        return menu_choices(u, true);
    case dialog_step::category: {
        auto const& cats = u.flow().categories;
        for (std::size_t i = 0; i < cats.size(); ++i) {
            auto const& words = u.ctx.words.of_category(i);
            cs.push_back({"c:" + cats[i].id, u.tx.label(cats[i]), {words.begin(), words.end()}, i + 1, true});
        }
        return cs;
    }
    case dialog_step::photos: {
        bool const any = !u.state().draft.photo_ids.empty();
        cs.push_back(make_choice(u, "p:done", any ? text::photos_done : text::photos_skip,
                                 {text::kw_done, text::photos_done, text::photos_skip}, 0));
        if (any)
            cs.push_back(make_choice(u, "p:clear", text::photos_clear, {text::photos_clear}, 0));
        return cs;
    }
    case dialog_step::confirm:
        return {make_choice(u, "ok", text::confirm_send, {text::confirm_send, text::kw_send}, 1),
                make_choice(u, "edit", text::confirm_edit, {text::confirm_edit, text::kw_edit}, 2),
                make_choice(u, "cancel", text::button_cancel, {text::button_cancel}, 3)};
    case dialog_step::edit_field: {
        cs = {make_choice(u, "e:category", text::field_category, {text::field_category}, 1),
              make_choice(u, "e:location", text::field_location, {text::field_location}, 2),
              make_choice(u, "e:description", text::field_description, {text::field_description}, 3)};
        if (u.flow().drafting.since)
            cs.push_back(make_choice(u, "e:since", text::field_since, {text::field_since}, cs.size() + 1));
        if (u.flow().drafting.outcome)
            cs.push_back(make_choice(u, "e:outcome", text::field_outcome, {text::field_outcome}, cs.size() + 1));
        if (u.flow().max_photos > 0)
            cs.push_back(make_choice(u, "e:photos", text::field_photos, {text::field_photos}, cs.size() + 1));
        return cs;
    }
    case dialog_step::since:
    case dialog_step::outcome:
        return {make_choice(u, "skip", text::button_skip, {text::button_skip, text::kw_skip}, 0)};
    case dialog_step::split:
        return {make_choice(u, "s:one", text::split_one, {text::split_one}, 1),
                make_choice(u, "s:first", text::split_first, {text::split_first}, 2)};
    case dialog_step::duplicates: {
        auto const near = nearby_petitions(u);
        for (std::size_t i = 0; i < near.size(); ++i)
            cs.push_back({"f:" + near[i].tracking, u.say(text::duplicates_follow, {{"tracking", near[i].tracking}}),
                          {}, i + 1, true});
        cs.push_back(make_choice(u, "d:new", text::duplicates_new, {text::duplicates_new}, near.size() + 1));
        return cs;
    }
    case dialog_step::track: {
        auto const listed = own_petitions(u);
        for (std::size_t i = 0; i < listed.size(); ++i)
            cs.push_back({"t:" + listed[i].tracking,
                          listed[i].tracking + " \u00b7 " + status_word(u, listed[i].p.current), {}, i + 1, true});
        // The menu's words still work here, but its numbers now pick a petition.
        for (auto& c : menu_choices(u, false))
            cs.push_back(std::move(c));
        // A petition's details on screen: its "Add information" button can be typed too.
        if (auto const& target = u.state().target_petition; !target.empty())
            cs.push_back({"a:" + target, u.say(text::addinfo_button),
                          words_of(u, {text::addinfo_button, text::kw_add_info}), 0, false});
        return cs;
    }
    case dialog_step::language: {
        auto const& ls = u.ctx.data.locales;
        for (std::size_t i = 0; i < ls.size(); ++i) {
            auto const& words = u.ctx.words.of_locale(i);
            cs.push_back({"l:" + ls[i].code, ls[i].name, {words.begin(), words.end()}, i + 1, true});
        }
        return cs;
    }
    case dialog_step::location:
    case dialog_step::description:
    case dialog_step::add_info:
        return cs;  // free text
    }
    return cs;
}

screen prompt(turn const& u)
{
    auto const& f = u.flow();
    auto const step = u.state().step;
    screen s;
    switch (step) {
    case dialog_step::start:
    case dialog_step::menu: {
        auto const cs = choices(u, step);
        s.text = u.say(text::menu_prompt, {{"options", numbered(cs)}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 1);
        return s;
    }
    case dialog_step::category: {
        auto const cs = choices(u, step);
        s.text = u.say(text::category_prompt, {{"options", numbered(cs)}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 2);
        s.buttons.push_back(nav_row(u, true));
        return s;
    }
    case dialog_step::location:
        s.text = u.say(text::location_prompt, {{"max", std::to_string(f.location_max)}});
        s.buttons = {nav_row(u, true)};
        s.location_label = u.say(text::location_button);
        return s;
    case dialog_step::description:
        s.text = u.say(text::description_prompt,
                       {{"min", std::to_string(f.description_min)}, {"max", std::to_string(f.description_max)}});
        if (!u.state().draft.description.empty())  // editing: how long the one to replace is
            s.text = description_length(u) + "\n\n" + s.text;
        s.buttons = {nav_row(u, true)};
        return s;
    case dialog_step::since:
    case dialog_step::outcome:
        s.text = u.say(step == dialog_step::since ? text::since_prompt : text::outcome_prompt,
                       {{"max", std::to_string(f.drafting.answer_max)}});
        s.buttons = rows_of(choices(u, step), 1);
        s.buttons.push_back(nav_row(u, true));
        return s;
    case dialog_step::split: {
        auto const parts = several_requests(u.state().draft.description, f.description_min);
        auto const cs = choices(u, step);
        s.text = u.say(text::split_prompt, {{"count", std::to_string(parts ? parts->count : 0)},
                                            {"first", parts ? parts->first : std::string()},
                                            {"rest", parts ? parts->rest : std::string()}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 1);
        s.buttons.push_back(nav_row(u, true));
        return s;
    }
    case dialog_step::duplicates: {
        // What the offer shows of another citizen's petition: its number, category,
        // place, status and date. Never its description or anything of the person.
        auto const near = nearby_petitions(u);
        std::string items;
        for (std::size_t i = 0; i < near.size(); ++i) {
            auto const& p = near[i];
            items += (items.empty() ? "" : "\n") + std::to_string(i + 1) + ". " +
                     join_parts({p.tracking, category_label(u, p.category), place_of(u, p.location_text, p.location),
                                 status_word(u, p.current),
                                 model::format_local_date(p.submitted_at, u.ctx.cal.zone)});
        }
        auto const cs = choices(u, step);
        s.text = u.say(text::duplicates_prompt, {{"items", items}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 1);
        s.buttons.push_back(nav_row(u, true));
        return s;
    }
    case dialog_step::photos:
        s.text = u.say(text::photos_prompt, {{"count", std::to_string(u.state().draft.photo_ids.size())},
                                             {"max", std::to_string(f.max_photos)}});
        s.buttons = rows_of(choices(u, step), 2);
        s.buttons.push_back(nav_row(u, true));
        return s;
    case dialog_step::confirm:
        return confirm_screen(u);
    case dialog_step::edit_field: {
        auto const cs = choices(u, step);
        s.text = u.say(text::edit_prompt, {{"options", numbered(cs)}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 2);
        s.buttons.push_back(nav_row(u, false));
        return s;
    }
    case dialog_step::track:
        return track_screen(u);
    case dialog_step::add_info:
        s.text = u.say(text::addinfo_prompt, {{"tracking", u.state().target_petition},
                                              {"max", std::to_string(f.description_max)},
                                              {"photos", std::to_string(f.max_photos)}});
        s.buttons = {nav_row(u, true)};
        return s;
    case dialog_step::language: {
        auto const cs = choices(u, step);
        s.text = u.say(text::language_prompt, {{"options", numbered(cs)}});
        s.listed = listed_of(cs);
        s.buttons = rows_of(cs, 3);
        s.buttons.push_back(nav_row(u, false));
        return s;
    }
    }
    return s;
}

screen petition_screen(turn const& u, model::petition const& p, std::vector<model::timeline_event> timeline, bool own)
{
    auto const category = category_label(u, p.category);
    auto const status = status_word(u, p.current);
    auto const render = [&](std::string const& tl) {
        if (!own)
            return u.say(text::track_public,
                         {{"tracking", p.tracking}, {"category", category}, {"status", status}, {"timeline", tl}});
        return u.say(text::track_details, {{"tracking", p.tracking},
                                           {"category", category},
                                           {"location", place_of(u, p.location_text, p.location)},
                                           {"description", p.description},
                                           {"photos", std::to_string(p.photo_ids.size())},
                                           {"status", status},
                                           {"deadline", model::format_local_date(p.deadline_at, u.ctx.cal.zone)},
                                           {"timeline", tl}});
    };
    auto const frame = utf16_units(render({}));
    auto const budget = frame < timeline_budget_units ? timeline_budget_units - frame : 0;
    screen s;
    s.text = render(timeline_text(u, std::move(timeline), own, budget));
    if (u.state().target_petition == p.tracking)
        s.buttons.push_back({{u.say(text::addinfo_button), "a:" + p.tracking}});
    s.buttons.push_back({{u.say(text::menu_track), "m:track"}, {u.say(text::button_menu), "menu"}});
    return s;
}

}  // namespace pg::dialog
