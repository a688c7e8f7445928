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
    std::vector<milliseconds> closure;
    std::vector<milliseconds> held;
    std::vector<milliseconds> paused;
};

// From a `pause` entry to the next `resume`, or to `now` while it runs.
struct pause_span {
    model::timestamp from;
    model::timestamp to;
};

std::vector<pause_span> pause_spans(std::vector<model::timeline_event> const& timeline, model::timestamp now)
{
    std::vector<pause_span> spans;
    bool running = false;
    for (auto const& e : timeline) {
        if (e.kind == model::entry_kind::pause && !running) {
            spans.push_back({e.at, e.at});
            running = true;
        } else if (e.kind == model::entry_kind::resume && running) {
            spans.back().to = e.at;
            running = false;
        }
    }
    if (running)
        spans.back().to = std::max(now, spans.back().from);
    return spans;
}

milliseconds paused_within(std::vector<pause_span> const& spans, model::timestamp from, model::timestamp to,
                           calendar const& cal)
{
    milliseconds total{0};
    for (auto const& s : spans)
        total += working_time_between(std::max(s.from, from), std::min(s.to, to), cal);
    return total;
}

duration_figures reduce(std::vector<milliseconds> const& values)
{
    return {values.size(), nearest_rank(values, 50), nearest_rank(values, 90)};
}

}  // namespace

stage_times measure_stages(petition_record const& r, model::timestamp now, calendar const& cal)
{
    auto const& p = r.petition;
    // Timelines written before entries named their department charge the current one.
    auto const department_of = [&](model::timeline_event const& e) {
        return e.department.empty() ? p.department : e.department;
    };
    stage_times m;
    m.tracking = p.tracking;
    m.category = p.category;
    m.department = p.department;
    m.channel_id = p.channel_id;
    m.current = p.current;
    m.resolved = p.resolved;
    m.rating = p.rating;
    m.overdue = model::overdue(p, now);
    m.submitted = r.timeline.empty() ? p.submitted_at : r.timeline.front().at;  // the first entry is the filing
    m.stints.push_back({r.timeline.empty() ? p.department : department_of(r.timeline.front()), m.submitted, {}});
    auto const spans = pause_spans(r.timeline, now);
    for (std::size_t i = 1; i < r.timeline.size(); ++i) {
        auto const& e = r.timeline[i];
        if (e.kind != model::entry_kind::transition)
            continue;  // notes, assignments, reminders, escalations, notices, pauses: no response and no move
        auto const since = [&](model::timestamp from) {
            return working_time_between(from, e.at, cal) - paused_within(spans, from, e.at, cal);
        };
        auto const arrived = m.stints.back().arrived;
        auto& s = m.stints.back().clocks;
        bool const held = s.held.has_value();
        if (e.actor == model::actor_kind::staff) {
            if (!m.clocks.first_response)
                m.clocks.first_response = since(m.submitted);
            if (!s.first_response && !held)
                s.first_response = since(arrived);
        }
        auto const done = [&] {
            if (!held)
                s.held = since(arrived);
        };
        switch (e.to) {
        case model::status::transferred:
            done();
            s.transferred = m.clocks.transferred = true;
            m.stints.push_back({department_of(e), e.at, {}});
            break;
        case model::status::answered:
            done();
            if (!s.answered)
                s.answer = since(arrived);
            if (!m.clocks.answered)
                m.clocks.answer = since(m.submitted);
            s.answered = m.clocks.answered = true;
            break;
        case model::status::rejected:
            done();
            break;
        case model::status::closed:
            done();
            s.closure = since(arrived);
            m.clocks.closure = since(m.submitted);
            s.closed = m.clocks.closed = true;
            break;
        case model::status::reopened:
            m.stints.push_back({department_of(e), e.at, {}});  // a new answer clock
            break;
        default:
            break;
        }
    }
    // Pauses never straddle a move (a status change resumes first); each is its stint's.
    for (std::size_t k = 0; k < m.stints.size(); ++k) {
        auto const from = m.stints[k].arrived;
        auto const to = k + 1 < m.stints.size() ? m.stints[k + 1].arrived : model::timestamp::max();
        auto& c = m.stints[k].clocks;
        c.paused = paused_within(spans, from, to, cal);
        c.pauses = static_cast<std::size_t>(
            std::count_if(spans.begin(), spans.end(), [&](pause_span const& s) { return s.from >= from && s.from < to; }));
        m.clocks.paused += c.paused;
        m.clocks.pauses += c.pauses;
    }
    if (p.current == model::status::closed)  // closed although its timeline lacks the entry: still closed
        m.stints.back().clocks.closed = m.clocks.closed = true;
    if (std::all_of(m.stints.begin(), m.stints.end(),
                    [](department_stint const& s) { return s.clocks.held.has_value(); })) {
        m.clocks.held = milliseconds{0};
        for (auto const& s : m.stints)
            *m.clocks.held += *s.clocks.held;
    }
    return m;
}

