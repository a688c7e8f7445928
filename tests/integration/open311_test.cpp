// Open311 GeoReport v2 against the real binary: an app files a request with
// its API key, gets it back by id in JSON and XML and lists it with filters;
// staff hear of it in their Telegram chat and see the app as the actor; the
// public documents carry no contact data; a bad key, an unknown service_code
// and broken input are refused with the spec's error list and change nothing.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;

constexpr char app_key[] = "open311-app-key-0123456789";
constexpr char cms_token[] = "cms-token-0123456789abcdef";
constexpr std::int64_t staff_group = -100'311'000;
constexpr char description[] = "Street light at the corner has been out for a week; the road is dark at night.";
headers const form{{"Content-Type", "application/x-www-form-urlencoded"}};

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

// Personal data the app sends, none of which any public document or log line may carry.
constexpr char const* personal[] = {"li.wang@example.org", "Wang", "13800138000", "acct-77", "No. 12 Elm Road",
                                    "out for a week"};

class open311_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        telegram.set_script([](recorded_request const& r, std::size_t) {
            if (r.target.ends_with("/createForumTopic"))
                return scripted_reply{200, R"({"ok":true,"result":{"message_thread_id":77,"name":"t","icon_color":1}})", {}};
            return scripted_reply{};
        });
        auto cfg = test_config(telegram.base_url(), data.path());
        cfg["staff"] = {{"chats", {{{"channel", "telegram"}, {"chat", std::to_string(staff_group)}}}}};
        cfg["deadlines"] = {{"time_zone", "Asia/Shanghai"}};
        cfg["staff_api"] = {{"tokens", {{{"name", "cms"}, {"token", cms_token}}}}};
        cfg["open311"] = {{"enabled", true},
                          {"jurisdiction_id", "test-city"},
                          {"api_keys", {{{"name", "city-app"}, {"key", app_key}}, {{"name", "off"}, {"key", ""}}}}};
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    unsigned short port() const { return gateway->port(); }

    http_result post(std::string const& body, std::string const& format = "json")
    {
        return http_request(port(), "POST", "/open311/v2/requests." + format, body, form);
    }

    static std::string good_body(std::string const& code = "lighting")
    {
        return std::string("api_key=") + app_key + "&jurisdiction_id=test-city&service_code=" + code +
               "&lat=31.2304166&long=121.4737019&address_string=No.+12+Elm+Road&description=" + description +
               "&email=li.wang%40example.org&first_name=Li&last_name=Wang&phone=13800138000&account_id=acct-77"
               "&device_id=dev-1";
    }

    std::string file(std::string const& code = "lighting")
    {
        auto const r = post(good_body(code));
        EXPECT_EQ(r.status, 200) << r.body;
        auto const j = json::parse(r.body, nullptr, false);
        EXPECT_TRUE(j.is_array() && j.size() == 1) << r.body;
        return j.is_array() && !j.empty() ? j[0].value("service_request_id", "") : "";
    }

    json get_json(std::string const& target, int status = 200)
    {
        auto const r = http_get(port(), target);
        EXPECT_EQ(r.status, status) << target << ": " << r.body;
        EXPECT_TRUE(r.header("Content-Type").starts_with("application/json")) << target;
        return json::parse(r.body, nullptr, false);
    }

    double filed_metric()
    {
        return metric_value(http_get(port(), "/metrics").body, R"(pg_petitions_filed_total{channel="open311"})");
    }

    fake_platform telegram;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(open311_test, files_with_a_key_and_reads_it_back_in_json_and_xml)
{
    auto const r = post(good_body());
    ASSERT_EQ(r.status, 200) << r.body;
    auto const made = json::parse(r.body);
    ASSERT_EQ(made.size(), 1u);
    std::string const id = made[0]["service_request_id"];
    EXPECT_TRUE(std::regex_match(id, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << id;
    EXPECT_EQ(made[0]["account_id"], "acct-77");
    EXPECT_TRUE(contains(made[0]["service_notice"].get<std::string>(), "Public Works Department")) << r.body;

    auto const one = get_json("/open311/v2/requests/" + id + ".json");
    ASSERT_EQ(one.size(), 1u);
    auto const& q = one[0];
    EXPECT_EQ(q["service_request_id"], id);
    EXPECT_EQ(q["status"], "open");
    EXPECT_EQ(q["status_notes"], "submitted");
    EXPECT_EQ(q["service_code"], "lighting");
    EXPECT_EQ(q["service_name"], "Street lighting");
    EXPECT_EQ(q["agency_responsible"], "Public Works Department");
    EXPECT_TRUE(q["requested_datetime"].get<std::string>().ends_with("+08:00")) << q;
    EXPECT_TRUE(q["expected_datetime"].get<std::string>().ends_with("+08:00")) << q;
    EXPECT_DOUBLE_EQ(q["lat"].get<double>(), 31.230);  // coarse: the block, not the door
    EXPECT_DOUBLE_EQ(q["long"].get<double>(), 121.474);
    EXPECT_TRUE(q["description"].is_null());
    EXPECT_TRUE(q["address"].is_null());

    auto const xml = http_get(port(), "/open311/v2/requests/" + id + ".xml");
    ASSERT_EQ(xml.status, 200) << xml.body;
    EXPECT_TRUE(xml.header("Content-Type").starts_with("text/xml")) << xml.header("Content-Type");
    EXPECT_TRUE(xml.body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>")) << xml.body;
    for (auto const* piece : {"<service_requests>", "<request>", "<status>open</status>",
                              "<service_code>lighting</service_code>"})
        EXPECT_TRUE(contains(xml.body, piece)) << piece << "\n" << xml.body;
    EXPECT_TRUE(contains(xml.body, "<service_request_id>" + id + "</service_request_id>")) << xml.body;
    // Any case and spacing of the number finds it, as on the public page.
    auto lower = id;
    for (auto& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(get_json("/open311/v2/requests/" + lower + ".json")[0]["service_request_id"], id);

    // Public documents and the log carry none of the personal data.
    for (auto const& body : {one.dump(), xml.body, http_get(port(), "/open311/v2/requests.json").body})
        for (auto const* p : personal)
            EXPECT_FALSE(contains(body, p)) << p;

    // Staff hear of it in their chat, and see the app as who filed it.
    EXPECT_TRUE(telegram.wait_until([&](auto const& reqs) {
        return std::any_of(reqs.begin(), reqs.end(), [&](recorded_request const& x) {
            return contains(x.body, id) && contains(x.body, std::to_string(staff_group));
        });
    })) << gateway->log();
    auto const staff = http_request(port(), "GET", "/staff/api/petitions/" + id, "",
                                    {{"Authorization", std::string("Bearer ") + cms_token}});
    ASSERT_EQ(staff.status, 200) << staff.body;
    auto const p = json::parse(staff.body);
    EXPECT_EQ(p["channel"], "open311");
    EXPECT_EQ(p["department"], "public_works");
    EXPECT_EQ(p["location"], "No. 12 Elm Road");
    ASSERT_FALSE(p["timeline"].empty());
    EXPECT_EQ(p["timeline"][0]["note"], "submitted");
    EXPECT_EQ(p["timeline"][0]["actor_name"], "city-app");
    EXPECT_EQ(p["timeline"][0]["channel"], "open311");
    EXPECT_EQ(filed_metric(), 1);
    for (auto const* x : personal)
        EXPECT_FALSE(contains(gateway->log(), x)) << x;

    // A closed petition reads as closed.
    auto const act = [&](json body) {
        return http_request(port(), "POST", "/staff/api/petitions/" + id + "/actions", body.dump(),
                            {{"Authorization", std::string("Bearer ") + cms_token}});
    };
    ASSERT_EQ(act({{"action", "reject"}, {"text", "Duplicate of another request."}}).status, 200);
    auto const closed = get_json("/open311/v2/requests/" + id + ".json");
    EXPECT_EQ(closed[0]["status"], "closed");
    EXPECT_EQ(closed[0]["status_notes"], "rejected");
    EXPECT_FALSE(contains(closed.dump(), "Duplicate of another")) << closed;  // staff notes stay internal
}

TEST_F(open311_test, lists_newest_first_with_filters)
{
    auto const first = file("lighting");
    auto const second = file("roads");
    ASSERT_FALSE(first.empty());
    ASSERT_FALSE(second.empty());
    auto ids = [](json const& list) {
        std::vector<std::string> out;
        for (auto const& r : list)
            out.push_back(r["service_request_id"]);
        return out;
    };
    using v = std::vector<std::string>;
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json")), (v{second, first}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?service_code=roads")), (v{second}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?service_code=roads,lighting&status=open")), (v{second, first}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?status=closed")), v{});
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?service_request_id=" + first)), (v{first}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?service_request_id=" + first + "," + second +
                           "&service_code=parks")),  // the ids override the other filters
              (v{first, second}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z&end_date=2999-01-01T00:00:00%2B08:00"
                           "&jurisdiction_id=test-city")),
              (v{second, first}));
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?start_date=2999-01-01T00:00:00Z")), v{});
    EXPECT_EQ(ids(get_json("/open311/v2/requests.json?end_date=2000-01-01T00:00:00Z")), v{});
    auto const xml = http_get(port(), "/open311/v2/requests.xml?service_code=lighting");
    ASSERT_EQ(xml.status, 200);
    EXPECT_TRUE(contains(xml.body, "<service_request_id>" + first + "</service_request_id>")) << xml.body;
    EXPECT_FALSE(contains(xml.body, second)) << xml.body;

    // Bad parameters: 400 with the error list, in the requested format.
    struct case_ { char const* target; int status; char const* starts; };
    case_ const bad[] = {
        {"/open311/v2/requests.json?start_date=yesterday", 400, "start_date: expected a W3C date-time"},
        {"/open311/v2/requests.json?status=pending", 400, "status: expected open, closed"},
        {"/open311/v2/requests.json?page=2", 400, "page: unknown parameter"},
        {"/open311/v2/requests.json?jurisdiction_id=elsewhere", 404, "jurisdiction_id: not served here"},
        {"/open311/v2/requests.json?start_date=2020-01-02T00:00:00Z&end_date=2020-01-01T00:00:00Z", 400, "end_date"},
        {"/open311/v2/requests/ZZZZ-ZZZZ.json", 404, "service_request_id: no such request"},
        {"/open311/v2/requests/not-a-number.json", 404, "service_request_id: no such request"},
        {"/open311/v2/requests.csv", 404, "no such resource"},
    };
    for (auto const& c : bad) {
        auto const e = get_json(c.target, c.status);
        ASSERT_TRUE(e.is_array() && e.size() == 1) << c.target << ": " << e;
        EXPECT_EQ(e[0]["code"], c.status) << c.target;
        EXPECT_TRUE(e[0]["description"].get<std::string>().starts_with(c.starts)) << c.target << ": " << e;
    }
    auto const xml_error = http_get(port(), "/open311/v2/requests.xml?status=pending");
    EXPECT_EQ(xml_error.status, 400);
    EXPECT_TRUE(contains(xml_error.body, "<errors>") && contains(xml_error.body, "<code>400</code>")) << xml_error.body;
}

