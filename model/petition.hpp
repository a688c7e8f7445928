#pragma once
// A petition, its status and its timeline.
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
std::string_view to_string(actor_kind a);
std::optional<actor_kind> actor_from_string(std::string_view s);

struct timeline_event {
    timestamp at{};
    status to = status::submitted;  // the status after this event
    actor_kind actor = actor_kind::system;
    std::string actor_id;           // staff member / citizen user id; empty for system
    std::string channel_id;
    std::string department;
    std::string note;               // "submitted", a transfer reason, an answer ...
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
    timestamp deadline_at{};
};

}  // namespace pg::model
