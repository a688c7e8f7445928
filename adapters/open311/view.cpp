// Petitions as GeoReport v2 service requests, and the spec's date-times.
#include "adapters/open311/open311.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace pg::adapters::open311 {
namespace {

using namespace std::chrono;

bool digits(std::string_view s)
{
    if (s.empty())
        return false;
    for (char c : s)
        if (c < '0' || c > '9')
            return false;
    return true;
}

int number(std::string_view s)
{
    int v = 0;
    for (char c : s)
        v = v * 10 + (c - '0');
    return v;
}

// About 110 m of latitude: the block, not the house.
double coarse(double degrees) { return std::round(degrees * 1000.0) / 1000.0; }

}  // namespace

std::string_view status_of(model::status s) { return model::is_open(s) ? "open" : "closed"; }

std::string format_datetime(model::timestamp t, model::zone const& z)
{
    auto const at = floor<seconds>(t);
    auto const offset = z.offset(t);
    auto const local = at + offset;
    auto const day = floor<days>(local);
    year_month_day const ymd{day};
    hh_mm_ss const hms{local - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()),
                  int(hms.seconds().count()));
    std::string out = buf;
    if (offset == seconds{0})
        return out + "Z";
    auto const minutes_east = duration_cast<minutes>(offset).count();
    auto const m = minutes_east < 0 ? -minutes_east : minutes_east;
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", minutes_east < 0 ? '-' : '+', int(m / 60), int(m % 60));
    return out + buf;
}

std::optional<model::timestamp> parse_datetime(std::string_view s)
{
    // YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
    if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return std::nullopt;
    auto const y = s.substr(0, 4), mo = s.substr(5, 2), d = s.substr(8, 2);
    auto const h = s.substr(11, 2), mi = s.substr(14, 2), se = s.substr(17, 2);
    for (auto part : {y, mo, d, h, mi, se})
        if (!digits(part))
            return std::nullopt;
    year_month_day const ymd{year{number(y)}, month{unsigned(number(mo))}, day{unsigned(number(d))}};
    if (!ymd.ok() || number(h) > 23 || number(mi) > 59 || number(se) > 59)
        return std::nullopt;
    auto rest = s.substr(19);
    milliseconds fraction{0};
    if (!rest.empty() && rest.front() == '.') {
        auto const end = rest.find_first_not_of("0123456789", 1);
        auto const frac = rest.substr(1, end == std::string_view::npos ? rest.size() - 1 : end - 1);
        if (frac.empty() || frac.size() > 9)
            return std::nullopt;
        auto const ms = std::string(frac.substr(0, 3)) + std::string(3 - std::min<std::size_t>(3, frac.size()), '0');
        fraction = milliseconds{number(ms)};
        rest.remove_prefix(1 + frac.size());
    }
    seconds offset{0};
    if (rest == "Z") {
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               digits(rest.substr(1, 2)) && digits(rest.substr(4, 2))) {
        auto const hh = number(rest.substr(1, 2)), mm = number(rest.substr(4, 2));
        if (hh > 23 || mm > 59)
            return std::nullopt;
        offset = hours{hh} + minutes{mm};
        if (rest[0] == '-')
            offset = -offset;
    } else {
        return std::nullopt;
    }
    auto const local = sys_days{ymd} + hours{number(h)} + minutes{number(mi)} + seconds{number(se)};
    auto const t = model::timestamp{local - offset} + fraction;
    // Years 1 to 9999 in UTC too, so every time read can be written back as read.
    auto const utc_year = year_month_day{floor<days>(t)}.year();
    if (utc_year < year{1} || utc_year > year{9999})
        return std::nullopt;
    return t;
}

service_request public_view(model::petition const& p, std::string service_name, std::string agency,
                            model::timestamp updated, model::zone const& z)
{
    service_request r;
    r.id = p.tracking;
    r.status = std::string(status_of(p.current));
    r.status_notes = std::string(model::to_string(p.current));  // our finer status: "in_progress", "rejected"
    r.service_name = std::move(service_name);
    r.service_code = p.category;
    r.agency_responsible = std::move(agency);
    r.requested_datetime = format_datetime(p.submitted_at, z);
    r.updated_datetime = format_datetime(updated, z);
    r.expected_datetime = format_datetime(p.deadline_at, z);
    if (p.location) {
        r.lat = coarse(p.location->latitude);
        r.lon = coarse(p.location->longitude);
    }
    return r;
}

}  // namespace pg::adapters::open311
