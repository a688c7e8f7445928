#pragma once
// Inside the citizen dialog: one turn (one event) being worked out, the screens
// each step shows, and the choices each step accepts. Not for use outside dialog/.
#include "dialog/citizen_flow.hpp"
#include "dialog/citizen_texts.hpp"
#include "dialog/texts.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

// One answer a step accepts: pressed as a button (data) or typed (number, label, word).
struct choice {
    std::string data;                // button data: what a press sends back; short codes like "c:roads"
    std::string label;               // in the current language
    std::vector<std::string_view> words;  // folded typed forms (in the vocabulary): labels in every locale, keywords, ids
    std::size_t number = 0;          // position in the numbered list; 0: not in the list
    bool button = true;              // offered as a button on the step's screen
};

// What a step shows: its prompt text and buttons.
struct screen {
    std::string text;
    std::vector<std::vector<model::button>> buttons;
    std::string location_label;
    // The choices the text already numbers: listed[n - 1] is the data of "n." ("" for
    // none). Without inline buttons those buttons keep their numbers (turn::send).
    std::vector<std::string> listed;
};

struct turn {
    turn(model::conversation const& state, model::inbound_event const& event, context const& c);

    context const& ctx;
    model::inbound_event const& ev;
    outcome out;                     // out.next is the state being built
    model::timestamp previous_update;  // when the conversation last moved, before this event
    texts tx;
    std::vector<std::string> notes;  // paragraphs said before the next screen
    bool welcoming = false;          // first contact: unknown input just gets the menu

    model::conversation& state() { return out.next; }
    model::conversation const& state() const { return out.next; }
    model::petition_draft& draft() { return out.next.draft; }
    model::flow const& flow() const { return ctx.data.citizen; }

    std::string say(text id, std::initializer_list<text_arg> args = {}) const;
    void note(text id, std::initializer_list<text_arg> args = {}) { notes.push_back(say(id, args)); }
    void use_language(std::string const& code);

    void send(screen s);   // the notes, then the screen, as one message; without
                           // inline buttons, its buttons as numbered lines
    void send_notes();     // the notes alone
};

// The petition, if this chat or one linked to it filed it: only then may it add information or rate.
bool owned(turn const& u, model::petition const& p);
std::optional<model::petition> own_petition(turn const& u, std::string_view tracking);

// Filing steps carry a draft; "back" walks them in this order.
bool in_filing(model::dialog_step s);
bool has_draft(model::petition_draft const& d);
model::category const* find_category(model::flow const& f, std::string_view id);
// The first step whose answer the draft still lacks; confirm when none.
model::dialog_step first_missing(model::flow const& f, model::petition_draft const& d);

// citizen_screens.cpp
// Every folded typed form of these texts in every shipped locale: labels and keyword lists.
std::vector<std::string_view> words_of(turn const& u, std::initializer_list<text> ids);
std::vector<choice> choices(turn const& u, model::dialog_step s);
screen prompt(turn const& u);  // the current step's screen
std::string status_word(turn const& u, model::status s);
// "212 of 1000 characters": the draft's description, counted as visible characters.
std::string description_length(turn const& u);
// Up to three open petitions nearby of the draft's category (flow "duplicates"),
// not the citizen's own nor already followed; empty when the flow has no duplicates.
std::vector<model::petition> nearby_petitions(turn const& u);
// Details of one petition; `own`: the citizen filed it, so their own text may be shown.
screen petition_screen(turn const& u, model::petition const& p, std::vector<model::timeline_event> timeline, bool own);

}  // namespace pg::dialog
