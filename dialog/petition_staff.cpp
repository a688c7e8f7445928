// What the staff see of a petition without acting on it: the card that opens
// its thread, the thread's title, and the alerts its deadlines raise.
#include "dialog/petition_flow.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_say.hpp"

#include <algorithm>

namespace pg::dialog {
namespace {

// Telegram forum topic names have 1-128 characters.
constexpr std::size_t max_title_units = 128;
constexpr std::size_t max_card_units = 4000;

bool awaits_answer(model::status s) { return model::is_open(s) && s != model::status::answered; }

// One deadline a petition can miss. The marker goes into the alert's note, so
// the timeline tells which alerts were already raised (and the gateway dedupes on it).
struct deadline_rule {
    model::timestamp model::petition::*due;
    bool (*applies)(model::status);
    std::string_view marker;
    lifecycle_text reminder;
    lifecycle_text escalation;
    bool renewed_by_transfer;  // a transfer gives the next department its own deadline
};

constexpr deadline_rule deadline_rules[] = {
    {&model::petition::response_due_at, model::awaits_sign_for, "response deadline",
     lifecycle_text::staff_reminder_response, lifecycle_text::staff_escalation_response, true},
    {&model::petition::deadline_at, awaits_answer, "answer deadline", lifecycle_text::staff_reminder_answer,
     lifecycle_text::staff_escalation_answer, false},
};

// Raised on the deadline as it stands: a reopening renews both, a transfer the
// sign-for deadline, and alerts raised before that are about deadlines that no longer hold.
bool already_raised(std::vector<model::timeline_event> const& timeline, model::entry_kind kind,
                    deadline_rule const& rule)
{
    auto const renewed = std::find_if(timeline.rbegin(), timeline.rend(), [&](auto const& e) {
        return e.kind == model::entry_kind::transition &&
               (e.to == model::status::reopened || (rule.renewed_by_transfer && e.to == model::status::transferred));
    });
    return std::any_of(timeline.rbegin(), renewed,
                       [&](auto const& e) { return e.kind == kind && e.note == rule.marker; });
}

std::string or_none(std::string s, texts const& tx) { return s.empty() ? say(tx, lifecycle_text::staff_none) : s; }

// What the citizen wrote, fenced off from the card's own lines; "(none)" when nothing.
std::string citizen_words(std::string const& s, texts const& tx)
{
    return s.empty() ? say(tx, lifecycle_text::staff_none) : quoted(s);
}

// How the thread is used: what a plain message does, and which command answers.
lifecycle_text plain_reply_hint(model::petition_action plain_reply)
{
    switch (plain_reply) {
    case model::petition_action::answer: return lifecycle_text::staff_plain_answer;
    case model::petition_action::progress: return lifecycle_text::staff_plain_progress;
    default: return lifecycle_text::staff_plain_note;
    }
}

}  // namespace

std::string petition_card(model::petition const& p, petition_context const& ctx)
{
    texts const tx(ctx.data, ctx.staff_language);
    std::string details;  // guided drafting's answers, quoted as the description; none when not given
    if (!p.since.empty())
        details += say(tx, lifecycle_text::staff_card_since, {{"text", quoted(p.since)}}) + "\n";
    if (!p.outcome.empty())
        details += say(tx, lifecycle_text::staff_card_outcome, {{"text", quoted(p.outcome)}}) + "\n";
    auto const card = say(
        tx, lifecycle_text::staff_card,
        {{"tracking", p.tracking},
         {"category", category_name(tx, ctx.data.citizen, p.category)},
         {"department", or_none(p.department.empty() ? std::string{} : department_name(tx, p.department), tx)},
         {"location", citizen_words(place_text(tx, p.location_text, p.location), tx)},
         {"description", citizen_words(p.description, tx)},
         {"details", details},
         {"photos", std::to_string(p.photo_ids.size())},
         {"channel", p.channel_id},  // where it came in; never the citizen's chat or user id
         {"submitted", model::format_local_minutes(p.submitted_at, ctx.cal.zone)},
         {"response_due", model::format_local_minutes(p.response_due_at, ctx.cal.zone)},
         {"deadline", model::format_local_minutes(p.deadline_at, ctx.cal.zone)}});
    // The hint ends the card whatever its length: a long description is what gets cut.
    auto const hint = "\n\n" + say(tx, plain_reply_hint(ctx.plain_reply));
    return clip(card, max_card_units - std::min(utf16_units(hint), max_card_units)) + hint;
}

std::string thread_title(model::petition const& p, petition_context const& ctx)
{
    texts const tx(ctx.data, ctx.staff_language);
    auto const title = say(tx, lifecycle_text::staff_title,
                           {{"tracking", p.tracking}, {"category", category_name(tx, ctx.data.citizen, p.category)}});
    return clip(title, max_title_units);
}

std::vector<deadline_alert> due_alerts(model::petition const& p, std::vector<model::timeline_event> const& timeline,
                                       std::chrono::milliseconds remind_before, petition_context const& ctx)
{
    std::vector<deadline_alert> alerts;
    if (p.paused_since)
        return alerts;  // no deadline runs while paused; they move on when it resumes
    texts const tx(ctx.data, ctx.staff_language);
    for (auto const& rule : deadline_rules) {
        auto const due = p.*rule.due;
        if (!rule.applies(p.current) || due == model::timestamp{})
            continue;  // met, or never set (filed before this deadline existed)
        model::entry_kind kind;
        if (ctx.now > due)
            kind = model::entry_kind::escalation;
        else if (ctx.now >= due - remind_before)
            kind = model::entry_kind::reminder;
        else
            continue;
        if (already_raised(timeline, kind, rule))
            continue;

        deadline_alert a;
        a.kind = kind;
        a.due = due;
        a.entry.at = ctx.now;
        a.entry.kind = kind;
        a.entry.to = p.current;
        a.entry.actor = model::actor_kind::system;
        a.entry.department = p.department;
        a.entry.note = std::string(rule.marker);
        a.staff_text = say(tx, kind == model::entry_kind::escalation ? rule.escalation : rule.reminder,
                           {{"tracking", p.tracking},
                            {"due", model::format_local_minutes(due, ctx.cal.zone)},
                            {"status", status_name(tx, p.current)}});
        alerts.push_back(std::move(a));
    }
    return alerts;
}

}  // namespace pg::dialog
