#include "storage/store.hpp"

#include <algorithm>

namespace pg::storage {

model::timestamp wall_now()
{
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

model::timestamp unit_time(unit_of_work const& w)
{
    model::timestamp t{};
    if (w.conversation)
        t = std::max(t, w.conversation->updated_at);
    for (auto const& [tracking, e] : w.timeline)
        t = std::max(t, e.at);
    return t == model::timestamp{} ? wall_now() : t;
}

}  // namespace pg::storage