TEST_F(open311_test, discovery_and_services_in_both_formats)
{
    auto const d = get_json("/open311/v2/discovery.json");
    EXPECT_EQ(d["endpoints"][0]["specification"], "http://wiki.open311.org/GeoReport_v2");
    EXPECT_EQ(d["endpoints"][0]["formats"], json({"text/xml", "application/json"}));
    EXPECT_TRUE(d["endpoints"][0]["url"].get<std::string>().ends_with("/open311/v2")) << d;
    EXPECT_TRUE(contains(http_get(port(), "/open311/v2/discovery.xml").body, "<discovery>"));

    auto const s = get_json("/open311/v2/services.json");
    ASSERT_EQ(s.size(), 9u);  // the demo flow's categories
    EXPECT_EQ(s[0]["service_code"], "roads");
    EXPECT_EQ(s[0]["service_name"], "Roads, pavements and traffic");
    EXPECT_EQ(s[0]["group"], "Transport Department");
    EXPECT_EQ(s[0]["metadata"], false);
    EXPECT_EQ(s[0]["type"], "realtime");
    auto const zh = get_json("/open311/v2/services.json?locale=zh-CN");
    EXPECT_EQ(zh[0]["service_name"], "道路、人行道和交通");
    auto const x = http_get(port(), "/open311/v2/services.xml");
    EXPECT_TRUE(contains(x.body, "<services>") && contains(x.body, "<service_code>roads</service_code>")) << x.body;

    // No service has attributes to define.
    auto const def = get_json("/open311/v2/services/roads.json", 404);
    EXPECT_EQ(def[0]["code"], 404);
    EXPECT_TRUE(contains(get_json("/open311/v2/services/nope.json", 404)[0]["description"], "not a service"));
}

