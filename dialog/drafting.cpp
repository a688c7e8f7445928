#include "dialog/drafting.hpp"

#include "dialog/input.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numbers>

namespace pg::dialog {
namespace {

// The marker a list line starts with, in bytes; 0: not a list line.
std::size_t list_marker(std::string_view line)
{
    static constexpr std::string_view bullets[] = {"- ", "* ", "\u2022", "\u00b7"};
    for (auto b : bullets)
        if (line.starts_with(b))
            return b.size();
    // (1) or （1）
    for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"(", ")"}, {"\uff08", "\uff09"}})
        if (line.starts_with(open)) {
            auto i = open.size();
            auto const digits = i;
            while (i < line.size() && line[i] >= '0' && line[i] <= '9')
                ++i;
            if (i > digits && i - digits <= 2 && line.substr(i).starts_with(close))
                return i + close.size();
            return 0;
        }
    // 1. 1) 1、 (a number of at most two digits, then its mark)
    std::size_t i = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9')
        ++i;
    if (i == 0 || i > 2)
        return 0;
    for (std::string_view mark : {".", ")", "\u3001", "\uff0e", "\uff09"})
        if (line.substr(i).starts_with(mark)) {
            auto const end = i + mark.size();
            // "1.5 metres" is a number, not an item.
            if (mark == "." && end < line.size() && line[end] >= '0' && line[end] <= '9')
                return 0;
            return end;
        }
    return 0;
}

std::vector<std::string_view> lines_of(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto const nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

std::string joined(std::vector<std::string_view> const& lines)
{
    std::string out;
    for (auto l : lines) {
        if (!out.empty())
            out += '\n';
        out += l;
    }
    return std::string(trim(out));
}

}  // namespace

std::optional<split_parts> several_requests(std::string_view description, std::size_t min_visible)
{
    std::vector<std::string_view> before;  // lines up to and including the first item
    std::vector<std::string_view> after;   // from the second item on
    std::size_t items = 0;
    for (auto raw : lines_of(description)) {
        auto const line = trim(raw);
        auto const marker = list_marker(line);
        if (marker != 0 && !trim(line.substr(marker)).empty())
            ++items;
        (items >= 2 ? after : before).push_back(line);
    }
    if (items < 2)
        return std::nullopt;
    split_parts parts{items, joined(before), joined(after)};
    if (visible_characters(parts.first) < min_visible || visible_characters(parts.rest) < min_visible)
        return std::nullopt;
    return parts;
}

double distance_m(model::geo_point a, model::geo_point b)
{
    constexpr double earth_radius_m = 6'371'000;
    constexpr double to_rad = std::numbers::pi / 180;
    double const dlat = (b.latitude - a.latitude) * to_rad;
    double const dlon = (b.longitude - a.longitude) * to_rad;
    double const h = std::sin(dlat / 2) * std::sin(dlat / 2) +
                     std::cos(a.latitude * to_rad) * std::cos(b.latitude * to_rad) * std::sin(dlon / 2) *
                         std::sin(dlon / 2);
    return 2 * earth_radius_m * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<model::petition> duplicate_candidates(model::petition_draft const& draft,
                                                  std::vector<model::petition> const& pool, model::timestamp now,
                                                  model::duplicates const& rules, std::size_t max)
{
    struct near { double metres; model::petition const* p; };
    std::vector<near> found;
    auto const oldest = now - std::chrono::days{rules.days};
    auto const place = fold(draft.location_text);
    for (auto const& p : pool) {
        if (p.category != draft.category || !model::is_open(p.current) || p.submitted_at < oldest ||
            p.submitted_at > now)
            continue;
        std::optional<double> metres;
        if (draft.location && p.location)
            if (auto const d = distance_m(*draft.location, *p.location); d <= rules.distance_m)
                metres = d;
        if (!metres && !place.empty() && fold(p.location_text) == place)
            metres = 0;
        if (metres)
            found.push_back({*metres, &p});
    }
    std::stable_sort(found.begin(), found.end(), [](near const& a, near const& b) {
        return a.metres != b.metres ? a.metres < b.metres : a.p->submitted_at > b.p->submitted_at;
    });
    std::vector<model::petition> out;
    for (auto const& f : found) {
        if (out.size() >= max)
            break;
        out.push_back(*f.p);
    }
    return out;
}

}  // namespace pg::dialog
