// The staff console and the public page against the real binary: a citizen
// files a petition over the fake Telegram Bot API; officials log in, list,
// read and act on it through the console API; the public sees figures and a
// tracking lookup without personal data.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include "model/password_hash.hpp"
#include "storage/codec.hpp"
#include "storage/keys.hpp"
#include "storage/rocks_tuning.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <rocksdb/db.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <regex>

namespace pg::testing {
namespace {

using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;

headers const& tg_secret = tg::secret_header;
constexpr std::int64_t citizen_chat = 555'000'222;
constexpr char description[] = "A pothole about 30 cm wide has been growing for two weeks; please fill it.";
constexpr char location[] = "Main Street 12, by the bus stop";
constexpr char origin[] = "http://127.0.0.1";  // the test client sends Host: 127.0.0.1
constexpr char cms_token[] = "cms-token-0123456789abcdef";          // every department
constexpr char housing_token[] = "housing-token-0123456789abcdef";  // housing only

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

// "2026-12-06T05:01:33.123Z", as the API writes times, in Unix milliseconds.
std::int64_t millis_of(std::string const& iso)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    EXPECT_EQ(std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &sec, &ms), 7) << iso;
    using namespace std::chrono;
    auto const date = sys_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}};
    return duration_cast<milliseconds>(date.time_since_epoch() + hours{h} + minutes{mi} + seconds{sec}).count() + ms;
}

// A cheap hash (1,000 iterations) in the stored format, made here with OpenSSL
// so the test does not depend on the code under test to make it.
std::string cheap_hash(std::string const& password)
{
    std::string const salt = "console-test-salt";
    std::string out(32, '\0');
    PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                      reinterpret_cast<unsigned char const*>(salt.data()), static_cast<int>(salt.size()), 1000,
                      EVP_sha256(), 32, reinterpret_cast<unsigned char*>(out.data()));
    return model::format_password_hash({1000, salt, out});
}

class console_test : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto cfg = test_config(telegram.base_url(), data.path());
        cfg["departments"] = json::array();
        for (auto const* d : {"transport", "public_works", "sanitation", "water", "parks", "environment", "housing",
                              "citizen_services"})
            cfg["departments"].push_back({{"id", d}});
        cfg["web"] = {{"root", PG_SOURCE_DIR "/web"}};
        cfg["console"] = {{"accounts",
                           {{{"name", "official"}, {"password_hash", cheap_hash("demo")}},
                            {{"name", "housing.only"}, {"password_hash", cheap_hash("demo")},
                             {"departments", {"housing"}}},
                            {{"name", "supervisor"}, {"password_hash", cheap_hash("demo")}, {"supervisor", true}}}}};
        cfg["staff_api"] = {{"tokens",
                             {{{"name", "cms"}, {"token", cms_token}},
                              {{"name", "housing-cms"}, {"token", housing_token}, {"departments", {"housing"}}}}}};
        // Times are read in this zone: the citizen's texts, and the pages (they get its name).
        cfg["deadlines"] = {{"time_zone", "Asia/Shanghai"}};
        cfg["districts"] = {{{"id", "centre"}, {"places", {"main street"}}}};
        configure(cfg);
        gateway = std::make_unique<gateway_process>(cfg);
        gateway->start();
    }

    // What a test fixture derived from this one changes in the config.
    virtual void configure(json& /*cfg*/) {}

    unsigned short port() const { return gateway->port(); }

    std::vector<json> citizen_messages() const
    {
        std::vector<json> out;
        for (auto const& r : telegram.requests()) {
            if (!r.target.ends_with("/sendMessage"))
                continue;
            auto b = json::parse(r.body);
            if (b["chat_id"] == citizen_chat)
                out.push_back(b);
        }
        return out;
    }

    std::string file_petition()
    {
        std::int64_t id = 3000;
        for (auto const* text : {"/start", "1", "1", location, description, "skip", "skip", "no photos", "send"}) {
            auto r = http_post(port(), "/webhook/telegram", tg::text(++id, citizen_chat, text), tg_secret);
            EXPECT_EQ(r.status, 200) << r.body;
        }
        EXPECT_TRUE(eventually([&] { return citizen_messages().size() >= 10; })) << gateway->log();
        auto const filed = citizen_messages().at(8)["text"].get<std::string>();
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed;
        return m.str();
    }

    struct session { std::string cookie; std::string csrf; };

    http_result login(std::string const& name, std::string const& password)
    {
        return http_request(port(), "POST", "/staff/login", json{{"name", name}, {"password", password}}.dump(),
                            {{"Origin", origin}});
    }
    // From another client address; loopback is all of 127/8.
    http_result login_from(std::string const& address, std::string const& name, std::string const& password)
    {
        return http_request_from(address, port(), "POST", "/staff/login",
                                 json{{"name", name}, {"password", password}}.dump(), {{"Origin", origin}});
    }
    session login_ok(std::string const& name)
    {
        auto const r = login(name, "demo");
        EXPECT_EQ(r.status, 200) << r.body;
        auto const set = r.header("Set-Cookie");
        auto const cookie = set.substr(0, set.find(';'));
        return {cookie, json::parse(r.body).value("csrf_token", "")};
    }
    http_result get(session const& s, std::string const& target)
    {
        return http_request(port(), "GET", target, "", {{"Cookie", s.cookie}});
    }
    http_result act(session const& s, std::string const& tracking, json const& body, headers extra = {})
    {
        headers h{{"Cookie", s.cookie}, {"Origin", origin}, {"X-CSRF-Token", s.csrf}};
        for (auto const& [k, v] : extra)
            for (auto& [hk, hv] : h)
                if (hk == k)
                    hv = v;
        return http_request(port(), "POST", "/staff/console/api/petitions/" + tracking + "/actions", body.dump(), h);
    }
    std::string status_of(session const& s, std::string const& tracking)
    {
        auto const r = get(s, "/staff/console/api/petitions/" + tracking);
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body).value("status", "");
    }
    http_result api(std::string const& token, std::string const& method, std::string const& target,
                    json const& body = nullptr)
    {
        return http_request(port(), method, "/staff/api/" + target, body.is_null() ? "" : body.dump(),
                            {{"Authorization", "Bearer " + token}});
    }
    // The timeline's actions: without the lines that record where status pushes went.
    static json actions(json const& timeline)
    {
        json out = json::array();
        for (auto const& e : timeline)
            if (e["kind"] != "notice")
                out.push_back(e);
        return out;
    }
    json api_timeline(std::string const& tracking)
    {
        auto const r = api(cms_token, "GET", "petitions/" + tracking);
        EXPECT_EQ(r.status, 200) << r.body;
        return actions(json::parse(r.body)["timeline"]);
    }
    std::int64_t metric(std::string const& series)
    {
        auto const text = http_get(port(), "/metrics").body;
        auto const at = text.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::stoll(text.substr(at + series.size() + 2));
    }

    fake_platform telegram;
    temp_dir data;
    std::unique_ptr<gateway_process> gateway;
};

