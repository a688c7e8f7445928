#include "dialog/response_times.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace pg::dialog {
namespace {

// Durations collected for one group before they are reduced to figures.
struct group_acc {
    group_figures figures;
    std::vector<milliseconds> first_response;
    std::vector<milliseconds> answer;
};

duration_figures reduce(std::vector<milliseconds> const& values)
{
    return {values.size(), nearest_rank(values, 50), nearest_rank(values, 90)};
}

struct measured {
    std::optional<model::timestamp> submitted;
    std::optional<milliseconds> first_response;
    std::optional<milliseconds> answer;
    bool answered = false;
};

measured measure(std::vector<model::timeline_event> const& timeline)
{
    measured m;
    for (auto const& e : timeline) {
        if (!m.submitted) {
            m.submitted = e.at;  // the first entry is the filing
            continue;
        }
        if (!m.first_response && e.actor == model::actor_kind::staff && e.kind == model::entry_kind::transition)
            m.first_response = e.at - *m.submitted;
        if (!m.answered && e.kind == model::entry_kind::transition && e.to == model::status::answered) {
            m.answered = true;
            m.answer = e.at - *m.submitted;
        }
    }
    return m;
}

void add(group_acc& g, model::petition const& p, measured const& m, bool overdue)
{
    ++g.figures.received;
    g.figures.answered += m.answered ? 1 : 0;
    g.figures.closed += p.current == model::status::closed ? 1 : 0;
    g.figures.resolved += p.resolved == true ? 1 : 0;
    g.figures.not_resolved += p.resolved == false ? 1 : 0;
    g.figures.rated += p.rating > 0 ? 1 : 0;
    g.figures.satisfied += p.rating >= 4 ? 1 : 0;
    g.figures.overdue += overdue ? 1 : 0;
    if (m.first_response)
        g.first_response.push_back(*m.first_response);
    if (m.answer)
        g.answer.push_back(*m.answer);
}

group_figures finish(group_acc&& g)
{
    g.figures.first_response = reduce(g.first_response);
    g.figures.answer = reduce(g.answer);
    return std::move(g.figures);
}

std::vector<group_figures> finish(std::map<std::string, group_acc>&& groups)
{
    std::vector<group_figures> out;
    out.reserve(groups.size());
    for (auto& [key, g] : groups) {
        g.figures.key = key;
        out.push_back(finish(std::move(g)));
    }
    return out;
}

}  // namespace

std::optional<milliseconds> nearest_rank(std::vector<milliseconds> values, int p)
{
    if (values.empty() || p <= 0 || p > 100)
        return std::nullopt;
    // rank = ceil(p * n / 100), in integers.
    auto const rank = (static_cast<std::size_t>(p) * values.size() + 99) / 100;
    auto const at = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
    std::nth_element(values.begin(), at, values.end());
    return *at;
}

std::string utc_month(model::timestamp t)
{
    std::chrono::year_month_day const d{std::chrono::floor<std::chrono::days>(t)};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
    return buf;
}

std::optional<model::timestamp> missed_deadline(model::petition const& p, model::timestamp now)
{
    if (!model::overdue(p, now))
        return std::nullopt;
    bool const awaiting_acceptance = p.current == model::status::submitted || p.current == model::status::reopened;
    if (awaiting_acceptance && now > p.response_due_at)
        return std::min(p.response_due_at, p.deadline_at);
    return p.deadline_at;
}

response_figures response_times(std::vector<petition_record> const& records, model::timestamp now)
{
    group_acc total;
    std::map<std::string, group_acc> departments, categories, channels, months;
    for (auto const& r : records) {
        auto const m = measure(r.timeline);
        bool const late = model::overdue(r.petition, now);
        auto const& p = r.petition;
        add(total, p, m, late);
        add(departments[p.department], p, m, late);
        add(categories[p.category], p, m, late);
        add(channels[p.channel_id], p, m, late);
        add(months[utc_month(m.submitted.value_or(p.submitted_at))], p, m, late);
    }
    response_figures out;
    out.total = finish(std::move(total));
    out.by_department = finish(std::move(departments));
    out.by_category = finish(std::move(categories));
    out.by_channel = finish(std::move(channels));
    out.by_month = finish(std::move(months));
    return out;
}

}  // namespace pg::dialog
