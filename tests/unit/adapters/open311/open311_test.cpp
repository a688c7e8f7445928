#include "adapters/open311/open311.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace pg::adapters::open311 {
namespace {

using json = nlohmann::json;

constexpr model::timestamp t0{std::chrono::milliseconds{1'271'252'258'000}};  // 2010-04-14T13:37:38Z

std::string fixture(std::string const& name)
{
    std::ifstream in(std::string(PG_FIXTURES) + "/open311/" + name);
    std::stringstream s;
    s << in.rdbuf();
    EXPECT_FALSE(s.str().empty()) << name;
    return s.str();
}

// A JSON scalar as text, so the spec's numeric ids compare with our strings.
std::string text_of(json const& v)
{
    if (v.is_null())
        return "";
    if (v.is_string())
        return v.get<std::string>();
    return v.dump();
}

std::set<std::string> keys_of(json const& o)
{
    std::set<std::string> out;
    for (auto const& [k, v] : o.items())
        out.insert(k);
    return out;
}

std::set<std::string> children_of(pugi::xml_node n)
{
    std::set<std::string> out;
    for (auto c : n.children())
        out.insert(c.name());
    return out;
}

// Our JSON list and the spec's: the same fields in every item, and equal
// values in `same` (the fields we were given the spec's values for).
void same_json_list(std::string const& ours, std::string const& spec, std::vector<std::string> const& same)
{
    auto const a = json::parse(ours), b = json::parse(spec);
    ASSERT_TRUE(a.is_array());
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(keys_of(a[i]), keys_of(b[i])) << "item " << i;
        for (auto const& k : same)
            EXPECT_EQ(text_of(a[i][k]), text_of(b[i][k])) << "item " << i << ": " << k;
    }
}

void same_xml_list(std::string const& ours, std::string const& spec, char const* root, char const* item,
                   std::vector<std::string> const& same)
{
    pugi::xml_document a, b;
    ASSERT_TRUE(a.load_string(ours.c_str())) << ours;
    ASSERT_TRUE(b.load_string(spec.c_str()));
    EXPECT_TRUE(ours.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")) << ours;
    auto const ra = a.child(root), rb = b.child(root);
    ASSERT_TRUE(ra) << ours;
    std::vector<pugi::xml_node> ia, ib;
    for (auto n : ra.children(item))
        ia.push_back(n);
    for (auto n : rb.children(item))
        ib.push_back(n);
    ASSERT_EQ(ia.size(), ib.size()) << ours;
    EXPECT_EQ(children_of(ra), children_of(rb));  // nothing but items under the root
    for (std::size_t i = 0; i < ia.size(); ++i) {
        EXPECT_EQ(children_of(ia[i]), children_of(ib[i])) << "item " << i;
        for (auto const& k : same)
            EXPECT_STREQ(ia[i].child_value(k.c_str()), ib[i].child_value(k.c_str())) << "item " << i << ": " << k;
    }
}

std::vector<service> spec_services()
{
    return {{"001", "Cans left out 24x7", "sanitation"}, {"002", "Construction plate shifted", "street"}};
}

// The spec's two sample requests, as our fields can carry them.
std::vector<service_request> spec_requests()
{
    service_request a;
    a.id = "638344";
    a.status = "closed";
    a.status_notes = "Duplicate request.";
    a.service_name = "Sidewalk and Curb Issues";
    a.service_code = "006";
    a.requested_datetime = "2010-04-14T06:37:38-08:00";
    a.updated_datetime = "2010-04-14T06:37:38-08:00";
    a.expected_datetime = "2010-04-15T06:37:38-08:00";
    a.address = "8TH AVE and JUDAH ST";
    a.lat = 37.762221815;
    a.lon = -122.4651145;
    a.media_url = "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg";
    auto b = a;
    b.id = "638349";
    b.status = "open";
    b.status_notes.clear();
    b.requested_datetime = b.updated_datetime = b.expected_datetime = "2010-04-19T06:37:38-08:00";
    b.media_url = "http://city.gov.s3.amazonaws.com/requests/media/638349.jpg";
    return {a, b};
}

std::vector<std::string> const request_fields = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime", "expected_datetime", "address",
    "media_url"};

TEST(open311_services, match_the_spec_example_field_by_field)
{
    std::vector<std::string> const same = {"service_code", "service_name", "type", "group"};
    same_json_list(render_services(spec_services(), format::json), fixture("services.json"), same);
    same_xml_list(render_services(spec_services(), format::xml), fixture("services.xml"), "services", "service", same);
    // Ours ask for no attributes.
    auto const ours = json::parse(render_services(spec_services(), format::json));
    EXPECT_EQ(ours[0]["metadata"], false);
    EXPECT_EQ(ours[0]["keywords"], "");
}