TEST_F(console_test, the_pages_are_served)
{
    auto const staff = http_get(port(), "/staff");
    EXPECT_EQ(staff.status, 200);
    EXPECT_TRUE(contains(staff.body, "data-testid=\"login-form\""));
    EXPECT_TRUE(contains(staff.header("Content-Security-Policy"), "default-src 'self'"));
    EXPECT_EQ(http_get(port(), "/web/staff/console.js").status, 200);
    EXPECT_EQ(http_get(port(), "/public").status, 200);
    EXPECT_EQ(http_get(port(), "/web/public/public.js").status, 200);
}

TEST_F(console_test, login_answers_the_same_for_unknown_names_and_wrong_passwords)
{
    auto const wrong = login("official", "nope");
    auto const unknown = login("nobody", "demo");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_EQ(wrong.body, unknown.body);
    EXPECT_TRUE(wrong.header("Set-Cookie").empty());
    EXPECT_EQ(metric("pg_console_logins_total{result=\"failed\"}"), 2);

    auto const ok = login("official", "demo");
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto const cookie = ok.header("Set-Cookie");
    EXPECT_TRUE(cookie.starts_with("pg_staff_session=")) << cookie;
    EXPECT_TRUE(contains(cookie, "HttpOnly"));
    EXPECT_TRUE(contains(cookie, "SameSite=Strict"));
    EXPECT_TRUE(contains(cookie, "Path=/staff"));
    EXPECT_FALSE(contains(ok.body, "demo"));  // no password, and no hash, comes back
    EXPECT_FALSE(contains(gateway->log(), cookie.substr(17, 64)));  // the token is never logged
    EXPECT_EQ(metric("pg_console_logins_total{result=\"ok\"}"), 1);

    // A login posted from another site is refused before the password is looked at.
    auto const foreign = http_request(port(), "POST", "/staff/login",
                                      json{{"name", "official"}, {"password", "demo"}}.dump(),
                                      {{"Origin", "https://evil.example"}});
    EXPECT_EQ(foreign.status, 403);
}

TEST_F(console_test, a_name_is_locked_after_repeated_failures)
{
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(login("official", "wrong").status, 401);
    EXPECT_EQ(login("official", "demo").status, 429);  // even the right password, for a while
    EXPECT_EQ(metric("pg_console_logins_total{result=\"locked\"}"), 1);
}

TEST_F(console_test, parallel_guesses_are_counted_before_the_password_is_checked)
{
    std::vector<std::future<http_result>> guesses;
    for (int i = 0; i < 30; ++i)
        guesses.push_back(std::async(std::launch::async, [&] { return login("official", "wrong"); }));
    int wrong = 0, refused = 0;
    for (auto& g : guesses) {
        auto const r = g.get();
        wrong += r.status == 401;
        if (r.status == 429 || r.status == 503) {
            ++refused;
            EXPECT_FALSE(r.header("Retry-After").empty()) << r.status;
        }
    }
    EXPECT_EQ(wrong + refused, 30);
    EXPECT_LE(wrong, 5);
    EXPECT_LE(metric("pg_console_logins_total{result=\"failed\"}"), 5);  // each one a password check

    // Guessed on one at a time until the lock: never more than 5 checks in all.
    for (int i = 0; i < 5 && login("official", "wrong").status == 401; ++i) {
    }
    EXPECT_EQ(login("official", "demo").status, 429);
    EXPECT_EQ(metric("pg_console_logins_total{result=\"failed\"}"), 5);
}

TEST_F(console_test, a_guesser_elsewhere_cannot_lock_an_official_out)
{
    for (int i = 0; i < 5; ++i)
        EXPECT_EQ(login("official", "wrong").status, 401);
    EXPECT_EQ(login("official", "demo").status, 429);
    auto const elsewhere = login_from("127.0.0.2", "official", "demo");
    EXPECT_EQ(elsewhere.status, 200) << elsewhere.body;

    // One address guessing across names is locked as a whole after 20 failures.
    for (int i = 0; i < 15; ++i)
        EXPECT_EQ(login("name" + std::to_string(i / 4), "wrong").status, 401) << i;
    auto const fresh = login("supervisor", "demo");
    EXPECT_EQ(fresh.status, 429);
    EXPECT_FALSE(fresh.header("Retry-After").empty());
    EXPECT_EQ(metric("pg_console_logins_total{result=\"source_locked\"}"), 1);
    EXPECT_EQ(login_from("127.0.0.2", "supervisor", "demo").status, 200);
}

TEST_F(console_test, unauthenticated_requests_are_refused)
{
    for (auto const* target : {"/staff/console/api/me", "/staff/console/api/petitions",
                               "/staff/console/api/petitions/ABCD-EFGH", "/staff/console/api/oversight"}) {
        EXPECT_EQ(http_get(port(), target).status, 401) << target;
        EXPECT_EQ(http_request(port(), "GET", target, "", {{"Cookie", "pg_staff_session=forged"}}).status, 401)
            << target;
    }
}

