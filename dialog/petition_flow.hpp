#pragma once
// The petition lifecycle driven from the staff side (and, for reopen/rating/
// added information, from the citizen's): one action -> the petition's next
// state, its timeline entries, and what to tell the citizen and the staff.
// Pure: time, data and the actor come in as arguments.
#include "model/flow.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"
#include "model/staff.hpp"
#include "model/zone.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

// The transition table (DESIGN.md "Petition lifecycle"), in one place.
// nullopt: refused. note and assign keep the status and are refused only on
// closed or rejected petitions.
std::optional<model::status> next_status(model::status from, model::petition_action a);

struct actor {
    model::actor_kind kind = model::actor_kind::staff;
    std::string id;          // staff or citizen user id
    std::string name;        // staff display name
    std::string channel_id;  // where the action came from
    bool supervisor = false; // the coordinating office: may transfer past staff.max_transfers
};

// The calendar deadlines and stage clocks count in (config `deadlines`). Dates
// are local dates in `zone`; the zone was resolved when the config was loaded.
struct calendar {
    bool working_days = false;              // count working days only, else every day
    std::vector<std::string> holidays;      // "2026-12-25": days off although Mon-Fri
    std::vector<std::string> make_up_days;  // "2026-09-27": Saturdays or Sundays worked
    model::zone zone;                       // local dates and times of day (default UTC)
};
// A working day: Monday to Friday and not a holiday, or a make-up day.
bool is_working_day(std::chrono::local_days d, calendar const& cal);
// `days` days after `from` (working days when cal.working_days, else calendar
// days), counted in local dates, at the same local time of day.
model::timestamp add_days(model::timestamp from, int days, calendar const& cal);
// The part of [from, to) that falls on working days (local dates), when
// cal.working_days; else all of it. 0 when to <= from.
std::chrono::milliseconds working_time_between(model::timestamp from, model::timestamp to, calendar const& cal);
// The instant `working` of working time after `from` (elapsed time when not
// cal.working_days): days off in between are skipped, so that
// working_time_between(from, result) == working.
model::timestamp add_working_time(model::timestamp from, std::chrono::milliseconds working, calendar const& cal);

// A pause's reason: at least one visible character and at most this many code points.
inline constexpr std::size_t max_pause_reason = 500;

// The days a petition of `category` has to be accepted and to be answered: the
// category's own, else the flow's. Counted from filing, and again from a reopening.
struct deadline_days {
    int response = 0;
    int answer = 0;
};
deadline_days deadline_days_for(model::flow const& f, std::string_view category);

struct petition_context {
    model::timestamp now;
    model::dialog_data const& data;  // texts for notifications (petition.language) and staff (staff_language)
    std::string staff_language;      // staff-side texts
    calendar cal;
    // What a plain message in a staff thread does (config staff.plain_reply); the card says so.
    model::petition_action plain_reply = model::petition_action::note;
    // Transfers before a petition escalates and only a supervisor moves it on (config staff.max_transfers); 0: no cap.
    int max_transfers = 0;
    // The citizen's channel shows inline buttons. Without them the answer goes out
    // without its rating buttons: its text already asks for a typed 1-5, which the
    // citizen dialog takes as the rating (no state is kept for it).
    bool buttons = true;
};

struct petition_outcome {
    bool applied = false;                        // false: refused, nothing changes but staff_reply
    model::petition next;
    std::vector<model::timeline_event> timeline;
    std::vector<model::outbound_message> to_citizen;  // to petition.channel_id / chat_id, in its language
    std::string staff_text;                      // posted in every staff thread of the petition (the
                                                 // gateway fans it out; confirms or refuses)
    std::vector<std::string> staff_photos;       // photos to re-post after staff_text (add_info)
    std::string supervisor_text;                 // for the supervisors serving next.department (an escalation)
    // The status push as its followers get it (next.followers): the same news
    // without the filer's rating question. Empty: nothing for them.
    std::string follower_text;
};

// A staff member acts on a petition. pause (with a reason) and resume stop and
// start its clock without changing its status; on resume its deadlines move on
// by the paused working time. An action that changes the status of a paused
// petition resumes it first, as its own timeline entry.
petition_outcome apply_staff(model::petition const& p, model::staff_command const& cmd, actor const& who,
                             petition_context const& ctx);

// What a citizen can do to their own petition from the dialog.
struct citizen_request {
    enum class kind { add_info, rate, not_resolved } what = kind::add_info;
    std::string tracking;
    std::string text;                    // add_info: the added information
    std::vector<std::string> photo_ids;  // add_info
    int rating = 0;                      // rate: 1-5
    bool resolved = true;                // rate
};
petition_outcome apply_citizen(model::petition const& p, citizen_request const& req, actor const& who,
                               petition_context const& ctx);

// A citizen starts following `p` (the duplicate offer; `p.followers` already
// holds them): the timeline entry (no
// identity in it), the staff's word of it, and, when `p` is already answered,
// the answer for the new follower in `language` (the answer's note on `timeline`).
struct follow_outcome {
    model::timeline_event entry;
    std::string staff_text;
    std::string answer;  // empty unless answered
};
follow_outcome follow(model::petition const& p, std::vector<model::timeline_event> const& timeline,
                      std::string const& language, petition_context const& ctx);

// Staff-side text for a new petition: the card posted when its thread opens.
std::string petition_card(model::petition const& p, petition_context const& ctx);
// The receipt under a status message: the tracking number, the status and when
// it was reached (local time in the calendar's zone), and the short digest of
// the timeline entry that records it (model/chain.hpp), which anyone can check.
// Erasing a petition's personal data: the timeline entry that records who did
// it and why, and what the petition's staff threads are told.
struct erasure_outcome {
    model::timeline_event entry;
    std::string staff_text;
};
erasure_outcome erasure(model::petition const& p, std::string reason, actor const& who, petition_context const& ctx);
std::string receipt_line(model::timestamp at, std::string_view tracking, model::status s, std::string_view digest,
                         std::string_view language, petition_context const& ctx);
std::string thread_title(model::petition const& p, petition_context const& ctx);

// Deadline checks: a reminder before response_due_at/deadline_at, an escalation
// when one passes. Each is returned at most once per petition and deadline:
// the timeline already holds the earlier ones. None while the petition is paused.
struct deadline_alert {
    model::entry_kind kind;   // reminder or escalation
    model::timestamp due;     // the deadline it is about
    model::timeline_event entry;
    std::string staff_text;
};
std::vector<deadline_alert> due_alerts(model::petition const& p, std::vector<model::timeline_event> const& timeline,
                                       std::chrono::milliseconds remind_before, petition_context const& ctx);

}  // namespace pg::dialog
