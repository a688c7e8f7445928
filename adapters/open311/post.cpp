// POST requests.{format}: the form's fields read and checked, with the
// spec's error codes (400 for a missing or bad field, 404 for an unknown
// service_code or jurisdiction_id). A message names the field and what was
// expected, never what was sent: a description or a phone number is personal.
#include "adapters/open311/open311.hpp"

#include "adapters/common/utf8.hpp"
#include "adapters/sms/form.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace pg::adapters::open311 {
namespace {

constexpr std::size_t max_short = 100;  // names, ids, phone, email: code points
constexpr std::size_t max_url = 2000;

std::string_view trim(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    auto const last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

std::size_t code_points(std::string_view s)
{
    return std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

bool has_control(std::string_view s, bool allow_line_breaks)
{
    return std::any_of(s.begin(), s.end(), [&](char c) {
        auto const u = static_cast<unsigned char>(c);
        if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t'))
            return false;
        return u < 0x20 || u == 0x7f;
    });
}

std::optional<double> decimal(std::string_view s, double limit)
{
    double v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || !std::isfinite(v) || std::abs(v) > limit)
        return std::nullopt;
    return v;
}

}  // namespace

post_reading read_post(std::string_view form_body, post_rules const& rules)
{
    post_reading out;
    auto& r = out.request;
    auto fail = [&](int code, std::string what) { out.errors.push_back({code, std::move(what)}); };

    auto fields = sms::decode_form(form_body);
    if (!fields) {
        fail(400, "body: expected application/x-www-form-urlencoded fields");
        out.readable = false;
        return out;
    }
    // Every field once, as valid UTF-8 without control characters (a
    // description may keep its line breaks).
    auto field = [&](std::string_view name, std::string& into, std::size_t max, bool multiline = false) {
        auto const* v = sms::form_value(*fields, name);
        if (!v)
            return;
        auto const count = std::count_if(fields->begin(), fields->end(), [&](auto const& f) { return f.first == name; });
        if (count > 1)
            return fail(400, std::string(name) + ": expected once, found " + std::to_string(count) + " times");
        auto const text = trim(*v);
        if (!valid_utf8(text) || has_control(text, multiline))
            return fail(400, std::string(name) + ": expected UTF-8 text without control characters");
        if (code_points(text) > max)
            return fail(400, std::string(name) + ": expected at most " + std::to_string(max) + " characters");
        into = std::string(text);
    };
    std::string lat, lon;
    field("api_key", r.api_key, max_short);
    field("jurisdiction_id", r.jurisdiction_id, max_short);
    field("service_code", r.service_code, max_short);
    field("lat", lat, 40);
    field("long", lon, 40);
    field("address_string", r.address_string, rules.address_max, true);
    field("description", r.description, SIZE_MAX, true);
    field("email", r.email, max_short);
    field("first_name", r.first_name, max_short);
    field("last_name", r.last_name, max_short);
    field("phone", r.phone, max_short);
    field("device_id", r.device_id, max_short);
    field("account_id", r.account_id, max_short);
    field("media_url", r.media_url, max_url);
    if (!out.errors.empty())
        return out;

    if (!rules.jurisdiction_id.empty() && !r.jurisdiction_id.empty() && r.jurisdiction_id != rules.jurisdiction_id)
        fail(404, "jurisdiction_id: not served here; expected \"" + rules.jurisdiction_id + "\"");
    if (r.service_code.empty())
        fail(400, "service_code: missing");
    else if (std::find(rules.service_codes.begin(), rules.service_codes.end(), r.service_code) ==
             rules.service_codes.end())
        fail(404, "service_code: not a service here; see services.json");

    if (!lat.empty() || !lon.empty()) {
        auto const la = decimal(lat, 90), lo = decimal(lon, 180);
        if (!la)
            fail(400, "lat: expected decimal degrees from -90 to 90 (WGS84)");
        if (!lo)
            fail(400, "long: expected decimal degrees from -180 to 180 (WGS84)");
        if (la && lo)
            r.point = model::geo_point{*la, *lo};
    } else if (r.address_string.empty()) {
        fail(400, "lat, long or address_string: a location is required");
    }

    auto const n = code_points(r.description);
    if (n < rules.description_min || n > rules.description_max)
        fail(400, "description: expected " + std::to_string(rules.description_min) + " to " +
                      std::to_string(rules.description_max) + " characters, found " + std::to_string(n));
    if (!r.email.empty() && (r.email.find('@') == std::string::npos || r.email.find(' ') != std::string::npos))
        fail(400, "email: expected an e-mail address");
    if (!r.media_url.empty() && !r.media_url.starts_with("https://") && !r.media_url.starts_with("http://"))
        fail(400, "media_url: expected an http:// or https:// URL");
    if (!r.media_url.empty() && r.media_url.find_first_of(" \t\r\n") != std::string::npos)
        fail(400, "media_url: expected a URL without spaces");
    return out;
}

std::string contact_of(new_request const& r)
{
    std::string out;
    for (auto const& [name, value] : {std::pair<std::string_view, std::string const&>{"email", r.email},
                                      {"first_name", r.first_name},
                                      {"last_name", r.last_name},
                                      {"phone", r.phone}}) {
        if (value.empty())
            continue;
        if (!out.empty())
            out += '&';
        out += name;
        out += '=';
        out += sms::form_encode(value);
    }
    return out;
}

}  // namespace pg::adapters::open311