TEST_F(console_test, an_official_lists_reads_and_answers_a_petition)
{
    auto const tracking = file_petition();
    auto const before = citizen_messages().size();
    auto s = login_ok("official");

    auto const me = get(s, "/staff/console/api/me");
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(json::parse(me.body)["name"], "official");
    EXPECT_EQ(json::parse(me.body)["csrf_token"], s.csrf);
    EXPECT_EQ(json::parse(me.body)["time_zone"], "Asia/Shanghai");

    auto const list = get(s, "/staff/console/api/petitions?status=submitted");
    ASSERT_EQ(list.status, 200) << list.body;
    auto const items = json::parse(list.body)["petitions"];
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0]["tracking"], tracking);
    EXPECT_EQ(json::parse(get(s, "/staff/console/api/petitions?status=answered").body)["petitions"].size(), 0u);

    auto const detail = get(s, "/staff/console/api/petitions/" + tracking);
    ASSERT_EQ(detail.status, 200);
    auto const d = json::parse(detail.body);
    EXPECT_EQ(d["description"], description);
    ASSERT_FALSE(d["timeline"].empty());
    EXPECT_EQ(d["conversation"][0]["text"], description);

    // Accept, then answer: the lifecycle moves and the citizen hears of both.
    auto const accepted = act(s, tracking, {{"action", "accept"}});
    ASSERT_EQ(accepted.status, 200) << accepted.body;
    EXPECT_EQ(json::parse(accepted.body)["status"], "accepted");
    auto const answered = act(s, tracking, {{"action", "answer"}, {"text", "Filled on Monday."}});
    ASSERT_EQ(answered.status, 200) << answered.body;
    EXPECT_EQ(status_of(s, tracking), "answered");
    ASSERT_TRUE(eventually([&] {
        auto const m = citizen_messages();
        for (std::size_t i = before + 1; i < m.size(); ++i)
            if (contains(m[i].value("text", ""), "Filled on Monday."))
                return true;
        return false;
    })) << gateway->log();
    // The citizen reads the time of the answer in the configured zone.
    auto const m = citizen_messages();
    bool local = false;
    for (std::size_t i = before + 1; i < m.size(); ++i)
        local = local || contains(m[i].value("text", ""), "(UTC+08:00)");
    EXPECT_TRUE(local) << "no local time in the citizen's notifications";

    // The timeline names the console account and the channel.
    auto const timeline = actions(json::parse(get(s, "/staff/console/api/petitions/" + tracking).body)["timeline"]);
    auto const& last = timeline.back();
    EXPECT_EQ(last["status"], "answered");
    EXPECT_EQ(last["actor_name"], "official");
    EXPECT_EQ(last["channel"], "console");

    // The lifecycle still rules: a second acceptance is refused and changes nothing.
    EXPECT_EQ(act(s, tracking, {{"action", "accept"}}).status, 409);
    EXPECT_EQ(status_of(s, tracking), "answered");

    // Logged out, the cookie is worth nothing.
    auto const out = http_request(port(), "POST", "/staff/logout", "",
                                  {{"Cookie", s.cookie}, {"Origin", origin}, {"X-CSRF-Token", s.csrf}});
    EXPECT_EQ(out.status, 200);
    EXPECT_EQ(get(s, "/staff/console/api/me").status, 401);
}

TEST_F(console_test, posts_without_the_csrf_token_or_from_another_origin_change_nothing)
{
    auto const tracking = file_petition();
    auto s = login_ok("official");
    auto const accept = json{{"action", "accept"}};

    auto const no_token = http_request(port(), "POST", "/staff/console/api/petitions/" + tracking + "/actions",
                                       accept.dump(), {{"Cookie", s.cookie}, {"Origin", origin}});
    EXPECT_EQ(no_token.status, 403);
    EXPECT_TRUE(contains(json::parse(no_token.body)["error"], "X-CSRF-Token")) << no_token.body;
    EXPECT_EQ(act(s, tracking, accept, {{"X-CSRF-Token", std::string(64, 'a')}}).status, 403);
    EXPECT_EQ(act(s, tracking, accept, {{"Origin", "https://evil.example"}}).status, 403);
    auto const no_origin = http_request(port(), "POST", "/staff/console/api/petitions/" + tracking + "/actions",
                                        accept.dump(), {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
    EXPECT_EQ(no_origin.status, 403);
    auto const cross = http_request(port(), "POST", "/staff/console/api/petitions/" + tracking + "/actions",
                                    accept.dump(), {{"Cookie", s.cookie}, {"Origin", origin},
                                                    {"X-CSRF-Token", s.csrf}, {"Sec-Fetch-Site", "cross-site"}});
    EXPECT_EQ(cross.status, 403);

    EXPECT_EQ(status_of(s, tracking), "submitted");
    EXPECT_GE(metric("pg_console_refused_total{reason=\"csrf\"}"), 5);
}

TEST_F(console_test, a_department_limited_account_sees_and_acts_only_on_its_departments)
{
    auto const tracking = file_petition();  // category 1 of the demo flow: not housing
    auto const limited = login_ok("housing.only");
    auto const official = login_ok("official");
    auto const dept = json::parse(get(official, "/staff/console/api/petitions/" + tracking).body)["department"];
    ASSERT_NE(dept, "housing");

    EXPECT_EQ(json::parse(get(limited, "/staff/console/api/petitions").body)["petitions"].size(), 0u);
    EXPECT_EQ(get(limited, "/staff/console/api/petitions/" + tracking).status, 403);
    EXPECT_EQ(get(limited, "/staff/console/api/petitions?department=" + dept.get<std::string>()).status, 403);
    EXPECT_EQ(act(limited, tracking, {{"action", "accept"}}).status, 403);
    EXPECT_EQ(status_of(official, tracking), "submitted");

    // Transferred to housing, it is theirs.
    ASSERT_EQ(act(official, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(official, tracking, {{"action", "transfer"}, {"department", "housing"}, {"text", "theirs"}}).status,
              200);
    EXPECT_EQ(json::parse(get(limited, "/staff/console/api/petitions").body)["petitions"].size(), 1u);
    EXPECT_EQ(act(limited, tracking, {{"action", "progress"}, {"text", "on it"}}).status, 200);
    EXPECT_EQ(status_of(official, tracking), "in_progress");

    // Oversight is for supervisors.
    EXPECT_EQ(get(official, "/staff/console/api/oversight").status, 403);
    auto const sup = login_ok("supervisor");
    auto const o = get(sup, "/staff/console/api/oversight");
    ASSERT_EQ(o.status, 200) << o.body;
    EXPECT_EQ(json::parse(o.body)["figures"]["total"]["received"], 1);
}

TEST_F(console_test, a_staff_api_token_acts_in_its_departments_under_its_own_name)
{
    auto const tracking = file_petition();  // category 1 of the demo flow: not housing
    auto const actions = "petitions/" + tracking + "/actions";

    // Not its department: not listed, not shown, not acted on.
    auto const listed = api(housing_token, "GET", "petitions");
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(json::parse(listed.body)["petitions"].size(), 0u);
    EXPECT_EQ(api(housing_token, "GET", "petitions/" + tracking).status, 403);
    EXPECT_EQ(api(housing_token, "POST", actions, {{"action", "accept"}}).status, 403);

    // The official a system acts for is a short visible name, or the action is refused.
    EXPECT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}, {"actor", std::string(65, 'x')}}).status, 400);
    EXPECT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}, {"actor", "Li\nWei"}}).status, 400);
    EXPECT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}, {"actor", "Li \u202Eiew"}}).status, 400);
    EXPECT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}, {"actor", 7}}).status, 400);
    EXPECT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}, {"actor", " "}}).status, 400);
    EXPECT_EQ(api_timeline(tracking).back()["status"], "submitted");

    // The timeline names the token, and beside it the official, if given.
    ASSERT_EQ(api(cms_token, "POST", actions, {{"action", "accept"}}).status, 200);
    EXPECT_EQ(api_timeline(tracking).back()["actor_name"], "cms");
    auto const transferred = api(cms_token, "POST", actions,
                                 {{"action", "transfer"}, {"department", "housing"}, {"text", "theirs"},
                                  {"actor", "李伟 (housing desk)"}});
    ASSERT_EQ(transferred.status, 200) << transferred.body;
    EXPECT_EQ(api_timeline(tracking).back()["actor_name"], "cms (for 李伟 (housing desk))");

    // Transferred to housing, it is the housing token's.
    EXPECT_EQ(json::parse(api(housing_token, "GET", "petitions").body)["petitions"].size(), 1u);
    ASSERT_EQ(api(housing_token, "POST", actions, {{"action", "progress"}, {"text", "on it"}}).status, 200);
    auto const last = api_timeline(tracking).back();
    EXPECT_EQ(last["status"], "in_progress");
    EXPECT_EQ(last["actor_name"], "housing-cms");
    EXPECT_EQ(last["channel"], "staff_api");
}

