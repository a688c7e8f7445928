#include "model/citizen.hpp"

#include <algorithm>

namespace pg::model {

citizen alone(identity const& i) { return citizen{{i}, std::nullopt, {}}; }

bool reachable(citizen const& c, identity const& i)
{
    return std::find(c.unreachable.begin(), c.unreachable.end(), i) == c.unreachable.end();
}

bool failed_state(std::string_view state) { return state == "failed" || state == "undelivered"; }

namespace {
int rank(std::string_view state)
{
    if (state == "read")
        return 4;
    if (state == "delivered")
        return 3;
    if (failed_state(state))
        return 2;
    return 1;
}
}  // namespace

bool further(std::string_view state, std::string_view than) { return rank(state) > rank(than); }

}  // namespace pg::model
