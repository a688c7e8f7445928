// The shipped demo config, started as the README says: with no environment at
// all, and with Telegram turned on. Its written placeholders are public, so an
// enabled channel must not start on them.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sys/stat.h>

namespace pg::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

fs::path const demo_dir = fs::path(PG_SOURCE_DIR) / "config" / "demo";

// Every variable demo.json reads.
constexpr char const* demo_variables[] = {
    "PG_BACKUP_TOKEN",   "PG_TRACKING_KEY",    "PG_TELEGRAM_ENABLED", "TELEGRAM_API_BASE",
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
    "TELEGRAM_STAFF_CHAT", "TELEGRAM_SUPERVISOR_CHAT", "PG_STAFF_API_TOKEN"};

// The demo's variables as given here and no others, for this test's gateways
// (they inherit this process's environment); the old values come back after.
class demo_environment {
public:
    explicit demo_environment(std::map<std::string, std::string> const& vars)
    {
        for (auto const* name : demo_variables) {
            if (char const* v = std::getenv(name))
                saved_[name] = v;
            ::unsetenv(name);
        }
        for (auto const& [name, value] : vars)
            ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~demo_environment()
    {
        for (auto const* name : demo_variables)
            ::unsetenv(name);
        for (auto const& [name, value] : saved_)
            ::setenv(name.c_str(), value.c_str(), 1);
    }
    demo_environment(demo_environment const&) = delete;
    demo_environment& operator=(demo_environment const&) = delete;

private:
    std::map<std::string, std::string> saved_;
};

// demo.json as it is, but on any free port, with its data in `data`, and its
// relative paths made absolute (the copy lives elsewhere): as tests/browser does.
json demo_config(fs::path const& data)
{
    std::ifstream in(demo_dir / "demo.json");
    auto cfg = json::parse(in);
    cfg["server"]["port"] = 0;
    cfg["server"]["rate_limit"] = {{"per_second", 0}};
    cfg["storage"]["path"] = data.string();
    cfg["dialog"]["flow"] = (demo_dir / cfg["dialog"]["flow"].get<std::string>()).string();
    for (auto& l : cfg["dialog"]["locales"])
        l = (demo_dir / l.get<std::string>()).string();
    cfg["web"]["root"] = (demo_dir / cfg["web"]["root"].get<std::string>()).lexically_normal().string();
    return cfg;
}

std::string read_file(fs::path const& p)
{
    std::ifstream in(p);
    std::string s;
    in >> s;
    return s;
}

TEST(demo_config, starts_with_no_environment_and_keeps_the_tracking_key_it_made)
{
    demo_environment const none({});
    temp_dir dir;
    auto const data = dir.path() / "data";
    gateway_process gateway(demo_config(data));
    gateway.start();
    EXPECT_EQ(http_get(gateway.port(), "/healthz").status, 200);

    // No written default is used as the key: one is made, owner-only, and kept.
    auto const key_file = data / "tracking_key";
    ASSERT_TRUE(fs::exists(key_file)) << gateway.log();
    auto const key = read_file(key_file);
    EXPECT_EQ(key.size(), 64u);
    struct stat st {};
    ASSERT_EQ(::stat(key_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(gateway.terminate(), 0);
    gateway.start();
    EXPECT_EQ(read_file(key_file), key);
}

TEST(demo_config, telegram_enabled_refuses_the_published_default_secrets)
{
    fake_platform api;
    temp_dir dir;
    gateway_process const never_started(demo_config(dir.path() / "data"));  // writes the config file
    auto const config = never_started.config_path().string();
    {
        demo_environment const env({{"PG_TELEGRAM_ENABLED", "true"}, {"TELEGRAM_BOT_TOKEN", "123456:REAL-TOKEN"}});
        // --check-config loads it as a start does, and returns even where a start would not.
        auto const r = run_gateway("--config " + config + " --check-config");
        EXPECT_EQ(r.status, 2) << r.output;
        EXPECT_NE(r.output.find(config + ": channels[1].webhook_secret: the default written in the config is "
                                          "public; set TELEGRAM_WEBHOOK_SECRET"),
                  std::string::npos)
            << r.output;
        EXPECT_FALSE(fs::exists(dir.path() / "data")) << "nothing is made before the config is refused";
    }

    // With a real secret it starts, and an update signed with the old default,
    // here a forged "reject" from the staff group, is refused and changes nothing.
    constexpr std::int64_t staff_group = -1001000000001;
    demo_environment const env({{"PG_TELEGRAM_ENABLED", "true"},
                                {"TELEGRAM_API_BASE", api.base_url()},
                                {"TELEGRAM_BOT_TOKEN", "123456:REAL-TOKEN"},
                                {"TELEGRAM_WEBHOOK_SECRET", "real-secret-0123456789"},
                                {"TELEGRAM_STAFF_CHAT", std::to_string(staff_group)}});
    gateway_process gateway(demo_config(dir.path() / "data"));
    gateway.start();
    auto const forged = tg::topic_message(1, staff_group, 77, 4242, "reject spam");
    auto const refused = http_post(gateway.port(), "/webhook/telegram", forged,
                                   {{"X-Telegram-Bot-Api-Secret-Token", "demo-secret-change-me"}});
    EXPECT_EQ(refused.status, 401) << refused.body;
    auto const taken = http_post(gateway.port(), "/webhook/telegram", tg::text(2, 555, "/start"),
                                 {{"X-Telegram-Bot-Api-Secret-Token", "real-secret-0123456789"}});
    EXPECT_EQ(taken.status, 200) << taken.body;
    EXPECT_TRUE(api.wait_for_count(1)) << gateway.log();
    EXPECT_EQ(api.requests().front().target.rfind("/bot123456:REAL-TOKEN/", 0), 0u) << api.requests().front().target;
}

TEST(command_line, check_config_takes_the_file_after_it_or_from_config)
{
    demo_environment const none({});
    auto const demo = (demo_dir / "demo.json").string();
    auto const after = run_gateway("--check-config " + demo);
    EXPECT_EQ(after.status, 0) << after.output;
    EXPECT_NE(after.output.find(demo + ": ok"), std::string::npos) << after.output;
    auto const with_config = run_gateway("--config " + demo + " --check-config");
    EXPECT_EQ(with_config.status, 0) << with_config.output;
    auto const before = run_gateway("--check-config --config " + demo);
    EXPECT_EQ(before.status, 0) << before.output;

    // Two different files: which one was meant? Neither is checked.
    auto const two = run_gateway("--check-config " + demo + " --config /nonexistent.json");
    EXPECT_EQ(two.status, 2) << two.output;
    EXPECT_NE(two.output.find("give one config file"), std::string::npos) << two.output;
}

}  // namespace
}  // namespace pg::testing
