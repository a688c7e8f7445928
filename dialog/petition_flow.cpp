// The petition lifecycle: the transition table, deadlines in calendar or
// working days, and what a staff or citizen action does to a petition.
#include "dialog/petition_flow.hpp"

#include "dialog/citizen_turn.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_say.hpp"
#include "model/chain.hpp"

#include <algorithm>
#include <chrono>

namespace pg::dialog {
namespace {

using model::petition_action;
using model::status;

struct transition {
    status from;
    petition_action act;
    status to;
};

// DESIGN.md "Petition lifecycle", one row per allowed move. Anything not
// listed is refused. note and assign keep the status, on every open petition.
inline constexpr transition lifecycle[] = {
    {status::submitted,   petition_action::accept,   status::accepted},
    {status::submitted,   petition_action::reject,   status::rejected},
    {status::accepted,    petition_action::transfer, status::transferred},
    {status::transferred, petition_action::transfer, status::transferred},
    {status::accepted,    petition_action::progress, status::in_progress},
    {status::transferred, petition_action::progress, status::in_progress},
    {status::in_progress, petition_action::progress, status::in_progress},
    {status::accepted,    petition_action::answer,   status::answered},
    {status::transferred, petition_action::answer,   status::answered},
    {status::in_progress, petition_action::answer,   status::answered},
    {status::answered,    petition_action::close,    status::closed},
    {status::answered,    petition_action::reopen,   status::reopened},
    {status::reopened,    petition_action::accept,   status::accepted},

    {status::submitted,   petition_action::note,     status::submitted},
    {status::accepted,    petition_action::note,     status::accepted},
    {status::transferred, petition_action::note,     status::transferred},
    {status::in_progress, petition_action::note,     status::in_progress},
    {status::answered,    petition_action::note,     status::answered},
    {status::reopened,    petition_action::note,     status::reopened},

    {status::submitted,   petition_action::assign,   status::submitted},
    {status::accepted,    petition_action::assign,   status::accepted},
    {status::transferred, petition_action::assign,   status::transferred},
    {status::in_progress, petition_action::assign,   status::in_progress},
    {status::answered,    petition_action::assign,   status::answered},
    {status::reopened,    petition_action::assign,   status::reopened},

    // A clock runs while a department is to act; pause and resume keep the status.
    {status::submitted,   petition_action::pause,    status::submitted},
    {status::accepted,    petition_action::pause,    status::accepted},
    {status::transferred, petition_action::pause,    status::transferred},
    {status::in_progress, petition_action::pause,    status::in_progress},
    {status::reopened,    petition_action::pause,    status::reopened},

    {status::submitted,   petition_action::resume,   status::submitted},
    {status::accepted,    petition_action::resume,   status::accepted},
    {status::transferred, petition_action::resume,   status::transferred},
    {status::in_progress, petition_action::resume,   status::in_progress},
    {status::reopened,    petition_action::resume,   status::reopened},
};

constexpr std::optional<status> lookup(status from, petition_action a)
{
    for (auto const& t : lifecycle)
        if (t.from == from && t.act == a)
            return t.to;
    return std::nullopt;
}

static_assert(!lookup(status::closed, petition_action::answer), "closed is final");
static_assert(!lookup(status::rejected, petition_action::note), "rejected is final");
static_assert(!lookup(status::submitted, petition_action::answer), "accept before answering");
static_assert(!lookup(status::reopened, petition_action::answer), "a reopened petition is accepted again first");
static_assert(lookup(status::answered, petition_action::reopen) == status::reopened);
static_assert(!lookup(status::answered, petition_action::pause), "no clock runs on an answer");

// Telegram allows 4096 UTF-16 units in a message; the rest is headroom for adapters.
constexpr std::size_t max_message_units = 4000;

bool is_weekend(std::chrono::local_days d)
{
    std::chrono::weekday const wd{std::chrono::sys_days{d.time_since_epoch()}};
    return wd == std::chrono::Saturday || wd == std::chrono::Sunday;
}

bool listed(std::vector<std::string> const& dates, std::chrono::local_days d)
{
    if (dates.empty())
        return false;
    auto const date = model::format_day(d);
    return std::find(dates.begin(), dates.end(), date) != dates.end();
}

// Button data for a rating: "r:<tracking>:<n>", well under Telegram's 64 bytes.
std::vector<std::vector<model::button>> rating_buttons(std::string const& tracking)
{
    std::vector<model::button> row;
    for (int n = 1; n <= 5; ++n)
        row.push_back({std::to_string(n), "r:" + tracking + ":" + std::to_string(n)});
    return {std::move(row)};
}

// Messages to the citizen's chat: a long text becomes several, the buttons go on the last.
void tell_citizen(petition_outcome& out, model::petition const& p, std::string const& text,
                  std::vector<std::vector<model::button>> buttons = {})
{
    out.follower_text = text;
    for (auto& piece : split_units(text, max_message_units)) {
        model::outbound_message m;
        m.channel_id = p.channel_id;
        m.chat_id = p.chat_id;
        m.text = std::move(piece);
        out.to_citizen.push_back(std::move(m));
    }
    out.to_citizen.back().buttons = std::move(buttons);
}

// "main line" or "main line\n<extra>" when there is something extra to say.
std::string with_line(std::string main, texts const& tx, lifecycle_text extra, std::string const& value,
                      char const* gap = "\n")
{
    if (value.empty())
        return main;
    return main + gap + say(tx, extra, {{"text", value}});
}

model::entry_kind entry_kind_of(petition_action a)
{
    switch (a) {
    case petition_action::note: return model::entry_kind::note;
    case petition_action::assign: return model::entry_kind::assignment;
    case petition_action::pause: return model::entry_kind::pause;
    case petition_action::resume: return model::entry_kind::resume;
    default: return model::entry_kind::transition;
    }
}

// Transferred as often as staff.max_transfers allows: from here the coordinating office decides.
bool transfer_capped(model::petition const& p, petition_context const& ctx)
{
    return ctx.max_transfers > 0 && p.transfers >= ctx.max_transfers;
}

// The transfer that reaches the cap escalates the petition, once: a timeline
// entry and a word to the supervisors serving its new department.
void escalate_transfers(petition_outcome& out, texts const& staff, petition_context const& ctx)
{
    auto const& n = out.next;
    if (ctx.max_transfers <= 0 || n.transfers != ctx.max_transfers)
        return;
    model::timeline_event e;
    e.at = ctx.now;
    e.kind = model::entry_kind::escalation;
    e.to = n.current;
    e.actor = model::actor_kind::system;
    e.department = n.department;
    e.note = "transfer limit";
    out.timeline.push_back(std::move(e));
    out.supervisor_text = say(staff, lifecycle_text::staff_escalation_transfers,
                              {{"tracking", n.tracking},
                               {"count", std::to_string(n.transfers)},
                               {"department", department_name(staff, n.department)}});
}

// A reopened petition is accepted and answered again, on clocks that start now.
void restart_clocks(model::petition& n, petition_context const& ctx)
{
    auto const days = deadline_days_for(ctx.data.citizen, n.category);
    n.response_due_at = add_days(ctx.now, days.response, ctx.cal);
    n.deadline_at = add_days(ctx.now, days.answer, ctx.cal);
}

// Why a staff command with an allowed action still cannot be applied; empty when it can.
std::string argument_problem(model::petition const& p, model::staff_command const& cmd, std::string const& text,
                             actor const& who, petition_context const& ctx, texts const& staff)
{
    auto const tracking = text_arg{"tracking", p.tracking};
    switch (cmd.action) {
    case petition_action::transfer:
        if (trim(cmd.department).empty())
            return say(staff, lifecycle_text::staff_need_department, {tracking});
        if (cmd.department == p.department)
            return say(staff, lifecycle_text::staff_same_department,
                       {tracking, {"department", department_name(staff, p.department)}});
        // The next department, and the figures, should know why it moved.
        if (text.empty())
            return say(staff, lifecycle_text::staff_need_transfer_reason, {tracking});
        if (transfer_capped(p, ctx) && !who.supervisor)
            return say(staff, lifecycle_text::staff_transfer_limit, {tracking, {"count", std::to_string(p.transfers)}});
        return {};
    case petition_action::reject:
        return text.empty() ? say(staff, lifecycle_text::staff_need_reason, {tracking}) : std::string{};
    case petition_action::answer:
        return text.empty() ? say(staff, lifecycle_text::staff_need_answer, {tracking}) : std::string{};
    case petition_action::note:
        return text.empty() ? say(staff, lifecycle_text::staff_need_note, {tracking}) : std::string{};
    case petition_action::assign:
        return trim(cmd.assignee).empty() ? say(staff, lifecycle_text::staff_need_assignee, {tracking})
                                          : std::string{};
    case petition_action::pause:
        if (p.paused_since)
            return say(staff, lifecycle_text::staff_already_paused,
                       {tracking, {"since", model::format_local_minutes(*p.paused_since, ctx.cal.zone)}});
        // The figures exclude a pause only for a reason on record.
        if (visible_characters(text) == 0 || code_points(text) > max_pause_reason)
            return say(staff, lifecycle_text::staff_need_pause_reason,
                       {tracking, {"max", std::to_string(max_pause_reason)}});
        return {};
    case petition_action::resume:
        return p.paused_since ? std::string{} : say(staff, lifecycle_text::staff_not_paused, {tracking});
    default:
        return {};
    }
}

std::string staff_confirmation(model::staff_command const& cmd, model::petition const& next, std::string const& text,
                               actor const& who, texts const& staff, petition_context const& ctx)
{
    auto const name = text_arg{"name", who.name.empty() ? who.id : who.name};
    auto const time = text_arg{"time", model::format_local_minutes(ctx.now, ctx.cal.zone)};
    using lt = lifecycle_text;
    switch (cmd.action) {
    case petition_action::accept:
        return with_line(say(staff, lt::staff_accepted, {name, time}), staff, lt::staff_sent_to_citizen, text);
    case petition_action::reject:
        return with_line(say(staff, lt::staff_rejected, {name, time}), staff, lt::staff_reason, text);
    case petition_action::transfer:
        return with_line(say(staff, lt::staff_transferred,
                             {{"department", department_name(staff, next.department)}, name, time}),
                         staff, lt::staff_reason, text);
    case petition_action::progress:
        return with_line(say(staff, lt::staff_in_progress, {name, time}), staff, lt::staff_sent_to_citizen, text);
    case petition_action::answer:
        return say(staff, lt::staff_answered, {name, time});
    case petition_action::close:
        return with_line(say(staff, lt::staff_closed, {name, time}), staff, lt::staff_sent_to_citizen, text);
    case petition_action::reopen:
        return with_line(say(staff, lt::staff_reopened, {name, time}), staff, lt::staff_sent_to_citizen, text);
    case petition_action::note:
        return say(staff, lt::staff_note, {name, time, {"text", text}});
    case petition_action::assign:
        return say(staff, lt::staff_assigned, {{"assignee", next.assignee}, name, time});
    case petition_action::pause:
        return with_line(say(staff, lt::staff_paused, {name, time}), staff, lt::staff_reason, text);
    case petition_action::resume:
        return {};  // resume_clock says it, with the moved deadlines
    }
    return {};
}

// The citizen hears of every change of their petition, never of notes or assignments.
void notify_citizen(petition_outcome& out, model::staff_command const& cmd, std::string const& text,
                    petition_context const& ctx)
{
    auto const& p = out.next;
    texts const tx(ctx.data, p.language);
    auto const time = text_arg{"time", model::format_local_minutes(ctx.now, ctx.cal.zone)};
    auto const tracking = text_arg{"tracking", p.tracking};
    using lt = lifecycle_text;
    // What happened, then the official's words, if any, as a paragraph of their own.
    auto const tell = [&](lt what, lt words) {
        tell_citizen(out, p, with_line(say(tx, what, {time, tracking}), tx, words, text, "\n\n"));
    };
    switch (cmd.action) {
    case petition_action::accept: tell(lt::notify_accepted, lt::notify_message); return;
    case petition_action::reject: tell(lt::notify_rejected, lt::notify_reason); return;
    case petition_action::progress: tell(lt::notify_in_progress, lt::notify_message); return;
    case petition_action::close: tell(lt::notify_closed, lt::notify_message); return;
    case petition_action::reopen: tell(lt::notify_reopened, lt::notify_message); return;
    case petition_action::pause: tell(lt::notify_paused, lt::notify_reason); return;
    case petition_action::resume: tell_citizen(out, p, say(tx, lt::notify_resumed, {time, tracking})); return;
    case petition_action::transfer: {
        auto const department = text_arg{"department", department_name(tx, p.department)};
        tell_citizen(out, p,
                     with_line(say(tx, lt::notify_transferred, {time, tracking, department}), tx, lt::notify_reason,
                               text, "\n\n"));
        return;
    }
    case petition_action::answer: {
        auto const answer = say(tx, lt::notify_answered, {time, tracking, {"answer", text}});
        tell_citizen(out, p, answer + "\n\n" + say(tx, lt::notify_rate),
                     ctx.buttons ? rating_buttons(p.tracking) : std::vector<std::vector<model::button>>{});
        out.follower_text = answer;  // only the filer rates
        return;
    }
    case petition_action::note:
    case petition_action::assign:
        return;
    }
}

model::timeline_event staff_entry(model::petition const& n, model::entry_kind kind, actor const& who,
                                  model::timestamp now, std::string note)
{
    model::timeline_event e;
    e.at = now;
    e.kind = kind;
    e.to = n.current;
    e.actor = who.kind;
    e.actor_id = who.id;
    e.actor_name = who.name;
    e.channel_id = who.channel_id;
    e.department = n.department;
    e.note = std::move(note);
    return e;
}

// Starts a paused clock again: the deadlines still running move on by the
// paused working time, so a pause never eats into the department's time.
// Returns what the staff are told.
std::string resume_clock(petition_outcome& out, actor const& who, std::string note, texts const& staff,
                         petition_context const& ctx)
{
    auto& n = out.next;
    auto const since = *n.paused_since;
    auto const paused = working_time_between(since, ctx.now, ctx.cal);
    if (model::awaits_sign_for(n.current))
        n.response_due_at = add_working_time(n.response_due_at, paused, ctx.cal);
    n.deadline_at = add_working_time(n.deadline_at, paused, ctx.cal);
    n.paused_since.reset();
    out.timeline.push_back(staff_entry(n, model::entry_kind::resume, who, ctx.now, std::move(note)));
    auto const zone = ctx.cal.zone;
    return say(staff, lifecycle_text::staff_resumed,
               {{"name", who.name.empty() ? who.id : who.name},
                {"time", model::format_local_minutes(ctx.now, zone)},
                {"since", model::format_local_minutes(since, zone)},
                {"response_due", model::format_local_minutes(n.response_due_at, zone)},
                {"deadline", model::format_local_minutes(n.deadline_at, zone)}});
}

model::timeline_event citizen_entry(model::petition const& p, model::entry_kind kind, actor const& who,
                                    model::timestamp now, std::string note)
{
    model::timeline_event e;
    e.at = now;
    e.kind = kind;
    e.to = p.current;
    e.actor = model::actor_kind::citizen;
    e.actor_id = who.id;  // never the citizen's name
    e.channel_id = who.channel_id;
    e.department = p.department;
    e.note = std::move(note);
    return e;
}

// answered -> reopened because the citizen is not satisfied.
void reopen_for_citizen(petition_outcome& out, actor const& who, petition_context const& ctx)
{
    auto& n = out.next;
    n.current = next_status(n.current, petition_action::reopen).value_or(n.current);
    restart_clocks(n, ctx);
    out.timeline.push_back(citizen_entry(n, model::entry_kind::transition, who, ctx.now, "not resolved"));
    texts const tx(ctx.data, n.language);
    tell_citizen(out, n,
                 say(tx, lifecycle_text::notify_reopened_by_you,
                     {{"time", model::format_local_minutes(ctx.now, ctx.cal.zone)}, {"tracking", n.tracking}}));
}

}  // namespace

std::optional<model::status> next_status(model::status from, model::petition_action a) { return lookup(from, a); }

deadline_days deadline_days_for(model::flow const& f, std::string_view category)
{
    deadline_days d{f.response_days, f.deadline_days};
    if (auto const* cat = find_category(f, category)) {
        if (cat->response_days > 0)
            d.response = cat->response_days;
        if (cat->deadline_days > 0)
            d.answer = cat->deadline_days;
    }
    return d;
}

bool is_working_day(std::chrono::local_days d, calendar const& cal)
{
    return is_weekend(d) ? listed(cal.make_up_days, d) : !listed(cal.holidays, d);
}

model::timestamp add_days(model::timestamp from, int days, calendar const& cal)
{
    if (days <= 0)
        return from + std::chrono::days{days};
    auto const local = cal.zone.to_local(from);
    auto day = std::chrono::floor<std::chrono::days>(local);
    auto const time_of_day = local - day;
    if (!cal.working_days) {
        day += std::chrono::days{days};
    } else {
        for (int left = days; left > 0;) {
            day += std::chrono::days{1};
            if (is_working_day(day, cal))
                --left;
        }
    }
    return cal.zone.to_sys(day + time_of_day);
}

std::chrono::milliseconds working_time_between(model::timestamp from, model::timestamp to, calendar const& cal)
{
    if (to <= from)
        return std::chrono::milliseconds{0};
    if (!cal.working_days)
        return to - from;
    std::chrono::milliseconds total{0};
    auto day = std::chrono::floor<std::chrono::days>(cal.zone.to_local(from));
    for (auto start = cal.zone.start_of(day); start < to;) {
        auto const next = day + std::chrono::days{1};
        auto const end = cal.zone.start_of(next);
        if (is_working_day(day, cal))
            total += std::min(end, to) - std::max(start, from);
        day = next;
        start = end;
    }
    return total;
}

model::timestamp add_working_time(model::timestamp from, std::chrono::milliseconds working, calendar const& cal)
{
    if (!cal.working_days)
        return from + working;
    auto day = std::chrono::floor<std::chrono::days>(cal.zone.to_local(from));
    auto at = from;
    // Day by day, taking what each working day has left until `working` is used up.
    while (working > std::chrono::milliseconds{0}) {
        auto const next = day + std::chrono::days{1};
        auto const end = cal.zone.start_of(next);
        if (is_working_day(day, cal)) {
            auto const take = std::min(working, std::chrono::duration_cast<std::chrono::milliseconds>(end - at));
            at += take;
            working -= take;
            if (working == std::chrono::milliseconds{0})
                break;
        }
        day = next;
        at = end;
    }
    return at;
}

petition_outcome apply_staff(model::petition const& p, model::staff_command const& cmd, actor const& who,
                             petition_context const& ctx)
{
    texts const staff(ctx.data, ctx.staff_language);
    petition_outcome out;
    out.next = p;
    auto const to = next_status(p.current, cmd.action);
    if (!to) {
        out.staff_text = say(staff, lifecycle_text::staff_refused, {{"action", action_name(staff, cmd.action)},
                                                                   {"tracking", p.tracking},
                                                                   {"status", status_name(staff, p.current)}});
        return out;
    }
    auto const text = std::string(trim(cmd.text));
    if (auto problem = argument_problem(p, cmd, text, who, ctx, staff); !problem.empty()) {
        out.staff_text = std::move(problem);
        return out;
    }

    out.applied = true;
    auto& n = out.next;
    std::string resumed;
    if (cmd.action == petition_action::resume) {
        resumed = resume_clock(out, who, text, staff, ctx);
    } else if (n.paused_since && entry_kind_of(cmd.action) == model::entry_kind::transition) {
        // Acting on it is working on it: the clock runs again (the entry names the action) before the status moves.
        resumed = resume_clock(out, who, std::string(model::to_string(cmd.action)), staff, ctx);
    }
    n.current = *to;
    if (cmd.action == petition_action::pause)
        n.paused_since = ctx.now;
    if (cmd.action == petition_action::transfer) {
        n.department = cmd.department;
        ++n.transfers;
        // The next department gets its own time to sign for it; the answer deadline stands.
        n.response_due_at = add_days(ctx.now, deadline_days_for(ctx.data.citizen, n.category).response, ctx.cal);
    }
    if (cmd.action == petition_action::reopen)
        restart_clocks(n, ctx);
    if (cmd.action == petition_action::assign)
        n.assignee = std::string(trim(cmd.assignee));

    if (cmd.action != petition_action::resume)  // resume_clock wrote its entry
        out.timeline.push_back(staff_entry(n, entry_kind_of(cmd.action), who, ctx.now,
                                           cmd.action == petition_action::assign ? n.assignee : text));
    if (cmd.action == petition_action::transfer)
        escalate_transfers(out, staff, ctx);

    auto confirmation = staff_confirmation(cmd, n, text, who, staff, ctx);
    out.staff_text = resumed.empty() || confirmation.empty() ? resumed + confirmation : resumed + "\n" + confirmation;
    notify_citizen(out, cmd, text, ctx);
    // Status pushes: a platform that needs a template outside its reply window fills it from these.
    for (auto& m : out.to_citizen) {
        m.notice_tracking = out.next.tracking;
        m.notice_status = std::string(model::to_string(out.next.current));
    }
    return out;
}

erasure_outcome erasure(model::petition const& p, std::string reason, actor const& who, petition_context const& ctx)
{
    texts const tx(ctx.data, ctx.staff_language);
    auto text = say(tx, lifecycle_text::staff_erased,
                    {{"tracking", p.tracking},
                     {"time", model::format_local_minutes(ctx.now, ctx.cal.zone)},
                     {"text", reason}});
    return {staff_entry(p, model::entry_kind::erasure, who, ctx.now, std::move(reason)), std::move(text)};
}

std::string receipt_line(model::timestamp at, std::string_view tracking, model::status s, std::string_view digest,
                         std::string_view language, petition_context const& ctx)
{
    texts const tx(ctx.data, language);
    return say(tx, lifecycle_text::notify_receipt,
               {{"tracking", std::string(tracking)},
                {"status", status_name(tx, s)},
                {"time", model::format_local_minutes(at, ctx.cal.zone)},
                {"digest", model::short_digest(digest)}});
}

follow_outcome follow(model::petition const& p, std::vector<model::timeline_event> const& timeline,
                      std::string const& language, petition_context const& ctx)
{
    follow_outcome out;
    auto& e = out.entry;
    e.at = ctx.now;
    e.kind = model::entry_kind::note;
    e.to = p.current;
    e.actor = model::actor_kind::system;  // who follows is not the staff's to read here
    e.department = p.department;
    e.note = "followed by another citizen";
    texts const staff(ctx.data, ctx.staff_language);
    out.staff_text = say(staff, lifecycle_text::staff_followed, {{"count", std::to_string(p.followers.size())}});
    if (p.current != model::status::answered)
        return out;
    // The newest answer: a reopened and answered again petition has several.
    for (auto it = timeline.rbegin(); it != timeline.rend(); ++it)
        if (it->kind == model::entry_kind::transition && it->to == model::status::answered) {
            texts const tx(ctx.data, language);
            out.answer = say(tx, lifecycle_text::notify_answered,
                             {{"time", model::format_local_minutes(it->at, ctx.cal.zone)},
                              {"tracking", p.tracking},
                              {"answer", it->note}});
            break;
        }
    return out;
}

petition_outcome apply_citizen(model::petition const& p, citizen_request const& req, actor const& who,
                               petition_context const& ctx)
{
    texts const staff(ctx.data, ctx.staff_language);
    petition_outcome out;
    out.next = p;
    // Refused: the staff hear nothing; the citizen learns why.
    auto refuse = [&](text why) {
        texts const tx(ctx.data, p.language);
        tell_citizen(out, p, say(tx, why, {{"tracking", p.tracking}, {"status", status_name(tx, p.current)}}));
        return out;
    };
    using lt = lifecycle_text;
    switch (req.what) {
    case citizen_request::kind::add_info: {
        if (!model::is_open(p.current))
            return refuse(text::addinfo_unavailable);
        // Only invisible characters add nothing.
        auto const info = visible_characters(req.text) == 0 ? std::string{} : std::string(trim(req.text));
        auto const photos = req.photo_ids.size();
        if (info.empty() && photos == 0)
            return out;  // nothing to add
        auto const count = std::to_string(photos);
        auto note = info;
        if (photos > 0)
            note += (note.empty() ? "" : " ") + ("(+" + count + " photos)");
        // The citizen's words quoted, so they cannot pass for a line of ours; the photo count is ours.
        auto shown = info.empty() ? std::string{} : quoted(info);
        if (photos > 0)
            shown += (shown.empty() ? "" : "\n") + say(staff, lt::staff_citizen_photos, {{"count", count}});
        out.applied = true;
        out.timeline.push_back(citizen_entry(p, model::entry_kind::citizen_info, who, ctx.now, std::move(note)));
        out.staff_text = say(staff, lt::staff_citizen_info, {{"text", shown}});
        out.staff_photos = req.photo_ids;
        out.next.photo_ids.insert(out.next.photo_ids.end(), req.photo_ids.begin(), req.photo_ids.end());
        return out;
    }
    case citizen_request::kind::rate: {
        if (p.current != model::status::answered)
            return refuse(text::rate_unavailable);
        if (req.rating < 1 || req.rating > 5)
            return out;  // not a rating the dialog offers
        auto const rating = std::to_string(req.rating);
        out.applied = true;
        out.next.rating = req.rating;
        out.next.resolved = req.resolved;
        auto note = "rated " + rating + "/5, " + (req.resolved ? "resolved" : "not resolved");
        out.timeline.push_back(citizen_entry(p, model::entry_kind::rating, who, ctx.now, std::move(note)));
        out.staff_text = say(staff, req.resolved ? lt::staff_rated : lt::staff_rated_unresolved, {{"rating", rating}});
        if (!req.resolved)
            reopen_for_citizen(out, who, ctx);
        return out;
    }
    case citizen_request::kind::not_resolved:
        if (p.current != model::status::answered)
            return refuse(text::rate_unavailable);
        out.applied = true;
        out.next.resolved = false;
        out.staff_text = say(staff, lt::staff_not_resolved);
        reopen_for_citizen(out, who, ctx);
        return out;
    }
    return out;
}

}  // namespace pg::dialog
