#pragma once
// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): the documents a
// city's service-request API answers with, in JSON and XML, and the reading of
// a POSTed request. Pure: no I/O; the zone, the time and the rules come in as
// arguments. The gateway (gateway/open311.cpp) fills these from the store.
#include "model/petition.hpp"
#include "model/zone.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::open311 {

enum class format { json, xml };

// "services.json" -> ("services", json). nullopt without a known suffix.
struct resource {
    std::string name;
    format as = format::json;
};
std::optional<resource> split_format(std::string_view last_segment);
std::string_view content_type(format f);  // "application/json; charset=utf-8", "text/xml; charset=utf-8"

// One service type: a category of the citizen flow.
struct service {
    std::string code;   // service_code: the category id
    std::string name;   // service_name: its label
    std::string group;  // its department's label
};

// One service request as GeoReport v2 names its fields. Empty optionals and
// strings are written as empty elements / null, as the spec's examples do.
struct service_request {
    std::string id;                 // service_request_id: the tracking number
    std::string status;             // "open" | "closed"
    std::string status_notes;
    std::string service_name;
    std::string service_code;
    std::string description;
    std::string agency_responsible;
    std::string service_notice;
    std::string requested_datetime;
    std::string updated_datetime;
    std::string expected_datetime;
    std::string address;
    std::optional<double> lat;
    std::optional<double> lon;      // "long" on the wire
    std::string media_url;
};

// What a POST answers: the new request's id and notice.
struct created {
    std::string id;
    std::string service_notice;
    std::string account_id;         // as sent; null when none was
};

struct error {
    int code = 400;                 // the HTTP status it goes with
    std::string description;        // names the field and the reason
};

struct endpoint_info {
    std::string url;                // this endpoint's base, ".../open311/v2"
    std::string changeset;          // when its shape last changed, W3C date-time
    std::string contact;            // who to ask for help ("" : none said)
    std::string key_service;        // where to ask for an API key ("" : none said)
};

// The service discovery document (wiki.open311.org/Service_discovery).
std::string render_discovery(endpoint_info const& e, format f);
std::string render_services(std::vector<service> const& s, format f);
std::string render_requests(std::vector<service_request> const& r, format f);
std::string render_created(created const& c, format f);
std::string render_errors(std::vector<error> const& e, format f);

// "open" while the city still works on it, "closed" once closed or rejected.
std::string_view status_of(model::status s);

// W3C date-time with the zone's offset: "2026-12-05T21:30:00+08:00" ("Z" in UTC).
std::string format_datetime(model::timestamp t, model::zone const& z);
// "2010-01-01T00:00:00Z", "...+08:00", with optional fractions; nullopt otherwise.
std::optional<model::timestamp> parse_datetime(std::string_view s);

// A petition as the public may see it: no citizen, contact, description or
// free-text address; the map point rounded to 3 decimals (about 100 m), so the
// place of the issue shows but not a doorstep. `service_name` and `agency` are
// labels; `updated` is the time of its last timeline entry.
service_request public_view(model::petition const& p, std::string service_name, std::string agency,
                            model::timestamp updated, model::zone const& z);

// What a POST must satisfy, from config and the citizen flow.
struct post_rules {
    std::vector<std::string> service_codes;  // known service codes
    std::string jurisdiction_id;             // "" : any or none accepted
    std::size_t description_min = 20;        // code points, trimmed
    std::size_t description_max = 1000;
    std::size_t address_max = 300;
};

// A POSTed service request, read and checked. Contact fields are personal data.
struct new_request {
    std::string api_key;
    std::string jurisdiction_id;
    std::string service_code;
    std::optional<model::geo_point> point;
    std::string address_string;
    std::string description;  // trimmed
    std::string email, first_name, last_name, phone;
    std::string device_id, account_id;
    std::string media_url;
};

struct post_reading {
    new_request request;
    std::vector<error> errors;  // empty: the request is good
    bool readable = true;       // false: not a form at all (so not even its api_key could be read)
};
// application/x-www-form-urlencoded -> the request, or every error found
// (each naming its field, never echoing what was sent). The api_key is read
// but not checked here.
post_reading read_post(std::string_view form_body, post_rules const& rules);

// The contact fields as the petition keeps them (its chat_id: the only way
// back to this person): "email=..&first_name=..&last_name=..&phone=..",
// form-encoded, empty fields left out.
std::string contact_of(new_request const& r);

}  // namespace pg::adapters::open311
