#include "model/conversation.hpp"

#include <array>
#include <utility>

namespace pg::model {
namespace {

constexpr std::array<std::pair<dialog_step, std::string_view>, 15> step_names{{
    {dialog_step::start, "start"},
    {dialog_step::menu, "menu"},
    {dialog_step::category, "category"},
    {dialog_step::location, "location"},
    {dialog_step::description, "description"},
    {dialog_step::photos, "photos"},
    {dialog_step::confirm, "confirm"},
    {dialog_step::edit_field, "edit_field"},
    {dialog_step::track, "track"},
    {dialog_step::language, "language"},
    {dialog_step::add_info, "add_info"},
    {dialog_step::since, "since"},
    {dialog_step::outcome, "outcome"},
    {dialog_step::split, "split"},
    {dialog_step::duplicates, "duplicates"},
}};

}  // namespace

std::string_view to_string(dialog_step s)
{
    for (auto const& [v, n] : step_names)
        if (v == s)
            return n;
    return "start";
}

std::optional<dialog_step> dialog_step_from_string(std::string_view s)
{
    for (auto const& [v, n] : step_names)
        if (n == s)
            return v;
    return std::nullopt;
}

}  // namespace pg::model
