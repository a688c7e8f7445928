#pragma once
// Inside the petition lifecycle: saying things in one locale. Shared by the
// lifecycle (to the citizen and the staff) and the citizen dialog's screens.
// Not for use outside dialog/.
#include "dialog/citizen_texts.hpp"
#include "dialog/lifecycle_texts.hpp"
#include "dialog/texts.hpp"
#include "model/event.hpp"
#include "model/petition.hpp"
#include "model/staff.hpp"

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

inline std::string say(texts const& tx, lifecycle_text id, std::initializer_list<text_arg> args = {})
{
    return tx.get(key_of(id), args);
}
inline std::string say(texts const& tx, text id, std::initializer_list<text_arg> args = {})
{
    return tx.get(key_of(id), args);
}

// "in progress", "已受理": the citizen's status words (status.*), in tx's language.
std::string status_name(texts const& tx, model::status s);
// What a refusal calls the action: "accept", "add a note to".
std::string action_name(texts const& tx, model::petition_action a);
// "dept.<id>" in tx's language, else the id itself.
std::string department_name(texts const& tx, std::string const& id);
// The category's label, else its id.
std::string category_name(texts const& tx, model::flow const& f, std::string const& id);
// The typed place and/or "map point lat, lon"; empty when there is neither.
std::string place_text(texts const& tx, std::string const& typed, std::optional<model::geo_point> const& point);

// Citizen text as the staff see it: every line starts with "> ", so no line of it
// can pass for a line of ours ("Department: ..."). Any line break (CR LF, CR, VT,
// FF, NEL, U+2028, U+2029) becomes "\n" and starts another quoted line. Slack shows
// the marker as a block quote; Telegram, which gets plain text, shows it as typed.
std::string quoted(std::string_view citizen_text);


}  // namespace pg::dialog
