#include "gateway/open_data.hpp"

#include <initializer_list>

namespace pg::gateway {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string text_of(std::optional<bool> v)
{
    if (!v)
        return "";
    return *v ? "true" : "false";
}

std::string text_of(std::optional<milliseconds> v) { return v ? std::to_string(v->count()) : ""; }

json json_of(std::optional<milliseconds> v) { return v ? json(v->count()) : json(nullptr); }

json json_of(std::optional<bool> v) { return v ? json(*v) : json(nullptr); }

// The clock columns, in the order the CSV headers name them.
// The paused columns came last, so readers of the earlier columns by position still read them.
constexpr char const* clock_columns =
    "transferred,answered,closed,first_response_ms,answer_ms,closure_ms,held_ms,paused_ms,pauses";

std::vector<std::string> clock_cells(dialog::stage_clocks const& c)
{
    return {c.transferred ? "true" : "false", c.answered ? "true" : "false", c.closed ? "true" : "false",
            text_of(c.first_response),        text_of(c.answer),            text_of(c.closure),
            text_of(c.held),                  std::to_string(c.paused.count()), std::to_string(c.pauses)};
}

void add_clocks(json& j, dialog::stage_clocks const& c)
{
    j["transferred"] = c.transferred;
    j["answered"] = c.answered;
    j["closed"] = c.closed;
    j["first_response_ms"] = json_of(c.first_response);
    j["answer_ms"] = json_of(c.answer);
    j["closure_ms"] = json_of(c.closure);
    j["held_ms"] = json_of(c.held);
    j["paused_ms"] = c.paused.count();
    j["pauses"] = c.pauses;
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
void append_field(std::string& out, std::string const& v)
{
    if (v.find_first_of(",\"\r\n") == std::string::npos) {
        out += v;
        return;
    }
    out += '"';
    for (char c : v) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void append_row(std::string& out, std::vector<std::string> const& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0)
            out += ',';
        append_field(out, fields[i]);
    }
    out += "\r\n";
}

}  // namespace

json to_json(std::vector<model::day_head> const& heads)
{
    json out = json::array();
    for (auto const& h : heads)
        out.push_back({{"day", h.day},
                       {"ends_at", model::format_iso8601(h.ends_at)},
                       {"petitions", h.petitions},
                       {"digest", h.digest}});
    return out;
}

json open_data_json(figures_snapshot const& s)
{
    json petitions = json::array();
    for (auto const& p : s.petitions) {
        json j{{"tracking", p.tracking},
               {"category", p.category},
               {"department", p.department},
               {"channel", p.channel_id},
               {"status", model::to_string(p.current)},
               {"submitted_at", model::format_iso8601(p.submitted)},
               {"month", dialog::local_month(p.submitted, s.zone)},
               {"resolved", json_of(p.resolved)},
               {"rating", p.rating},
               {"overdue", p.overdue}};
        add_clocks(j, p.clocks);
        if (!p.district.empty())
            j["district"] = p.district;
        json stints = json::array();
        for (auto const& st : p.stints) {
            json one{{"department", st.department}, {"arrived_at", model::format_iso8601(st.arrived)}};
            add_clocks(one, st.clocks);
            stints.push_back(std::move(one));
        }
        j["stints"] = std::move(stints);
        petitions.push_back(std::move(j));
    }
    return {{"generated_at", model::format_iso8601(s.generated_at)},
            {"time_zone", s.zone.name()},
            {"day_heads", to_json(s.day_heads)},
            {"petitions", std::move(petitions)}};
}

std::string open_data_petitions_csv(figures_snapshot const& s)
{
    std::string out = "tracking,category,department,channel,status,submitted_at,month,resolved,rating,overdue,";
    out += clock_columns;
    out += ",district\r\n";  // last, as columns added later go: empty when no districts are configured
    for (auto const& p : s.petitions) {
        std::vector<std::string> row{p.tracking,
                                     p.category,
                                     p.department,
                                     p.channel_id,
                                     std::string(model::to_string(p.current)),
                                     model::format_iso8601(p.submitted),
                                     dialog::local_month(p.submitted, s.zone),
                                     text_of(p.resolved),
                                     std::to_string(p.rating),
                                     p.overdue ? "true" : "false"};
        for (auto& c : clock_cells(p.clocks))
            row.push_back(std::move(c));
        row.push_back(p.district);
        append_row(out, row);
    }
    return out;
}

std::string open_data_stints_csv(figures_snapshot const& s)
{
    std::string out = "tracking,stint,department,arrived_at,";
    out += clock_columns;
    out += "\r\n";
    for (auto const& p : s.petitions) {
        for (std::size_t i = 0; i < p.stints.size(); ++i) {
            auto const& st = p.stints[i];
            std::vector<std::string> row{p.tracking, std::to_string(i + 1), st.department,
                                         model::format_iso8601(st.arrived)};
            for (auto& c : clock_cells(st.clocks))
                row.push_back(std::move(c));
            append_row(out, row);
        }
    }
    return out;
}

}  // namespace pg::gateway
