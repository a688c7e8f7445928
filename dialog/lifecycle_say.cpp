#include "dialog/lifecycle_say.hpp"
#include "dialog/input.hpp"

#include <algorithm>
#include <cstdio>

namespace pg::dialog {

std::string status_name(texts const& tx, model::status s)
{
    switch (s) {
    case model::status::submitted: return say(tx, text::status_submitted);
    case model::status::accepted: return say(tx, text::status_accepted);
    case model::status::rejected: return say(tx, text::status_rejected);
    case model::status::transferred: return say(tx, text::status_transferred);
    case model::status::in_progress: return say(tx, text::status_in_progress);
    case model::status::answered: return say(tx, text::status_answered);
    case model::status::closed: return say(tx, text::status_closed);
    case model::status::reopened: return say(tx, text::status_reopened);
    }
    return std::string(model::to_string(s));
}

std::string action_name(texts const& tx, model::petition_action a)
{
    using model::petition_action;
    switch (a) {
    case petition_action::accept: return say(tx, lifecycle_text::action_accept);
    case petition_action::reject: return say(tx, lifecycle_text::action_reject);
    case petition_action::transfer: return say(tx, lifecycle_text::action_transfer);
    case petition_action::progress: return say(tx, lifecycle_text::action_progress);
    case petition_action::answer: return say(tx, lifecycle_text::action_answer);
    case petition_action::close: return say(tx, lifecycle_text::action_close);
    case petition_action::reopen: return say(tx, lifecycle_text::action_reopen);
    case petition_action::note: return say(tx, lifecycle_text::action_note);
    case petition_action::assign: return say(tx, lifecycle_text::action_assign);
    case petition_action::pause: return say(tx, lifecycle_text::action_pause);
    case petition_action::resume: return say(tx, lifecycle_text::action_resume);
    }
    return std::string(model::to_string(a));
}

std::string quoted(std::string_view citizen_text)
{
    static constexpr std::string_view breaks[] = {"\r\n", "\r", "\n", "\v", "\f", "\u0085", "\u2028", "\u2029"};
    std::string out = "> ";
    for (std::size_t i = 0; i < citizen_text.size();) {
        auto const rest = citizen_text.substr(i);
        auto const line_break = std::find_if(std::begin(breaks), std::end(breaks),
                                             [&](std::string_view b) { return rest.starts_with(b); });
        if (line_break != std::end(breaks)) {
            out += "\n> ";
            i += line_break->size();
        } else {
            out += citizen_text[i++];
        }
    }
    return out;
}

std::string department_name(texts const& tx, std::string const& id) { return tx.department_label(id); }

std::string category_name(texts const& tx, model::flow const& f, std::string const& id)
{
    for (auto const& c : f.categories)
        if (c.id == id)
            return tx.label(c);
    return id;
}

std::string place_text(texts const& tx, std::string const& typed, std::optional<model::geo_point> const& point)
{
    std::string out = typed;
    if (point) {
        char lat[32], lon[32];
        std::snprintf(lat, sizeof lat, "%.5f", point->latitude);
        std::snprintf(lon, sizeof lon, "%.5f", point->longitude);
        if (!out.empty())
            out += " \u00b7 ";
        out += say(tx, text::location_map, {{"latitude", lat}, {"longitude", lon}});
    }
    return out;
}


}  // namespace pg::dialog
