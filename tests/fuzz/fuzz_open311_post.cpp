// Open311's POST form and date-times against hostile bytes: the input is a
// form body, then the same bytes as a start_date.
//
// - read_post never throws; a refusal has errors of code 400 or 404, each
//   naming a field in short valid UTF-8; an acceptance keeps the rules: a known
//   service_code, a description within its limits, a location (a point within
//   range, or an address), every field valid UTF-8.
// - contact_of is a form that decodes back to the contact fields.
// - What it read renders as a POST answer and as errors in JSON and XML that
//   parse back (pugixml, nlohmann) to the same values.
// - parse_datetime accepts only what format_datetime, in UTC, gives back to the second.
#include "adapters/open311/open311.hpp"
#include "adapters/sms/form.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace pg;
namespace o311 = pg::adapters::open311;
using fuzz::check;
using fuzz::valid_utf8;

o311::post_rules const& rules()
{
    static auto const r = [] {
        o311::post_rules x;
        x.service_codes = {"roads", "lighting", "other"};
        x.jurisdiction_id = "city";
        x.description_min = 20;
        x.description_max = 1000;
        x.address_max = 300;
        return x;
    }();
    return r;
}

std::size_t code_points(std::string const& s)
{
    std::size_t n = 0;
    for (char c : s)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

void check_renders(o311::created const& c, std::vector<o311::error> const& errors)
{
    auto const j = nlohmann::json::parse(o311::render_created(c, o311::format::json), nullptr, false);
    check(j.is_array() && j.size() == 1 && j[0]["service_request_id"] == c.id, "created: JSON parses back");
    pugi::xml_document doc;
    auto const xml = o311::render_created(c, o311::format::xml);
    check(bool(doc.load_string(xml.c_str())), "created: XML parses back", xml);
    check(doc.child("service_requests").child("request").child_value("service_request_id") == c.id,
          "created: the id comes back from XML");
    if (errors.empty())
        return;
    auto const e = nlohmann::json::parse(o311::render_errors(errors, o311::format::json), nullptr, false);
    check(e.is_array() && e.size() == errors.size(), "errors: JSON parses back");
    pugi::xml_document ed;
    auto const exml = o311::render_errors(errors, o311::format::xml);
    check(bool(ed.load_string(exml.c_str())), "errors: XML parses back", exml);
}

void check_post(std::string const& body)
{
    auto const r = o311::read_post(body, rules());
    for (auto const& e : r.errors) {
        check(e.code == 400 || e.code == 404, "errors are 400 or 404", e.description);
        check(!e.description.empty() && e.description.size() <= 200 && valid_utf8(e.description),
              "an error names its field, short and in UTF-8", e.description);
    }
    check(r.readable || !r.errors.empty(), "an unreadable form is refused");
    auto const& q = r.request;
    for (auto const* s : {&q.api_key, &q.jurisdiction_id, &q.service_code, &q.address_string, &q.description,
                          &q.email, &q.first_name, &q.last_name, &q.phone, &q.device_id, &q.account_id, &q.media_url})
        check(valid_utf8(*s), "every field read is valid UTF-8", *s);
    if (r.errors.empty()) {
        auto const& codes = rules().service_codes;
        check(std::find(codes.begin(), codes.end(), q.service_code) != codes.end(), "accepted: a known service_code");
        auto const n = code_points(q.description);
        check(n >= 20 && n <= 1000, "accepted: the description within its limits", q.description);
        check(q.point || !q.address_string.empty(), "accepted: a location");
        if (q.point)
            check(q.point->latitude >= -90 && q.point->latitude <= 90 && q.point->longitude >= -180 &&
                      q.point->longitude <= 180,
                  "accepted: the point within range");
        auto const contact = adapters::sms::decode_form(o311::contact_of(q));
        check(bool(contact), "contact_of is a form");
        auto const value = [&](char const* name) {
            auto const* v = adapters::sms::form_value(*contact, name);
            return v ? *v : std::string{};
        };
        check(value("email") == q.email && value("first_name") == q.first_name && value("last_name") == q.last_name &&
                  value("phone") == q.phone,
              "contact_of decodes back to the contact fields");
    }
    check_renders({"7KQM-2X4D", q.description, q.account_id}, r.errors);
}

void check_datetime(std::string const& s)
{
    auto const t = o311::parse_datetime(s);
    if (!t)
        return;
    auto const again = o311::parse_datetime(o311::format_datetime(*t, model::zone{}));
    check(again && *again == std::chrono::floor<std::chrono::seconds>(*t), "format_datetime parses back", s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const input(reinterpret_cast<char const*>(data), size);
    check_post(input);
    check_datetime(input.substr(0, 64));
    return 0;
}
