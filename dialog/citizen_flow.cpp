// The citizen dialog: one event in, the next state and the replies out.
// Typed answers always work as well as buttons; global commands work at every
// step; anything unexpected gets a hint and the current prompt again.
#include "dialog/citizen_flow.hpp"
#include "dialog/citizen_turn.hpp"
#include "dialog/drafting.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_texts.hpp"
#include "dialog/tracking.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace pg::dialog {

using model::dialog_step;

namespace {

enum class command { menu, cancel, back, help, language };

std::optional<command> command_of_data(std::string_view data)
{
    if (data == "menu") return command::menu;
    if (data == "cancel") return command::cancel;
    if (data == "back") return command::back;
    if (data == "help") return command::help;
    if (data == "lang") return command::language;
    return std::nullopt;
}

std::optional<command> command_of_slash(std::string_view name)
{
    if (name == "start" || name == "menu") return command::menu;
    if (name == "cancel") return command::cancel;
    if (name == "back") return command::back;
    if (name == "help") return command::help;
    if (name == "language" || name == "lang") return command::language;
    return std::nullopt;
}

template <class Words>
bool contains(Words const& words, std::string_view w)
{
    return std::find(words.begin(), words.end(), w) != words.end();
}

std::optional<command> command_of_words(turn const& u, std::string_view folded)
{
    struct entry { command c; std::initializer_list<text> words; };
    entry const table[] = {
        {command::menu, {text::kw_menu, text::button_menu}},
        {command::cancel, {text::kw_cancel, text::button_cancel}},
        {command::back, {text::kw_back, text::button_back}},
        {command::help, {text::kw_help}},
        {command::language, {text::kw_language}},
    };
    for (auto const& e : table)
        if (contains(words_of(u, e.words), folded))
            return e.c;
    return std::nullopt;
}

model::locale const* locale_named(turn const& u, std::string_view folded)
{
    auto const& ls = u.ctx.data.locales;
    for (std::size_t i = 0; i < ls.size(); ++i)
        if (!folded.empty() && u.ctx.words.of_locale(i).front() == folded)  // its folded name
            return &ls[i];
    return nullptr;
}

bool matches(choice const& c, std::string_view folded)
{
    if (folded.empty())
        return false;
    if (c.number != 0 && list_number(folded) == c.number)
        return true;
    return fold(c.label) == folded || contains(c.words, folded);
}

text help_for(dialog_step s)
{
    switch (s) {
    case dialog_step::category: return text::help_category;
    case dialog_step::location: return text::help_location;
    case dialog_step::description: return text::help_description;
    case dialog_step::photos: return text::help_photos;
    case dialog_step::confirm: return text::help_confirm;
    case dialog_step::edit_field: return text::help_edit_field;
    case dialog_step::track: return text::help_track;
    case dialog_step::language: return text::help_language;
    case dialog_step::add_info: return text::help_add_info;
    case dialog_step::since: return text::help_since;
    case dialog_step::outcome: return text::help_outcome;
    case dialog_step::split: return text::help_split;
    case dialog_step::duplicates: return text::help_duplicates;
    default: return text::help_menu;
    }
}

text expect_for(dialog_step s)
{
    switch (s) {
    case dialog_step::category: return text::expect_category;
    case dialog_step::location: return text::expect_location;
    case dialog_step::description: return text::expect_description;
    case dialog_step::photos: return text::expect_photos;
    case dialog_step::confirm: return text::expect_confirm;
    case dialog_step::edit_field: return text::expect_edit_field;
    case dialog_step::track: return text::expect_track;
    case dialog_step::language: return text::expect_language;
    case dialog_step::add_info: return text::expect_add_info;
    case dialog_step::since: return text::expect_since;
    case dialog_step::outcome: return text::expect_outcome;
    case dialog_step::split: return text::expect_split;
    case dialog_step::duplicates: return text::expect_duplicates;
    default: return text::expect_menu;
    }
}

void show(turn& u)
{
    // The track step shows the list again: no petition is on screen any more.
    if (u.state().step == dialog_step::track)
        u.state().target_petition.clear();
    u.send(prompt(u));
}

// Moves to s and shows it. A confirm with a draft that is not complete (a
// category removed from the config since) asks for what is missing instead.
void go(turn& u, dialog_step s)
{
    if (s == dialog_step::confirm)
        s = first_missing(u.flow(), u.state().draft);
    if (s == dialog_step::start)
        s = dialog_step::menu;
    if (s != dialog_step::add_info)
        u.state().target_petition.clear();
    u.state().step = s;
    show(u);
}

// The filing questions in the order they are asked; the flow may leave some out.
constexpr dialog_step filing_order[] = {dialog_step::category, dialog_step::location, dialog_step::description,
                                        dialog_step::since,    dialog_step::outcome,  dialog_step::photos,
                                        dialog_step::confirm};

bool asked(model::flow const& f, dialog_step s)
{
    switch (s) {
    case dialog_step::since: return f.drafting.since;
    case dialog_step::outcome: return f.drafting.outcome;
    case dialog_step::photos: return f.max_photos > 0;
    default: return true;
    }
}

// The question before s that the flow asks; the menu before the first.
dialog_step asked_before(model::flow const& f, dialog_step s)
{
    auto const* at = std::find(std::begin(filing_order), std::end(filing_order), s);
    while (at != std::begin(filing_order)) {
        --at;
        if (asked(f, *at))
            return *at;
    }
    return dialog_step::menu;
}

// After a valid answer: the next filing step, or straight back to the summary when editing one field.
void advance(turn& u, dialog_step next)
{
    auto& st = u.state();
    auto const* at = std::find(std::begin(filing_order), std::end(filing_order), next);
    while (at != std::end(filing_order) && !asked(u.flow(), *at))
        ++at;
    next = at == std::end(filing_order) ? dialog_step::confirm : *at;
    if (st.editing) {
        st.editing = false;
        next = dialog_step::confirm;
    }
    go(u, next);
}

void unexpected(turn& u)
{
    if (!u.welcoming)
        u.note(expect_for(u.state().step));
    show(u);
}

void stale(turn& u)
{
    if (!u.welcoming)
        u.note(text::stale_button);
    show(u);
}

void show_petition(turn& u, std::string_view typed);

dialog_step resumable(dialog_step s)
{
    return s == dialog_step::start || s == dialog_step::language ? dialog_step::menu : s;
}

void back(turn& u)
{
    auto& st = u.state();
    if (st.editing && in_filing(st.step)) {
        st.editing = false;
        go(u, dialog_step::confirm);
        return;
    }
    switch (st.step) {
    case dialog_step::location:
    case dialog_step::description:
    case dialog_step::since:
    case dialog_step::outcome:
    case dialog_step::photos:
    case dialog_step::confirm:
        go(u, asked_before(u.flow(), st.step));
        return;
    case dialog_step::split:
    case dialog_step::duplicates: go(u, dialog_step::confirm); return;
    case dialog_step::edit_field: go(u, dialog_step::confirm); return;
    case dialog_step::language: go(u, resumable(st.resume_step)); return;
    case dialog_step::add_info: show_petition(u, st.target_petition); return;
    default: go(u, dialog_step::menu); return;  // category: the draft is kept for "continue"
    }
}

void run(turn& u, command c)
{
    auto& st = u.state();
    switch (c) {
    case command::menu:
        st.editing = false;
        go(u, dialog_step::menu);
        return;
    case command::cancel:
        if (st.step == dialog_step::add_info) {
            go(u, dialog_step::menu);  // a filing draft, if any, is not what is being cancelled
            return;
        }
        if (has_draft(st.draft)) {
            st.draft = {};
            u.note(text::cancelled);
        }
        st.editing = false;
        go(u, dialog_step::menu);
        return;
    case command::back:
        back(u);
        return;
    case command::help:
    {
        auto max = u.flow().description_max;
        if (st.step == dialog_step::photos)
            max = u.flow().max_photos;
        else if (st.step == dialog_step::since || st.step == dialog_step::outcome)
            max = u.flow().drafting.answer_max;
        u.note(help_for(st.step), {{"min", std::to_string(u.flow().description_min)}, {"max", std::to_string(max)}});
    }
        show(u);
        return;
    case command::language:
        if (st.step != dialog_step::language) {
            st.resume_step = st.step;
            st.step = dialog_step::language;
        }
        show(u);
        return;
    }
}

void switch_language(turn& u, model::locale const& l)
{
    auto& st = u.state();
    u.use_language(l.code);
    u.note(text::language_changed, {{"name", l.name}});
    go(u, st.step == dialog_step::language ? resumable(st.resume_step) : st.step);
}

void show_petition(turn& u, std::string_view typed)
{
    auto& st = u.state();
    st.step = dialog_step::track;
    auto const tracking = normalize_tracking(typed);
    auto p = tracking ? u.ctx.petitions.petition(*tracking) : std::nullopt;
    if (!p) {
        u.note(text::track_not_found, {{"tracking", tracking ? *tracking : std::string(trim(typed))}});
        show(u);
        return;
    }
    // Also own when the number has dropped off the remembered list: same chat.
    bool const own = contains(st.petitions, *tracking) || owned(u, *p);
    // The petition on screen: "Add information" (typed or pressed) adds to it while it is open.
    bool const can_add = own && model::is_open(p->current) && own_petition(u, *tracking);
    st.target_petition = can_add ? *tracking : std::string{};
    u.send_notes();  // a welcome goes first, so the details keep their full length budget
    u.send(petition_screen(u, *p, u.ctx.petitions.timeline(*tracking), own));
}

void file_petition(turn& u)
{
    auto& st = u.state();
    auto const& f = u.flow();
    if (first_missing(f, st.draft) != dialog_step::confirm) {
        go(u, dialog_step::confirm);  // asks for what is missing
        return;
    }
    // Before filing: several requests in one description, then the same problem
    // already filed nearby. Each is asked once per draft.
    if (f.drafting.split && !st.draft.split_answered && several_requests(st.draft.description, f.description_min)) {
        st.editing = false;
        go(u, dialog_step::split);
        return;
    }
    if (!st.draft.duplicates_answered && !nearby_petitions(u).empty()) {
        st.editing = false;
        go(u, dialog_step::duplicates);
        return;
    }
    auto const& cat = *find_category(f, st.draft.category);
    auto const now = u.ctx.now;
    auto const days = deadline_days_for(f, cat.id);

    model::petition p;
    p.tracking = u.ctx.new_tracking();
    p.channel_id = st.channel_id;
    p.chat_id = st.chat_id;
    p.user_id = st.user_id;
    p.language = st.language;
    p.category = cat.id;
    p.department = cat.department;
    p.location_text = st.draft.location_text;
    p.location = st.draft.location;
    p.description = st.draft.description;
    p.photo_ids = st.draft.photo_ids;
    p.since = st.draft.since;
    p.outcome = st.draft.outcome;
    p.current = model::status::submitted;
    p.submitted_at = now;
    p.response_due_at = add_days(now, days.response, u.ctx.cal);
    p.deadline_at = add_days(now, days.answer, u.ctx.cal);

    model::timeline_event e;
    e.at = now;
    e.to = model::status::submitted;
    e.actor = model::actor_kind::citizen;
    e.actor_id = st.user_id;
    e.channel_id = st.channel_id;
    e.department = cat.department;
    e.note = "submitted";

    st.petitions.push_back(p.tracking);
    auto const keep = f.remembered_petitions;
    if (st.petitions.size() > keep)
        st.petitions.erase(st.petitions.begin(), st.petitions.end() - std::ptrdiff_t(keep));
    // Split: the rest becomes the next draft, at the same place and in the same category.
    model::petition_draft next;
    if (!st.draft.rest.empty()) {
        next.category = st.draft.category;
        next.location_text = st.draft.location_text;
        next.location = st.draft.location;
        next.description = st.draft.rest;
    }
    st.draft = std::move(next);
    st.editing = false;

    // A message of its own: the one to find again, forward or copy from.
    u.note(text::filed,
           {{"tracking", p.tracking}, {"deadline", model::format_local_date(p.deadline_at, u.ctx.cal.zone)}});
    u.send_notes();
    // A status message like any push: it gets its receipt, and goes to another chat if this one fails.
    u.out.replies.back().notice_tracking = p.tracking;
    u.out.replies.back().notice_status = std::string(model::to_string(p.current));
    u.out.filed = std::move(p);
    u.out.timeline.push_back(std::move(e));
    if (has_draft(st.draft)) {
        u.note(text::split_rest);
        go(u, dialog_step::confirm);  // asks what the rest still lacks, then shows the summary
        return;
    }
    go(u, dialog_step::menu);
}

// "This is my problem too": the chat follows that petition instead of filing its draft.
void follow_petition(turn& u, std::string_view tracking)
{
    auto& st = u.state();
    auto const near = nearby_petitions(u);
    auto const it = std::find_if(near.begin(), near.end(), [&](auto const& p) { return p.tracking == tracking; });
    if (it == near.end()) {  // no longer open, nearby or offered
        stale(u);
        return;
    }
    st.following.push_back(it->tracking);
    if (st.following.size() > u.flow().remembered_petitions)
        st.following.erase(st.following.begin());
    st.draft = {};
    st.editing = false;
    u.out.follow = it->tracking;
    u.note(text::followed, {{"tracking", it->tracking}});
    u.send_notes();
    go(u, dialog_step::menu);
}

void start_add_info(turn& u, std::string_view tracking)
{
    auto const p = own_petition(u, tracking);
    if (!p) {
        stale(u);
        return;
    }
    if (!model::is_open(p->current)) {
        u.note(text::addinfo_unavailable, {{"tracking", p->tracking}, {"status", status_word(u, p->current)}});
        show(u);
        return;
    }
    u.state().editing = false;
    u.state().target_petition = p->tracking;
    go(u, dialog_step::add_info);
}

// Hands the added information to the gateway, which applies it to the petition.
void send_info(turn& u, std::string text, std::vector<std::string> photo_ids)
{
    auto const p = own_petition(u, u.state().target_petition);
    if (!p || !model::is_open(p->current)) {
        if (p)
            u.note(text::addinfo_unavailable, {{"tracking", p->tracking}, {"status", status_word(u, p->current)}});
        go(u, dialog_step::menu);
        return;
    }
    citizen_request r;
    r.what = citizen_request::kind::add_info;
    r.tracking = p->tracking;
    r.text = std::move(text);
    r.photo_ids = std::move(photo_ids);
    u.out.requests.push_back(std::move(r));
    u.note(text::addinfo_sent, {{"tracking", p->tracking}});
    go(u, dialog_step::menu);
}

// A press on a rating button: "r:<tracking>:<n>" (from the answer notification),
// then "r:<tracking>:<n>y" or "r:<tracking>:<n>n" (resolved or not).
struct rating_press {
    std::string tracking;
    int rating = 0;
    std::optional<bool> resolved;  // not yet asked
};

std::optional<rating_press> rating_of_data(std::string_view data)
{
    if (!data.starts_with("r:"))
        return std::nullopt;
    data.remove_prefix(2);
    auto const colon = data.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    auto const tail = data.substr(colon + 1);
    if (tail.empty() || tail.size() > 2 || tail[0] < '1' || tail[0] > '5')
        return std::nullopt;
    rating_press r{std::string(data.substr(0, colon)), tail[0] - '0', std::nullopt};
    if (tail.size() == 2) {
        if (tail[1] != 'y' && tail[1] != 'n')
            return std::nullopt;
        r.resolved = tail[1] == 'y';
    }
    return r;
}

// Rating is its own short exchange on top of whatever step the citizen is at:
// the step stays, and is shown again once the rating is complete.
void on_rating(turn& u, rating_press const& press)
{
    auto const p = own_petition(u, press.tracking);
    if (!p) {
        stale(u);
        return;
    }
    if (p->current != model::status::answered) {
        u.note(text::rate_unavailable, {{"tracking", p->tracking}, {"status", status_word(u, p->current)}});
        show(u);
        return;
    }
    auto const data = "r:" + p->tracking + ":" + std::to_string(press.rating);
    if (!press.resolved) {
        screen s;
        s.text = u.say(text::rate_question, {{"tracking", p->tracking}, {"rating", std::to_string(press.rating)}});
        s.buttons = {{{u.say(text::rate_resolved), data + "y"}, {u.say(text::rate_not_resolved), data + "n"}}};
        u.send(std::move(s));
        return;
    }
    citizen_request r;
    r.what = citizen_request::kind::rate;
    r.tracking = p->tracking;
    r.rating = press.rating;
    r.resolved = *press.resolved;
    u.out.requests.push_back(std::move(r));
    u.note(text::rate_thanks);
    show(u);
}

// A typed "4" rates only when the answer's rating question is the newest thing
// in the chat: the answer came after the citizen last used the dialog.
std::optional<std::string> rating_awaited(turn const& u)
{
    auto const& mine = u.state().petitions;
    for (auto it = mine.rbegin(); it != mine.rend(); ++it) {
        auto const p = own_petition(u, *it);
        if (!p || p->current != model::status::answered)
            continue;
        for (auto const& e : u.ctx.petitions.timeline(*it))
            if (e.kind == model::entry_kind::transition && e.to == model::status::answered &&
                e.at > u.previous_update)
                return p->tracking;
    }
    return std::nullopt;
}

void on_choice(turn& u, std::string_view data)
{
    if (auto c = command_of_data(data)) {
        run(u, *c);
        return;
    }
    auto& st = u.state();
    auto& d = st.draft;
    auto const rest = data.substr(std::min<std::size_t>(2, data.size()));
    if (data == "m:file") {
        if (has_draft(d)) {
            d = {};
            u.note(text::draft_discarded);
        }
        st.editing = false;
        go(u, dialog_step::category);
    } else if (data == "m:track") {
        go(u, dialog_step::track);
    } else if (data == "m:draft") {
        st.editing = false;
        go(u, first_missing(u.flow(), d));
    } else if (data.starts_with("c:")) {
        d.category = std::string(rest);
        d.duplicates_answered = false;
        advance(u, dialog_step::location);
    } else if (data == "ok") {
        file_petition(u);
    } else if (data == "skip" && (st.step == dialog_step::since || st.step == dialog_step::outcome)) {
        bool const since = st.step == dialog_step::since;
        (since ? d.since : d.outcome).clear();
        (since ? d.since_asked : d.outcome_asked) = true;
        advance(u, since ? dialog_step::outcome : dialog_step::photos);
    } else if (data == "s:one") {
        d.split_answered = true;
        file_petition(u);
    } else if (data == "s:first") {
        d.split_answered = true;
        if (auto parts = several_requests(d.description, u.flow().description_min)) {
            d.description = std::move(parts->first);
            d.rest = std::move(parts->rest);
        }
        file_petition(u);
    } else if (data == "d:new") {
        d.duplicates_answered = true;
        file_petition(u);
    } else if (data.starts_with("f:")) {
        follow_petition(u, rest);
    } else if (data == "edit") {
        go(u, dialog_step::edit_field);
    } else if (data.starts_with("e:")) {
        auto const field = model::dialog_step_from_string(rest);
        st.editing = field.has_value();
        go(u, field.value_or(dialog_step::confirm));
    } else if (data == "p:done") {
        st.editing = false;
        go(u, dialog_step::confirm);
    } else if (data == "p:clear") {
        d.photo_ids.clear();
        u.note(text::photos_cleared);
        show(u);
    } else if (data.starts_with("t:")) {
        show_petition(u, rest);
    } else if (data.starts_with("a:")) {
        start_add_info(u, rest);
    } else if (auto const* l = data.starts_with("l:") ? find_locale(u.ctx.data, rest) : nullptr) {
        switch_language(u, *l);
    } else {
        stale(u);
    }
}

void on_free_text(turn& u, std::string_view raw)
{
    auto& st = u.state();
    auto const& f = u.flow();
    auto const typed = trim(raw);
    auto const n = code_points(typed);
    switch (st.step) {
    case dialog_step::location:
        if (n == 0)
            break;
        if (n > f.location_max) {
            u.note(text::location_too_long, {{"count", std::to_string(n)}, {"max", std::to_string(f.location_max)}});
            show(u);
            return;
        }
        st.draft.location_text = std::string(typed);
        st.draft.location.reset();  // a typed place replaces a shared point
        st.draft.duplicates_answered = false;
        advance(u, dialog_step::description);
        return;
    case dialog_step::description:
        if (n == 0)
            break;
        // Invisible characters and spaces fill no minimum.
        if (auto const seen = visible_characters(typed); seen < f.description_min) {
            u.note(text::description_too_short,
                   {{"count", std::to_string(seen)}, {"min", std::to_string(f.description_min)}});
            show(u);
            return;
        }
        if (n > f.description_max) {
            u.note(text::description_too_long,
                   {{"count", std::to_string(n)}, {"max", std::to_string(f.description_max)}});
            show(u);
            return;
        }
        st.draft.description = std::string(typed);
        st.draft.split_answered = false;
        st.draft.rest.clear();
        u.note(text::description_length, {{"count", std::to_string(visible_characters(typed))},
                                           {"max", std::to_string(f.description_max)}});
        if (f.description_concise != 0 && visible_characters(typed) > f.description_concise)
            u.note(text::description_concise, {{"count", std::to_string(visible_characters(typed))},
                                                {"concise", std::to_string(f.description_concise)}});
        advance(u, dialog_step::since);
        return;
    case dialog_step::since:
    case dialog_step::outcome: {
        if (n == 0)
            break;
        if (n > f.drafting.answer_max) {
            u.note(text::answer_too_long,
                   {{"count", std::to_string(n)}, {"max", std::to_string(f.drafting.answer_max)}});
            show(u);
            return;
        }
        bool const since = st.step == dialog_step::since;
        (since ? st.draft.since : st.draft.outcome) = std::string(typed);
        (since ? st.draft.since_asked : st.draft.outcome_asked) = true;
        advance(u, since ? dialog_step::outcome : dialog_step::photos);
        return;
    }
    case dialog_step::menu:
    case dialog_step::track:
        if (normalize_tracking(typed)) {
            show_petition(u, typed);
            return;
        }
        break;
    case dialog_step::add_info:
        if (n == 0)
            break;
        if (n > f.description_max) {
            u.note(text::addinfo_too_long,
                   {{"count", std::to_string(n)}, {"max", std::to_string(f.description_max)}});
            show(u);
            return;
        }
        send_info(u, std::string(typed), {});
        return;
    default:
        break;
    }
    unexpected(u);
}

void on_press(turn& u, std::string_view data)
{
    auto const step = u.state().step;
    if (auto c = command_of_data(data)) {
        run(u, *c);
        return;
    }
    // The answer notification's buttons work wherever the citizen is.
    if (data.starts_with("r:")) {
        if (auto press = rating_of_data(data))
            on_rating(u, *press);
        else
            stale(u);
        return;
    }
    bool fits = false;
    for (auto const& c : choices(u, step))
        fits = fits || c.data == data;
    // An old language button is still a clear wish, and an old petition
    // button still names one: honour them where they make sense.
    bool const resting = step == dialog_step::menu || step == dialog_step::track || step == dialog_step::add_info;
    fits = fits || data.starts_with("l:") ||
           (data.starts_with("t:") && (step == dialog_step::menu || step == dialog_step::track)) ||
           (data.starts_with("a:") && resting);
    if (fits)
        on_choice(u, data);
    else
        stale(u);
}

// "link" asks for a one-time code; "link 123456" from another chat joins the
// two; "notify here" makes this chat the one status pushes go to first.
bool on_link_words(turn& u, std::string_view folded)
{
    auto const link_words = words_of(u, {text::kw_link});
    if (contains(link_words, folded) && u.ctx.new_link_code) {
        link_request r;
        r.code = {u.ctx.new_link_code(), {u.state().channel_id, u.state().chat_id},
                  u.ctx.now + u.ctx.link_code_lifetime};
        u.note(text::link_code, {{"code", r.code.code},
                                 {"minutes", std::to_string(u.ctx.link_code_lifetime.count())}});
        u.out.link = std::move(r);
        show(u);
        return true;
    }
    if (contains(words_of(u, {text::kw_notify_here}), folded)) {
        u.out.link = link_request{link_request::kind::prefer_here, {}};
        u.note(text::notify_here);
        show(u);
        return true;
    }
    // A keyword and six digits, with or without a space between ("关联123456").
    if (folded.size() < 7)
        return false;
    auto const typed = folded.substr(folded.size() - 6);
    auto word = folded.substr(0, folded.size() - 6);
    if (word.ends_with(' '))
        word.remove_suffix(1);
    if (!std::all_of(typed.begin(), typed.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        !contains(link_words, word))
        return false;
    auto const code = u.ctx.petitions.link_code(typed);
    model::identity const here{u.state().channel_id, u.state().chat_id};
    if (!code || code->expires_at <= u.ctx.now) {
        u.note(text::link_bad);
    } else if (code->issued_to == here) {
        u.note(text::link_same);
    } else {
        u.out.link = link_request{link_request::kind::redeem, *code};
        u.note(text::link_done);
    }
    show(u);
    return true;
}

// Without inline buttons the last screen offered its buttons as numbered lines:
// the button a typed number stands for, if any.
std::optional<std::string> offered_press(turn const& u, std::string_view folded)
{
    auto const& offered = u.state().offered;  // empty after a screen shown with buttons
    if (u.ctx.buttons && u.ctx.max_buttons == 0)
        return std::nullopt;  // every screen here has its buttons: left from another config
    auto const n = list_number(folded);
    if (offered.empty() || !n || *n > offered.size() || offered[*n - 1].empty())
        return std::nullopt;
    return offered[*n - 1];
}

void on_input(turn& u)
{
    auto const step = u.state().step;
    if (u.ev.kind == model::event_kind::button) {
        on_press(u, u.ev.text);
        return;
    }

    auto const folded = fold(u.ev.text);
    if (auto name = slash_command(folded)) {
        if (auto c = command_of_slash(*name))
            run(u, *c);
        else
            unexpected(u);
        return;
    }
    if (auto c = command_of_words(u, folded)) {
        run(u, *c);
        return;
    }
    if (on_link_words(u, folded))
        return;
    if (auto const* l = locale_named(u, folded)) {
        switch_language(u, *l);
        return;
    }
    if (auto const n = list_number(folded); n && *n <= 5)
        if (auto const tracking = rating_awaited(u)) {
            on_rating(u, {*tracking, int(*n), std::nullopt});
            return;
        }
    // Before the step's own numbers, which the offered ones extend (Back, Cancel...).
    if (auto const data = offered_press(u, folded)) {
        on_press(u, *data);
        return;
    }
    for (auto const& c : choices(u, step))
        if (matches(c, folded)) {
            on_choice(u, c.data);
            return;
        }
    on_free_text(u, u.ev.text);
}

void on_location(turn& u)
{
    auto& st = u.state();
    if (!u.ev.location) {
        u.note(text::unsupported);
        show(u);
        return;
    }
    if (st.step != dialog_step::location) {
        u.note(text::location_elsewhere);
        show(u);
        return;
    }
    // A shared venue may carry its name: keep it, within the typed limit.
    st.draft.location = u.ev.location;
    st.draft.location_text = clip(trim(u.ev.text), u.flow().location_max);
    st.draft.duplicates_answered = false;
    advance(u, dialog_step::description);
}

// Appends the event's photos up to the flow's maximum; extra ones are dropped.
void keep_photos(turn& u)
{
    auto& ids = u.draft().photo_ids;
    for (auto const& id : u.ev.photo_ids)
        if (ids.size() < u.flow().max_photos && !id.empty())
            ids.push_back(id);
}

void on_photo(turn& u)
{
    auto& st = u.state();
    auto const max = u.flow().max_photos;
    if (u.ev.photo_ids.empty()) {
        u.note(text::unsupported);
        show(u);
        return;
    }
    if (st.step == dialog_step::photos) {
        auto const before = st.draft.photo_ids.size();
        keep_photos(u);
        auto const count = std::to_string(st.draft.photo_ids.size());
        if (st.draft.photo_ids.size() >= max) {
            if (st.draft.photo_ids.size() > before)
                u.note(text::photos_received, {{"count", count}, {"max", std::to_string(max)}});
            u.note(text::photos_full, {{"max", std::to_string(max)}});
            st.editing = false;
            go(u, dialog_step::confirm);
            return;
        }
        auto s = prompt(u);
        s.text = u.say(text::photos_received, {{"count", count}, {"max", std::to_string(max)}});
        u.send(std::move(s));
        return;
    }
    if (st.step == dialog_step::add_info) {
        auto const caption = trim(u.ev.text);
        auto const n = code_points(caption);
        if (n > u.flow().description_max) {
            u.note(text::addinfo_too_long,
                   {{"count", std::to_string(n)}, {"max", std::to_string(u.flow().description_max)}});
            show(u);
            return;
        }
        std::vector<std::string> ids;
        for (auto const& id : u.ev.photo_ids)
            if (ids.size() < max && !id.empty())
                ids.push_back(id);
        if (ids.empty() && n == 0) {
            unexpected(u);
            return;
        }
        send_info(u, std::string(caption), std::move(ids));
        return;
    }
    if (!in_filing(st.step)) {
        u.note(text::photo_elsewhere);
        show(u);
        return;
    }
    // People often send the photo first: keep it for the request they are filing.
    if (st.draft.photo_ids.size() < max) {
        keep_photos(u);
        u.note(text::photo_kept, {{"count", std::to_string(st.draft.photo_ids.size())}, {"max", std::to_string(max)}});
    } else {
        u.note(text::photos_full, {{"max", std::to_string(max)}});
    }
    // A caption answers the question asked, as a typed text would.
    if (!trim(u.ev.text).empty() && (st.step == dialog_step::location || st.step == dialog_step::description)) {
        on_free_text(u, u.ev.text);
        return;
    }
    show(u);
}

// First contact: welcome, privacy, then the menu, or what the first message
// clearly asked for from the menu (a menu choice, a command, a tracking number).
void on_start(turn& u)
{
    auto& st = u.state();
    bool const typed = u.ev.kind == model::event_kind::text || u.ev.kind == model::event_kind::button;
    auto const* named = typed ? locale_named(u, fold(u.ev.text)) : nullptr;
    u.use_language(named ? named->code : pick_locale(u.ctx.data, u.ev.language).code);
    u.note(text::welcome);
    u.note(text::privacy);
    st.step = dialog_step::menu;
    st.resume_step = dialog_step::menu;
    u.welcoming = true;
    if (typed)
        on_input(u);
    else
        show(u);
}

}  // namespace

outcome step(model::conversation const& state, model::inbound_event const& ev, context const& ctx)
{
    if (&ctx.words.data() != &ctx.data)
        throw std::invalid_argument("dialog::step: the vocabulary was built from other dialog data");
    turn u(state, ev, ctx);
    auto& st = u.state();
    st.events = state.events + 1;
    st.updated_at = ctx.now;
    if (!ev.user_id.empty())
        st.user_id = ev.user_id;
    st.channel_id = ev.channel_id;
    st.chat_id = ev.chat_id;

    if (ev.kind == model::event_kind::ignored || ev.kind == model::event_kind::challenge ||
        ev.kind == model::event_kind::receipt)
        return std::move(u.out);  // challenges and receipts are the gateway's and never get here
    if (ev.edited && ev.kind != model::event_kind::text)
        return std::move(u.out);  // a live location moving, a caption changed: nothing to say
    if (ev.kind == model::event_kind::button && !ev.callback_id.empty()) {
        model::outbound_message ack;
        ack.kind = model::message_kind::callback_ack;
        ack.channel_id = ev.channel_id;
        ack.chat_id = ev.chat_id;
        ack.callback_id = ev.callback_id;
        u.out.replies.push_back(std::move(ack));
    }
    if (st.step == dialog_step::start) {
        on_start(u);
        return std::move(u.out);
    }
    if (st.language.empty() || !find_locale(ctx.data, st.language))
        u.use_language(pick_locale(ctx.data, ev.language).code);
    if (ev.edited) {
        u.note(text::edited);
        u.send_notes();
        return std::move(u.out);
    }
    switch (ev.kind) {
    case model::event_kind::text:
    case model::event_kind::button:
        on_input(u);
        break;
    case model::event_kind::location:
        on_location(u);
        break;
    case model::event_kind::photo:
        on_photo(u);
        break;
    case model::event_kind::unsupported:
    case model::event_kind::ignored:
        u.note(text::unsupported);
        show(u);
        break;
    case model::event_kind::challenge:
    case model::event_kind::receipt:
        break;
    }
    return std::move(u.out);
}

std::vector<std::string> const& required_text_keys()
{
    static std::vector<std::string> const keys = [] {
        std::vector<std::string> k;
        for (auto const& s : text_specs)
            k.emplace_back(s.key);
        for (auto const& s : lifecycle_text_specs)
            k.emplace_back(s.key);
        return k;
    }();
    return keys;
}

}  // namespace pg::dialog