namespace {

void add_durations(group_acc& g, stage_clocks const& c)
{
    for (auto [value, into] : {std::pair{&c.first_response, &g.first_response}, std::pair{&c.answer, &g.answer},
                               std::pair{&c.closure, &g.closure}, std::pair{&c.held, &g.held}})
        if (*value)
            into->push_back(**value);
    if (c.pauses > 0)
        g.paused.push_back(c.paused);
}

void add_counts(group_figures& g, stage_clocks const& c)
{
    ++g.received;
    g.answered += c.answered ? 1 : 0;
    g.transferred += c.transferred ? 1 : 0;
    g.closed += c.closed ? 1 : 0;
    g.paused += c.pauses > 0 ? 1 : 0;
    g.pauses += c.pauses;
}

// What the citizen said and the deadline: charged to the group that has the petition now.
void add_standing(group_figures& g, stage_times const& p)
{
    g.resolved += p.resolved == true ? 1 : 0;
    g.not_resolved += p.resolved == false ? 1 : 0;
    g.rated += p.rating > 0 ? 1 : 0;
    g.satisfied += p.rating >= 4 ? 1 : 0;
    g.overdue += p.overdue ? 1 : 0;
}

void add_petition(group_acc& g, stage_times const& p)
{
    add_counts(g.figures, p.clocks);
    add_standing(g.figures, p);
    add_durations(g, p.clocks);
}

// Each department the petition reached: its stints' durations, what it did
// across them (counted once), and the standing where the petition is now.
void add_stints(std::map<std::string, group_acc>& departments, stage_times const& p)
{
    std::map<std::string, stage_clocks> did;
    for (auto const& s : p.stints) {
        add_durations(departments[s.department], s.clocks);
        auto& d = did[s.department];
        d.answered = d.answered || s.clocks.answered;
        d.transferred = d.transferred || s.clocks.transferred;
        d.closed = d.closed || s.clocks.closed;
        d.pauses += s.clocks.pauses;
    }
    for (auto const& [department, d] : did)
        add_counts(departments[department].figures, d);
    add_standing(departments[p.stints.back().department].figures, p);
}

// "06-12": the quarter of the local day `t` falls in.
std::string time_of_day(model::timestamp t, model::zone const& z)
{
    auto const local = z.to_local(t);
    auto const hour = std::chrono::floor<std::chrono::hours>(local - std::chrono::floor<std::chrono::days>(local));
    static constexpr char const* bands[] = {"00-06", "06-12", "12-18", "18-24"};
    return bands[hour.count() / 6];
}

void flag_slow_groups(std::vector<equity_flag>& out, std::string const& dimension,
                      std::vector<group_figures> const& groups, group_figures const& total)
{
    auto const check = [&](group_figures const& g, char const* clock, duration_figures const& mine,
                           duration_figures const& all) {
        if (mine.count < equity_min_count || !mine.median || !all.median || all.median->count() <= 0)
            return;
        if (static_cast<double>(mine.median->count()) >= equity_ratio * static_cast<double>(all.median->count()))
            out.push_back({dimension, g.key, clock, mine.count, *mine.median, *all.median});
    };
    for (auto const& g : groups) {
        check(g, "first_response", g.first_response, total.first_response);
        check(g, "answer", g.answer, total.answer);
    }
}

group_figures finish(group_acc&& g)
{
    g.figures.first_response = reduce(g.first_response);
    g.figures.answer = reduce(g.answer);
    g.figures.closure = reduce(g.closure);
    g.figures.held = reduce(g.held);
    g.figures.paused_time = reduce(g.paused);
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

std::string local_month(model::timestamp t, model::zone const& z)
{
    auto const day = std::chrono::floor<std::chrono::days>(z.to_local(t));
    std::chrono::year_month_day const d{std::chrono::sys_days{day.time_since_epoch()}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()));
    return buf;
}

std::optional<model::timestamp> missed_deadline(model::petition const& p, model::timestamp now)
{
    if (!model::overdue(p, now))
        return std::nullopt;
    if (model::awaits_sign_for(p.current) && now > p.response_due_at)
        return std::min(p.response_due_at, p.deadline_at);
    return p.deadline_at;
}

response_figures response_times(std::vector<stage_times> const& petitions, model::zone const& zone)
{
    group_acc total;
    std::map<std::string, group_acc> departments, categories, channels, months, times_of_day, districts;
    for (auto const& p : petitions) {
        add_petition(total, p);
        add_stints(departments, p);
        add_petition(categories[p.category], p);
        add_petition(channels[p.channel_id], p);
        add_petition(months[local_month(p.submitted, zone)], p);
        add_petition(times_of_day[time_of_day(p.submitted, zone)], p);
        if (!p.district.empty())
            add_petition(districts[p.district], p);
    }
    response_figures out;
    out.time_zone = zone.name();
    out.total = finish(std::move(total));
    out.by_department = finish(std::move(departments));
    out.by_category = finish(std::move(categories));
    out.by_channel = finish(std::move(channels));
    out.by_month = finish(std::move(months));
    out.by_time_of_day = finish(std::move(times_of_day));
    out.by_district = finish(std::move(districts));
    flag_slow_groups(out.equity, "channel", out.by_channel, out.total);
    flag_slow_groups(out.equity, "category", out.by_category, out.total);
    flag_slow_groups(out.equity, "district", out.by_district, out.total);
    flag_slow_groups(out.equity, "time_of_day", out.by_time_of_day, out.total);
    return out;
}

response_figures response_times(std::vector<petition_record> const& records, model::timestamp now,
                                calendar const& cal)
{
    std::vector<stage_times> petitions;
    petitions.reserve(records.size());
    for (auto const& r : records)
        petitions.push_back(measure_stages(r, now, cal));
    return response_times(petitions, cal.zone);
}

}  // namespace pg::dialog
