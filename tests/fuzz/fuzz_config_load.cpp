// config::load against hostile bytes: the input is the top-level config file.
//
// It is written to a scratch folder where flows/ and locales/ link to the shipped
// config/demo ones, so "dialog": {"flow": "flows/citizen.json", ...} still finds the
// real flow and locale files and the fuzzer spends its time on the top-level file.
//
// - load either returns settings or throws config_error; any other exception or
//   crash is a bug. The error names the file first and is valid UTF-8.
// - What it accepts keeps the promises the rest of the program relies on (ids,
//   ranges, secrets, locales).
//
// Inputs whose dialog paths lead out of the shipped files (absolute paths to
// /dev/zero, ${NAME} that could expand to one, ...) are skipped: the config is the
// operator's, and reading a device forever is not a parser bug.
#include "config/load.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>

namespace {

std::string option(pg::config::channel_settings const& c, char const* key)
{
    return c.options ? c.options->value(key, std::string()) : std::string();
}


namespace fs = std::filesystem;
using namespace pg;
using fuzz::check;

// The environment the loader sees: fixed, so every run is reproducible.
std::optional<std::string> fixed_env(std::string const& name)
{
    static std::map<std::string, std::string> const env{
        {"PG_TRACKING_KEY", "fuzz-tracking-key-0123456789"},
        {"TELEGRAM_BOT_TOKEN", "123456:fuzz-bot-token"},
        {"TELEGRAM_WEBHOOK_SECRET", "fuzz-webhook-secret"},
        {"TELEGRAM_API_BASE", "http://127.0.0.1:9"},
        {"TELEGRAM_STAFF_CHAT", "-1001234567890"},
        {"SLACK_BOT_TOKEN", "xoxb-fuzz-token"},
        {"SLACK_SIGNING_SECRET", "fuzz-signing-secret"},
        {"PG_STAFF_API_TOKEN", "fuzz-staff-api-token-0123456789"},
        {"EMPTY", ""},
        {"SPACES", "  "},
        {"PORT", "8443"},
    };
    auto it = env.find(name);
    if (it == env.end())
        return std::nullopt;
    return it->second;
}

struct scratch {
    fs::path dir;
    fs::path config;
    fs::path demo;  // canonical config/demo
};

scratch const& workspace()
{
    static scratch const s = [] {
        std::string tmpl = (fs::temp_directory_path() / "pg-fuzz-config-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        scratch w;
        w.dir = fs::canonical(tmpl);
        w.config = w.dir / "config.json";
        w.demo = fs::canonical(fs::path(PG_SOURCE_DIR) / "config" / "demo");
        fs::create_directory_symlink(w.demo / "flows", w.dir / "flows");
        fs::create_directory_symlink(w.demo / "locales", w.dir / "locales");
        std::atexit([] {
            std::error_code ec;
            fs::remove_all(workspace().dir, ec);  // removes the links, not what they point at
        });
        return w;
    }();
    return s;
}

bool inside(fs::path const& p, fs::path const& root)
{
    auto const s = p.string(), r = root.string() + "/";
    return s.starts_with(r);
}

// True when every dialog path the loader would open is a shipped file, a scratch
// file, or nothing at all.
bool dialog_paths_are_tame(std::string_view input, scratch const& w)
{
    auto const doc = nlohmann::json::parse(input, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return true;  // refused before any other file is opened
    auto const d = doc.find("dialog");
    if (d == doc.end() || !d->is_object())
        return true;
    std::vector<std::string> paths;
    if (auto f = d->find("flow"); f != d->end() && f->is_string())
        paths.push_back(f->get<std::string>());
    if (auto l = d->find("locales"); l != d->end() && l->is_array())
        for (auto const& item : *l)
            if (item.is_string())
                paths.push_back(item.get<std::string>());
    for (auto const& p : paths) {
        if (p.find('$') != std::string::npos || p.find('\0') != std::string::npos)
            return false;
        std::error_code ec;
        auto const full = w.dir / p;
        if (!fs::exists(full, ec))
            continue;
        auto const real = fs::canonical(full, ec);
        if (ec || !(inside(real, w.demo) || inside(real, w.dir) || real == w.dir || real == w.demo))
            return false;
    }
    return true;
}

bool is_id(std::string_view s, std::size_t max, bool dash)
{
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
    });
}

bool loaded(config::settings const& s, std::string_view code)
{
    return std::any_of(s.dialog.locales.begin(), s.dialog.locales.end(), [&](auto const& l) { return l.code == code; });
}

void check_settings(config::settings const& s)
{
    check(s.server.io_threads >= 1 && s.server.io_threads <= 64, "server.io_threads in range");
    check(s.server.body_limit >= 1024 && s.server.body_limit <= (64u << 20), "server.body_limit in range");
    check(s.server.header_limit >= 1024 && s.server.header_limit <= (1u << 20), "server.header_limit in range");
    for (auto t : {s.server.header_timeout, s.server.read_timeout, s.server.idle_timeout, s.server.shutdown_grace})
        check(t.count() > 0, "server timeouts are positive");
    check(!s.server.listen.empty(), "server.listen is not empty");
    check(s.storage.threads >= 1, "storage.threads is at least one");

    std::set<std::string> ids;
    for (auto const& c : s.channels) {
        check(is_id(c.id, 32, true), "channel id is [a-z0-9_-]{1,32}", c.id);
        check(ids.insert(c.id).second, "channel ids are unique", c.id);
        check(c.enabled, "only enabled channels are returned", c.id);
        check(c.api_base.starts_with("http://") || c.api_base.starts_with("https://"), "api_base is an http(s) URL",
              c.api_base);
        check(!c.api_base.ends_with("/"), "api_base has no trailing slash", c.api_base);
        check(c.options != nullptr, "an enabled channel has its settings", c.id);
        if (c.type == "telegram" || c.type == "slack")
            check(!option(c, "bot_token").empty(), "a Telegram or Slack channel has a bot token", c.id);
        if (c.type == "telegram")
            check(!option(c, "webhook_secret").empty() && option(c, "webhook_secret").size() <= 256,
                  "a Telegram channel has a 1-256 character webhook secret", c.id);
        if (c.type == "slack")
            check(!option(c, "signing_secret").empty(), "a Slack channel has a signing secret", c.id);
    }

    std::set<std::string> departments;
    for (auto const& d : s.staff.departments) {
        check(is_id(d.id, 24, false), "department id is [a-z0-9_]{1,24}", d.id);
        check(departments.insert(d.id).second, "department ids are unique", d.id);
    }
    for (auto const* chats : {&s.staff.chats, &s.staff.supervisors})
        for (auto const& c : *chats) {
            check(ids.count(c.channel) == 1, "a staff chat is on an enabled channel", c.channel);
            check(!c.chat.empty(), "a staff chat that is on names its chat", c.channel);
            for (auto const& d : c.departments)
                check(departments.count(d) == 1, "a staff chat serves known departments", d);
        }
    for (auto const& t : s.staff_api_tokens)
        check(t.token.size() >= 16, "staff API tokens are long", t.name);

    check(!s.dialog.locales.empty(), "at least one locale is loaded");
    check(loaded(s, s.staff.language), "the staff language is a loaded locale", s.staff.language);
    check(!s.dialog.citizen.categories.empty(), "the flow has categories");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    auto const& w = workspace();
    std::string_view const input(reinterpret_cast<char const*>(data), size);
    if (!dialog_paths_are_tame(input, w))
        return -1;  // not added to the corpus

    {
        std::FILE* f = std::fopen(w.config.c_str(), "wb");
        if (f == nullptr || std::fwrite(input.data(), 1, input.size(), f) != input.size() || std::fclose(f) != 0) {
            std::perror("writing the scratch config");
            std::abort();
        }
    }

    try {
        check_settings(config::load(w.config.string(), fixed_env));
    } catch (config::config_error const& e) {
        std::string_view const msg = e.what();
        check(msg.starts_with(w.dir.string()) || msg.starts_with("/"), "config_error names the file first", msg);
        check(fuzz::valid_utf8(msg), "config_error is valid UTF-8", msg);
    }
    // Anything else thrown escapes: libFuzzer reports it as a crash, with its stack.
    return 0;
}