TEST(open311_requests, match_the_spec_example_field_by_field)
{
    same_json_list(render_requests(spec_requests(), format::json), fixture("requests.json"), request_fields);
    same_xml_list(render_requests(spec_requests(), format::xml), fixture("requests.xml"), "service_requests", "request",
                  request_fields);
    auto const ours = json::parse(render_requests(spec_requests(), format::json));
    EXPECT_DOUBLE_EQ(ours[0]["lat"].get<double>(), 37.762221815);
    EXPECT_DOUBLE_EQ(ours[0]["long"].get<double>(), -122.4651145);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(render_requests(spec_requests(), format::xml).c_str()));
    auto const first = doc.child("service_requests").child("request");
    EXPECT_STREQ(first.child_value("lat"), "37.762222");  // six decimals: about 10 cm, no exponent
    EXPECT_NEAR(std::stod(first.child_value("long")), -122.4651145, 1e-6);
}

TEST(open311_post_response, matches_the_spec_example_field_by_field)
{
    created const c{"293944",
                    "The City will inspect and require the responsible party to correct within 24 hours and/or issue a "
                    "Correction Notice or Notice of Violation of the Public Works Code",
                    ""};
    std::vector<std::string> const same = {"service_request_id", "service_notice", "account_id"};
    same_json_list(render_created(c, format::json), fixture("post_response.json"), same);
    same_xml_list(render_created(c, format::xml), fixture("post_response.xml"), "service_requests", "request", same);
    auto const with_account = json::parse(render_created({"X", "", "acct-7"}, format::json));
    EXPECT_EQ(with_account[0]["account_id"], "acct-7");
    EXPECT_TRUE(with_account[0]["service_notice"].is_null());
}

TEST(open311_errors, match_the_spec_example_field_by_field)
{
    std::vector<error> const e = {{403, "Invalid api_key received -- can't proceed with create_request."},
                                  {400, "service_code was not provided."}};
    same_json_list(render_errors(e, format::json), fixture("errors.json"), {"code", "description"});
    same_xml_list(render_errors(e, format::xml), fixture("errors.xml"), "errors", "error", {"code", "description"});
    EXPECT_EQ(json::parse(render_errors(e, format::json))[0]["code"], 403);  // a number, as in the spec
}

TEST(open311_discovery, matches_the_spec_example_field_by_field)
{
    endpoint_info const e{"http://open311.sfgov.org/v2", "2011-04-05T17:48:34Z",
                          "You can email or call for assistance api@mycity.gov +1 (555) 555-5555",
                          "You can request a key here: http://api.mycity.gov/api_key/request"};
    EXPECT_EQ(json::parse(render_discovery(e, format::json)), json::parse(fixture("discovery.json")));

    pugi::xml_document ours, spec;
    ASSERT_TRUE(ours.load_string(render_discovery(e, format::xml).c_str()));
    ASSERT_TRUE(spec.load_string(fixture("discovery.xml").c_str()));
    // Every element path and its text, in document order.
    auto flatten = [](pugi::xml_node root) {
        std::vector<std::pair<std::string, std::string>> out;
        struct walker : pugi::xml_tree_walker {
            std::vector<std::pair<std::string, std::string>>* out;
            bool for_each(pugi::xml_node& n) override
            {
                if (n.type() == pugi::node_element)
                    out->emplace_back(n.path(), n.child_value());
                return true;
            }
        } w;
        w.out = &out;
        root.traverse(w);
        return out;
    };
    EXPECT_EQ(flatten(ours), flatten(spec));
}

TEST(open311_format, suffix_names_the_format)
{
    EXPECT_EQ(split_format("services.json")->name, "services");
    EXPECT_EQ(split_format("services.xml")->as, format::xml);
    EXPECT_EQ(split_format("7KQM-2X4D.json")->name, "7KQM-2X4D");
    EXPECT_FALSE(split_format("services"));
    EXPECT_FALSE(split_format("services.csv"));
    EXPECT_FALSE(split_format(".json"));
}

TEST(open311_xml, control_characters_and_bad_utf8_become_replacement_characters)
{
    auto const out = render_errors({{400, "a\x01" "b\xff" "c <&>"}}, format::xml);
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(out.c_str())) << out;
    EXPECT_STREQ(doc.child("errors").child("error").child_value("description"),
                 "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c <&>");
}

