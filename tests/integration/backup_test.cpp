// `petition-gateway backup DIR` while the gateway serves, then the documented
// restore: stop, put the checkpoint in place as storage.path, start.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sys/stat.h>

namespace pg::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;
headers const& secret = tg::secret_header;
std::string const backup_token = "backup-token-0123456789";
std::string const staff_token = "staff-api-token-0123456789";

class backup : public ::testing::Test {
protected:
    json config(fs::path const& data) const
    {
        auto cfg = test_config(api.base_url(), data);
        cfg["storage"]["backup_token"] = backup_token;
        cfg["staff_api"] = {{"tokens", {{{"name", "cms"}, {"token", staff_token}}}}};
        return cfg;
    }

    std::vector<std::string> texts_to(std::int64_t chat) const
    {
        std::vector<std::string> out;
        for (auto const& r : api.requests())
            if (r.target.ends_with("/sendMessage"))
                if (auto b = json::parse(r.body); b["chat_id"] == chat)
                    out.push_back(b["text"]);
        return out;
    }

    // Walks a citizen through filing; returns the tracking number.
    std::string file_petition(gateway_process const& g, std::int64_t chat)
    {
        auto const before = texts_to(chat).size();
        // A place of each citizen's own: the same place would offer the first one's petition to follow.
        for (std::string const& text : {std::string("/start"), std::string("1"), std::string("1"),
                                       "Main Street " + std::to_string(chat) + ", by the bus stop",
                                       std::string("A pothole about 30 cm wide has been growing for two weeks; please fill it."),
                                       std::string("skip"), std::string("skip"), std::string("no photos"),
                                       std::string("send")}) {
            auto const r = http_post(g.port(), "/webhook/telegram", tg::text(++update_, chat, text), secret);
            EXPECT_EQ(r.status, 200) << r.body;
        }
        EXPECT_TRUE(eventually([&] { return texts_to(chat).size() >= before + 10; })) << g.log();
        auto const filed = texts_to(chat).at(before + 8);
        std::smatch m;
        EXPECT_TRUE(std::regex_search(filed, m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed;
        return m.str();
    }

    int petition_status(gateway_process const& g, std::string const& tracking) const
    {
        return http_request(g.port(), "GET", "/staff/api/petitions/" + tracking, "",
                            {{"Authorization", "Bearer " + staff_token}})
            .status;
    }

    fake_platform api;
    temp_dir data;
    temp_dir backups;
    std::int64_t update_ = 9000;
};

TEST_F(backup, taken_while_serving_and_restored_into_a_new_directory)
{
    gateway_process gateway(config(data.path()));
    gateway.start();
    auto const first = file_petition(gateway, 601);

    auto const copy = backups.path() / "copy";
    auto const port = std::to_string(gateway.port());
    auto const r = run_gateway("backup " + copy.string() + " --config " + gateway.config_path().string() +
                               " --port " + port);
    ASSERT_EQ(r.status, 0) << r.output << gateway.log();
    EXPECT_NE(r.output.find("backup written to " + copy.string()), std::string::npos) << r.output;
    EXPECT_TRUE(fs::exists(copy / "CURRENT"));

    // More traffic after the backup: in the live store, not in the copy.
    auto const second = file_petition(gateway, 602);
    EXPECT_EQ(petition_status(gateway, second), 200);
    ASSERT_EQ(gateway.terminate(), 0);

    // Restore: the checkpoint becomes storage.path of a gateway started on it.
    auto const restored = backups.path() / "restored";
    fs::rename(copy, restored);
    gateway_process again(config(restored));
    again.start();
    EXPECT_EQ(petition_status(again, first), 200);
    EXPECT_EQ(petition_status(again, second), 404);

    // The citizen who got `second` must never see it handed to someone else.
    auto const third = file_petition(again, 603);
    EXPECT_NE(third, first);
    EXPECT_NE(third, second);
    EXPECT_EQ(petition_status(again, third), 200);
    // A restart of the restored gateway does not jump again, nor reuse.
    ASSERT_EQ(again.terminate(), 0);
    again.start();
    auto const fourth = file_petition(again, 604);
    EXPECT_NE(fourth, third);
    EXPECT_NE(fourth, second);
}

TEST_F(backup, refuses_a_wrong_token_an_existing_directory_and_a_relative_path)
{
    gateway_process gateway(config(data.path()));
    gateway.start();
    auto const ask = [&](std::string const& token, json const& body) {
        return http_request(gateway.port(), "POST", "/admin/backup", body.dump(),
                            {{"Authorization", "Bearer " + token}});
    };
    EXPECT_EQ(ask("wrong-token-0123456789", {{"dir", (backups.path() / "a").string()}}).status, 401);
    EXPECT_EQ(ask(backup_token, {{"dir", backups.path().string()}}).status, 409);
    EXPECT_EQ(ask(backup_token, {{"dir", "relative/dir"}}).status, 400);
    EXPECT_FALSE(fs::exists(backups.path() / "a"));
    EXPECT_EQ(ask(backup_token, {{"dir", (backups.path() / "a").string()}}).status, 200);
    EXPECT_TRUE(fs::exists(backups.path() / "a" / "CURRENT"));

    // Without a token in the config, there is no such endpoint.
    auto cfg = config(data.path());
    cfg["storage"].erase("backup_token");
    ASSERT_EQ(gateway.terminate(), 0);
    gateway_process closed(cfg);
    closed.start();
    EXPECT_EQ(http_request(closed.port(), "POST", "/admin/backup", "{}", {}).status, 404);
    auto const r = run_gateway("backup " + (backups.path() / "b").string() + " --config " +
                               closed.config_path().string() + " --port " + std::to_string(closed.port()));
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("storage.backup_token is not set"), std::string::npos) << r.output;
}

// The data directory and a backup hold every petition and the kept keys: no
// group or other permission on any of them, whatever umask the gateway got.
TEST_F(backup, the_data_directory_and_backups_are_readable_by_the_owner_only)
{
    auto const store = data.path() / "store";  // made by the gateway
    auto cfg = config(store);
    cfg["tracking"]["key"] = "";  // made and kept in the data directory
    cfg["channels"].push_back({{"id", "web"}, {"type", "webchat"}});  // so is its session key
    gateway_process gateway(cfg);
    auto const old_umask = ::umask(022);  // the gateway inherits it: the usual default
    gateway.start();
    ::umask(old_umask);
    file_petition(gateway, 605);
    auto const copy = backups.path() / "copy";
    auto const r = http_request(gateway.port(), "POST", "/admin/backup", json{{"dir", copy.string()}}.dump(),
                                {{"Authorization", "Bearer " + backup_token}});
    ASSERT_EQ(r.status, 200) << r.body << gateway.log();
    // The keys the gateway made go with the backup: a restored copy numbers and signs as before.
    for (auto const* kept : {"tracking_key", "webchat_session_secret"}) {
        ASSERT_TRUE(fs::exists(store / kept)) << kept;
        ASSERT_TRUE(fs::exists(copy / kept)) << kept;
        std::ifstream a(store / kept), b(copy / kept);
        std::string key_a, key_b;
        a >> key_a;
        b >> key_b;
        EXPECT_EQ(key_a, key_b) << kept;
        EXPECT_EQ(key_a.size(), 64u) << kept;
    }

    std::size_t checked = 0;
    for (auto const& top : {store, copy}) {
        std::vector<fs::path> paths{top};
        for (auto const& e : fs::recursive_directory_iterator(top))
            paths.push_back(e.path());
        for (auto const& p : paths) {
            struct stat st {};
            ASSERT_EQ(::stat(p.c_str(), &st), 0) << p;
            EXPECT_EQ(st.st_mode & 077, 0u) << p << " has mode " << std::oct << (st.st_mode & 0777);
            ++checked;
        }
    }
    EXPECT_GT(checked, 10u);
}

}  // namespace
}  // namespace pg::testing
