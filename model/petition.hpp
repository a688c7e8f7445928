#pragma once
// A petition, its status and its timeline.
#include "model/citizen.hpp"
#include "model/event.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::model {

enum class status { submitted, accepted, rejected, transferred, in_progress, answered, closed, reopened };

std::string_view to_string(status s);                   // "in_progress"
std::optional<status> status_from_string(std::string_view s);

enum class actor_kind { citizen, staff, system };

// What a timeline entry records. Only `transition` changes the status; the
// others leave `to` at the status the petition had. `notice`: where a status
// push went and how (or that no chat could take it), and the platform's
// receipts for it; never a response. `pause` stops the petition's clock (its
// recorded reason in `note`) and `resume` starts it again. `erasure`: the
// petition's personal data was erased (the note says why).
enum class entry_kind {
    transition, note, assignment, reminder, escalation, citizen_info, rating, notice, pause, resume, erasure
};
std::string_view to_string(entry_kind k);
std::optional<entry_kind> entry_kind_from_string(std::string_view s);
std::string_view to_string(actor_kind a);
std::optional<actor_kind> actor_from_string(std::string_view s);

struct timeline_event {
    timestamp at{};
    entry_kind kind = entry_kind::transition;
    status to = status::submitted;  // the status after this event
    actor_kind actor = actor_kind::system;
    std::string actor_id;           // staff member / citizen user id; empty for system
    std::string actor_name;         // staff member's display name (never the citizen's)
    std::string channel_id;
    std::string department;
    std::string note;               // "submitted", a transfer reason, an answer ...
    // The chain (model/chain.hpp): this entry's link, empty on entries written
    // before sealing; and, once its personal parts were erased, their digest.
    std::string digest;
    std::string erased_content;
};

struct petition {
    std::uint64_t number = 0;  // unique, from store::next_petition_number()
    std::string tracking;      // "7KQM-2X4D", derived from number
    std::string channel_id;    // where the citizen filed it
    std::string chat_id;       // the citizen's chat (personal data)
    std::string user_id;       // the citizen (personal data)
    std::string language;
    std::string category;      // category id from the flow
    std::string department;    // current department
    std::string location_text; // free text, may be empty when a point was shared
    std::optional<geo_point> location;
    std::string description;
    std::vector<std::string> photo_ids;
    status current = status::submitted;
    timestamp submitted_at{};
    timestamp response_due_at{};  // first response (acceptance) expected by
    timestamp deadline_at{};      // answer expected by
    std::string assignee;         // staff member in charge, if assigned
    int transfers = 0;            // times transferred between departments (staff.max_transfers caps it)
    int rating = 0;               // the citizen's rating of the answer, 1-5; 0 = none
    std::optional<bool> resolved; // the citizen's verdict on the answer
    std::optional<timestamp> paused_since;  // its clock is paused (a `pause` entry says why); no deadline runs
    // When its personal data was erased (on request or by retention); the
    // figures stay, the text and the citizen's identity are gone.
    std::optional<timestamp> erased_at;
    // Guided drafting (flow "drafting"): since when, and the outcome asked for.
    // Citizen text, as the description; empty when not asked or skipped.
    std::string since;
    std::string outcome;
    // Other citizens' chats that said "this is my problem too": they get its
    // status pushes like the filer. Personal data; not petitions, not counted.
    std::vector<identity> followers;
};

// The petition without the citizen's text, place, photos and identity: what
// stays for the figures and the public record.
petition without_personal_data(petition p, timestamp now);

// Waiting for a department to sign for it: filed, reopened, or transferred to
// the next department; response_due_at is then that department's deadline.
bool awaits_sign_for(status s);
// Past a deadline it has not met: not signed for by response_due_at, or not
// answered by deadline_at. One definition for lists, figures and escalation.
// A paused petition is not overdue: its deadlines move on when it resumes.
bool overdue(petition const& p, timestamp now);
bool is_open(status s);  // not closed, not rejected

}  // namespace pg::model