TEST_F(console_test, the_public_sees_figures_and_tracking_without_personal_data)
{
    auto const tracking = file_petition();
    auto s = login_ok("official");
    ASSERT_EQ(act(s, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(s, tracking, {{"action", "note"}, {"text", "Crew booked for Monday"}}).status, 200);

    auto const figures = http_get(port(), "/public/api/figures");
    ASSERT_EQ(figures.status, 200) << figures.body;
    auto const f = json::parse(figures.body);
    EXPECT_EQ(f["total"]["received"], 1);
    EXPECT_EQ(f["total"]["first_response_ms"]["count"], 1);
    EXPECT_FALSE(f["by_month"].empty());
    EXPECT_EQ(f["by_time_of_day"].size(), 1u);
    ASSERT_EQ(f["by_district"].size(), 1u);  // its place, "Main Street 12", is in the config's "centre"
    EXPECT_EQ(f["by_district"][0]["key"], "centre");
    EXPECT_EQ(f["by_district"][0]["received"], 1);
    EXPECT_TRUE(f["equity"].is_array() && f["equity"].empty()) << "one petition flags nobody";

    auto const track = http_get(port(), "/public/api/track/" + tracking);
    ASSERT_EQ(track.status, 200) << track.body;
    auto const t = json::parse(track.body);
    EXPECT_EQ(t["tracking"], tracking);
    EXPECT_EQ(t["status"], "accepted");
    EXPECT_EQ(t["time_zone"], "Asia/Shanghai");  // the page shows times in it
    EXPECT_GE(t["timeline"].size(), 3u);
    // Lower case and without the hyphen, as a citizen might type it.
    std::string typed = tracking;
    typed.erase(4, 1);
    for (auto& c : typed)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(http_get(port(), "/public/api/track/" + typed).status, 200);

    for (auto const& body : {figures.body, track.body}) {
        EXPECT_FALSE(contains(body, "pothole")) << body;
        EXPECT_FALSE(contains(body, "Main Street")) << body;
        EXPECT_FALSE(contains(body, std::to_string(citizen_chat))) << body;
        EXPECT_FALSE(contains(body, "official")) << body;
        EXPECT_FALSE(contains(body, "Crew booked")) << body;
    }

    EXPECT_EQ(http_get(port(), "/public/api/track/ZZZZ-ZZZZ").status, 404);
    EXPECT_EQ(http_get(port(), "/public/api/track/not-a-number").status, 404);
}

TEST_F(console_test, figures_charge_each_department_its_own_time)
{
    auto const tracking = file_petition();  // category 1 of the demo flow: not housing
    auto s = login_ok("official");
    ASSERT_EQ(act(s, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(s, tracking, {{"action", "transfer"}, {"department", "housing"}, {"text", "theirs"}}).status, 200);
    ASSERT_EQ(act(s, tracking, {{"action", "progress"}, {"text", "on it"}}).status, 200);
    ASSERT_EQ(act(s, tracking, {{"action", "answer"}, {"text", "Fixed."}}).status, 200);

    auto const f = json::parse(http_get(port(), "/public/api/figures").body);
    EXPECT_EQ(f["time_zone"], "Asia/Shanghai");
    EXPECT_EQ(f["total"]["transferred"], 1);
    EXPECT_EQ(f["total"]["answer_ms"]["count"], 1);
    EXPECT_EQ(f["total"]["held_ms"]["count"], 1);
    ASSERT_EQ(f["by_department"].size(), 2u) << f.dump();
    for (auto const& d : f["by_department"]) {
        EXPECT_EQ(d["received"], 1) << d.dump();
        EXPECT_EQ(d["held_ms"]["count"], 1) << d.dump();
        bool const housing = d["key"] == "housing";
        EXPECT_EQ(d["transferred"], housing ? 0 : 1) << d.dump();
        EXPECT_EQ(d["answered"], housing ? 1 : 0) << d.dump();
        EXPECT_EQ(d["answer_ms"]["count"], housing ? 1 : 0) << d.dump();
        EXPECT_EQ(d["first_response_ms"]["count"], 1) << d.dump();  // accepted; signed for with "progress"
    }
}

TEST_F(console_test, every_staff_read_and_action_is_audited_with_who_and_from_where)
{
    auto const tracking = file_petition();
    auto official = login_ok("official");
    ASSERT_EQ(get(official, "/staff/console/api/petitions/" + tracking).status, 200);
    ASSERT_EQ(act(official, tracking, {{"action", "accept"}}).status, 200);
    EXPECT_EQ(act(official, tracking, {{"action", "accept"}}).status, 409);  // refused: audited too
    ASSERT_EQ(api(cms_token, "GET", "petitions/" + tracking).status, 200);

    EXPECT_EQ(get(official, "/staff/console/api/audit").status, 403) << "supervisors only";
    auto sup = login_ok("supervisor");
    auto const res = get(sup, "/staff/console/api/audit?tracking=" + tracking);
    ASSERT_EQ(res.status, 200) << res.body;
    auto const audit = json::parse(res.body)["audit"];
    ASSERT_EQ(audit.size(), 4u) << audit.dump();  // newest first
    EXPECT_EQ(audit[0]["who"], "api:cms");
    EXPECT_EQ(audit[0]["via"], "staff_api");
    EXPECT_EQ(audit[0]["method"], "GET");
    EXPECT_EQ(audit[1]["action"], "accept");
    EXPECT_EQ(audit[1]["status"], 409);
    EXPECT_EQ(audit[2]["action"], "accept");
    EXPECT_EQ(audit[2]["status"], 200);
    EXPECT_EQ(audit[3]["method"], "GET");
    for (auto const& a : audit) {
        EXPECT_EQ(a["tracking"], tracking);
        EXPECT_EQ(a["source"], "127.0.0.1") << a.dump();
        if (a["via"] == "console") {
            EXPECT_EQ(a["who"], "console:official");
        }
    }
    // Logins and the supervisor's own reading are in it as well.
    auto const mine = json::parse(get(sup, "/staff/console/api/audit?who=console:supervisor").body)["audit"];
    ASSERT_GE(mine.size(), 2u) << mine.dump();
    EXPECT_EQ(mine[0]["resource"], "/staff/console/api/audit");
    EXPECT_EQ(mine.back()["resource"], "/staff/login");
    EXPECT_EQ(get(sup, "/staff/console/api/audit?limit=0").status, 400);
}

TEST_F(console_test, open_data_holds_the_stage_times_the_figures_come_from)
{
    auto const tracking = file_petition();
    auto s = login_ok("official");
    ASSERT_EQ(act(s, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(s, tracking, {{"action", "transfer"}, {"department", "housing"}, {"text", "theirs"}}).status, 200);

    auto const figures = json::parse(http_get(port(), "/public/api/figures").body);
    auto const data = http_get(port(), "/public/api/open-data/petitions.json");
    ASSERT_EQ(data.status, 200) << data.body;
    auto const j = json::parse(data.body);
    EXPECT_EQ(j["generated_at"], figures["generated_at"]) << "one snapshot for both";
    ASSERT_EQ(j["petitions"].size(), 1u);
    auto const& p = j["petitions"][0];
    EXPECT_EQ(p["tracking"], tracking);
    EXPECT_EQ(p["department"], "housing");
    EXPECT_EQ(p["first_response_ms"], figures["total"]["first_response_ms"]["median"]);
    ASSERT_EQ(p["stints"].size(), 2u);
    EXPECT_EQ(p["stints"][1]["department"], "housing");

    auto const stints = http_get(port(), "/public/api/open-data/stints.csv");
    ASSERT_EQ(stints.status, 200);
    EXPECT_EQ(stints.header("Content-Type"), "text/csv; charset=utf-8");
    EXPECT_TRUE(stints.header("Content-Disposition").starts_with("attachment; filename=\"stints-"))
        << stints.header("Content-Disposition");
    EXPECT_EQ(std::count(stints.body.begin(), stints.body.end(), '\n'), 3) << stints.body;  // header + 2 stints
    auto const petitions = http_get(port(), "/public/api/open-data/petitions.csv");
    ASSERT_EQ(petitions.status, 200);
    EXPECT_TRUE(contains(petitions.body, tracking + ",")) << petitions.body;

    for (auto const& body : {data.body, stints.body, petitions.body}) {
        EXPECT_FALSE(contains(body, "pothole")) << body;
        EXPECT_FALSE(contains(body, "Main Street")) << body;
        EXPECT_FALSE(contains(body, std::to_string(citizen_chat))) << body;
        EXPECT_FALSE(contains(body, "theirs")) << body;
    }
    EXPECT_EQ(http_get(port(), "/public/api/open-data/secrets.csv").status, 404);
}

// A clock pauses only with a recorded reason: paused from the console, resumed
// through the staff API; the citizen hears of both, the answer deadline moves on
// by the paused time, and the figures and open data count it apart.
TEST_F(console_test, a_paused_clock_needs_a_reason_and_its_time_moves_the_deadline_and_is_counted_apart)
{
    auto const tracking = file_petition();
    auto s = login_ok("official");
    ASSERT_EQ(act(s, tracking, {{"action", "accept"}}).status, 200);
    auto const detail = [&] { return json::parse(get(s, "/staff/console/api/petitions/" + tracking).body); };

    auto const bare = act(s, tracking, {{"action", "pause"}, {"text", " \u200B "}});
    EXPECT_EQ(bare.status, 409) << bare.body;
    EXPECT_TRUE(contains(bare.body, "give the reason")) << bare.body;
    auto const before = detail();
    EXPECT_EQ(before["paused"], false);
    EXPECT_EQ(actions(before["timeline"]).back()["status"], "accepted");
    EXPECT_EQ(act(s, tracking, {{"action", "resume"}}).status, 409) << "not paused";

    auto const heard = citizen_messages().size();
    auto const told = [&](std::string const& what) {
        return eventually([&] {
            auto const m = citizen_messages();
            for (std::size_t i = heard; i < m.size(); ++i)
                if (contains(m[i].value("text", ""), what))
                    return true;
            return false;
        });
    };
    auto const paused = act(s, tracking, {{"action", "pause"}, {"text", "Waiting for the utility's survey"}});
    ASSERT_EQ(paused.status, 200) << paused.body;
    EXPECT_EQ(json::parse(paused.body)["status"], "accepted");
    EXPECT_EQ(json::parse(paused.body)["paused"], true);
    EXPECT_TRUE(told("is paused")) << gateway->log();
    EXPECT_TRUE(told("Reason: Waiting for the utility's survey"));
    EXPECT_EQ(act(s, tracking, {{"action", "pause"}, {"text", "again"}}).status, 409) << "already paused";

    auto const resumed = api(cms_token, "POST", "petitions/" + tracking + "/actions", {{"action", "resume"}});
    ASSERT_EQ(resumed.status, 200) << resumed.body;
    EXPECT_TRUE(told("has resumed")) << gateway->log();

    auto const after = detail();
    EXPECT_EQ(after["paused"], false);
    EXPECT_EQ(after["status"], "accepted");
    auto const timeline = actions(after["timeline"]);
    json pause, resume;
    for (auto const& e : timeline) {
        if (e["kind"] == "pause")
            pause = e;
        if (e["kind"] == "resume")
            resume = e;
    }
    ASSERT_TRUE(pause.is_object() && resume.is_object()) << timeline.dump();
    EXPECT_EQ(pause["note"], "Waiting for the utility's survey");
    EXPECT_EQ(pause["actor_name"], "official");
    EXPECT_EQ(pause["channel"], "console");
    EXPECT_EQ(resume["actor_name"], "cms");
    // Without working days in this config, the paused time is the elapsed time.
    auto const paused_ms = millis_of(resume["at"]) - millis_of(pause["at"]);
    EXPECT_EQ(millis_of(after["deadline_at"]) - millis_of(before["deadline_at"]), paused_ms);
    EXPECT_EQ(after["response_due_at"], before["response_due_at"]) << "signed for: only the answer deadline runs";

    auto const figures = json::parse(http_get(port(), "/public/api/figures").body);
    EXPECT_EQ(figures["total"]["paused"], 1);
    EXPECT_EQ(figures["total"]["pauses"], 1);
    EXPECT_EQ(figures["total"]["paused_ms"]["median"], paused_ms);
    EXPECT_TRUE(contains(figures["durations"].get<std::string>(), "paused with a recorded reason"));
    auto const data = json::parse(http_get(port(), "/public/api/open-data/petitions.json").body);
    ASSERT_EQ(data["petitions"].size(), 1u);
    EXPECT_EQ(data["petitions"][0]["paused_ms"], paused_ms);
    EXPECT_EQ(data["petitions"][0]["pauses"], 1);
    EXPECT_EQ(data["petitions"][0]["stints"][0]["paused_ms"], paused_ms);
    auto const petitions = http_get(port(), "/public/api/open-data/petitions.csv").body;
    EXPECT_TRUE(contains(petitions, ",held_ms,paused_ms,pauses,district\r\n")) << petitions;
    EXPECT_TRUE(contains(petitions, "," + std::to_string(paused_ms) + ",1,centre\r\n")) << petitions;
    auto const stints = http_get(port(), "/public/api/open-data/stints.csv").body;
    EXPECT_TRUE(contains(stints, "," + std::to_string(paused_ms) + ",1\r\n")) << stints;
    for (auto const& body : {figures.dump(), data.dump(), petitions, stints})
        EXPECT_FALSE(contains(body, "utility")) << "a reason may name people: the page only says it was recorded";
}

// Pages show people labels, not ids: every department and category id comes
// with its label in the language asked for (?lang=), the flow's default without.
TEST_F(console_test, ids_come_with_labels_in_the_language_asked_for)
{
    auto const tracking = file_petition();  // category 1 of the demo flow: roads, routed to transport
    auto const sup = login_ok("supervisor");

    auto const en = json::parse(http_get(port(), "/public/api/track/" + tracking).body);
    EXPECT_EQ(en["category"], "roads");
    EXPECT_EQ(en["category_label"], "Roads, pavements and traffic");
    EXPECT_EQ(en["department"], "transport");
    EXPECT_EQ(en["department_label"], "Transport Department");
    auto const zh = json::parse(http_get(port(), "/public/api/track/" + tracking + "?lang=zh-CN").body);
    EXPECT_EQ(zh["category_label"], "道路、人行道和交通");
    EXPECT_EQ(zh["department_label"], "交通运输局");

    auto const figures = json::parse(http_get(port(), "/public/api/figures?lang=zh-CN").body);
    ASSERT_EQ(figures["by_department"].size(), 1u) << figures.dump();
    EXPECT_EQ(figures["by_department"][0]["key"], "transport");
    EXPECT_EQ(figures["by_department"][0]["label"], "交通运输局");
    EXPECT_EQ(figures["by_category"][0]["label"], "道路、人行道和交通");
    EXPECT_FALSE(figures["by_channel"][0].contains("label"));  // channels have no labels: the page shows the id

    auto const list = json::parse(get(sup, "/staff/console/api/petitions?lang=en").body)["petitions"];
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["department_label"], "Transport Department");
    EXPECT_EQ(list[0]["category_label"], "Roads, pavements and traffic");
    ASSERT_EQ(act(sup, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(sup, tracking, {{"action", "transfer"}, {"department", "water"}, {"text", "Drain, not road"}}).status, 200);
    auto const one = json::parse(get(sup, "/staff/console/api/petitions/" + tracking + "?lang=zh-CN").body);
    EXPECT_EQ(one["department"], "water");
    EXPECT_EQ(one["department_label"], "水务局");
    EXPECT_EQ(actions(one["timeline"]).back()["department_label"], "水务局");
    auto const oversight = json::parse(get(sup, "/staff/console/api/oversight?lang=zh-CN").body);
    EXPECT_EQ(oversight["figures"]["by_category"][0]["label"], "道路、人行道和交通");
    EXPECT_EQ(get(sup, "/staff/console/api/petitions?lang=zh-CN&bogus=1").status, 400);  // other params still checked
}

TEST(console_switches, the_public_page_can_be_turned_off)
{
    fake_platform telegram;
    temp_dir data;
    auto cfg = test_config(telegram.base_url(), data.path());
    cfg["web"] = {{"root", PG_SOURCE_DIR "/web"}, {"public_page", false}};
    gateway_process gateway(cfg);
    gateway.start();
    EXPECT_EQ(http_get(gateway.port(), "/public").status, 404);
    EXPECT_EQ(http_get(gateway.port(), "/public/api/figures").status, 404);
    EXPECT_EQ(http_get(gateway.port(), "/public/api/track/ABCD-EFGH").status, 404);
    // No accounts: no console API either (the page itself is only a file).
    EXPECT_EQ(http_request(gateway.port(), "POST", "/staff/login", "{}", {{"Origin", origin}}).status, 404);
}

TEST(console_switches, hash_password_prints_a_hash_that_verifies)
{
    temp_dir dir;
    auto const input = dir.path() / "pw";
    std::ofstream(input) << "s3cret pass\n";
    auto const r = run_gateway("hash-password < " + input.string());
    ASSERT_EQ(r.status, 0) << r.output;
    std::string line = r.output.substr(0, r.output.find('\n'));
    std::string why;
    auto const h = model::parse_password_hash(line, why);
    ASSERT_TRUE(h) << why << ": " << line;
    EXPECT_GE(h->iterations, 600'000u);
    std::string out(32, '\0');
    std::string const pw = "s3cret pass";
    PKCS5_PBKDF2_HMAC(pw.data(), static_cast<int>(pw.size()), reinterpret_cast<unsigned char const*>(h->salt.data()),
                      static_cast<int>(h->salt.size()), static_cast<int>(h->iterations), EVP_sha256(), 32,
                      reinterpret_cast<unsigned char*>(out.data()));
    EXPECT_EQ(out, h->hash);
    EXPECT_FALSE(contains(r.output, "s3cret"));

    auto const empty = run_gateway("hash-password < /dev/null");
    EXPECT_EQ(empty.status, 2) << empty.output;
}

}  // namespace
}  // namespace pg::testing

namespace pg::testing {
namespace {

// The check code under a status message: "... Timeline check code 0123456789abcdef."
std::string check_code(std::string const& text)
{
    std::smatch m;
    if (!std::regex_search(text, m, std::regex("check code ([0-9a-f]{16})")))
        return {};
    return m[1].str();
}

json verify(unsigned short port, std::string const& tracking, std::string const& receipt = {})
{
    auto const r =
        http_get(port, "/public/api/verify/" + tracking + (receipt.empty() ? "" : "?receipt=" + receipt));
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
}

TEST_F(console_test, every_status_message_carries_a_receipt_that_the_public_verifier_finds)
{
    auto const tracking = file_petition();
    // The citizen's message that says `status` was reached, with its receipt.
    auto const receipt_of = [&](std::string const& status) {
        for (auto const& m : citizen_messages())
            if (auto const text = m["text"].get<std::string>(); contains(text, "Receipt: " + tracking + ", " + status))
                return text;
        return std::string{};
    };
    auto const filed = receipt_of("submitted");
    auto const filed_code = check_code(filed);
    ASSERT_FALSE(filed_code.empty()) << filed;
    EXPECT_TRUE(contains(filed, "Receipt: " + tracking + ", submitted at ")) << filed;
    EXPECT_TRUE(contains(filed, "(UTC+08:00)")) << filed;  // local time in the calendar's zone

    auto const official = login_ok("official");
    ASSERT_EQ(act(official, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_TRUE(eventually([&] { return !receipt_of("accepted").empty(); })) << gateway->log();
    auto const accepted = receipt_of("accepted");
    auto const accepted_code = check_code(accepted);
    ASSERT_FALSE(accepted_code.empty()) << accepted;
    EXPECT_NE(accepted_code, filed_code);

    auto const on_filing = verify(port(), tracking, filed_code);
    EXPECT_EQ(on_filing["intact"], true) << on_filing;
    EXPECT_EQ(on_filing["receipt"]["found"], true) << on_filing;
    EXPECT_EQ(on_filing["receipt"]["entry"]["status"], "submitted") << on_filing;
    auto const on_accepting = verify(port(), tracking, accepted_code);
    EXPECT_EQ(on_accepting["receipt"]["entry"]["status"], "accepted") << on_accepting;
    EXPECT_EQ(verify(port(), tracking, "0123456789abcdef")["receipt"]["found"], false);
    EXPECT_EQ(http_get(port(), "/public/api/verify/" + tracking + "?receipt=xyz").status, 400);
    EXPECT_EQ(http_get(port(), "/public/api/verify/ZZZZ-ZZZZ").status, 404);

    // The tracking page shows each entry's seal; the last one is the chain's head.
    auto const track = json::parse(http_get(port(), "/public/api/track/" + tracking).body);
    ASSERT_FALSE(track["timeline"].empty());
    for (auto const& e : track["timeline"])
        EXPECT_EQ(e["digest"].get<std::string>().size(), 64u) << e;
    EXPECT_EQ(track["timeline"].back()["digest"], on_accepting["head"]);
    // The figures publish the heads of the last seven days.
    auto const figures = json::parse(http_get(port(), "/public/api/figures").body);
    EXPECT_EQ(figures["day_heads"].size(), 7u) << figures["day_heads"];
}

TEST_F(console_test, the_verifier_says_where_a_rewritten_timeline_breaks)
{
    if (gateway_on_postgresql())
        GTEST_SKIP() << "rewrites a timeline entry in RocksDB's files";
    auto const tracking = file_petition();
    auto const official = login_ok("official");
    ASSERT_EQ(act(official, tracking, {{"action", "accept"}}).status, 200);
    ASSERT_EQ(act(official, tracking, {{"action", "progress"}, {"text", "a crew is on its way"}}).status, 200);
    ASSERT_EQ(act(official, tracking, {{"action", "answer"}, {"text", "the pothole was filled"}}).status, 200);
    EXPECT_EQ(verify(port(), tracking)["intact"], true);
    ASSERT_EQ(gateway->terminate(), 0);

    // Someone with the data directory makes the answer come a day sooner.
    {
        rocksdb::DBOptions options;
        std::vector<rocksdb::ColumnFamilyHandle*> handles;
        rocksdb::DB* raw = nullptr;
        ASSERT_TRUE(rocksdb::DB::Open(options, data.path().string(), storage::family_descriptors(), &handles, &raw).ok());
        std::unique_ptr<rocksdb::DB> db(raw);
        auto* timeline = handles[static_cast<std::size_t>(storage::family::timeline)];
        auto const prefix = storage::timeline_prefix(tracking);
        std::unique_ptr<rocksdb::Iterator> it(db->NewIterator({}, timeline));
        bool changed = false;
        for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
            auto e = storage::decode_timeline_event(it->value().ToStringView());
            ASSERT_TRUE(e);
            if (e->note != "the pothole was filled")
                continue;
            e->note = "the pothole was filled the same day";
            ASSERT_TRUE(db->Put({}, timeline, it->key(), storage::encode(*e)).ok());
            changed = true;
        }
        EXPECT_TRUE(changed);
        it.reset();
        for (auto* h : handles)
            db->DestroyColumnFamilyHandle(h);
    }
    gateway->start();

    auto const check = verify(port(), tracking);
    EXPECT_EQ(check["intact"], false) << check;
    EXPECT_EQ(check["broken_at"]["status"], "answered") << check;
    EXPECT_EQ(check["broken_at"]["kind"], "transition") << check;
    EXPECT_FALSE(check["broken_at"]["reason"].get<std::string>().empty()) << check;
}

TEST_F(console_test, a_supervisor_erases_a_petitions_personal_data_and_its_figures_and_chain_stay)
{
    auto const tracking = file_petition();
    auto const official = login_ok("official");
    ASSERT_EQ(act(official, tracking, {{"action", "accept"}}).status, 200);
    auto const erase = [&](session const& s, json const& body) {
        return http_request(port(), "POST", "/staff/console/api/petitions/" + tracking + "/erase", body.dump(),
                            {{"Cookie", s.cookie}, {"Origin", origin}, {"X-CSRF-Token", s.csrf}});
    };
    auto const petition = [&] {
        auto const r = get(official, "/staff/console/api/petitions/" + tracking);
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body);
    };
    EXPECT_EQ(erase(official, {{"reason", "asked by phone"}}).status, 403);  // not the coordinating office
    auto const supervisor = login_ok("supervisor");
    EXPECT_EQ(erase(supervisor, json::object()).status, 400);
    EXPECT_EQ(erase(supervisor, {{"reason", " \u200b "}}).status, 400);
    EXPECT_EQ(petition()["description"], description);  // refused: nothing changed
    EXPECT_EQ(http_request(port(), "POST", "/staff/api/petitions/" + tracking + "/erase",
                           json{{"reason", "x"}}.dump(), {{"Authorization", "Bearer " + std::string(housing_token)}})
                  .status,
              403);  // a token outside the petition's department

    auto const r = erase(supervisor, {{"reason", "the citizen's request by phone on 6 December"}});
    ASSERT_EQ(r.status, 200) << r.body;
    auto const after = petition();
    EXPECT_FALSE(contains(after.dump(), description)) << after;
    EXPECT_FALSE(contains(after.dump(), location)) << after;
    EXPECT_FALSE(contains(after.dump(), std::to_string(citizen_chat))) << after;
    EXPECT_EQ(after["status"], "accepted");
    EXPECT_EQ(after["category"], "roads");
    EXPECT_TRUE(after.contains("erased_at")) << after;
    auto const& timeline = after["timeline"];
    ASSERT_FALSE(timeline.empty());
    EXPECT_EQ(timeline.back()["kind"], "erasure");
    EXPECT_EQ(timeline.back()["note"], "the citizen's request by phone on 6 December");
    EXPECT_EQ(timeline.back()["actor_name"], "supervisor");
    for (std::size_t i = 0; i + 1 < timeline.size(); ++i)
        EXPECT_EQ(timeline[i]["note"], "") << timeline[i];

    // The chain still verifies, and the figures still count the petition.
    EXPECT_EQ(verify(port(), tracking)["intact"], true);
    auto const open_data = json::parse(http_get(port(), "/public/api/open-data/petitions.json").body);
    EXPECT_TRUE(contains(open_data.dump(), tracking));
    EXPECT_EQ(erase(supervisor, {{"reason", "again"}}).status, 409);
}

// Retention with the gateway's clock under the test's hand.
class console_retention_test : public console_test {
protected:
    void configure(json& cfg) override
    {
        set_clock(now_ms);
        cfg["testing"] = {{"clock_file", clock_file.string()}};
        cfg["retention"] = {{"closed_petition_days", 30}, {"sweep_interval_ms", 20}};
    }
    void set_clock(std::int64_t ms) { std::ofstream(clock_file) << ms; }
    std::int64_t sweeps() { return metric("pg_retention_sweeps_total"); }

    temp_dir clock_dir;
    std::filesystem::path clock_file = clock_dir.path() / "now";
    std::int64_t const now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
};

TEST_F(console_retention_test, a_petition_closed_longer_than_retention_keeps_its_figures_and_loses_its_text)
{
    auto const tracking = file_petition();
    auto const official = login_ok("official");
    for (auto const* action : {"accept", "answer", "close"})
        ASSERT_EQ(act(official, tracking, {{"action", action}, {"text", "the pothole was filled"}}).status, 200)
            << action;
    ASSERT_EQ(status_of(official, tracking), "closed");
    // Sweeps that run now leave it: it closed today.
    auto const before = sweeps();
    ASSERT_TRUE(eventually([&] { return sweeps() >= before + 2; })) << gateway->log();
    auto const petition = [&](session const& s) {
        return json::parse(get(s, "/staff/console/api/petitions/" + tracking).body);
    };
    EXPECT_EQ(petition(official)["description"], description);

    set_clock(now_ms + 31LL * 24 * 3'600'000);
    auto const later = login_ok("official");  // the first session ended long ago
    ASSERT_TRUE(eventually([&] { return petition(later).contains("erased_at"); })) << gateway->log();
    auto const after = petition(later);
    EXPECT_EQ(after["description"], "");
    EXPECT_EQ(after["timeline"].back()["kind"], "erasure");
    EXPECT_EQ(after["timeline"].back()["note"], "retention: closed for more than 30 days");
    EXPECT_EQ(verify(port(), tracking)["intact"], true);
    EXPECT_TRUE(contains(http_get(port(), "/public/api/open-data/petitions.csv").body, tracking));
}

}  // namespace
}  // namespace pg::testing
