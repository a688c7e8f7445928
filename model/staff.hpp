#pragma once
// What officials (and citizens, for their own petitions) can do to a petition.
#include <optional>
#include <string>
#include <string_view>

namespace pg::model {

enum class petition_action {
    accept,    // submitted|reopened -> accepted
    reject,    // submitted -> rejected (reason in text)
    transfer,  // accepted|transferred -> transferred to `department` (reason in text)
    progress,  // accepted|transferred -> in_progress (note in text); in_progress -> in_progress adds a note
    answer,    // accepted|transferred|in_progress -> answered (the answer in text, sent to the citizen)
    close,     // answered -> closed
    reopen,    // answered -> reopened (the citizen is not satisfied)
    note,      // internal note, never sent to the citizen; status unchanged
    assign,    // assign to `assignee`; status unchanged
    pause,     // stop the petition's clock (the reason in text); status unchanged
    resume,    // start a paused clock again; status unchanged
};

std::string_view to_string(petition_action a);
std::optional<petition_action> petition_action_from_string(std::string_view s);

struct staff_command {
    petition_action action = petition_action::note;
    std::string department;  // transfer
    std::string assignee;    // assign
    std::string text;        // reason, note or answer
};

}  // namespace pg::model
