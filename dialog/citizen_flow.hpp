#pragma once
// The citizen dialog: (state, event, context) -> (next state, replies, filed petition).
// Pure: no clock, no storage, no randomness; everything it needs comes in `context`.
#include "dialog/petition_flow.hpp"
#include "model/citizen.hpp"
#include "model/conversation.hpp"
#include "model/event.hpp"
#include "model/flow.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"

#include <chrono>
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
    // A code another chat asked for ("link"), if it was issued and not yet used.
    virtual std::optional<model::link_code> link_code(std::string_view) const { return std::nullopt; }
    // Open petitions of `category` filed at or after `since`, newest first and
    // perhaps only the newest of them: where the duplicate offer looks
    // (dialog/drafting.hpp picks the nearby ones).
    virtual std::vector<model::petition> recent_open(std::string_view /*category*/, model::timestamp /*since*/) const
    {
        return {};
    }
};

// Every typed form the dialog accepts, folded once: each text's keyword list or
// label in every locale, each category's id and labels, each language's name,
// code and matches. Folding is the costly part of reading typed input, and these
// forms only change with the config, so the gateway builds this once at start.
class vocabulary {
public:
    explicit vocabulary(model::dialog_data const& data);

    model::dialog_data const& data() const { return *data_; }
    // By the dialog's own text id (citizen_texts.hpp), every locale in order.
    std::vector<std::string> const& of_text(std::size_t text_id) const { return texts_.at(text_id); }
    // By position in the flow's categories / in the data's locales.
    std::vector<std::string> const& of_category(std::size_t i) const { return categories_.at(i); }
    std::vector<std::string> const& of_locale(std::size_t i) const { return locales_.at(i); }

private:
    model::dialog_data const* data_;
    std::vector<std::vector<std::string>> texts_;
    std::vector<std::vector<std::string>> categories_;
    std::vector<std::vector<std::string>> locales_;
};

struct context {
    model::timestamp now;
    model::dialog_data const& data;
    vocabulary const& words;                    // built from `data`
    petition_lookup const& petitions;
    std::function<std::string()> new_tracking;  // called once per filed petition
    calendar cal{};                             // how a filed petition's deadlines are counted
    // The channel shows inline buttons. Without them (WeChat, SMS) every button of a
    // screen is offered as a numbered line, and a typed number stands for the press.
    bool buttons = true;
    // At most this many buttons on one message (WhatsApp 10, LINE 13); a screen
    // with more is numbered as without buttons. 0: no limit.
    std::size_t max_buttons = 0;
    // The citizen's other chats (linked with a code) and the petitions filed
    // there: "my requests" lists them too, and they are the citizen's own.
    std::vector<model::identity> linked;
    std::vector<std::string> linked_petitions;
    // A fresh six-digit code for "link" (randomness is the gateway's), and how long it lives.
    std::function<std::string()> new_link_code;
    std::chrono::minutes link_code_lifetime{10};
};

// The citizen asked to link chats or to choose where pushes go: the gateway
// writes what it means for the citizen record.
struct link_request {
    enum class kind { issue, redeem, prefer_here } what = kind::issue;
    model::link_code code;  // issue: the code to store; redeem: the code used (issued_to: the other chat)
};

struct outcome {
    model::conversation next;
    std::vector<model::outbound_message> replies;   // in send order
    std::optional<model::petition> filed;           // a new petition to store
    std::vector<model::timeline_event> timeline;    // timeline events of `filed`
    std::vector<citizen_request> requests;          // actions on the citizen's own petitions
                                                    // (added information, rating, "not resolved")
    std::optional<link_request> link;
    // "This is my problem too": the tracking number of another citizen's open
    // petition this chat now follows. The gateway records the follower.
    std::optional<std::string> follow;
};

// Throws std::invalid_argument when ctx.words was built from other data than ctx.data.
outcome step(model::conversation const& state, model::inbound_event const& ev, context const& ctx);

// Text keys a locale file must define for this dialog and the petition lifecycle
// (citizen_texts.hpp and lifecycle_texts.hpp); the gateway checks them at start.
std::vector<std::string> const& required_text_keys();

}  // namespace pg::dialog