TEST(open311_datetime, formats_with_the_zone_offset)
{
    auto const shanghai = model::zone::locate("Asia/Shanghai");
    ASSERT_TRUE(shanghai);
    EXPECT_EQ(format_datetime(t0, model::zone{}), "2010-04-14T13:37:38Z");
    EXPECT_EQ(format_datetime(t0, *shanghai), "2010-04-14T21:37:38+08:00");
    auto const la = model::zone::locate("America/Los_Angeles");
    ASSERT_TRUE(la);
    EXPECT_EQ(format_datetime(t0, *la), "2010-04-14T06:37:38-07:00");  // daylight saving time in April
}

TEST(open311_datetime, parses_w3c_date_times_and_refuses_the_rest)
{
    EXPECT_EQ(parse_datetime("2010-04-14T13:37:38Z"), t0);
    EXPECT_EQ(parse_datetime("2010-04-14T06:37:38-07:00"), t0);
    EXPECT_EQ(parse_datetime("2010-04-14T21:37:38+08:00"), t0);
    EXPECT_EQ(parse_datetime("2010-04-14T13:37:38.250Z"), t0 + std::chrono::milliseconds{250});
    for (auto const* bad : {"", "2010-04-14", "2010-04-14T13:37:38", "2010-02-30T00:00:00Z", "2010-04-14 13:37:38Z",
                            "2010-04-14T24:00:00Z", "2010-04-14T13:37:38+8:00", "2010-04-14T13:37:38.Z",
                            "2010-04-14T13:37:38Zjunk", "9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"})
        EXPECT_FALSE(parse_datetime(bad)) << bad;
}

TEST(open311_public_view, shows_no_personal_data_and_a_coarse_point)
{
    model::petition p;
    p.tracking = "7KQM-2X4D";
    p.chat_id = "email=a%40b.example&phone=%2B8613800000000";
    p.user_id = "acct-1";
    p.category = "roads";
    p.department = "transport";
    p.description = "A pothole about 30 cm wide outside my house at No. 12";
    p.location_text = "No. 12 Main Street";
    p.location = model::geo_point{31.2304166, 121.4737019};
    p.current = model::status::in_progress;
    p.submitted_at = t0;
    p.deadline_at = t0 + std::chrono::hours{24 * 15};
    auto const v = public_view(p, "Roads", "Transport Department", t0 + std::chrono::hours{1}, model::zone{});
    EXPECT_EQ(v.id, "7KQM-2X4D");
    EXPECT_EQ(v.status, "open");
    EXPECT_EQ(v.status_notes, "in_progress");
    EXPECT_EQ(v.service_code, "roads");
    EXPECT_EQ(v.agency_responsible, "Transport Department");
    EXPECT_EQ(v.requested_datetime, "2010-04-14T13:37:38Z");
    EXPECT_EQ(v.updated_datetime, "2010-04-14T14:37:38Z");
    EXPECT_EQ(v.expected_datetime, "2010-04-29T13:37:38Z");
    EXPECT_EQ(v.description, "");
    EXPECT_EQ(v.address, "");
    EXPECT_DOUBLE_EQ(*v.lat, 31.230);
    EXPECT_DOUBLE_EQ(*v.lon, 121.474);
    for (auto const f : {format::json, format::xml}) {
        auto const out = render_requests({v}, f);
        for (auto const* secret : {"a%40b", "8613800000000", "acct-1", "pothole", "Main Street"})
            EXPECT_EQ(out.find(secret), std::string::npos) << secret;
    }
    p.current = model::status::rejected;
    EXPECT_EQ(public_view(p, "", "", t0, {}).status, "closed");
    p.current = model::status::answered;
    EXPECT_EQ(public_view(p, "", "", t0, {}).status, "open");  // the citizen may still reopen it
    p.location.reset();
    EXPECT_FALSE(public_view(p, "", "", t0, {}).lat);
}

post_rules rules()
{
    post_rules r;
    r.service_codes = {"roads", "lighting"};
    r.description_min = 20;
    r.description_max = 60;
    r.address_max = 30;
    return r;
}

constexpr char good_description[] = "Street light out+for+a+week+at+the+corner";  // 41 characters

