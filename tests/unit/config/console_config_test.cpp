// The "console" section (staff accounts) and web.public_page.
#include "config/load.hpp"

#include "model/password_hash.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace pg::config {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A config with two departments, written with its flow and locales into a
// fresh directory that is removed afterwards.
class config_dir {
public:
    config_dir()
    {
        std::random_device rd;
        do {
            path_ = fs::temp_directory_path() / ("pg_console_config_" + std::to_string(rd()));
        } while (!fs::create_directory(path_));
        write("flows/citizen.json", R"({"categories": [
            {"id": "roads", "department": "transport", "labels": {"en": "Roads"}},
            {"id": "other", "department": "office", "labels": {"en": "Other"}}]})");
        write("locales/en.json", R"({"code": "en", "name": "English", "matches": ["en"], "texts": {"welcome": "Hi"}})");
        fs::create_directories(path_ / "web");
    }
    ~config_dir()
    {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    config_dir(config_dir const&) = delete;
    config_dir& operator=(config_dir const&) = delete;

    std::string write(std::string const& rel, std::string const& text) const
    {
        auto const p = path_ / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }

    // The base config with `console` (and `web`, when given) added.
    std::string config(json const& console, json const& web = nullptr) const
    {
        auto j = json::parse(R"({
          "tracking": {"key": "k"},
          "dialog": {"flow": "flows/citizen.json", "locales": ["locales/en.json"]},
          "channels": [],
          "departments": [{"id": "transport"}, {"id": "office"}]})");
        if (!console.is_null())
            j["console"] = console;
        if (!web.is_null())
            j["web"] = web;
        return write("config.json", j.dump(2));
    }

private:
    fs::path path_;
};

std::string const good_hash =
    model::format_password_hash({1000, "0123456789abcdef", std::string(32, '\x07')});

std::string error_of(std::string const& path)
{
    try {
        load(path, [](std::string const&) { return std::optional<std::string>(); });
    } catch (config_error const& e) {
        return e.what();
    }
    return "";
}

TEST(console_config, absent_means_no_accounts_and_a_public_page)
{
    config_dir d;
    auto const s = load(d.config(nullptr, json{{"root", "web"}}));
    EXPECT_TRUE(s.console.accounts.empty());
    EXPECT_EQ(s.console.session_ttl, milliseconds{8 * 3'600'000});
    EXPECT_FALSE(s.console.secure_cookie);
    EXPECT_TRUE(s.web.public_page);
}

TEST(console_config, reads_accounts)
{
    config_dir d;
    json const console{{"accounts",
                        {{{"name", "li.wei"}, {"password_hash", good_hash}, {"departments", {"transport"}}},
                         {{"name", "chief"}, {"password_hash", good_hash}, {"supervisor", true}}}},
                       {"session_ttl_ms", 600'000},
                       {"secure_cookie", true}};
    auto const s = load(d.config(console, json{{"root", "web"}, {"public_page", false}}));
    ASSERT_EQ(s.console.accounts.size(), 2u);
    EXPECT_EQ(s.console.accounts[0].name, "li.wei");
    EXPECT_EQ(s.console.accounts[0].password_hash, good_hash);
    EXPECT_EQ(s.console.accounts[0].departments, std::vector<std::string>{"transport"});
    EXPECT_FALSE(s.console.accounts[0].supervisor);
    EXPECT_EQ(s.console.accounts[1].name, "chief");
    EXPECT_TRUE(s.console.accounts[1].departments.empty());
    EXPECT_TRUE(s.console.accounts[1].supervisor);
    EXPECT_EQ(s.console.session_ttl, milliseconds{600'000});
    EXPECT_TRUE(s.console.secure_cookie);
    EXPECT_FALSE(s.web.public_page);
}

TEST(console_config, rejects_bad_values_naming_key_and_reason)
{
    auto account = [](json patch) {
        json a{{"name", "li.wei"}, {"password_hash", good_hash}};
        a.update(patch);
        return json{{"accounts", {a}}};
    };
    struct case_ { char const* name; json console; std::string expected; };
    case_ const cases[] = {
        {"unknown key", json{{"users", json::array()}},
         "console.users: unknown key; expected one of: accounts, session_ttl_ms, secure_cookie"},
        {"unknown account key", account({{"role", "x"}}),
         "console.accounts[0].role: unknown key; expected one of: name, password_hash, departments, supervisor"},
        {"missing name", json{{"accounts", {{{"password_hash", good_hash}}}}}, "console.accounts[0].name: missing"},
        {"bad name", account({{"name", "Li Wei"}}),
         "console.accounts[0].name: expected 1 to 64 characters of a-z 0-9 . _ -, found \"Li Wei\""},
        {"duplicate name", json{{"accounts", {{{"name", "a"}, {"password_hash", good_hash}},
                                              {{"name", "a"}, {"password_hash", good_hash}}}}},
         "console.accounts[1].name: duplicate \"a\" (also console.accounts[0].name)"},
        {"missing hash", json{{"accounts", {{{"name", "a"}}}}}, "console.accounts[0].password_hash: missing"},
        {"a plain password", account({{"password_hash", "demo"}}),
         "console.accounts[0].password_hash: expected pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>, as "
         "printed by `petition-gateway hash-password`; found a string of 4 characters"},
        {"truncated hash", account({{"password_hash", good_hash.substr(0, good_hash.size() - 4)}}),
         "console.accounts[0].password_hash: hash: expected base64 of 32 bytes, as printed by `petition-gateway "
         "hash-password`; found a string of " + std::to_string(good_hash.size() - 4) + " characters"},
        {"unknown department", account({{"departments", {"police"}}}),
         "console.accounts[0].departments[0]: \"police\" is not the id of a department in departments; expected "
         "one of: transport, office"},
        {"supervisor not a bool", account({{"supervisor", "yes"}}),
         "console.accounts[0].supervisor: expected true or false, found \"yes\""},
        {"ttl too short", json{{"session_ttl_ms", 1000}},
         "console.session_ttl_ms: expected an integer from 60000 to 2592000000, found 1000"},
    };
    config_dir d;
    for (auto const& c : cases) {
        auto const path = d.config(c.console);
        EXPECT_EQ(error_of(path), path + ": " + c.expected) << c.name;
    }
}

TEST(console_config, hashes_never_appear_in_errors)
{
    config_dir d;
    std::string const secret = "pbkdf2-sha256$1000$c2VjcmV0c2VjcmV0$bm90LTMyLWJ5dGVz";
    auto const path = d.config(json{{"accounts", {{{"name", "a"}, {"password_hash", secret}}}}});
    auto const e = error_of(path);
    EXPECT_NE(e.find("password_hash"), std::string::npos) << e;
    EXPECT_EQ(e.find("c2VjcmV0"), std::string::npos) << e;
}

TEST(console_config, public_page_must_be_a_bool)
{
    config_dir d;
    auto const path = d.config(nullptr, json{{"root", "web"}, {"public_page", "off"}});
    EXPECT_EQ(error_of(path), path + ": web.public_page: expected true or false, found \"off\"");
}

}  // namespace
}  // namespace pg::config
