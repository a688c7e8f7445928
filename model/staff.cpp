#include "model/staff.hpp"

#include <array>
#include <utility>

namespace pg::model {
namespace {

constexpr std::array<std::pair<petition_action, std::string_view>, 11> names{{
    {petition_action::accept, "accept"},
    {petition_action::reject, "reject"},
    {petition_action::transfer, "transfer"},
    {petition_action::progress, "progress"},
    {petition_action::answer, "answer"},
    {petition_action::close, "close"},
    {petition_action::reopen, "reopen"},
    {petition_action::note, "note"},
    {petition_action::assign, "assign"},
    {petition_action::pause, "pause"},
    {petition_action::resume, "resume"},
}};

}  // namespace

std::string_view to_string(petition_action a)
{
    for (auto const& [v, n] : names)
        if (v == a)
            return n;
    return "note";
}

std::optional<petition_action> petition_action_from_string(std::string_view s)
{
    for (auto const& [v, n] : names)
        if (n == s)
            return v;
    return std::nullopt;
}

}  // namespace pg::model