TEST(open311_post, reads_every_field)
{
    auto const r = read_post(std::string("api_key=k-123&jurisdiction_id=city&service_code=roads&lat=31.23&long=-121.5"
                                         "&address_string=Main+St+12&description=") +
                                 good_description +
                                 "&email=a%40b.example&first_name=Li&last_name=Wang&phone=%2B86+138&device_id=d1"
                                 "&account_id=acct&media_url=https%3A%2F%2Fexample.org%2Fp.jpg",
                             rules());
    ASSERT_TRUE(r.errors.empty()) << r.errors.front().description;
    auto const& q = r.request;
    EXPECT_EQ(q.api_key, "k-123");
    EXPECT_EQ(q.service_code, "roads");
    ASSERT_TRUE(q.point);
    EXPECT_DOUBLE_EQ(q.point->latitude, 31.23);
    EXPECT_DOUBLE_EQ(q.point->longitude, -121.5);
    EXPECT_EQ(q.address_string, "Main St 12");
    EXPECT_EQ(q.description, "Street light out for a week at the corner");
    EXPECT_EQ(q.email, "a@b.example");
    EXPECT_EQ(q.phone, "+86 138");
    EXPECT_EQ(q.media_url, "https://example.org/p.jpg");
    EXPECT_EQ(contact_of(q), "email=a%40b.example&first_name=Li&last_name=Wang&phone=%2B86%20138");
    EXPECT_EQ(contact_of(new_request{}), "");
}

TEST(open311_post, refuses_with_the_spec_codes_and_names_the_field)
{
    auto const base = std::string("api_key=k&service_code=roads&address_string=Main+St&description=") + good_description;
    struct case_ {
        char const* name;
        std::string body;
        int code;
        char const* starts;
    };
    case_ const cases[] = {
        {"no service_code", "api_key=k&address_string=Main&description=" + std::string(good_description), 400,
         "service_code: missing"},
        {"repeated field", base + "&service_code=x", 400, "service_code: expected once"},
        {"unknown service_code alone", "service_code=parks&address_string=Main&description=" +
                                           std::string(good_description), 404, "service_code: not a service"},
        {"no location", "service_code=roads&description=" + std::string(good_description), 400,
         "lat, long or address_string"},
        {"lat without long", base + "&lat=31.2", 400, "long: expected decimal degrees"},
        {"lat out of range", base + "&lat=91&long=0", 400, "lat: expected decimal degrees"},
        {"long not a number", base + "&lat=1&long=east", 400, "long: expected decimal degrees"},
        {"description too short", "service_code=roads&address_string=Main&description=hole", 400,
         "description: expected 20 to 60 characters, found 4"},
        {"description missing", "service_code=roads&address_string=Main", 400, "description: expected 20 to 60"},
        {"description too long", "service_code=roads&address_string=Main&description=" + std::string(61, 'x'), 400,
         "description: expected 20 to 60 characters, found 61"},
        {"address too long", "service_code=roads&description=" + std::string(good_description) +
                                 "&address_string=" + std::string(31, 'a'), 400, "address_string: expected at most 30"},
        {"control character", base + "&first_name=Li%01", 400, "first_name: expected UTF-8 text"},
        {"bad UTF-8", base + "&last_name=%FF", 400, "last_name: expected UTF-8 text"},
        {"bad email", base + "&email=nobody", 400, "email: expected an e-mail address"},
        {"bad media_url", base + "&media_url=ftp%3A%2F%2Fx", 400, "media_url: expected an http"},
        {"broken form", base + "&x=%zz", 400, "body: expected application/x-www-form-urlencoded"},
        {"other jurisdiction", base + "&jurisdiction_id=elsewhere", 404, "jurisdiction_id: not served here"},
    };
    auto with_jurisdiction = rules();
    with_jurisdiction.jurisdiction_id = "city";
    for (auto const& c : cases) {
        auto const r = read_post(c.body, with_jurisdiction);
        ASSERT_FALSE(r.errors.empty()) << c.name;
        EXPECT_EQ(r.errors.front().code, c.code) << c.name << ": " << r.errors.front().description;
        EXPECT_TRUE(r.errors.front().description.starts_with(c.starts)) << c.name << ": " << r.errors.front().description;
    }
    // Several faults: each named.
    auto const many = read_post("service_code=parks&description=hole", rules());
    ASSERT_EQ(many.errors.size(), 3u);
    // What was sent is never echoed.
    auto const secret = read_post(base + "&email=secret-value", rules());
    ASSERT_FALSE(secret.errors.empty());
    EXPECT_EQ(secret.errors.front().description.find("secret-value"), std::string::npos);
    // The same jurisdiction, or none, is fine.
    EXPECT_TRUE(read_post(base + "&jurisdiction_id=city", with_jurisdiction).errors.empty());
    EXPECT_TRUE(read_post(base, with_jurisdiction).errors.empty());
}

}  // namespace
}  // namespace pg::adapters::open311
