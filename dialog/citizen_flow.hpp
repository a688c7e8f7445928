#pragma once
// The citizen dialog: (state, event, context) -> (next state, replies, filed petition).
// Pure: no clock, no storage, no randomness; everything it needs comes in `context`.
#include "dialog/petition_flow.hpp"
#include "model/conversation.hpp"
#include "model/event.hpp"
#include "model/flow.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

// Read-only access to stored petitions, for tracking. The gateway backs it with
// the store; tests back it with a map.
class petition_lookup {
public:
    virtual ~petition_lookup() = default;
    virtual std::optional<model::petition> petition(std::string_view tracking) const = 0;
    virtual std::vector<model::timeline_event> timeline(std::string_view tracking) const = 0;
};

struct context {
    model::timestamp now;
    model::dialog_data const& data;
    petition_lookup const& petitions;
    std::function<std::string()> new_tracking;  // called once per filed petition
    calendar cal{};                             // how a filed petition's deadlines are counted
};

struct outcome {
    model::conversation next;
    std::vector<model::outbound_message> replies;   // in send order
    std::optional<model::petition> filed;           // a new petition to store
    std::vector<model::timeline_event> timeline;    // timeline events of `filed`
    std::vector<citizen_request> requests;          // actions on the citizen's own petitions
                                                    // (added information, rating, "not resolved")
};

outcome step(model::conversation const& state, model::inbound_event const& ev, context const& ctx);

// Text keys a locale file must define for this dialog and the petition lifecycle
// (citizen_texts.hpp and lifecycle_texts.hpp); the gateway checks them at start.
std::vector<std::string> const& required_text_keys();

}  // namespace pg::dialog
