#include "config/load.hpp"

#include "adapters/platform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

namespace pg::config {
namespace {

// Every registered platform's name, in the registry's order, as config lists them.
std::string known_types()
{
    std::string out;
    for (auto const& k : adapters::platform_kinds())
        out += (out.empty() ? "" : ", ") + std::string(k.name);
    return out;
}

namespace fs = std::filesystem;
using json = nlohmann::json;

// A channel's own setting, as its platform reads it ("" when absent).
std::string option(channel_settings const& c, char const* key)
{
    return c.options ? c.options->value(key, std::string()) : std::string();
}
bool option_flag(channel_settings const& c, char const* key) { return c.options && c.options->value(key, false); }

// A fresh directory under the system temp dir, removed afterwards.
class temp_dir {
public:
    temp_dir()
    {
        auto const* test = ::testing::UnitTest::GetInstance()->current_test_info();
        std::random_device rd;
        do {
            path_ = fs::temp_directory_path() / ("pg_config_" + std::string(test->name()) + "_" + std::to_string(rd()));
        } while (!fs::create_directory(path_));
    }
    ~temp_dir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::string write(std::string const& rel, std::string const& text) const
    {
        auto const p = path_ / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }
    std::string file(std::string const& rel) const { return (path_ / rel).string(); }

private:
    fs::path path_;
};

env_lookup env_of(std::map<std::string, std::string> vars)
{
    return [vars = std::move(vars)](std::string const& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

json small_flow()
{
    return json::parse(R"({
      "categories": [
        {"id": "roads", "department": "transport", "labels": {"en": "Roads", "zh-CN": "道路"}},
        {"id": "other", "department": "office", "labels": {"en": "Other", "zh-CN": "其他"}}
      ]})");
}

json locale_file(std::string const& code, std::string const& name, std::string const& welcome)
{
    return {{"code", code}, {"name", name}, {"matches", {code.substr(0, 2)}}, {"texts", {{"welcome", welcome}}}};
}

json minimal_config()
{
    return json::parse(R"({
      "tracking": {"key": "k"},
      "dialog": {"flow": "flows/citizen.json", "locales": ["locales/en.json", "locales/zh-CN.json"]},
      "channels": []})");
}

// Every key set, none to its default.
json full_config()
{
    return json::parse(R"({
      "server": {"listen": "0.0.0.0", "port": 9090, "io_threads": 2, "body_limit": 2048, "header_limit": 4096,
                 "header_timeout_ms": 1001, "read_timeout_ms": 1002, "idle_timeout_ms": 1003, "shutdown_grace_ms": 1004,
                 "max_connections": 50, "max_requests_per_connection": 60,
                 "rate_limit": {"per_second": 5, "burst": 7, "max_sources": 900},
                 "max_connections_per_source": 7, "first_request_timeout_ms": 1000, "webhook_reserve": 5},
      "storage": {"path": "/var/lib/pg", "sync": false, "threads": 8},
      "outbox": {"max_attempts": 3, "base_backoff_ms": 100, "max_backoff_ms": 200, "max_in_flight_per_channel": 5,
                 "request_timeout_ms": 300},
      "log": {"level": "debug"},
      "tracking": {"key": "tracking-key"},
      "dialog": {"flow": "flows/citizen.json", "locales": ["locales/en.json", "locales/zh-CN.json"]},
      "channels": [{"id": "telegram", "type": "telegram", "enabled": true, "api_base": "http://127.0.0.1:9000",
                    "bot_token": "123:abc", "webhook_secret": "hook_secret-1"},
                   {"id": "slack", "type": "slack", "enabled": true, "api_base": "http://127.0.0.1:9001/api",
                    "bot_token": "xoxb-1-2-abc", "signing_secret": "8f742231b10e8888abcd99yyyzzz85a5"}],
      "departments": [{"id": "transport", "staff_user_ids": ["123456789", "U024BE7LH"]}, {"id": "office"}],
      "staff": {"chats": [{"channel": "telegram", "chat": "-1001234567890", "departments": ["transport"]},
                          {"channel": "slack", "chat": "C024BE91L"}],
                "supervisors": [{"channel": "slack", "chat": "G012AB3CD", "departments": ["office"]}],
                "plain_reply": "progress", "language": "zh-CN", "max_transfers": 5},
      "deadlines": {"working_days": true, "time_zone": "Asia/Shanghai", "holidays": ["2026-12-25", "2028-02-29"],
                    "make_up_days": ["2026-09-26", "2026-10-11"], "remind_before_ms": 3600000,
                    "check_interval_ms": 5000},
      "retention": {"dedupe_days": 7, "conversation_days": 90, "closed_petition_days": 730, "audit_days": 0,
                    "sweep_interval_ms": 60000},
      "staff_api": {"tokens": [{"name": "cms", "token": "0123456789abcdef-cms", "departments": ["transport"]}]},
      "open311": {"enabled": true, "jurisdiction_id": "city.example", "api_keys": [{"name": "app", "key": "0123456789abcdef-app"}]},
      "testing": {"clock_file": "/tmp/pg-clock"}})");
}

// Writes the flow and locale files beside the config; returns the config's path.
std::string write_config(temp_dir const& d, json const& config)
{
    d.write("flows/citizen.json", small_flow().dump());
    d.write("locales/en.json", locale_file("en", "English", "Welcome").dump());
    d.write("locales/zh-CN.json", locale_file("zh-CN", "中文", "欢迎").dump());
    return d.write("demo.json", config.dump(2));
}

// What load() throws, or "" when it succeeds.
std::string error_of(std::string const& path, env_lookup const& env = env_of({}))
{
    try {
        load(path, env);
    } catch (config_error const& e) {
        return e.what();
    }
    return "";
}

// `value` is JSON text; empty removes the key.
void patch(json& j, std::string const& pointer, std::string const& value)
{
    json::json_pointer const p(pointer);
    if (value.empty())
        j.at(p.parent_pointer()).erase(p.back());
    else
        j[p] = json::parse(value);
}

TEST(load, absent_sections_and_keys_take_the_defaults)
{
    temp_dir d;
    auto const path = write_config(d, minimal_config());
    auto const s = load(path, env_of({}));

    server_settings const server;
    EXPECT_EQ(s.file, path);
    EXPECT_EQ(s.server.listen, server.listen);
    EXPECT_EQ(s.server.port, server.port);
    EXPECT_EQ(s.server.io_threads, server.io_threads);
    EXPECT_EQ(s.server.body_limit, server.body_limit);
    EXPECT_EQ(s.server.header_limit, server.header_limit);
    EXPECT_EQ(s.server.header_timeout, server.header_timeout);
    EXPECT_EQ(s.server.read_timeout, server.read_timeout);
    EXPECT_EQ(s.server.idle_timeout, server.idle_timeout);
    EXPECT_EQ(s.server.shutdown_grace, server.shutdown_grace);
    EXPECT_EQ(s.server.max_connections, server.max_connections);
    EXPECT_EQ(s.server.max_requests_per_connection, server.max_requests_per_connection);
    EXPECT_EQ(s.server.rate_limit.per_second, server.rate_limit.per_second);
    EXPECT_EQ(s.server.rate_limit.burst, server.rate_limit.burst);
    EXPECT_EQ(s.server.rate_limit.max_sources, server.rate_limit.max_sources);
    EXPECT_EQ(s.server.max_connections_per_source, server.max_connections_per_source);
    EXPECT_EQ(s.server.first_request_timeout, server.first_request_timeout);
    EXPECT_EQ(s.server.webhook_reserve, server.webhook_reserve);
    storage_settings const storage;
    EXPECT_EQ(s.storage.path, storage.path);
    EXPECT_EQ(s.storage.sync, storage.sync);
    EXPECT_EQ(s.storage.threads, storage.threads);
    outbox_settings const outbox;
    EXPECT_EQ(s.outbox.max_attempts, outbox.max_attempts);
    EXPECT_EQ(s.outbox.base_backoff, outbox.base_backoff);
    EXPECT_EQ(s.outbox.max_backoff, outbox.max_backoff);
    EXPECT_EQ(s.outbox.max_in_flight_per_channel, outbox.max_in_flight_per_channel);
    EXPECT_EQ(s.outbox.request_timeout, outbox.request_timeout);
    EXPECT_EQ(s.log.level, log_settings{}.level);
    EXPECT_EQ(s.tracking_key, "k");
    EXPECT_TRUE(s.channels.empty());
    staff_settings const staff;
    EXPECT_TRUE(s.staff.chats.empty());
    EXPECT_TRUE(s.staff.supervisors.empty());
    EXPECT_TRUE(s.staff.departments.empty());
    EXPECT_EQ(s.staff.plain_reply, staff.plain_reply);
    EXPECT_EQ(staff.plain_reply, model::petition_action::note);  // plain staff messages are internal by default
    EXPECT_EQ(s.staff.language, staff.language);
    EXPECT_EQ(s.staff.max_transfers, 3);  // the third transfer escalates
    deadline_settings const deadlines;
    EXPECT_EQ(s.deadlines.working_days, deadlines.working_days);
    EXPECT_TRUE(s.deadlines.holidays.empty());
    EXPECT_TRUE(s.deadlines.make_up_days.empty());
    EXPECT_TRUE(s.deadlines.zone.is_utc());
    EXPECT_EQ(s.deadlines.zone.name(), "UTC");
    EXPECT_EQ(s.deadlines.remind_before, deadlines.remind_before);
    EXPECT_EQ(s.deadlines.check_interval, deadlines.check_interval);
    EXPECT_EQ(s.retention.dedupe_days, 30u);
    EXPECT_EQ(s.retention.conversation_days, 365u);
    EXPECT_EQ(s.retention.closed_petition_days, 0u);  // closed petitions keep their text unless configured
    EXPECT_EQ(s.retention.audit_days, 365u);
    EXPECT_EQ(s.retention.sweep_interval, milliseconds{3'600'000});
    EXPECT_TRUE(s.staff_api_tokens.empty());
    EXPECT_TRUE(s.testing.clock_file.empty());
    ASSERT_EQ(s.dialog.locales.size(), 2u);
    EXPECT_EQ(s.dialog.citizen.categories.size(), 2u);
}

// Unset, the first-request timeout and the webhook reserve follow the keys that
// bound them, so setting only those is never an error.
TEST(load, first_request_timeout_and_webhook_reserve_follow_idle_timeout_and_max_connections)
{
    temp_dir d;
    auto config = minimal_config();
    config["server"] = {{"idle_timeout_ms", 2000}, {"max_connections", 80}};
    auto const s = load(write_config(d, config), env_of({}));
    EXPECT_EQ(s.server.first_request_timeout, milliseconds{2000});
    EXPECT_EQ(s.server.webhook_reserve, 10u);

    config["server"] = {{"max_connections", 1}};
    EXPECT_EQ(load(write_config(d, config), env_of({})).server.webhook_reserve, 0u);
    config["server"] = {{"max_connections_per_source", 0}, {"webhook_reserve", 0}};
    auto const off = load(write_config(d, config), env_of({}));
    EXPECT_EQ(off.server.max_connections_per_source, 0u);
    EXPECT_EQ(off.server.webhook_reserve, 0u);
}

TEST(load, reads_every_section)
{
    temp_dir d;
    auto const s = load(write_config(d, full_config()), env_of({}));

    EXPECT_EQ(s.server.listen, "0.0.0.0");
    EXPECT_EQ(s.server.port, 9090);
    EXPECT_EQ(s.server.io_threads, 2u);
    EXPECT_EQ(s.server.body_limit, 2048u);
    EXPECT_EQ(s.server.header_limit, 4096u);
    EXPECT_EQ(s.server.header_timeout, milliseconds{1001});
    EXPECT_EQ(s.server.read_timeout, milliseconds{1002});
    EXPECT_EQ(s.server.idle_timeout, milliseconds{1003});
    EXPECT_EQ(s.server.shutdown_grace, milliseconds{1004});
    EXPECT_EQ(s.server.max_connections, 50u);
    EXPECT_EQ(s.server.max_requests_per_connection, 60u);
    EXPECT_EQ(s.server.rate_limit.per_second, 5u);
    EXPECT_EQ(s.server.rate_limit.burst, 7u);
    EXPECT_EQ(s.server.rate_limit.max_sources, 900u);
    EXPECT_EQ(s.server.max_connections_per_source, 7u);
    EXPECT_EQ(s.server.first_request_timeout, milliseconds{1000});
    EXPECT_EQ(s.server.webhook_reserve, 5u);
    EXPECT_EQ(s.storage.path, "/var/lib/pg");
    EXPECT_FALSE(s.storage.sync);
    EXPECT_EQ(s.storage.threads, 8u);
    EXPECT_EQ(s.outbox.max_attempts, 3u);
    EXPECT_EQ(s.outbox.base_backoff, milliseconds{100});
    EXPECT_EQ(s.outbox.max_backoff, milliseconds{200});
    EXPECT_EQ(s.outbox.max_in_flight_per_channel, 5u);
    EXPECT_EQ(s.outbox.request_timeout, milliseconds{300});
    EXPECT_EQ(s.log.level, "debug");
    EXPECT_EQ(s.tracking_key, "tracking-key");

    ASSERT_EQ(s.channels.size(), 2u);
    auto const& c = s.channels[0];
    EXPECT_EQ(c.id, "telegram");
    EXPECT_EQ(c.type, "telegram");
    EXPECT_TRUE(c.enabled);
    EXPECT_EQ(c.api_base, "http://127.0.0.1:9000");
    EXPECT_EQ(option(c, "bot_token"), "123:abc");
    EXPECT_EQ(option(c, "webhook_secret"), "hook_secret-1");
    auto const& slack = s.channels[1];
    EXPECT_EQ(slack.id, "slack");
    EXPECT_EQ(slack.type, "slack");
    EXPECT_TRUE(slack.enabled);
    EXPECT_EQ(slack.api_base, "http://127.0.0.1:9001/api");
    EXPECT_EQ(option(slack, "bot_token"), "xoxb-1-2-abc");
    EXPECT_EQ(option(slack, "signing_secret"), "8f742231b10e8888abcd99yyyzzz85a5");

    ASSERT_EQ(s.staff.departments.size(), 2u);
    EXPECT_EQ(s.staff.departments[0].id, "transport");
    EXPECT_EQ(s.staff.departments[0].staff_user_ids, (std::vector<std::string>{"123456789", "U024BE7LH"}));
    EXPECT_EQ(s.staff.departments[1].id, "office");
    EXPECT_TRUE(s.staff.departments[1].staff_user_ids.empty());
    ASSERT_EQ(s.staff.chats.size(), 2u);
    EXPECT_EQ(s.staff.chats[0].channel, "telegram");
    EXPECT_EQ(s.staff.chats[0].chat, "-1001234567890");
    EXPECT_EQ(s.staff.chats[0].departments, std::vector<std::string>{"transport"});
    EXPECT_EQ(s.staff.chats[1].channel, "slack");
    EXPECT_EQ(s.staff.chats[1].chat, "C024BE91L");
    EXPECT_TRUE(s.staff.chats[1].departments.empty());
    ASSERT_EQ(s.staff.supervisors.size(), 1u);
    EXPECT_EQ(s.staff.supervisors[0].channel, "slack");
    EXPECT_EQ(s.staff.supervisors[0].chat, "G012AB3CD");
    EXPECT_EQ(s.staff.supervisors[0].departments, std::vector<std::string>{"office"});
    EXPECT_EQ(s.staff.plain_reply, model::petition_action::progress);
    EXPECT_EQ(s.staff.language, "zh-CN");
    EXPECT_EQ(s.staff.max_transfers, 5);

    EXPECT_EQ(s.retention.dedupe_days, 7u);
    EXPECT_EQ(s.retention.conversation_days, 90u);
    EXPECT_EQ(s.retention.closed_petition_days, 730u);
    EXPECT_EQ(s.retention.audit_days, 0u);
    EXPECT_EQ(s.retention.sweep_interval, milliseconds{60'000});

    EXPECT_TRUE(s.deadlines.working_days);
    EXPECT_EQ(s.deadlines.holidays, (std::vector<std::string>{"2026-12-25", "2028-02-29"}));
    EXPECT_EQ(s.deadlines.make_up_days, (std::vector<std::string>{"2026-09-26", "2026-10-11"}));
    EXPECT_EQ(s.deadlines.zone.name(), "Asia/Shanghai");
    EXPECT_FALSE(s.deadlines.zone.is_utc());
    EXPECT_EQ(s.deadlines.zone.offset(model::from_millis(1'764'921'600'000)), std::chrono::hours{8});
    EXPECT_EQ(s.deadlines.remind_before, milliseconds{3'600'000});
    EXPECT_EQ(s.deadlines.check_interval, milliseconds{5'000});
    ASSERT_EQ(s.staff_api_tokens.size(), 1u);
    EXPECT_EQ(s.staff_api_tokens[0].name, "cms");
    EXPECT_EQ(s.staff_api_tokens[0].token, "0123456789abcdef-cms");
    EXPECT_EQ(s.staff_api_tokens[0].departments, std::vector<std::string>{"transport"});
    EXPECT_TRUE(s.open311.enabled);
    EXPECT_EQ(s.open311.jurisdiction_id, "city.example");
    ASSERT_EQ(s.open311.api_keys.size(), 1u);
    EXPECT_EQ(s.open311.api_keys[0].name, "app");
    EXPECT_EQ(s.open311.api_keys[0].key, "0123456789abcdef-app");
    EXPECT_EQ(s.testing.clock_file, "/tmp/pg-clock");

    ASSERT_EQ(s.dialog.locales.size(), 2u);
    EXPECT_EQ(s.dialog.locales[0].code, "en");
    EXPECT_EQ(s.dialog.locales[1].code, "zh-CN");
    EXPECT_EQ(s.dialog.locales[1].texts.at("welcome"), "欢迎");
    ASSERT_EQ(s.dialog.citizen.categories.size(), 2u);
    EXPECT_EQ(s.dialog.citizen.categories[0].labels.at("zh-CN"), "道路");
}

TEST(load, rejects_bad_values_naming_file_key_and_reason)
{
    struct case_ {
        char const* pointer;
        char const* value;  // JSON text; "" removes the key
        std::string expected;
    };
    std::string const long_secret(257, 'a');
    case_ const cases[] = {
        // server
        {"/server/port", R"("80a")", R"(server.port: expected an integer from 0 to 65535, found "80a")"},
        {"/server/port", "65536", "server.port: expected an integer from 0 to 65535, found 65536"},
        {"/server/port", "-1", "server.port: expected an integer from 0 to 65535, found -1"},
        {"/server/port", "8080.5", "server.port: expected an integer from 0 to 65535, found 8080.5"},
        {"/server/port", "true", "server.port: expected an integer from 0 to 65535, found true"},
        {"/server/port", "null", "server.port: expected an integer from 0 to 65535, found null"},
        {"/server/io_threads", "0", "server.io_threads: expected an integer from 1 to 64, found 0"},
        {"/server/io_threads", "65", "server.io_threads: expected an integer from 1 to 64, found 65"},
        {"/server/body_limit", "1023", "server.body_limit: expected an integer from 1024 to 67108864, found 1023"},
        {"/server/body_limit", "67108865",
         "server.body_limit: expected an integer from 1024 to 67108864, found 67108865"},
        {"/server/header_limit", "1048577",
         "server.header_limit: expected an integer from 1024 to 1048576, found 1048577"},
        {"/server/header_timeout_ms", "0", "server.header_timeout_ms: expected an integer from 1 to 3600000, found 0"},
        {"/server/read_timeout_ms", "3600001",
         "server.read_timeout_ms: expected an integer from 1 to 3600000, found 3600001"},
        {"/server/idle_timeout_ms", R"("")",
         "server.idle_timeout_ms: expected an integer from 1 to 3600000, found an empty string"},
        {"/server/shutdown_grace_ms", "[]",
         "server.shutdown_grace_ms: expected an integer from 1 to 3600000, found an empty array"},
        {"/server/max_connections", "0", "server.max_connections: expected an integer from 1 to 1000000, found 0"},
        {"/server/listen", R"("")", "server.listen: expected a non-empty string, found an empty string"},
        {"/server/rate_limit", "20", "server.rate_limit: expected an object, found 20"},
        {"/server/rate_limit/per_second", "-1",
         "server.rate_limit.per_second: expected an integer from 0 to 1000000, found -1"},
        {"/server/rate_limit/per_second", "2.5",
         "server.rate_limit.per_second: expected an integer from 0 to 1000000, found 2.5"},
        {"/server/rate_limit/burst", "0", "server.rate_limit.burst: expected an integer from 1 to 1000000, found 0"},
        {"/server/rate_limit/max_sources", "10000001",
         "server.rate_limit.max_sources: expected an integer from 1 to 10000000, found 10000001"},
        {"/server/rate_limit/rate", "1",
         "server.rate_limit.rate: unknown key; expected one of: per_second, burst, max_sources, session_per_minute, "
         "session_burst"},
        {"/server/listen", "127", "server.listen: expected a non-empty string, found 127"},
        {"/server", R"("x")", R"(server: expected an object, found "x")"},
        {"/server/prot", "1",
         "server.prot: unknown key; expected one of: node, listen, port, io_threads, body_limit, header_limit, "
         "header_timeout_ms, read_timeout_ms, idle_timeout_ms, shutdown_grace_ms, max_connections, max_requests_per_connection, "
         "rate_limit, max_connections_per_source, first_request_timeout_ms, webhook_reserve, allowed_hosts"},
        {"/server/my key", "1",
         R"(server["my key"]: unknown key; expected one of: node, listen, port, io_threads, body_limit, header_limit, )"
         "header_timeout_ms, read_timeout_ms, idle_timeout_ms, shutdown_grace_ms, max_connections, max_requests_per_connection, "
         "rate_limit, max_connections_per_source, first_request_timeout_ms, webhook_reserve, allowed_hosts"},
        {"/server/max_connections_per_source", "-1",
         "server.max_connections_per_source: expected an integer from 0 to 1000000, found -1"},
        {"/server/max_connections_per_source", R"("many")",
         R"(server.max_connections_per_source: expected an integer from 0 to 1000000, found "many")"},
        {"/server/first_request_timeout_ms", "0",
         "server.first_request_timeout_ms: expected an integer from 1 to 3600000, found 0"},
        {"/server/first_request_timeout_ms", "1004",
         "server.first_request_timeout_ms: must not exceed idle_timeout_ms (1003), found 1004"},
        {"/server/webhook_reserve", "-1", "server.webhook_reserve: expected an integer from 0 to 1000000, found -1"},
        {"/server/webhook_reserve", "50", "server.webhook_reserve: must be less than max_connections (50), found 50"},
        {"/bogus", "{}",
         "bogus: unknown key; expected one of: server, storage, outbox, log, tracking, dialog, channels, departments, "
         "staff, deadlines, staff_api, web, console, open311, testing, retention, districts"},
        // storage
        {"/storage/path", R"("")", "storage.path: expected a non-empty string, found an empty string"},
        {"/storage/sync", R"("yes")", R"(storage.sync: expected true or false, found "yes")"},
        {"/storage/sync", "1", "storage.sync: expected true or false, found 1"},
        {"/storage/threads", "0", "storage.threads: expected an integer from 1 to 64, found 0"},
        {"/storage/threads", "65", "storage.threads: expected an integer from 1 to 64, found 65"},
        {"/storage/fsync", "true", "storage.fsync: unknown key; expected one of: backend, postgresql, path, sync, "
                                       "threads, backup_token, webchat_history_max"},
        {"/storage/backend", R"("mysql")", R"(storage.backend: expected one of: rocksdb, postgresql, found "mysql")"},
        {"/storage/backend", R"("postgresql")",
         "storage.postgresql: backend postgresql needs postgresql.dsn (a libpq connection string)"},
        {"/storage/postgresql", R"({"dsn": "host=db", "pool": 4})",
         "storage.postgresql.pool: unknown key; expected one of: dsn, pool_size"},
        {"/storage/postgresql", R"({"dsn": "host=db", "pool_size": 1})",
         "storage.postgresql.pool_size: expected an integer from 2 to 1000, found 1"},
        {"/server/node", R"("node one")",
         R"(server.node: expected 1 to 64 of A-Z a-z 0-9 . _ -, found "node one")"},
        {"/outbox/lease_ms", "99", "outbox.lease_ms: expected an integer from 100 to 3600000, found 99"},
        // outbox
        {"/outbox/max_attempts", "0", "outbox.max_attempts: expected an integer from 1 to 1000, found 0"},
        {"/outbox/max_attempts", "1001", "outbox.max_attempts: expected an integer from 1 to 1000, found 1001"},
        {"/outbox/base_backoff_ms", "201", "outbox.base_backoff_ms: must not exceed max_backoff_ms (200), found 201"},
        {"/outbox/max_backoff_ms", "0", "outbox.max_backoff_ms: expected an integer from 1 to 3600000, found 0"},
        {"/outbox/max_in_flight_per_channel", "0",
         "outbox.max_in_flight_per_channel: expected an integer from 1 to 10000, found 0"},
        {"/outbox/request_timeout_ms", "3600001",
         "outbox.request_timeout_ms: expected an integer from 1 to 3600000, found 3600001"},
        {"/outbox/retries", "1",
         "outbox.retries: unknown key; expected one of: max_attempts, base_backoff_ms, max_backoff_ms, "
         "max_in_flight_per_channel, request_timeout_ms, lease_ms"},
        // log
        {"/log/level", R"("verbose")", R"(log.level: expected one of: debug, info, warn, error, found "verbose")"},
        {"/log/level", "3", "log.level: expected a string, found 3"},
        {"/log/format", R"("json")", "log.format: unknown key; expected one of: level"},
        // tracking
        {"/tracking/key", "", "tracking.key: missing"},
        {"/tracking", "", "tracking.key: missing"},
        {"/tracking/key", "42", "tracking.key: expected a string, found a number"},  // "": the gateway makes one
        {"/tracking/salt", R"("x")", "tracking.salt: unknown key; expected one of: key"},
        // dialog
        {"/dialog", "", "dialog: missing"},
        {"/dialog/flow", "", "dialog.flow: missing"},
        {"/dialog/flow", R"("")", "dialog.flow: expected a non-empty string, found an empty string"},
        {"/dialog/locales", "", "dialog.locales: missing"},
        {"/dialog/locales", "[]", "dialog.locales: expected at least one locale file, found an empty array"},
        {"/dialog/locales", R"("locales/en.json")", R"(dialog.locales: expected an array, found "locales/en.json")"},
        {"/dialog/locales/0", "1", "dialog.locales[0]: expected a non-empty string, found 1"},
        {"/dialog/texts", "[]", "dialog.texts: unknown key; expected one of: flow, locales"},
        // channels
        {"/channels", "", "channels: missing"},
        {"/channels", "{}", "channels: expected an array, found an empty object"},
        {"/channels/0", R"("telegram")", R"(channels[0]: expected an object, found "telegram")"},
        {"/channels/0/id", "", "channels[0].id: missing"},
        {"/channels/0/id", R"("Tele gram")",
         R"(channels[0].id: expected 1 to 32 characters of a-z 0-9 _ -, found "Tele gram")"},
        {"/channels/0/id", R"("abcdefghijklmnopqrstuvwxyz0123456")",
         R"(channels[0].id: expected 1 to 32 characters of a-z 0-9 _ -, found "abcdefghijklmnopqrstuvwxyz0123456")"},
        {"/channels/0/type", "", "channels[0].type: missing"},
        {"/channels/0/type", R"("fax")", "channels[0].type: expected one of: " + known_types() + R"(, found "fax")"},
        {"/channels/0/type", R"("slack")",
         "channels[0].webhook_secret: unknown key; expected one of: id, type, enabled, api_base, bot_token, "
         "signing_secret"},
        {"/channels/0/token", R"("x")",
         "channels[0].token: unknown key; expected one of: id, type, enabled, api_base, bot_token, webhook_secret"},
        {"/channels/0/enabled", R"("maybe")", R"(channels[0].enabled: expected true or false, found "maybe")"},
        {"/channels/0/api_base", R"("ftp://example.org")",
         R"(channels[0].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "ftp://example.org")"},
        {"/channels/0/api_base", R"("https://")",
         R"(channels[0].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "https://")"},
        {"/channels/0/api_base", R"("https://example.org//")",
         R"(channels[0].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "https://example.org//")"},
        {"/channels/0/api_base", R"("http://:8080")",
         R"(channels[0].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "http://:8080")"},
        {"/channels/0/api_base", R"("api.telegram.org")",
         R"(channels[0].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "api.telegram.org")"},
        {"/channels/0/bot_token", "", "channels[0].bot_token: missing"},
        {"/channels/0/bot_token", R"("")",
         "channels[0].bot_token: expected a non-empty string without whitespace, found an empty string"},
        {"/channels/0/bot_token", R"("123:abc def")",
         "channels[0].bot_token: expected a non-empty string without whitespace, found a string of 11 characters"},
        {"/channels/0/bot_token", "123", "channels[0].bot_token: expected a string, found a number"},
        {"/channels/0/webhook_secret", "", "channels[0].webhook_secret: missing"},
        {"/channels/0/webhook_secret", R"("not allowed!")",
         "channels[0].webhook_secret: expected 1 to 256 characters of A-Z a-z 0-9 _ -, found a string of 12 characters"},
        {"/channels/0/webhook_secret", R"("")",
         "channels[0].webhook_secret: expected 1 to 256 characters of A-Z a-z 0-9 _ -, found an empty string"},
        {"/channels/0/webhook_secret", nullptr,
         "channels[0].webhook_secret: expected 1 to 256 characters of A-Z a-z 0-9 _ -, found a string of 257 characters"},
        // a Slack channel
        {"/channels/1/api_base", R"("slack.com/api")",
         R"(channels[1].api_base: expected an http:// or https:// URL with a host and no trailing slash, found "slack.com/api")"},
        {"/channels/1/bot_token", "", "channels[1].bot_token: missing"},
        {"/channels/1/bot_token", R"("xoxb 1")",
         "channels[1].bot_token: expected a non-empty string without whitespace, found a string of 6 characters"},
        {"/channels/1/signing_secret", "", "channels[1].signing_secret: missing"},
        {"/channels/1/signing_secret", R"("")",
         "channels[1].signing_secret: expected a non-empty string without whitespace, found an empty string"},
        {"/channels/1/signing_secret", "7", "channels[1].signing_secret: expected a string, found a number"},
        {"/channels/1/webhook_secret", R"("x")",
         "channels[1].webhook_secret: unknown key; expected one of: id, type, enabled, api_base, bot_token, "
         "signing_secret"},
        // departments
        {"/departments", "{}", "departments: expected an array, found an empty object"},
        {"/departments/0", R"("transport")", R"(departments[0]: expected an object, found "transport")"},
        {"/departments/0/id", "", "departments[0].id: missing"},
        {"/departments/0/id", R"("Transport")",
         R"(departments[0].id: expected 1 to 24 characters of a-z 0-9 _, found "Transport")"},
        {"/departments/0/id", R"("abcdefghijklmnopqrstuvwxy")",
         R"(departments[0].id: expected 1 to 24 characters of a-z 0-9 _, found "abcdefghijklmnopqrstuvwxy")"},
        {"/departments/1/id", R"("transport")", R"(departments[1].id: duplicate "transport" (also departments[0].id))"},
        {"/departments/0/staff_user_ids", R"("123")", R"(departments[0].staff_user_ids: expected an array, found "123")"},
        {"/departments/0/staff_user_ids/0", "123456789",
         "departments[0].staff_user_ids[0]: expected a non-empty string, found 123456789"},
        {"/departments/0/staff_user_ids/1", R"("")",
         "departments[0].staff_user_ids[1]: expected a non-empty string, found an empty string"},
        {"/departments/0/staff", "[]", "departments[0].staff: unknown key; expected one of: id, staff_user_ids"},
        // staff
        {"/staff", "[]", "staff: expected an object, found an empty array"},
        {"/staff/chats", "{}", "staff.chats: expected an array, found an empty object"},
        {"/staff/chats/0/channel", "", "staff.chats[0].channel: missing"},
        {"/staff/chats/0/channel", R"("telegarm")",
         R"(staff.chats[0].channel: "telegarm" is not the id of a channel in channels; expected one of: telegram, slack)"},
        {"/staff/supervisors/0/channel", R"("")",
         "staff.supervisors[0].channel: expected a non-empty string, found an empty string"},
        {"/staff/chats/0/chat", "", "staff.chats[0].chat: missing"},
        {"/staff/chats/0/chat", "-1001234567890", "staff.chats[0].chat: expected a string, found -1001234567890"},
        {"/staff/chats/0/chat", R"("-100 1234")",
         R"(staff.chats[0].chat: expected a chat id without whitespace, found "-100 1234")"},
        {"/staff/chats/1", R"({"channel": "telegram", "chat": "-1001234567890"})",
         R"(staff.chats[1].chat: duplicate "-1001234567890" on channel "telegram" (also staff.chats[0].chat))"},
        {"/staff/chats/0/departments", R"("transport")",
         R"(staff.chats[0].departments: expected an array, found "transport")"},
        {"/staff/chats/0/departments/0", R"("trasport")",
         R"(staff.chats[0].departments[0]: "trasport" is not the id of a department in departments; expected one of: transport, office)"},
        {"/staff/supervisors/0/departments/0", R"("")",
         "staff.supervisors[0].departments[0]: expected a non-empty string, found an empty string"},
        {"/staff/chats/0/topic", "1", "staff.chats[0].topic: unknown key; expected one of: channel, chat, departments"},
        {"/staff/plain_reply", R"("reply")",
         R"(staff.plain_reply: expected one of: internal, progress, answer, found "reply")"},
        {"/staff/plain_reply", R"("note")",
         R"(staff.plain_reply: "note" is no longer a value: write "progress" for a progress note sent to the citizen, )"
         R"(or "internal" for an internal note that is not)"},
        {"/staff/plain_reply", "true", "staff.plain_reply: expected a string, found true"},
        {"/staff/max_transfers", "-1", "staff.max_transfers: expected an integer from 0 to 100, found -1"},
        {"/staff/max_transfers", "101", "staff.max_transfers: expected an integer from 0 to 100, found 101"},
        {"/staff/language", R"("fr")", R"(staff.language: "fr" is not a loaded locale; loaded: en, zh-CN)"},
        {"/staff/language", R"("")", "staff.language: expected a non-empty string, found an empty string"},
        {"/staff/chat", "[]", "staff.chat: unknown key; expected one of: chats, supervisors, plain_reply, language, max_transfers"},
        // deadlines
        {"/deadlines", "true", "deadlines: expected an object, found true"},
        {"/deadlines/working_days", R"("yes")", R"(deadlines.working_days: expected true or false, found "yes")"},
        {"/deadlines/holidays", R"("2026-12-25")", R"(deadlines.holidays: expected an array, found "2026-12-25")"},
        {"/deadlines/holidays/0", "20261225", "deadlines.holidays[0]: expected a string, found 20261225"},
        {"/deadlines/holidays/0", R"("2026-02-29")",
         R"(deadlines.holidays[0]: expected a date as YYYY-MM-DD, found "2026-02-29")"},
        {"/deadlines/holidays/1", R"("2026-13-01")",
         R"(deadlines.holidays[1]: expected a date as YYYY-MM-DD, found "2026-13-01")"},
        {"/deadlines/holidays/0", R"("2026-1-05")",
         R"(deadlines.holidays[0]: expected a date as YYYY-MM-DD, found "2026-1-05")"},
        {"/deadlines/holidays/0", R"("2026-12-25 ")",
         R"(deadlines.holidays[0]: expected a date as YYYY-MM-DD, found "2026-12-25 ")"},
        {"/deadlines/holidays/0", R"("25.12.2026")",
         R"(deadlines.holidays[0]: expected a date as YYYY-MM-DD, found "25.12.2026")"},
        {"/deadlines/remind_before_ms", "0",
         "deadlines.remind_before_ms: expected an integer from 1 to 2592000000, found 0"},
        {"/deadlines/remind_before_ms", "2592000001",
         "deadlines.remind_before_ms: expected an integer from 1 to 2592000000, found 2592000001"},
        // retention
        {"/retention/dedupe_days", "1", "retention.dedupe_days: must be 0 (kept for good) or at least 2, found 1"},
        {"/retention/audit_days", "-1", "retention.audit_days: expected an integer from 0 to 36500, found -1"},
        {"/retention/closed_petition_days", R"("never")",
         R"(retention.closed_petition_days: expected an integer from 0 to 36500, found "never")"},
        {"/retention/sweep_interval_ms", "0",
         "retention.sweep_interval_ms: expected an integer from 1 to 3600000, found 0"},
        {"/retention/days", "30",
         "retention.days: unknown key; expected one of: dedupe_days, conversation_days, closed_petition_days, "
         "audit_days, sweep_interval_ms"},
        {"/deadlines/check_interval_ms", "0",
         "deadlines.check_interval_ms: expected an integer from 1 to 3600000, found 0"},
        {"/deadlines/check_interval_ms", "3600001",
         "deadlines.check_interval_ms: expected an integer from 1 to 3600000, found 3600001"},
        {"/deadlines/weekends", "[]",
         "deadlines.weekends: unknown key; expected one of: working_days, time_zone, holidays, make_up_days, "
         "remind_before_ms, check_interval_ms"},
        {"/deadlines/time_zone", R"("Asia/Beijing")",
         R"(deadlines.time_zone: unknown time zone "Asia/Beijing": expected an IANA name from the system's tz )"
         R"(database (/usr/share/zoneinfo), such as "Asia/Shanghai" or "UTC")"},
        {"/deadlines/time_zone", R"("../../etc/passwd")",
         R"(deadlines.time_zone: unknown time zone "../../etc/passwd": expected an IANA name from the system's tz )"
         R"(database (/usr/share/zoneinfo), such as "Asia/Shanghai" or "UTC")"},
        {"/deadlines/time_zone", R"("")", "deadlines.time_zone: expected a non-empty string, found an empty string"},
        {"/deadlines/time_zone", "8", "deadlines.time_zone: expected a non-empty string, found 8"},
        {"/deadlines/make_up_days", R"("2026-09-26")",
         R"(deadlines.make_up_days: expected an array, found "2026-09-26")"},
        {"/deadlines/make_up_days/1", R"("2026-10-32")",
         R"(deadlines.make_up_days[1]: expected a date as YYYY-MM-DD, found "2026-10-32")"},
        {"/deadlines/make_up_days/0", R"("2026-09-25")",
         R"(deadlines.make_up_days[0]: "2026-09-25" is not a Saturday or Sunday: a make-up day is a weekend day )"
         R"(worked; a weekday is a working day already)"},
        {"/deadlines/make_up_days/1", R"("2026-12-25")",
         R"(deadlines.make_up_days[1]: "2026-12-25" is also in deadlines.holidays[0]: a day is either a holiday )"
         R"(or a make-up working day)"},
        {"/deadlines/holidays/1", R"("2026-09-26")",
         R"(deadlines.make_up_days[0]: "2026-09-26" is also in deadlines.holidays[1]: a day is either a holiday )"
         R"(or a make-up working day)"},
        // staff_api
        {"/staff_api/tokens", R"("x")", R"(staff_api.tokens: expected an array, found "x")"},
        {"/staff_api/tokens/0/name", "", "staff_api.tokens[0].name: missing"},
        {"/staff_api/tokens/0/name", R"("CMS editor")",
         R"(staff_api.tokens[0].name: expected 1 to 32 characters of a-z 0-9 _ -, found "CMS editor")"},
        {"/staff_api/tokens/1", R"({"name": "cms", "token": "fedcba9876543210-other"})",
         R"(staff_api.tokens[1].name: duplicate "cms" (also staff_api.tokens[0].name))"},
        {"/staff_api/tokens/0/token", "", "staff_api.tokens[0].token: missing"},
        {"/staff_api/tokens/0/token", R"("0123456789abcde")",
         "staff_api.tokens[0].token: expected at least 16 characters without whitespace, found a string of 15 "
         "characters"},
        {"/staff_api/tokens/0/token", R"("0123456789 abcdef")",
         "staff_api.tokens[0].token: expected at least 16 characters without whitespace, found a string of 17 "
         "characters"},
        {"/staff_api/tokens/0/token", "1234567890123456",
         "staff_api.tokens[0].token: expected a string, found a number"},
        {"/staff_api/tokens/1", R"({"name": "crm", "token": "0123456789abcdef-cms"})",
         "staff_api.tokens[1].token: the same token as staff_api.tokens[0].token; give each user its own"},
        {"/staff_api/tokens/0/scope", R"("all")",
         "staff_api.tokens[0].scope: unknown key; expected one of: name, token, departments"},
        {"/staff_api/tokens/0/departments", R"("transport")",
         R"(staff_api.tokens[0].departments: expected an array, found "transport")"},
        {"/staff_api/tokens/0/departments/0", R"("roads")",
         R"(staff_api.tokens[0].departments[0]: "roads" is not the id of a department in departments; expected one of: transport, office)"},
        {"/staff_api/tokens/0/departments/0", R"("")",
         "staff_api.tokens[0].departments[0]: expected a non-empty string, found an empty string"},
        {"/staff_api/token", R"("x")", "staff_api.token: unknown key; expected one of: tokens"},
        // open311
        {"/open311/enabled", R"("yes")", R"(open311.enabled: expected true or false, found "yes")"},
        {"/open311/jurisdiction_id", R"("a city")",
         R"(open311.jurisdiction_id: expected at most 100 characters without whitespace, found "a city")"},
        {"/open311/api_keys/0/name", R"("City App")",
         R"(open311.api_keys[0].name: expected 1 to 32 characters of a-z 0-9 _ -, found "City App")"},
        {"/open311/api_keys/1", R"({"name": "app", "key": "fedcba9876543210-other"})",
         R"(open311.api_keys[1].name: duplicate "app" (also open311.api_keys[0].name))"},
        {"/open311/api_keys/0/key", R"("short")",
         "open311.api_keys[0].key: expected at least 16 characters without whitespace, found a string of 5 characters"},
        {"/open311/api_keys/1", R"({"name": "app2", "key": "0123456789abcdef-app"})",
         "open311.api_keys[1].key: the same key as open311.api_keys[0].key; give each client its own"},
        {"/open311/api_keys/0/token", R"("x")",
         "open311.api_keys[0].token: unknown key; expected one of: name, key"},
        {"/open311/keys", "[]", "open311.keys: unknown key; expected one of: enabled, jurisdiction_id, api_keys"},
        {"/channels/1/id", R"("open311")",
         R"(open311.enabled: a channel is named "open311", the channel id Open311 petitions are filed on; rename the channel)"},
        // testing
        {"/testing/clock_file", R"("")", "testing.clock_file: expected a non-empty string, found an empty string"},
        {"/testing/clock", R"("x")", "testing.clock: unknown key; expected one of: clock_file"},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto config = full_config();
        patch(config, c.pointer, c.value ? c.value : json(long_secret).dump());
        auto const path = write_config(d, config);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.pointer << " = " << (c.value ? c.value : "long");
    }
}

TEST(load, reports_files_it_cannot_read_or_parse)
{
    temp_dir d;
    auto const missing = d.file("nope.json");
    EXPECT_EQ(error_of(missing), missing + ": cannot read: No such file or directory");

    auto const dir = d.file("flows");
    write_config(d, minimal_config());
    EXPECT_EQ(error_of(dir), dir + ": cannot read: Is a directory");

    auto const broken = d.write("broken.json", R"({"server": })");
    EXPECT_EQ(error_of(broken), broken + ": not valid JSON: parse error at line 1, column 12: syntax error while "
                                         "parsing value - unexpected '}'; expected '[', '{', or a literal");

    auto const array = d.write("array.json", "[]");
    EXPECT_EQ(error_of(array), array + ": top level: expected an object, found an empty array");

    // The flow file is named by its path beside the config.
    auto const path = write_config(d, minimal_config());
    fs::remove(d.file("flows/citizen.json"));
    EXPECT_EQ(error_of(path), d.file("flows/citizen.json") + ": cannot read: No such file or directory");

    d.write("locales/zh-CN.json", "{\"code\": \"zh-CN\",,}");
    EXPECT_EQ(error_of(path), d.file("locales/zh-CN.json") +
                                  ": not valid JSON: parse error at line 1, column 18: syntax error while parsing "
                                  "object key - unexpected ','; expected string literal");
}

// Found by fuzz_config_load (tests/fuzz/seeds/fuzz_config_load/number-out-of-range.json):
// nlohmann throws out_of_range, not parse_error, for a number beyond a double.
TEST(load, numbers_beyond_a_double_are_a_config_error)
{
    temp_dir d;
    for (auto const* text : {R"({"server": {"port": 1e999}})", R"({"server": {"port": -1e999}})"}) {
        auto const path = d.write("huge.json", text);
        EXPECT_EQ(error_of(path), path + ": not valid JSON: a number is too large (beyond a double's range)") << text;
    }
}

// Found by fuzz_config_load (tests/fuzz/seeds/fuzz_config_load/parse-error-excerpt-leak.json):
// the file's own text can look like the "'; expected ..." that follows nlohmann's excerpt.
TEST(load, parse_errors_never_quote_the_file)
{
    struct case_ {
        char const* text;
        char const* expected;
    };
    case_ const cases[] = {
        {"{\"tracking\": {\"key\": \"k'; expected SECRETVALUE\xff\"}}",
         "parse error at line 1, column 47: syntax error while parsing value - invalid string: ill-formed UTF-8 byte"},
        {"{\"tracking\": {\"key\": \"SECRETVALUE'; expected '['\n\"}}",
         "parse error at line 2, column 0: syntax error while parsing value - invalid string: control character "
         "U+000A (LF) must be escaped to \\u000A or \\n"},
        // nlohmann's own "; expected" stays.
        {"{\"tracking\": {\"key\": \"x\"}, \"SECRET\\uZZZZ\": 1}",
         "parse error at line 1, column 37: syntax error while parsing object key - invalid string: '\\u' must be "
         "followed by 4 hex digits; expected string literal"},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto const path = d.write("broken.json", c.text);
        auto const message = error_of(path);
        EXPECT_EQ(message, path + ": not valid JSON: " + c.expected) << c.text;
        EXPECT_EQ(message.find("SECRET"), std::string::npos) << message;
    }
}

TEST(load, expands_environment_variables_in_strings)
{
    struct case_ {
        char const* raw;
        std::map<std::string, std::string> env;
        char const* expected;
    };
    case_ const cases[] = {
        {"${KEY}", {{"KEY", "abc"}}, "abc"},
        {"${KEY:-fallback}", {}, "fallback"},
        {"${KEY:-fallback}", {{"KEY", "abc"}}, "abc"},
        {"${KEY:-fallback}", {{"KEY", ""}}, "fallback"},        // as in the shell, empty takes the default
        {"${KEY:-a:-b c}", {}, "a:-b c"},                        // the default runs to the first '}'
        {"${A}-${B}", {{"A", "1"}, {"B", "2"}}, "1-2"},
        {"${A}${B}", {{"A", "1"}, {"B", "2"}}, "12"},
        {"pre-${A}-post", {{"A", "1"}}, "pre-1-post"},
        {"pre-${A:-x}-mid-${B}-post", {{"B", "2"}}, "pre-x-mid-2-post"},
        {"${A}", {{"A", "${B}"}, {"B", "no"}}, "${B}"},         // values are not expanded again
        {"$A and $ {B} and {C}", {{"A", "1"}}, "$A and $ {B} and {C}"},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto config = minimal_config();
        config["storage"] = {{"path", c.raw}};  // not a secret: a written default is fine here
        EXPECT_EQ(load(write_config(d, config), env_of(c.env)).storage.path, c.expected) << c.raw;
    }

    // Numbers, booleans, URLs and file names can come from the environment too.
    auto config = full_config();
    config["server"]["port"] = "${PORT:-8081}";
    config["storage"]["sync"] = "${SYNC}";
    config["channels"][0]["api_base"] = "${API:-https://api.telegram.org}/";
    config["dialog"]["locales"][1] = "${LOCALES}/zh-CN.json";
    auto const s = load(write_config(d, config), env_of({{"SYNC", "true"}, {"API", "http://10.0.0.1:81"}, {"LOCALES", "locales"}}));
    EXPECT_EQ(s.server.port, 8081);
    EXPECT_TRUE(s.storage.sync);
    EXPECT_EQ(s.channels.at(0).api_base, "http://10.0.0.1:81");
    EXPECT_EQ(s.dialog.locales.at(1).code, "zh-CN");
}

TEST(load, environment_errors_name_the_key_and_the_variable)
{
    struct case_ {
        char const* pointer;
        char const* raw;
        std::map<std::string, std::string> env;
        char const* expected;
    };
    char const* const bad_syntax = R"(: expected ${NAME} or ${NAME:-default} after "$", with NAME made of A-Z a-z 0-9 _)";
    case_ const cases[] = {
        {"/tracking/key", "${PG_TRACKING_KEY}", {}, "tracking.key: environment variable PG_TRACKING_KEY is not set"},
        {"/tracking/key", "x${A}${MISSING}y", {{"A", "1"}}, "tracking.key: environment variable MISSING is not set"},
        {"/channels/0/bot_token", "${TELEGRAM_BOT_TOKEN}", {},
         "channels[0].bot_token: environment variable TELEGRAM_BOT_TOKEN is not set"},
        {"/dialog/locales/1", "${LOCALE_DIR}/zh-CN.json", {}, "dialog.locales[1]: environment variable LOCALE_DIR is not set"},
        {"/server/port", "${PORT}", {{"PORT", "80a"}}, R"(server.port: expected an integer from 0 to 65535, found "80a")"},
        {"/server/port", "${PORT}", {{"PORT", " 80"}}, R"(server.port: expected an integer from 0 to 65535, found " 80")"},
        {"/storage/sync", "${SYNC:-yes}", {}, R"(storage.sync: expected true or false, found "yes")"},
        {"/tracking/key", "${unterminated", {}, ""},
        {"/tracking/key", "${1BAD}", {}, ""},
        {"/tracking/key", "${}", {}, ""},
        {"/tracking/key", "${A-B}", {}, ""},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto config = full_config();
        config[json::json_pointer(c.pointer)] = c.raw;
        auto const path = write_config(d, config);
        std::string const expected = *c.expected ? c.expected : std::string("tracking.key") + bad_syntax;
        EXPECT_EQ(error_of(path, env_of(c.env)), path + ": " + expected) << c.raw;
    }
}

// SMS (Twilio): its keys as the platform declares them; make()'s refusals name the key.
TEST(load, an_sms_channel_is_read_and_its_errors_name_the_key_never_the_token)
{
    json const sms = {{"id", "sms"}, {"type", "sms"}, {"account_sid", "AC0123456789abcdef0123456789abcdef"},
                      {"auth_token", "${TWILIO_AUTH_TOKEN}"}, {"from", "+15005550006"},
                      {"public_url", "https://petitions.example.org/webhook/sms"}, {"max_segments", 2}};
    std::map<std::string, std::string> const env{{"TWILIO_AUTH_TOKEN", "SECRETVALUE0123456789abcdef01234"}};
    temp_dir d;
    auto config = full_config();
    config["channels"].push_back(sms);
    auto const s = load(write_config(d, config), env_of(env));
    ASSERT_EQ(s.channels.size(), 3u);
    EXPECT_EQ(s.channels[2].api_base, "https://api.twilio.com");
    EXPECT_EQ(option(s.channels[2], "from"), "+15005550006");

    struct case_ {
        char const* key;
        json value;
        char const* expected;
    };
    case_ const cases[] = {
        {"account_sid", "AB0123", "channels[2].account_sid: expected \"AC\" and 32 hex digits"},
        {"from", "5005550006", "channels[2].from: expected an E.164 number"},
        {"messaging_service_sid", "MG0123456789abcdef0123456789abcdef", "channels[2].messaging_service_sid: set together with from"},
        {"public_url", "ftp://x", "channels[2].public_url: expected the webhook URL"},
        {"max_segments", 11, "channels[2].max_segments: expected 1 to 10"},
        {"auth_token", "SECRETVALUE with space", "channels[2].auth_token: expected a non-empty string without whitespace"},
    };
    for (auto const& c : cases) {
        auto broken = full_config();
        broken["channels"].push_back(sms);
        broken["channels"][2][c.key] = c.value;
        auto const message = error_of(write_config(d, broken), env_of(env));
        EXPECT_NE(message.find(c.expected), std::string::npos) << message;
        EXPECT_EQ(message.find("SECRETVALUE"), std::string::npos) << message;
    }
}

TEST(load, districts_read_areas_and_places_and_refuse_what_holds_nothing)
{
    temp_dir d;
    auto config = minimal_config();
    config["districts"] = json::parse(R"([
        {"id": "old_town", "area": {"south": 39.90, "west": 116.38, "north": 39.95, "east": 116.42},
         "places": ["Old Town", "老城"]},
        {"id": "harbour", "places": ["harbour road"]}])");
    auto const s = load(write_config(d, config), env_of({}));
    ASSERT_EQ(s.districts.size(), 2u);
    EXPECT_EQ(s.districts[0].area, (model::geo_box{39.90, 116.38, 39.95, 116.42}));
    EXPECT_EQ(s.districts[0].places, (std::vector<std::string>{"Old Town", "老城"}));
    EXPECT_FALSE(s.districts[1].area);
    EXPECT_TRUE(load(write_config(d, minimal_config()), env_of({})).districts.empty());

    struct case_ {
        char const* districts;
        char const* expected;
    };
    case_ const cases[] = {
        {R"([{"id": "x"}])", "districts[0]: expected an \"area\", \"places\" or both"},
        {R"([{"id": "Old Town", "places": ["a"]}])", "districts[0].id: expected 1 to 24 characters of a-z 0-9 _"},
        {R"([{"id": "a", "places": ["x"]}, {"id": "a", "places": ["y"]}])", "districts[1].id"},
        {R"([{"id": "a", "area": {"south": 91, "west": 0, "north": 92, "east": 1}}])",
         "districts[0].area.south: expected degrees from -90 to 90, found 91"},
        {R"([{"id": "a", "area": {"south": "1", "west": 0, "north": 2, "east": 1}}])",
         "districts[0].area.south: expected a number of degrees"},
        {R"([{"id": "a", "area": {"south": 2, "west": 0, "north": 1, "east": 1}}])",
         "districts[0].area: expected south <= north and west <= east"},
        {R"([{"id": "a", "area": {"south": 1, "west": 0, "north": 2}}])", "districts[0].area.east: missing"},
        {R"([{"id": "a", "places": [""]}])", "districts[0].places[0]"},
        {R"([{"id": "a", "places": ["x"], "polygon": []}])", "districts[0]"},
    };
    for (auto const& c : cases) {
        config["districts"] = json::parse(c.districts);
        auto const message = error_of(write_config(d, config));
        EXPECT_NE(message.find(c.expected), std::string::npos) << c.districts << "\n" << message;
    }
}

TEST(load, secrets_never_appear_in_error_messages)
{
    struct case_ {
        char const* pointer;
        json value;
        std::map<std::string, std::string> env;
    };
    case_ const cases[] = {
        {"/channels/0/bot_token", "12345:SECRETVALUE with space", {}},
        {"/channels/0/bot_token", 987654321, {}},
        {"/channels/0/bot_token", "${TOKEN}", {{"TOKEN", "SECRETVALUE\n"}}},
        {"/channels/0/webhook_secret", "SECRETVALUE!", {}},
        {"/channels/0/webhook_secret", std::string(300, 'S') + "SECRETVALUE", {}},
        {"/channels/0/webhook_secret", "${HOOK}", {{"HOOK", "SECRETVALUE?"}}},
        {"/channels/0/webhook_secret", json::array({"SECRETVALUE"}), {}},
        {"/tracking/key", 987654321, {}},
        {"/tracking/key", json::object({{"SECRETVALUE", 1}}), {}},
        {"/channels/0/token", "SECRETVALUE", {}},           // an unknown key: named, its value not shown
        {"/tracking/secret", "SECRETVALUE", {}},
        {"/channels/1/bot_token", "xoxb-SECRETVALUE with space", {}},
        {"/channels/1/bot_token", "${SLACK_TOKEN}", {{"SLACK_TOKEN", "SECRETVALUE\n"}}},
        {"/channels/1/signing_secret", "SECRETVALUE ", {}},
        {"/channels/1/signing_secret", 987654321, {}},
        {"/staff_api/tokens/0/token", "SECRETVALUE", {}},  // too short
        {"/staff_api/tokens/0/token", "${PG_STAFF_API_TOKEN}", {{"PG_STAFF_API_TOKEN", "SECRETVALUE 0123456789"}}},
        {"/staff_api/tokens/0/token", 987654321, {}},
        {"/staff_api/tokens/1", json{{"name", "copy"}, {"token", "0123456789abcdef-cms"}}, {}},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto config = full_config();
        config[json::json_pointer(c.pointer)] = c.value;
        auto const message = error_of(write_config(d, config), env_of(c.env));
        EXPECT_FALSE(message.empty()) << c.pointer;
        EXPECT_EQ(message.find("SECRETVALUE"), std::string::npos) << message;
        EXPECT_EQ(message.find("987654321"), std::string::npos) << message;
        EXPECT_EQ(message.find("0123456789abcdef"), std::string::npos) << message;  // the other token
    }

    // A syntax error inside a secret does not quote the secret either.
    auto const path = d.write("broken.json", "{\"tracking\": {\"key\": \"SECRETVALUE\n\"}}");
    auto const message = error_of(path);
    EXPECT_EQ(message, path + ": not valid JSON: parse error at line 2, column 0: syntax error while parsing value - "
                              "invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n");
    EXPECT_EQ(message.find("SECRETVALUE"), std::string::npos) << message;
}

TEST(load, disabled_channels_are_checked_for_shape_and_left_out)
{
    temp_dir d;
    auto config = full_config();
    // Its variables are unset and its URL is wrong: neither matters while it is disabled.
    config["channels"].insert(config["channels"].begin(), json::parse(R"(
        {"id": "old", "type": "telegram", "enabled": false, "api_base": "${OLD_API}",
         "bot_token": "${OLD_TOKEN}", "webhook_secret": "not valid!"})"));
    auto const s = load(write_config(d, config), env_of({}));
    ASSERT_EQ(s.channels.size(), 2u);
    EXPECT_EQ(s.channels[0].id, "telegram");
    EXPECT_EQ(s.channels[1].id, "slack");

    config["channels"][0]["enabled"] = "${OLD_ENABLED:-false}";
    EXPECT_EQ(load(write_config(d, config), env_of({})).channels.size(), 2u);

    struct case_ {
        char const* pointer;
        json value;
        std::string expected;
    };
    case_ const cases[] = {
        {"/channels/0/botToken", "x",
         "channels[0].botToken: unknown key; expected one of: id, type, enabled, api_base, bot_token, webhook_secret"},
        {"/channels/0/id", "Old", R"(channels[0].id: expected 1 to 32 characters of a-z 0-9 _ -, found "Old")"},
        {"/channels/0/type", "fax", "channels[0].type: expected one of: " + known_types() + R"(, found "fax")"},
        {"/channels/0/enabled", 0, "channels[0].enabled: expected true or false, found 0"},
        {"/channels/0/signing_secret", "x",
         "channels[0].signing_secret: unknown key; expected one of: id, type, enabled, api_base, bot_token, "
         "webhook_secret"},
    };
    for (auto const& c : cases) {
        auto bad = config;
        bad[json::json_pointer(c.pointer)] = c.value;
        auto const path = write_config(d, bad);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.pointer;
    }
}

TEST(load, rejects_duplicate_channel_ids)
{
    temp_dir d;
    auto config = full_config();
    config["channels"].push_back(config["channels"][0]);
    auto path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + R"(: channels[2].id: duplicate "telegram" (also channels[0].id))");

    // A disabled channel still holds its id, whatever its type.
    config["channels"][0]["enabled"] = false;
    config["channels"].push_back(json{{"id", "other"}, {"type", "telegram"}, {"enabled", false}});
    config["channels"].push_back(json{{"id", "other"}, {"type", "slack"}, {"enabled", false}});
    config["channels"][2]["id"] = "second";
    path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + R"(: channels[4].id: duplicate "other" (also channels[3].id))");
}

TEST(load, api_base_has_a_default_and_loses_one_trailing_slash)
{
    struct case_ {
        char const* value;  // nullptr: absent
        char const* expected;
    };
    case_ const cases[] = {
        {nullptr, "https://api.telegram.org"},
        {"https://api.telegram.org/", "https://api.telegram.org"},
        {"http://127.0.0.1:9000/", "http://127.0.0.1:9000"},
        {"http://127.0.0.1:9000/prefix", "http://127.0.0.1:9000/prefix"},
        {"http://[::1]:9000", "http://[::1]:9000"},
    };
    temp_dir d;
    for (auto const& c : cases) {
        auto config = full_config();
        if (c.value)
            config["channels"][0]["api_base"] = c.value;
        else
            config["channels"][0].erase("api_base");
        EXPECT_EQ(load(write_config(d, config), env_of({})).channels.at(0).api_base, c.expected);
    }
}

TEST(load, slack_api_base_has_its_own_default)
{
    temp_dir d;
    auto config = full_config();
    config["channels"][1].erase("api_base");
    EXPECT_EQ(load(write_config(d, config), env_of({})).channels.at(1).api_base, "https://slack.com/api");
}

TEST(load, webchat_channels_need_no_api_and_may_bring_their_own_session_secret)
{
    temp_dir d;
    auto config = minimal_config();
    config["channels"] = json::parse(R"([{"id": "web", "type": "webchat"}])");
    auto s = load(write_config(d, config), env_of({}));
    ASSERT_EQ(s.channels.size(), 1u);
    EXPECT_EQ(s.channels[0].type, "webchat");
    EXPECT_TRUE(s.channels[0].api_base.empty());
    EXPECT_TRUE(option(s.channels[0], "session_secret").empty());  // the gateway generates and keeps one

    config["channels"][0]["session_secret"] = "${WEB_SECRET}";
    s = load(write_config(d, config), env_of({{"WEB_SECRET", "0123456789abcdef"}}));
    EXPECT_EQ(option(s.channels.at(0), "session_secret"), "0123456789abcdef");

    struct case_ {
        char const* key;
        json value;
        char const* expected;
    };
    case_ const cases[] = {
        {"session_secret", "short", "channels[0].session_secret: expected at least 16 characters without whitespace, "
                                    "found a string of 5 characters"},
        {"session_secret", "0123456789 abcdef", "channels[0].session_secret: expected at least 16 characters without "
                                                "whitespace, found a string of 17 characters"},
        {"api_base", "http://127.0.0.1:9", "channels[0].api_base: a webchat channel calls no API: leave api_base out"},
        {"bot_token", "1:x", "channels[0].bot_token: unknown key; expected one of: id, type, enabled, api_base, "
                             "session_secret, secure_cookie"},
        {"secure_cookie", "yes", R"(channels[0].secure_cookie: expected true or false, found "yes")"},
    };
    for (auto const& c : cases) {
        auto bad = minimal_config();
        bad["channels"] = json::parse(R"([{"id": "web", "type": "webchat"}])");
        bad["channels"][0][c.key] = c.value;
        auto const path = write_config(d, bad);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.key;
    }
}

TEST(load, staff_chats_switched_off_are_left_out_but_still_checked)
{
    temp_dir d;
    auto config = full_config();
    config["channels"][1]["enabled"] = false;
    config["staff"]["chats"] = json::parse(R"([
        {"channel": "telegram", "chat": "${TELEGRAM_STAFF_CHAT:-}", "departments": ["transport"]},
        {"channel": "telegram", "chat": ""},
        {"channel": "slack", "chat": "${SLACK_STAFF_CHANNEL}"},
        {"channel": "telegram", "chat": "-1009"}])");
    config["staff"]["supervisors"] = json::parse(R"([
        {"channel": "telegram", "chat": "${TELEGRAM_SUPERVISOR_CHAT:-}"},
        {"channel": "slack", "chat": "G012AB3CD"}])");

    // Unset: only the chat written out is on. The Slack one is on a disabled
    // channel, so its unset variable is not even looked at.
    auto s = load(write_config(d, config), env_of({}));
    ASSERT_EQ(s.staff.chats.size(), 1u);
    EXPECT_EQ(s.staff.chats[0].chat, "-1009");
    EXPECT_TRUE(s.staff.supervisors.empty());

    // Set: the variables turn their chats on.
    s = load(write_config(d, config), env_of({{"TELEGRAM_STAFF_CHAT", "-1001"}, {"TELEGRAM_SUPERVISOR_CHAT", "-1002"},
                                              {"SLACK_STAFF_CHANNEL", "C1"}}));
    ASSERT_EQ(s.staff.chats.size(), 2u);
    EXPECT_EQ(s.staff.chats[0].channel, "telegram");
    EXPECT_EQ(s.staff.chats[0].chat, "-1001");
    EXPECT_EQ(s.staff.chats[0].departments, std::vector<std::string>{"transport"});
    EXPECT_EQ(s.staff.chats[1].chat, "-1009");
    ASSERT_EQ(s.staff.supervisors.size(), 1u);
    EXPECT_EQ(s.staff.supervisors[0].chat, "-1002");

    // Two switched-off chats are not duplicates of each other.
    config["staff"]["chats"][3]["chat"] = "";
    EXPECT_TRUE(load(write_config(d, config), env_of({})).staff.chats.empty());

    // Off or on, the channel and the departments must exist.
    struct case_ {
        char const* pointer;
        json value;
        char const* expected;
    };
    case_ const cases[] = {
        {"/staff/chats/1/channel", "telgram",
         R"(staff.chats[1].channel: "telgram" is not the id of a channel in channels; expected one of: telegram, slack)"},
        {"/staff/chats/2/departments", json::array({"roads"}),
         R"(staff.chats[2].departments[0]: "roads" is not the id of a department in departments; expected one of: transport, office)"},
        {"/staff/chats/2/chat", 5, "staff.chats[2].chat: expected a string, found 5"},
        {"/staff/supervisors/0/chat", "${NOT_SET}", "staff.supervisors[0].chat: environment variable NOT_SET is not set"},
    };
    for (auto const& c : cases) {
        auto bad = config;
        bad[json::json_pointer(c.pointer)] = c.value;
        auto const path = write_config(d, bad);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.pointer;
    }

    // With no channels at all, the message says so.
    auto bare = minimal_config();
    bare["staff"] = json::parse(R"({"chats": [{"channel": "telegram", "chat": ""}]})");
    auto const path = write_config(d, bare);
    EXPECT_EQ(error_of(path),
              path + R"(: staff.chats[0].channel: "telegram" is not the id of a channel in channels, which is empty)");
}

TEST(load, staff_chat_departments_are_free_while_no_departments_are_listed)
{
    temp_dir d;
    auto config = full_config();
    config.erase("departments");
    config["staff"]["chats"][0]["departments"] = {"anything"};
    auto const s = load(write_config(d, config), env_of({}));
    EXPECT_TRUE(s.staff.departments.empty());
    EXPECT_EQ(s.staff.chats.at(0).departments, std::vector<std::string>{"anything"});

    config["departments"] = json::array();
    EXPECT_EQ(load(write_config(d, config), env_of({})).staff.chats.at(0).departments,
              std::vector<std::string>{"anything"});
}

TEST(load, every_category_routes_to_a_listed_department)
{
    temp_dir d;
    auto config = full_config();
    config["departments"] = json::parse(R"([{"id": "transport"}, {"id": "parks"}])");
    config["staff"]["supervisors"][0].erase("departments");
    auto const path = write_config(d, config);
    EXPECT_EQ(error_of(path), d.file("flows/citizen.json") +
                                  R"(: categories[1].department: category "other" routes to "office", which is not )"
                                  "a department in " + path + "; expected one of: transport, parks");

    // Without a list of departments, categories route anywhere.
    config.erase("departments");
    EXPECT_EQ(load(write_config(d, config), env_of({})).dialog.citizen.categories.at(1).department, "office");
}

TEST(load, staff_language_left_out_is_en_or_else_the_first_locale)
{
    temp_dir d;
    auto config = minimal_config();
    EXPECT_EQ(load(write_config(d, config), env_of({})).staff.language, "en");

    // A deployment without English need not write a staff section.
    config["dialog"]["locales"] = {"locales/zh-CN.json"};
    auto flow = small_flow();
    flow["default_language"] = "zh-CN";
    auto const path = write_config(d, config);
    d.write("flows/citizen.json", flow.dump());
    EXPECT_EQ(load(path, env_of({})).staff.language, "zh-CN");

    // Written out, it must be loaded.
    config["staff"] = {{"language", "en"}};
    d.write("demo.json", config.dump());
    EXPECT_EQ(error_of(path), path + R"(: staff.language: "en" is not a loaded locale; loaded: zh-CN)");
}

TEST(load, staff_api_tokens_that_expand_to_nothing_are_left_out)
{
    temp_dir d;
    auto config = full_config();
    config["staff_api"]["tokens"] = json::parse(R"([
        {"name": "cms", "token": "${PG_STAFF_API_TOKEN:-}"},
        {"name": "crm", "token": ""},
        {"name": "ops", "token": "${OPS_TOKEN:-}"}])");
    EXPECT_TRUE(load(write_config(d, config), env_of({})).staff_api_tokens.empty());

    auto const s = load(write_config(d, config), env_of({{"PG_STAFF_API_TOKEN", "cms-token-0123456789"}}));
    ASSERT_EQ(s.staff_api_tokens.size(), 1u);
    EXPECT_EQ(s.staff_api_tokens[0].name, "cms");
    EXPECT_EQ(s.staff_api_tokens[0].token, "cms-token-0123456789");
    EXPECT_TRUE(s.staff_api_tokens[0].departments.empty());  // none listed: all

    // A token left out still has a name to check, and one name is one user.
    config["staff_api"]["tokens"][2]["name"] = "cms";
    auto const path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + R"(: staff_api.tokens[2].name: duplicate "cms" (also staff_api.tokens[0].name))");
}

TEST(load, dialog_files_resolve_against_the_config_directory)
{
    temp_dir d;
    // Not the working directory: the test runs from the build tree.
    d.write("etc/pg/flows/citizen.json", small_flow().dump());
    d.write("etc/shared/en.json", locale_file("en", "English", "Welcome").dump());
    auto const zh = d.write("elsewhere/zh-CN.json", locale_file("zh-CN", "中文", "欢迎").dump());
    auto config = minimal_config();
    config["dialog"]["locales"] = {"../shared/en.json", zh};  // relative and absolute
    auto const path = d.write("etc/pg/demo.json", config.dump());
    auto const s = load(path, env_of({}));
    ASSERT_EQ(s.dialog.locales.size(), 2u);
    EXPECT_EQ(s.dialog.locales[0].code, "en");
    EXPECT_EQ(s.dialog.locales[1].code, "zh-CN");
}

TEST(load, flow_and_locale_errors_name_their_own_file)
{
    temp_dir d;
    auto const path = write_config(d, minimal_config());

    auto flow = small_flow();
    flow["categories"][1]["labels"].erase("zh-CN");
    d.write("flows/citizen.json", flow.dump());
    EXPECT_EQ(error_of(path), d.file("flows/citizen.json") + R"(: categories[1].labels: missing "zh-CN")");

    d.write("flows/citizen.json", small_flow().dump());
    auto zh = locale_file("zh-CN", "中文", "欢迎");
    zh["texts"]["farewell"] = "再见";
    zh["texts"].erase("welcome");
    d.write("locales/zh-CN.json", zh.dump());
    EXPECT_EQ(error_of(path), d.file("locales/zh-CN.json") + R"(: texts: missing "welcome"; extra "farewell" )" +
                                  "(compared with " + d.file("locales/en.json") + ", the first locale)");
}

TEST(load, shipped_demo_config_loads)
{
    fs::path const dir = fs::path(PG_SOURCE_DIR) / "config" / "demo";
    for (auto const* rel : {"flows/citizen.json", "locales/en.json", "locales/zh-CN.json"}) {
        if (!fs::exists(dir / rel))
            GTEST_SKIP() << (dir / rel).string() << " is not there yet";
    }
    auto const path = (dir / "demo.json").string();
    auto const s = load(path, env_of({}));
    EXPECT_EQ(s.file, path);
    EXPECT_EQ(s.server.listen, "127.0.0.1");
    EXPECT_EQ(s.server.port, 8080);
    EXPECT_EQ(s.storage.path, "./data");
    EXPECT_TRUE(s.storage.sync);
    EXPECT_TRUE(s.tracking_key.empty());  // generated and kept by the gateway
    EXPECT_TRUE(s.deadlines.working_days);
    EXPECT_EQ(s.deadlines.zone.name(), "Asia/Shanghai");  // the demo city's
    // Only the web chat is on: Telegram and Slack wait until they are configured.
    ASSERT_EQ(s.channels.size(), 1u);
    EXPECT_EQ(s.channels[0].id, "web");
    EXPECT_EQ(s.channels[0].type, "webchat");
    EXPECT_TRUE(s.channels[0].api_base.empty());
    EXPECT_TRUE(option(s.channels[0], "session_secret").empty());  // generated and kept by the gateway
    ASSERT_EQ(s.dialog.locales.size(), 2u);
    EXPECT_EQ(s.dialog.locales[0].code, "en");
    EXPECT_EQ(s.dialog.locales[1].code, "zh-CN");
    EXPECT_FALSE(s.dialog.citizen.categories.empty());
    // Every category routes to a listed department (the loader checks it), and
    // the staff side is off until its variables are set.
    for (auto const& c : s.dialog.citizen.categories) {
        EXPECT_TRUE(std::any_of(s.staff.departments.begin(), s.staff.departments.end(),
                                [&](department const& d) { return d.id == c.department; }))
            << c.id;
    }
    EXPECT_TRUE(s.staff.chats.empty());
    EXPECT_TRUE(s.staff.supervisors.empty());
    EXPECT_EQ(s.staff.plain_reply, model::petition_action::note);
    EXPECT_EQ(s.staff.language, "en");
    EXPECT_TRUE(s.deadlines.working_days);
    EXPECT_TRUE(s.staff_api_tokens.empty());
    EXPECT_TRUE(s.testing.clock_file.empty());

    // The environment overrides every default it names; Slack stays disabled.
    auto const t = load(path, env_of({{"PG_TRACKING_KEY", "k2"},
                                      {"PG_TELEGRAM_ENABLED", "true"},
                                      {"TELEGRAM_API_BASE", "http://127.0.0.1:9/"},
                                      {"TELEGRAM_BOT_TOKEN", "1:t"},
                                      {"TELEGRAM_WEBHOOK_SECRET", "s"},
                                      {"TELEGRAM_STAFF_CHAT", "-1001234567890"},
                                      {"TELEGRAM_SUPERVISOR_CHAT", "-1009876543210"},
                                      {"PG_STAFF_API_TOKEN", "0123456789abcdef"},
                                      {"SLACK_BOT_TOKEN", "xoxb-1"},
                                      {"SLACK_SIGNING_SECRET", "abc"}}));
    EXPECT_EQ(t.tracking_key, "k2");
    ASSERT_EQ(t.channels.size(), 2u);
    EXPECT_EQ(t.channels.at(0).id, "web");
    EXPECT_EQ(t.channels.at(1).id, "telegram");
    EXPECT_EQ(t.channels.at(1).api_base, "http://127.0.0.1:9");
    EXPECT_EQ(option(t.channels.at(1), "bot_token"), "1:t");
    EXPECT_EQ(option(t.channels.at(1), "webhook_secret"), "s");
    ASSERT_EQ(t.staff.chats.size(), 1u);
    EXPECT_EQ(t.staff.chats[0].channel, "telegram");
    EXPECT_EQ(t.staff.chats[0].chat, "-1001234567890");
    EXPECT_TRUE(t.staff.chats[0].departments.empty());
    ASSERT_EQ(t.staff.supervisors.size(), 1u);
    EXPECT_EQ(t.staff.supervisors[0].chat, "-1009876543210");
    ASSERT_EQ(t.staff_api_tokens.size(), 1u);
    EXPECT_EQ(t.staff_api_tokens[0].name, "cms");
    EXPECT_EQ(t.staff_api_tokens[0].token, "0123456789abcdef");
}

// A ${NAME:-default} that falls back to its default is public: anyone with the
// file (or this repository, for the demo's) knows it. A secret must not come
// from one once its channel is enabled.
TEST(load, secrets_refuse_the_default_written_in_the_config)
{
    struct case_ {
        char const* pointer;
        char const* raw;
        char const* expected;
    };
    case_ const cases[] = {
        {"/channels/0/bot_token", "${TELEGRAM_BOT_TOKEN:-000000:demo-token}",
         "channels[0].bot_token: the default written in the config is public; set TELEGRAM_BOT_TOKEN"},
        {"/channels/0/webhook_secret", "${TELEGRAM_WEBHOOK_SECRET:-demo-secret-change-me}",
         "channels[0].webhook_secret: the default written in the config is public; set TELEGRAM_WEBHOOK_SECRET"},
        {"/channels/1/bot_token", "xoxb-${SLACK_TEAM:-1}-abc",
         "channels[1].bot_token: the default written in the config is public; set SLACK_TEAM"},
        {"/channels/1/signing_secret", "${SLACK_SIGNING_SECRET:-8f742231b10e8888abcd99yyyzzz85a5}",
         "channels[1].signing_secret: the default written in the config is public; set SLACK_SIGNING_SECRET"},
        {"/channels/2/session_secret", "${PG_SESSION_SECRET:-0123456789abcdef-session}",
         "channels[2].session_secret: the default written in the config is public; set PG_SESSION_SECRET"},
        {"/tracking/key", "${PG_TRACKING_KEY:-demo-tracking-key-change-me}",
         "tracking.key: the default written in the config is public; set PG_TRACKING_KEY"},
        {"/staff_api/tokens/0/token", "${PG_STAFF_API_TOKEN:-0123456789abcdef-cms}",
         "staff_api.tokens[0].token: the default written in the config is public; set PG_STAFF_API_TOKEN"},
        {"/open311/api_keys/0/key", "${PG_OPEN311_KEY:-0123456789abcdef-app}",
         "open311.api_keys[0].key: the default written in the config is public; set PG_OPEN311_KEY"},
        {"/storage/backup_token", "${PG_BACKUP_TOKEN:-0123456789abcdef-backup}",
         "storage.backup_token: the default written in the config is public; set PG_BACKUP_TOKEN"},
    };
    temp_dir d;
    auto base = full_config();
    base["channels"].push_back({{"id", "web"}, {"type", "webchat"}, {"session_secret", "0123456789abcdef-written"}});
    EXPECT_EQ(error_of(write_config(d, base)), "");
    for (auto const& c : cases) {
        auto config = base;
        config[json::json_pointer(c.pointer)] = c.raw;
        auto const path = write_config(d, config);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.pointer;
        // Set in the environment, even to the same text, it is the operator's choice.
        std::string const raw = c.raw;
        auto const name = raw.substr(raw.find("${") + 2, raw.find(":-") - raw.find("${") - 2);
        auto const value = raw.substr(raw.find(":-") + 2, raw.find('}') - raw.find(":-") - 2);
        EXPECT_EQ(error_of(path, env_of({{name, value}})), "") << c.pointer;
        // Set but empty, the default is used as in the shell: refused too.
        EXPECT_EQ(error_of(path, env_of({{name, ""}})), path + ": " + c.expected) << c.pointer;
    }
}

TEST(load, empty_defaults_leave_optional_secrets_off_and_required_ones_missing)
{
    temp_dir d;
    auto config = full_config();
    config["tracking"]["key"] = "${PG_TRACKING_KEY:-}";
    config["storage"]["backup_token"] = "${PG_BACKUP_TOKEN:-}";
    config["staff_api"]["tokens"][0]["token"] = "${PG_STAFF_API_TOKEN:-}";
    config["open311"]["api_keys"][0]["key"] = "${PG_OPEN311_KEY:-}";
    auto const s = load(write_config(d, config), env_of({}));
    EXPECT_TRUE(s.open311.api_keys.empty());  // reading only: every POST is refused
    EXPECT_TRUE(s.tracking_key.empty());  // the gateway makes one (gateway/kept_secret.hpp)
    EXPECT_TRUE(s.storage.backup_token.empty());
    EXPECT_TRUE(s.staff_api_tokens.empty());

    config["channels"][0]["webhook_secret"] = "${TELEGRAM_WEBHOOK_SECRET:-}";
    auto const path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + ": channels[0].webhook_secret: expected 1 to 256 characters of A-Z a-z 0-9 _ -, "
                                     "found an empty string");
}

// The demo's Telegram channel keeps its placeholders while it is off; turned on,
// each one must be set.
TEST(load, demo_telegram_enabled_refuses_its_placeholder_secrets)
{
    auto const path = (fs::path(PG_SOURCE_DIR) / "config" / "demo" / "demo.json").string();
    EXPECT_EQ(error_of(path, env_of({})), "");
    EXPECT_EQ(error_of(path, env_of({{"PG_TELEGRAM_ENABLED", "true"}})),
              path + ": channels[1].bot_token: the default written in the config is public; set TELEGRAM_BOT_TOKEN");
    EXPECT_EQ(error_of(path, env_of({{"PG_TELEGRAM_ENABLED", "true"}, {"TELEGRAM_BOT_TOKEN", "123456:real"}})),
              path + ": channels[1].webhook_secret: the default written in the config is public; "
                     "set TELEGRAM_WEBHOOK_SECRET");
    auto const s = load(path, env_of({{"PG_TELEGRAM_ENABLED", "true"},
                                      {"TELEGRAM_BOT_TOKEN", "123456:real"},
                                      {"TELEGRAM_WEBHOOK_SECRET", "real-secret"}}));
    ASSERT_EQ(s.channels.size(), 2u);
    EXPECT_EQ(option(s.channels[1], "webhook_secret"), "real-secret");
}

// Issue 15: web chat limits, the Host allow-list and the Secure web chat cookie.
TEST(load, webchat_limits_hosts_and_secure_cookie)
{
    temp_dir d;
    auto config = minimal_config();
    auto s = load(write_config(d, config), env_of({}));
    EXPECT_EQ(s.server.rate_limit.session_per_minute, 30u);
    EXPECT_EQ(s.server.rate_limit.session_burst, 20u);
    EXPECT_EQ(s.storage.webchat_history_max, 2000u);
    // The defaults, plus the listen address (127.0.0.1 already among them).
    EXPECT_EQ(s.server.allowed_hosts, (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]"}));

    config["server"]["listen"] = "192.0.2.7";
    EXPECT_EQ(load(write_config(d, config), env_of({})).server.allowed_hosts,
              (std::vector<std::string>{"localhost", "127.0.0.1", "[::1]", "192.0.2.7"}));
    config["server"]["listen"] = "2001:db8::1";
    EXPECT_EQ(load(write_config(d, config), env_of({})).server.allowed_hosts.back(), "[2001:db8::1]");
    config["server"]["listen"] = "0.0.0.0";  // a wildcard names no host
    EXPECT_EQ(load(write_config(d, config), env_of({})).server.allowed_hosts.size(), 3u);

    config["server"]["allowed_hosts"] = {"petitions.example.org", "[2001:db8::1]", "*"};
    config["server"]["rate_limit"] = {{"session_per_minute", 0}, {"session_burst", 5}};
    config["storage"]["webchat_history_max"] = 10;
    config["channels"] = json::parse(R"([{"id": "web", "type": "webchat", "secure_cookie": true}])");
    s = load(write_config(d, config), env_of({}));
    EXPECT_EQ(s.server.allowed_hosts, (std::vector<std::string>{"petitions.example.org", "[2001:db8::1]", "*"}));
    EXPECT_EQ(s.server.rate_limit.session_per_minute, 0u);
    EXPECT_EQ(s.server.rate_limit.session_burst, 5u);
    EXPECT_EQ(s.storage.webchat_history_max, 10u);
    EXPECT_TRUE(option_flag(s.channels.at(0), "secure_cookie"));

    struct case_ {
        char const* pointer;
        json value;
        char const* expected;
    };
    case_ const cases[] = {
        {"/server/allowed_hosts", json::array(),
         R"(server.allowed_hosts: expected at least one host name ("*" allows any))"},
        {"/server/allowed_hosts", json{"Example.org"},
         R"(server.allowed_hosts[0]: expected a host name without port in lower case (example.org, 192.0.2.7, )"
         R"([2001:db8::1]) or "*", found "Example.org")"},
        {"/server/allowed_hosts", json{"example.org:8080"},
         R"(server.allowed_hosts[0]: expected a host name without port in lower case (example.org, 192.0.2.7, )"
         R"([2001:db8::1]) or "*", found "example.org:8080")"},
        {"/server/rate_limit/session_burst", 0,
         "server.rate_limit.session_burst: expected an integer from 1 to 1000000, found 0"},
        {"/server/rate_limit/session_per_minute", -1,
         "server.rate_limit.session_per_minute: expected an integer from 0 to 1000000, found -1"},
        {"/storage/webchat_history_max", 9,
         "storage.webchat_history_max: expected an integer from 10 to 100000000, found 9"},
    };
    for (auto const& c : cases) {
        auto bad = minimal_config();
        bad[json::json_pointer(c.pointer)] = c.value;
        auto const path = write_config(d, bad);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.pointer;
    }
}

// Nodes sharing a store must agree on the secrets one node would otherwise make
// and keep in its own directory: the tracking key, the web chat session keys.
TEST(load, a_postgresql_store_needs_the_secrets_every_node_shares)
{
    temp_dir d;
    auto config = full_config();
    patch(config, "/storage", R"({"backend": "postgresql", "postgresql": {"dsn": "host=db"}})");
    patch(config, "/tracking/key", R"("")");
    auto path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + ": tracking.key: required with storage.backend postgresql: every node must "
                                     "make the same tracking numbers");

    patch(config, "/tracking/key", R"("tracking-key")");
    patch(config, "/channels/-", R"({"id": "web", "type": "webchat"})");
    path = write_config(d, config);
    EXPECT_EQ(error_of(path), path + ": channels.web.session_secret: required with storage.backend postgresql: a "
                                     "web chat session must be good on every node");

    patch(config, "/channels/2/session_secret", R"("0123456789abcdef0123456789abcdef")");
    path = write_config(d, config);
    EXPECT_EQ(error_of(path), "");
    auto const s = load(path);
    EXPECT_EQ(s.storage.backend, storage_backend::postgresql);
    EXPECT_EQ(s.storage.postgresql.dsn, "host=db");
    EXPECT_EQ(s.storage.postgresql.pool_size, 16u);
}

}  // namespace
}  // namespace pg::config
