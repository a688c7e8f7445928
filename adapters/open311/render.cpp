// The GeoReport v2 documents, in the spec's shapes: JSON arrays of objects
// (a discovery object), and XML under <services>, <service_requests>,
// <errors> and <discovery> with one element per field.
#include "adapters/open311/open311.hpp"

#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdio>
#include <sstream>

namespace pg::adapters::open311 {
namespace {

using json = nlohmann::json;

constexpr std::string_view specification = "http://wiki.open311.org/GeoReport_v2";
constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// XML 1.0 cannot carry invalid UTF-8 nor C0 controls other than tab, LF and
// CR: each becomes U+FFFD (JSON's writer replaces invalid bytes the same way).
std::string xml_safe(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        auto const bad = first_invalid_utf8(s);
        for (char c : s.substr(0, bad.value_or(s.size()))) {
            auto const u = static_cast<unsigned char>(c);
            if (u < 0x20 && c != '\t' && c != '\n' && c != '\r')
                out += replacement;
            else
                out += c;
        }
        if (!bad)
            break;
        out += replacement;
        s.remove_prefix(*bad + 1);
    }
    return out;
}

// Degrees as the spec's examples write them: plain decimals, no exponent.
std::string degrees(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", v);
    std::string s = buf;
    while (s.size() > 1 && s.back() == '0')
        s.pop_back();
    if (s.back() == '.')
        s.pop_back();
    return s;
}

void add(pugi::xml_node parent, char const* name, std::string_view text)
{
    auto child = parent.append_child(name);
    if (!text.empty())
        child.text().set(xml_safe(text).c_str());
}

std::string dump(pugi::xml_document const& doc)
{
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

// The declaration the spec asks for: <?xml version="1.0" encoding="utf-8"?>.
pugi::xml_node start(pugi::xml_document& doc, char const* root)
{
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "utf-8";
    return doc.append_child(root);
}

std::string dump(json const& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

json or_null(std::string const& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

std::optional<resource> split_format(std::string_view last)
{
    auto const dot = last.rfind('.');
    if (dot == std::string_view::npos || dot == 0)
        return std::nullopt;
    auto const suffix = last.substr(dot + 1);
    resource r{std::string(last.substr(0, dot))};
    if (suffix == "json")
        r.as = format::json;
    else if (suffix == "xml")
        r.as = format::xml;
    else
        return std::nullopt;
    return r;
}

std::string_view content_type(format f)
{
    return f == format::json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8";
}

std::string render_discovery(endpoint_info const& e, format f)
{
    if (f == format::json)
        return dump(json{{"changeset", e.changeset},
                         {"contact", e.contact},
                         {"key_service", e.key_service},
                         {"endpoints",
                          json::array({{{"specification", specification},
                                        {"url", e.url},
                                        {"changeset", e.changeset},
                                        {"type", "production"},
                                        {"formats", {"text/xml", "application/json"}}}})}});
    pugi::xml_document doc;
    auto root = start(doc, "discovery");
    add(root, "changeset", e.changeset);
    add(root, "contact", e.contact);
    add(root, "key_service", e.key_service);
    auto ep = root.append_child("endpoints").append_child("endpoint");
    add(ep, "specification", specification);
    add(ep, "url", e.url);
    add(ep, "changeset", e.changeset);
    add(ep, "type", "production");
    auto formats = ep.append_child("formats");
    add(formats, "format", "text/xml");
    add(formats, "format", "application/json");
    return dump(doc);
}

// metadata is false and keywords empty for every service: our categories ask
// for no attributes beyond the standard fields.
std::string render_services(std::vector<service> const& services, format f)
{
    if (f == format::json) {
        json out = json::array();
        for (auto const& s : services)
            out.push_back({{"service_code", s.code},
                           {"service_name", s.name},
                           {"description", ""},
                           {"metadata", false},
                           {"type", "realtime"},
                           {"keywords", ""},
                           {"group", s.group}});
        return dump(out);
    }
    pugi::xml_document doc;
    auto root = start(doc, "services");
    for (auto const& s : services) {
        auto n = root.append_child("service");
        add(n, "service_code", s.code);
        add(n, "service_name", s.name);
        add(n, "description", "");
        add(n, "metadata", "false");
        add(n, "type", "realtime");
        add(n, "keywords", "");
        add(n, "group", s.group);
    }
    return dump(doc);
}

std::string render_requests(std::vector<service_request> const& requests, format f)
{
    if (f == format::json) {
        json out = json::array();
        for (auto const& r : requests)
            out.push_back({{"service_request_id", r.id},
                           {"status", r.status},
                           {"status_notes", or_null(r.status_notes)},
                           {"service_name", r.service_name},
                           {"service_code", r.service_code},
                           {"description", or_null(r.description)},
                           {"agency_responsible", or_null(r.agency_responsible)},
                           {"service_notice", or_null(r.service_notice)},
                           {"requested_datetime", r.requested_datetime},
                           {"updated_datetime", or_null(r.updated_datetime)},
                           {"expected_datetime", or_null(r.expected_datetime)},
                           {"address", or_null(r.address)},
                           {"address_id", nullptr},
                           {"zipcode", nullptr},
                           {"lat", r.lat ? json(*r.lat) : json(nullptr)},
                           {"long", r.lon ? json(*r.lon) : json(nullptr)},
                           {"media_url", or_null(r.media_url)}});
        return dump(out);
    }
    pugi::xml_document doc;
    auto root = start(doc, "service_requests");
    for (auto const& r : requests) {
        auto n = root.append_child("request");
        add(n, "service_request_id", r.id);
        add(n, "status", r.status);
        add(n, "status_notes", r.status_notes);
        add(n, "service_name", r.service_name);
        add(n, "service_code", r.service_code);
        add(n, "description", r.description);
        add(n, "agency_responsible", r.agency_responsible);
        add(n, "service_notice", r.service_notice);
        add(n, "requested_datetime", r.requested_datetime);
        add(n, "updated_datetime", r.updated_datetime);
        add(n, "expected_datetime", r.expected_datetime);
        add(n, "address", r.address);
        add(n, "address_id", "");
        add(n, "zipcode", "");
        add(n, "lat", r.lat ? degrees(*r.lat) : "");
        add(n, "long", r.lon ? degrees(*r.lon) : "");
        add(n, "media_url", r.media_url);
    }
    return dump(doc);
}

std::string render_created(created const& c, format f)
{
    if (f == format::json)
        return dump(json::array({{{"service_request_id", c.id},
                                  {"service_notice", or_null(c.service_notice)},
                                  {"account_id", or_null(c.account_id)}}}));
    pugi::xml_document doc;
    auto n = start(doc, "service_requests").append_child("request");
    add(n, "service_request_id", c.id);
    add(n, "service_notice", c.service_notice);
    add(n, "account_id", c.account_id);
    return dump(doc);
}

std::string render_errors(std::vector<error> const& errors, format f)
{
    if (f == format::json) {
        json out = json::array();
        for (auto const& e : errors)
            out.push_back({{"code", e.code}, {"description", e.description}});
        return dump(out);
    }
    pugi::xml_document doc;
    auto root = start(doc, "errors");
    for (auto const& e : errors) {
        auto n = root.append_child("error");
        add(n, "code", std::to_string(e.code));
        add(n, "description", e.description);
    }
    return dump(doc);
}

}  // namespace pg::adapters::open311