TEST_F(open311_test, refuses_bad_keys_codes_and_input_and_changes_nothing)
{
    std::string const body = good_body();
    auto const without_key = std::regex_replace(body, std::regex("api_key=[^&]*&"), "");
    struct case_ { char const* name; std::string body; std::string format; int status; char const* starts; };
    case_ const cases[] = {
        {"wrong key", std::regex_replace(body, std::regex(app_key), "wrong-key-0123456789abcdef"), "json", 403,
         "api_key: not a valid key"},
        {"no key", without_key, "json", 403, "api_key: missing"},
        {"a key left empty in config", without_key + "&api_key=", "json", 403, "api_key: missing"},
        {"unknown service_code", std::regex_replace(body, std::regex("service_code=lighting"), "service_code=ufo"),
         "json", 404, "service_code: not a service"},
        {"short description", std::regex_replace(body, std::regex("description=[^&]*"), "description=dark"), "json",
         400, "description: expected 20 to 1000 characters"},
        {"no location", std::regex_replace(body, std::regex("&lat=[^&]*&long=[^&]*&address_string=[^&]*"), ""),
         "json", 400, "lat, long or address_string"},
        {"broken form", body + "&x=%zz", "json", 400, "body: expected application/x-www-form-urlencoded"},
        {"other jurisdiction", std::regex_replace(body, std::regex("test-city"), "other-city"), "json", 404,
         "jurisdiction_id"},
    };
    for (auto const& c : cases) {
        auto const r = post(c.body, c.format);
        EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
        auto const e = json::parse(r.body, nullptr, false);
        ASSERT_TRUE(e.is_array() && !e.empty()) << c.name << ": " << r.body;
        EXPECT_EQ(e[0]["code"], c.status) << c.name;
        EXPECT_TRUE(e[0]["description"].get<std::string>().starts_with(c.starts)) << c.name << ": " << r.body;
    }
    auto const xml = post(std::regex_replace(body, std::regex(app_key), "wrong-key-0123456789abcdef"), "xml");
    EXPECT_EQ(xml.status, 403);
    EXPECT_TRUE(contains(xml.body, "<errors>") && contains(xml.body, "<code>403</code>")) << xml.body;
    auto const as_json = http_request(port(), "POST", "/open311/v2/requests.json", json{{"api_key", app_key}}.dump(),
                                      {{"Content-Type", "application/json"}});
    EXPECT_EQ(as_json.status, 400) << as_json.body;
    EXPECT_EQ(http_request(port(), "PUT", "/open311/v2/requests.json", body, form).status, 405);

    // Nothing was filed, nobody was told.
    EXPECT_EQ(get_json("/open311/v2/requests.json"), json::array());
    EXPECT_EQ(filed_metric(), 0);
    EXPECT_FALSE(telegram.wait_until(
        [](auto const& reqs) {
            return std::any_of(reqs.begin(), reqs.end(),
                               [](recorded_request const& x) { return contains(x.body, std::to_string(staff_group)); });
        },
        std::chrono::milliseconds{0}));
    for (auto const* x : personal)
        EXPECT_FALSE(contains(gateway->log(), x)) << x;
    // The same body with the key files.
    EXPECT_FALSE(file().empty());
}

TEST(open311_off, is_not_served_when_disabled)
{
    fake_platform telegram;
    temp_dir data;
    gateway_process g(test_config(telegram.base_url(), data.path()));
    g.start();
    EXPECT_EQ(http_get(g.port(), "/open311/v2/services.json").status, 404);
}

}  // namespace
}  // namespace pg::testing
