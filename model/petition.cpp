#include "model/petition.hpp"

#include <array>
#include <utility>

namespace pg::model {
namespace {

constexpr std::array<std::pair<status, std::string_view>, 8> status_names{{
    {status::submitted, "submitted"},
    {status::accepted, "accepted"},
    {status::rejected, "rejected"},
    {status::transferred, "transferred"},
    {status::in_progress, "in_progress"},
    {status::answered, "answered"},
    {status::closed, "closed"},
    {status::reopened, "reopened"},
}};

constexpr std::array<std::pair<actor_kind, std::string_view>, 3> actor_names{{
    {actor_kind::citizen, "citizen"},
    {actor_kind::staff, "staff"},
    {actor_kind::system, "system"},
}};

constexpr std::array<std::pair<entry_kind, std::string_view>, 11> entry_names{{
    {entry_kind::transition, "transition"},
    {entry_kind::note, "note"},
    {entry_kind::assignment, "assignment"},
    {entry_kind::reminder, "reminder"},
    {entry_kind::escalation, "escalation"},
    {entry_kind::citizen_info, "citizen_info"},
    {entry_kind::rating, "rating"},
    {entry_kind::notice, "notice"},
    {entry_kind::erasure, "erasure"},
    {entry_kind::pause, "pause"},
    {entry_kind::resume, "resume"},
}};

template <class E, std::size_t N>
std::string_view name_of(std::array<std::pair<E, std::string_view>, N> const& table, E e)
{
    for (auto const& [v, n] : table)
        if (v == e)
            return n;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_of(std::array<std::pair<E, std::string_view>, N> const& table, std::string_view s)
{
    for (auto const& [v, n] : table)
        if (n == s)
            return v;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(status s) { return name_of(status_names, s); }
std::optional<status> status_from_string(std::string_view s) { return value_of(status_names, s); }
std::string_view to_string(actor_kind a) { return name_of(actor_names, a); }
std::optional<actor_kind> actor_from_string(std::string_view s) { return value_of(actor_names, s); }
bool is_open(status s) { return s != status::closed && s != status::rejected; }

bool awaits_sign_for(status s) { return s == status::submitted || s == status::reopened || s == status::transferred; }

bool overdue(petition const& p, timestamp now)
{
    if (!is_open(p.current) || p.current == status::answered || p.paused_since)
        return false;
    return now > p.deadline_at || (awaits_sign_for(p.current) && now > p.response_due_at);
}

petition without_personal_data(petition p, timestamp now)
{
    p.chat_id.clear();
    p.user_id.clear();
    p.location_text.clear();
    p.location.reset();
    p.description.clear();
    p.photo_ids.clear();
    p.since.clear();
    p.outcome.clear();
    p.followers.clear();
    if (!p.erased_at)
        p.erased_at = now;
    return p;
}

std::string_view to_string(entry_kind k) { return name_of(entry_names, k); }
std::optional<entry_kind> entry_kind_from_string(std::string_view s) { return value_of(entry_names, s); }

}  // namespace pg::model
