#pragma once
// The serialisable state of one citizen conversation (one chat on one channel).
#include "model/event.hpp"
#include "model/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::model {

// Where the citizen is in the dialog. Stored by name, so reordering is safe.
enum class dialog_step {
    start,        // never spoken to: the next event gets the welcome
    menu,         // main menu shown
    category,     // filing: choose a category
    location,     // filing: where
    description,  // filing: what
    photos,       // filing: optional photos, or skip
    confirm,      // filing: summary with confirm / edit / cancel
    edit_field,   // filing: which field to edit
    track,        // tracking: list shown, waiting for a tracking number
    language,     // choosing a language
    add_info,     // adding information to an own open petition (`target_petition`)
    since,        // filing (drafting): since when, or skip
    outcome,      // filing (drafting): what outcome the citizen wants, or skip
    split,        // filing: the description holds several requests; file as one or split
    duplicates,   // filing: open petitions nearby of the same category; follow one or file
};

std::string_view to_string(dialog_step s);
std::optional<dialog_step> dialog_step_from_string(std::string_view s);

struct petition_draft {
    std::string category;
    std::string location_text;
    std::optional<geo_point> location;
    std::string description;
    std::vector<std::string> photo_ids;
    std::string since;    // drafting answers; empty: not asked yet or skipped
    std::string outcome;
    bool since_asked = false;    // answered or skipped: not asked again
    bool outcome_asked = false;
    bool split_answered = false;       // "file as one" or "split" chosen for this description
    std::string rest;                  // split: the requests to draft after this one is filed
    bool duplicates_answered = false;  // "mine is different" chosen: file without asking again
};

struct conversation {
    std::string channel_id;
    std::string chat_id;
    std::string user_id;
    dialog_step step = dialog_step::start;
    dialog_step resume_step = dialog_step::menu;  // where "back"/language choice returns to
    bool editing = false;                         // editing one field: go back to confirm after it
    std::string language;                         // chosen locale code; empty = not chosen yet
    petition_draft draft;
    std::string target_petition;                  // add_info: which petition
    std::vector<std::string> petitions;           // own tracking numbers, oldest first (capped)
    std::vector<std::string> following;           // others' petitions this chat follows, oldest first (capped)
    // Without inline buttons (WeChat, SMS) the last screen's buttons were offered as
    // numbered lines: offered[n - 1] is the button data a typed n stands for ("" for
    // none). Empty with buttons, and after a screen without buttons.
    std::vector<std::string> offered;
    std::uint64_t events = 0;                     // events processed in this conversation
    timestamp updated_at{};
};

}  // namespace pg::model
