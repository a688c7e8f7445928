#include "config/load.hpp"

#include "config/dialog_files.hpp"
#include "config/json_fields.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

namespace pg::config {
namespace {

constexpr std::string_view top_keys[] = {"server", "storage", "outbox", "log", "tracking", "dialog", "channels"};
constexpr std::string_view server_keys[] = {"listen",          "port",           "io_threads",
                                            "body_limit",      "header_limit",   "header_timeout_ms",
                                            "read_timeout_ms", "idle_timeout_ms", "shutdown_grace_ms"};
constexpr std::string_view storage_keys[] = {"path", "sync", "threads"};
constexpr std::string_view outbox_keys[] = {"max_attempts", "base_backoff_ms", "max_backoff_ms",
                                            "max_in_flight_per_channel", "request_timeout_ms"};
constexpr std::string_view log_keys[] = {"level"};
constexpr std::string_view log_levels[] = {"debug", "info", "warn", "error"};
constexpr std::string_view tracking_keys[] = {"key"};
constexpr std::string_view dialog_keys[] = {"flow", "locales"};
constexpr std::string_view channel_keys[] = {"id", "type", "enabled", "api_base"};  // every type has these

constexpr std::int64_t kib = 1024;
constexpr std::int64_t mib = 1024 * kib;
constexpr std::int64_t max_ms = 3'600'000;  // an hour: any longer is a typo
constexpr std::int64_t max_threads = 64;

// ---- channel types: one table row per platform ----

void read_telegram(object_node const& o, channel_settings& c);

struct channel_kind {
    std::string_view name;                     // "type" in the file
    channel_type type;
    std::string_view default_api_base;         // when "api_base" is absent
    std::span<std::string_view const> keys;    // its own keys, beyond channel_keys
    void (*read)(object_node const&, channel_settings&);  // enabled channels only
};

constexpr std::string_view telegram_keys[] = {"bot_token", "webhook_secret"};

constexpr channel_kind channel_kinds[] = {
    {"telegram", channel_type::telegram, "https://api.telegram.org", telegram_keys, read_telegram},
};

bool has_space(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// Telegram's secret_token: 1-256 characters of A-Z a-z 0-9 _ -.
bool is_telegram_secret(std::string_view s)
{
    return !s.empty() && s.size() <= 256 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

void read_telegram(object_node const& o, channel_settings& c)
{
    auto const token = o.need("bot_token");
    c.bot_token = token.text(secrecy::secret);
    if (c.bot_token.empty() || has_space(c.bot_token))
        token.fail("expected a non-empty string without whitespace, found " +
                   describe_string(c.bot_token, secrecy::secret));
    auto const secret = o.need("webhook_secret");
    c.webhook_secret = secret.text(secrecy::secret);
    if (!is_telegram_secret(c.webhook_secret))
        secret.fail("expected 1 to 256 characters of A-Z a-z 0-9 _ -, found " +
                    describe_string(c.webhook_secret, secrecy::secret));
}

// ---- sections ----

server_settings read_server(object_node const& o)
{
    o.allow(server_keys);
    server_settings s;
    o.read_non_empty("listen", s.listen);
    o.read_int("port", s.port, 0, 65535);
    o.read_int("io_threads", s.io_threads, 1, max_threads);
    o.read_int("body_limit", s.body_limit, kib, 64 * mib);
    o.read_int("header_limit", s.header_limit, kib, mib);
    o.read_ms("header_timeout_ms", s.header_timeout, 1, max_ms);
    o.read_ms("read_timeout_ms", s.read_timeout, 1, max_ms);
    o.read_ms("idle_timeout_ms", s.idle_timeout, 1, max_ms);
    o.read_ms("shutdown_grace_ms", s.shutdown_grace, 1, max_ms);
    return s;
}

storage_settings read_storage(object_node const& o)
{
    o.allow(storage_keys);
    storage_settings s;
    o.read_non_empty("path", s.path);
    o.read_bool("sync", s.sync);
    o.read_int("threads", s.threads, 1, max_threads);
    return s;
}

outbox_settings read_outbox(object_node const& o)
{
    o.allow(outbox_keys);
    outbox_settings s;
    o.read_int("max_attempts", s.max_attempts, 1, 1000);
    o.read_ms("base_backoff_ms", s.base_backoff, 1, max_ms);
    o.read_ms("max_backoff_ms", s.max_backoff, 1, max_ms);
    o.read_int("max_in_flight_per_channel", s.max_in_flight_per_channel, 1, 10'000);
    o.read_ms("request_timeout_ms", s.request_timeout, 1, max_ms);
    if (s.base_backoff > s.max_backoff)
        o.fail_at("base_backoff_ms", "must not exceed max_backoff_ms (" + std::to_string(s.max_backoff.count()) +
                                         "), found " + std::to_string(s.base_backoff.count()));
    return s;
}

log_settings read_log(object_node const& o)
{
    o.allow(log_keys);
    log_settings s;
    if (auto n = o.get("level")) {
        s.level = n->text();
        if (std::find(std::begin(log_levels), std::end(log_levels), s.level) == std::end(log_levels))
            n->fail("expected one of: " + join(log_levels) + ", found " + describe_string(s.level));
    }
    return s;
}

std::string read_tracking_key(object_node const& o)
{
    o.allow(tracking_keys);
    return o.need("key").non_empty_text(secrecy::secret);
}

// "http(s)://host[:port][/path]", kept without a trailing slash so that
// api_base + "/bot..." never doubles it.
std::string read_api_base(node const& n)
{
    auto const given = n.text();
    auto url = given;
    if (url.ends_with('/'))
        url.pop_back();
    auto const scheme = url.find("://");
    auto const proto = scheme == std::string::npos ? std::string() : url.substr(0, scheme);
    auto const host_end = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
    auto const host = scheme == std::string::npos ? std::string() : url.substr(scheme + 3, host_end - scheme - 3);
    bool const ok = (proto == "http" || proto == "https") && !host.empty() && host.front() != ':' &&
                    !url.ends_with('/') && !has_space(url);
    if (!ok)
        n.fail("expected an http:// or https:// URL with a host and no trailing slash, found " + describe_string(given));
    return url;
}

bool is_channel_id(std::string_view id)
{
    return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

channel_kind const& read_kind(node const& n)
{
    auto const name = n.text();
    for (auto const& k : channel_kinds) {
        if (k.name == name)
            return k;
    }
    std::vector<std::string_view> names;
    for (auto const& k : channel_kinds)
        names.push_back(k.name);
    n.fail("expected one of: " + join(names) + ", found " + describe_string(name));
}

// A disabled channel is checked for shape only (known keys, id, type): its
// secrets and URL are neither expanded nor checked, since a channel is often
// disabled precisely because its environment is not set up.
channel_settings read_channel(object_node const& o)
{
    auto const& kind = read_kind(o.need("type"));
    std::vector<std::string_view> keys(std::begin(channel_keys), std::end(channel_keys));
    keys.insert(keys.end(), kind.keys.begin(), kind.keys.end());
    o.allow(keys);

    channel_settings c;
    c.type = kind.type;
    auto const id = o.need("id");
    c.id = id.text();
    if (!is_channel_id(c.id))
        id.fail("expected 1 to 32 characters of a-z 0-9 _ -, found " + describe_string(c.id));
    o.read_bool("enabled", c.enabled);
    if (!c.enabled)
        return c;
    auto const api_base = o.get("api_base");
    c.api_base = api_base ? read_api_base(*api_base) : std::string(kind.default_api_base);
    kind.read(o, c);
    return c;
}

std::vector<channel_settings> read_channels(node const& n)
{
    std::vector<channel_settings> enabled;
    std::map<std::string, std::string> seen;  // id -> where it was first; disabled ones count too
    for (auto const& item : n.items()) {
        auto c = read_channel(item.object());
        auto const where = item.path() + ".id";
        if (auto [it, fresh] = seen.emplace(c.id, where); !fresh)
            node(item.raw(), item.src(), where).fail("duplicate " + quote(c.id) + " (also " + it->second + ")");
        if (c.enabled)
            enabled.push_back(std::move(c));
    }
    return enabled;
}

// Reads the "dialog" section, then the files it names, relative to the config file.
model::dialog_data read_dialog(object_node const& o)
{
    o.allow(dialog_keys);
    auto const base = std::filesystem::path(o.self().src().file).parent_path();
    auto const resolve = [&](std::string const& p) { return (base / p).string(); };

    auto const flow = resolve(o.need("flow").non_empty_text());
    auto const list = o.need("locales");
    std::vector<std::string> locales;
    for (auto const& item : list.items())
        locales.push_back(resolve(item.non_empty_text()));
    if (locales.empty())
        list.fail("expected at least one locale file, found an empty array");
    return read_dialog_files(flow, locales);
}

}  // namespace

settings load(std::string const& path, env_lookup const& env)
{
    env_lookup const none = [](std::string const&) { return std::optional<std::string>(); };
    source const src{path, env ? &env : &none};
    json const doc = read_json_file(path);
    auto const root = node(doc, src, "").object();
    root.allow(top_keys);

    settings s;
    s.file = path;
    if (auto n = root.get("server"))
        s.server = read_server(n->object());
    if (auto n = root.get("storage"))
        s.storage = read_storage(n->object());
    if (auto n = root.get("outbox"))
        s.outbox = read_outbox(n->object());
    if (auto n = root.get("log"))
        s.log = read_log(n->object());
    // An absent section reads as {} so that the message names the key that matters.
    auto const tracking = root.get("tracking");
    json const empty = json::object();
    s.tracking_key = read_tracking_key(tracking ? tracking->object() : node(empty, src, "tracking").object());
    s.channels = read_channels(root.need("channels"));
    s.dialog = read_dialog(root.need("dialog").object());  // last: it reads more files
    return s;
}

}  // namespace pg::config
