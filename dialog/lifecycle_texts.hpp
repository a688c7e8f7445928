#pragma once
// Every text the petition lifecycle says, to the staff (in the staff language)
// and to the citizen (in the petition's language), by id, with its locale key
// and the placeholders filled in. Like citizen_texts.hpp: named only through
// this table, so required_text_keys() cannot miss one.
#include <array>
#include <cstddef>
#include <string_view>

namespace pg::dialog {

enum class lifecycle_text {
    // to the staff: confirmations
    staff_accepted, staff_rejected, staff_transferred, staff_in_progress, staff_answered,
    staff_closed, staff_reopened, staff_note, staff_assigned, staff_paused, staff_resumed,
    staff_reason, staff_sent_to_citizen,
    // to the staff: refusals
    staff_refused, staff_same_department, staff_need_department, staff_need_reason, staff_need_answer,
    staff_need_note, staff_need_assignee, staff_need_transfer_reason, staff_transfer_limit,
    staff_need_pause_reason, staff_already_paused, staff_not_paused,
    action_accept, action_reject, action_transfer, action_progress, action_answer,
    action_close, action_reopen, action_note, action_assign, action_pause, action_resume,
    // to the staff: what the citizen did
    staff_citizen_info, staff_citizen_photos, staff_rated, staff_rated_unresolved, staff_not_resolved,
    // to the staff: a new petition, deadlines
    staff_card, staff_title, staff_none, staff_plain_note, staff_plain_progress, staff_plain_answer,
    staff_reminder_response, staff_escalation_response, staff_reminder_answer, staff_escalation_answer,
    staff_escalation_transfers,
    // to the staff: commands that could not be read (staff_commands)
    staff_commands, staff_error_unknown_command, staff_error_need_department, staff_error_unknown_department,
    staff_error_need_reason, staff_error_need_answer, staff_error_need_note, staff_error_need_assignee,
    staff_error_need_tracking,
    // to the citizen
    notify_accepted, notify_rejected, notify_transferred, notify_in_progress, notify_answered, notify_rate,
    notify_closed, notify_reopened, notify_reopened_by_you, notify_paused, notify_resumed, notify_reason,
    notify_message, notify_receipt,
    // to the staff: a petition's personal data erased
    staff_erased,
    // guided drafting: the card's extra answers; another citizen follows the petition
    staff_card_since, staff_card_outcome, staff_followed,
};

struct lifecycle_text_spec {
    lifecycle_text id;
    std::string_view key;   // in the locale file's "texts"
    std::string_view args;  // placeholder names, space-separated; each must appear in every locale's text
};

// In enum order (checked below).
inline constexpr std::array<lifecycle_text_spec, 79> lifecycle_text_specs{{
    {lifecycle_text::staff_accepted, "staff.accepted", "name time"},
    {lifecycle_text::staff_rejected, "staff.rejected", "name time"},
    {lifecycle_text::staff_transferred, "staff.transferred", "department name time"},
    {lifecycle_text::staff_in_progress, "staff.in_progress", "name time"},
    {lifecycle_text::staff_answered, "staff.answered", "name time"},
    {lifecycle_text::staff_closed, "staff.closed", "name time"},
    {lifecycle_text::staff_reopened, "staff.reopened", "name time"},
    {lifecycle_text::staff_note, "staff.note", "name time text"},
    {lifecycle_text::staff_assigned, "staff.assigned", "assignee name time"},
    {lifecycle_text::staff_paused, "staff.paused", "name time"},
    {lifecycle_text::staff_resumed, "staff.resumed", "name time since response_due deadline"},
    {lifecycle_text::staff_reason, "staff.reason", "text"},
    {lifecycle_text::staff_sent_to_citizen, "staff.sent_to_citizen", "text"},
    {lifecycle_text::staff_refused, "staff.refused", "action tracking status"},
    {lifecycle_text::staff_same_department, "staff.same_department", "tracking department"},
    {lifecycle_text::staff_need_department, "staff.need_department", "tracking"},
    {lifecycle_text::staff_need_reason, "staff.need_reason", "tracking"},
    {lifecycle_text::staff_need_answer, "staff.need_answer", "tracking"},
    {lifecycle_text::staff_need_note, "staff.need_note", "tracking"},
    {lifecycle_text::staff_need_assignee, "staff.need_assignee", "tracking"},
    {lifecycle_text::staff_need_transfer_reason, "staff.need_transfer_reason", "tracking"},
    {lifecycle_text::staff_transfer_limit, "staff.transfer_limit", "tracking count"},
    {lifecycle_text::staff_need_pause_reason, "staff.need_pause_reason", "tracking max"},
    {lifecycle_text::staff_already_paused, "staff.already_paused", "tracking since"},
    {lifecycle_text::staff_not_paused, "staff.not_paused", "tracking"},
    {lifecycle_text::action_accept, "staff.action.accept", ""},
    {lifecycle_text::action_reject, "staff.action.reject", ""},
    {lifecycle_text::action_transfer, "staff.action.transfer", ""},
    {lifecycle_text::action_progress, "staff.action.progress", ""},
    {lifecycle_text::action_answer, "staff.action.answer", ""},
    {lifecycle_text::action_close, "staff.action.close", ""},
    {lifecycle_text::action_reopen, "staff.action.reopen", ""},
    {lifecycle_text::action_note, "staff.action.note", ""},
    {lifecycle_text::action_assign, "staff.action.assign", ""},
    {lifecycle_text::action_pause, "staff.action.pause", ""},
    {lifecycle_text::action_resume, "staff.action.resume", ""},
    {lifecycle_text::staff_citizen_info, "staff.citizen_info", "text"},
    {lifecycle_text::staff_citizen_photos, "staff.citizen_photos", "count"},
    {lifecycle_text::staff_rated, "staff.rated", "rating"},
    {lifecycle_text::staff_rated_unresolved, "staff.rated_unresolved", "rating"},
    {lifecycle_text::staff_not_resolved, "staff.not_resolved", ""},
    {lifecycle_text::staff_card, "staff.card",
     "tracking category department location description details photos channel submitted response_due deadline"},
    {lifecycle_text::staff_title, "staff.title", "tracking category"},
    {lifecycle_text::staff_none, "staff.none", ""},
    {lifecycle_text::staff_plain_note, "staff.plain.note", ""},
    {lifecycle_text::staff_plain_progress, "staff.plain.progress", ""},
    {lifecycle_text::staff_plain_answer, "staff.plain.answer", ""},
    {lifecycle_text::staff_reminder_response, "staff.reminder.response", "tracking due"},
    {lifecycle_text::staff_escalation_response, "staff.escalation.response", "tracking due status"},
    {lifecycle_text::staff_reminder_answer, "staff.reminder.answer", "tracking due"},
    {lifecycle_text::staff_escalation_answer, "staff.escalation.answer", "tracking due status"},
    {lifecycle_text::staff_escalation_transfers, "staff.escalation.transfers", "tracking count department"},
    {lifecycle_text::staff_commands, "staff.commands", ""},
    {lifecycle_text::staff_error_unknown_command, "staff.error.unknown_command", "command commands"},
    {lifecycle_text::staff_error_need_department, "staff.error.need_department", "command departments"},
    {lifecycle_text::staff_error_unknown_department, "staff.error.unknown_department", "department departments"},
    {lifecycle_text::staff_error_need_reason, "staff.error.need_reason", "command"},
    {lifecycle_text::staff_error_need_answer, "staff.error.need_answer", "command"},
    {lifecycle_text::staff_error_need_note, "staff.error.need_note", "command"},
    {lifecycle_text::staff_error_need_assignee, "staff.error.need_assignee", "command"},
    {lifecycle_text::staff_error_need_tracking, "staff.error.need_tracking", "commands"},
    {lifecycle_text::notify_accepted, "notify.accepted", "time tracking"},
    {lifecycle_text::notify_rejected, "notify.rejected", "time tracking"},
    {lifecycle_text::notify_transferred, "notify.transferred", "time tracking department"},
    {lifecycle_text::notify_in_progress, "notify.in_progress", "time tracking"},
    {lifecycle_text::notify_answered, "notify.answered", "time tracking answer"},
    {lifecycle_text::notify_rate, "notify.rate", ""},
    {lifecycle_text::notify_closed, "notify.closed", "time tracking"},
    {lifecycle_text::notify_reopened, "notify.reopened", "time tracking"},
    {lifecycle_text::notify_reopened_by_you, "notify.reopened_by_you", "time tracking"},
    {lifecycle_text::notify_paused, "notify.paused", "time tracking"},
    {lifecycle_text::notify_resumed, "notify.resumed", "time tracking"},
    {lifecycle_text::notify_reason, "notify.reason", "text"},
    {lifecycle_text::notify_message, "notify.message", "text"},
    {lifecycle_text::notify_receipt, "notify.receipt", "tracking status time digest"},
    {lifecycle_text::staff_erased, "staff.erased", "tracking time text"},
    {lifecycle_text::staff_card_since, "staff.card_since", "text"},
    {lifecycle_text::staff_card_outcome, "staff.card_outcome", "text"},
    {lifecycle_text::staff_followed, "staff.followed", "count"},
}};

constexpr bool lifecycle_specs_in_enum_order()
{
    for (std::size_t i = 0; i < lifecycle_text_specs.size(); ++i)
        if (static_cast<std::size_t>(lifecycle_text_specs[i].id) != i)
            return false;
    return static_cast<std::size_t>(lifecycle_text::staff_followed) + 1 == lifecycle_text_specs.size();
}
static_assert(lifecycle_specs_in_enum_order(), "lifecycle_text_specs must list every text id once, in enum order");

constexpr std::string_view key_of(lifecycle_text t) { return lifecycle_text_specs[static_cast<std::size_t>(t)].key; }

}  // namespace pg::dialog
