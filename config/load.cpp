#include "config/load.hpp"

#include "adapters/platform.hpp"
#include "config/dialog_files.hpp"
#include "config/json_fields.hpp"
#include "model/password_hash.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <map>
#include <span>
#include <unistd.h>
#include <optional>

namespace pg::config {
namespace {

// Names that must be unique in a list: the first place each was seen, by key. A
// second one fails where it stands, naming the first ("duplicate ... (also ...)").
using first_seen = std::map<std::string, std::string>;
void require_unique(first_seen& seen, std::string const& key, node const& at, std::string const& what)
{
    if (auto [it, fresh] = seen.emplace(key, at.path()); !fresh)
        at.fail("duplicate " + what + " (also " + it->second + ")");
}

constexpr std::string_view top_keys[] = {"server",   "storage",     "outbox", "log",      "tracking",  "dialog",
                                         "channels", "departments", "staff",  "deadlines", "staff_api", "web",
                                         "console",  "open311",     "testing",   "retention", "districts"};
constexpr std::string_view server_keys[] = {"node", "listen",          "port",           "io_threads",
                                            "body_limit",      "header_limit",   "header_timeout_ms",
                                            "read_timeout_ms", "idle_timeout_ms", "shutdown_grace_ms",
                                            "max_connections", "max_requests_per_connection", "rate_limit",
                                            "max_connections_per_source", "first_request_timeout_ms", "webhook_reserve",
                                            "allowed_hosts"};
constexpr std::string_view rate_limit_keys[] = {"per_second", "burst", "max_sources", "session_per_minute",
                                                "session_burst"};
constexpr std::string_view storage_keys[] = {"backend", "postgresql", "path", "sync", "threads", "backup_token",
                                             "webchat_history_max"};
constexpr std::string_view storage_backends[] = {"rocksdb", "postgresql"};
constexpr std::string_view postgresql_keys[] = {"dsn", "pool_size"};
constexpr std::string_view outbox_keys[] = {"max_attempts", "base_backoff_ms", "max_backoff_ms",
                                            "max_in_flight_per_channel", "request_timeout_ms", "lease_ms"};
constexpr std::string_view log_keys[] = {"level"};
constexpr std::string_view log_levels[] = {"debug", "info", "warn", "error"};
constexpr std::string_view tracking_keys[] = {"key"};
constexpr std::string_view dialog_keys[] = {"flow", "locales"};
constexpr std::string_view channel_keys[] = {"id", "type", "enabled", "api_base"};  // every type has these
constexpr std::string_view department_keys[] = {"id", "staff_user_ids"};
constexpr std::string_view district_keys[] = {"id", "area", "places"};
constexpr std::string_view area_keys[] = {"south", "west", "north", "east"};
constexpr std::string_view staff_keys[] = {"chats", "supervisors", "plain_reply", "language", "max_transfers"};
constexpr std::string_view staff_chat_keys[] = {"channel", "chat", "departments"};
// What a plain staff message becomes, by its config name.
struct plain_reply_mode {
    std::string_view name;
    model::petition_action action;
};
constexpr plain_reply_mode plain_replies[] = {
    {"internal", model::petition_action::note},
    {"progress", model::petition_action::progress},
    {"answer", model::petition_action::answer},
};
constexpr std::string_view deadline_keys[] = {"working_days", "time_zone",        "holidays",
                                             "make_up_days", "remind_before_ms", "check_interval_ms"};
constexpr std::string_view retention_keys[] = {"dedupe_days", "conversation_days", "closed_petition_days", "audit_days",
                                               "sweep_interval_ms"};
constexpr std::string_view staff_api_keys[] = {"tokens"};
constexpr std::string_view api_token_keys[] = {"name", "token", "departments"};
constexpr std::string_view web_keys[] = {"root", "public_page"};
constexpr std::string_view console_keys[] = {"accounts", "session_ttl_ms", "secure_cookie"};
constexpr std::string_view console_account_keys[] = {"name", "password_hash", "departments", "supervisor"};
constexpr std::string_view open311_keys[] = {"enabled", "jurisdiction_id", "api_keys"};
constexpr std::string_view open311_key_keys[] = {"name", "key"};
constexpr std::string_view testing_keys[] = {"clock_file"};

constexpr std::int64_t kib = 1024;
constexpr std::int64_t mib = 1024 * kib;
constexpr std::int64_t max_ms = 3'600'000;  // an hour: any longer is a typo
constexpr std::int64_t max_threads = 64;
constexpr std::int64_t max_remind_ms = 30 * 24 * max_ms;  // a month
constexpr std::size_t min_api_token = 16;                  // characters: shorter ones can be guessed

bool has_space(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// ---- sections ----

// per_second 0 turns the limit off (e.g. behind a proxy that limits already).
rate_limit_settings read_rate_limit(object_node const& o)
{
    o.allow(rate_limit_keys);
    rate_limit_settings r;
    o.read_int("per_second", r.per_second, 0, 1'000'000);
    o.read_int("burst", r.burst, 1, 1'000'000);
    o.read_int("max_sources", r.max_sources, 1, 10'000'000);
    o.read_int("session_per_minute", r.session_per_minute, 0, 1'000'000);
    o.read_int("session_burst", r.session_burst, 1, 1'000'000);
    return r;
}

// A Host header name as adapters::host_name gives it: lower-case, no port,
// IPv6 in brackets; or "*".
bool is_host_name(std::string_view s)
{
    if (s == "*")
        return true;
    if (s.size() > 2 && s.front() == '[' && s.back() == ']')
        return std::all_of(s.begin() + 1, s.end() - 1, [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
        });
    return !s.empty() && s.size() <= 253 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    });
}

// Absent: the defaults plus the listen address, so a gateway reached by the
// address it listens on answers there; a wildcard address names no host.
std::vector<std::string> read_allowed_hosts(object_node const& o, std::string const& listen,
                                            std::vector<std::string> hosts)
{
    if (auto list = o.get("allowed_hosts")) {
        hosts.clear();
        for (auto const& item : list->items()) {
            auto name = item.non_empty_text();
            if (!is_host_name(name))
                item.fail("expected a host name without port in lower case (example.org, 192.0.2.7, [2001:db8::1]) "
                          "or \"*\", found " + describe_string(name));
            hosts.push_back(std::move(name));
        }
        if (hosts.empty())
            list->fail("expected at least one host name (\"*\" allows any)");
        return hosts;
    }
    if (listen == "0.0.0.0" || listen == "::")
        return hosts;
    auto const bracketed = listen.find(':') != std::string::npos ? "[" + listen + "]" : listen;
    if (std::find(hosts.begin(), hosts.end(), bracketed) == hosts.end())
        hosts.push_back(bracketed);
    return hosts;
}

// The default node name: the host's, cut to what a node name allows.
std::string this_host()
{
    char name[256] = {};
    std::string s = ::gethostname(name, sizeof name - 1) == 0 ? name : "";
    std::erase_if(s, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-'; });
    s.resize(std::min<std::size_t>(s.size(), 64));
    return s.empty() ? "node" : s;
}

server_settings read_server(object_node const& o)
{
    o.allow(server_keys);
    server_settings s;
    s.node = this_host();
    if (auto n = o.get("node")) {
        s.node = n->text();
        if (s.node.empty() || s.node.size() > 64 || !std::all_of(s.node.begin(), s.node.end(), [](char c) {
                return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
            }))
            n->fail("expected 1 to 64 of A-Z a-z 0-9 . _ -, found " + describe_string(s.node));
    }
    o.read_non_empty("listen", s.listen);
    o.read_int("port", s.port, 0, 65535);
    o.read_int("io_threads", s.io_threads, 1, max_threads);
    o.read_int("body_limit", s.body_limit, kib, 64 * mib);
    o.read_int("header_limit", s.header_limit, kib, mib);
    o.read_ms("header_timeout_ms", s.header_timeout, 1, max_ms);
    o.read_ms("read_timeout_ms", s.read_timeout, 1, max_ms);
    o.read_ms("idle_timeout_ms", s.idle_timeout, 1, max_ms);
    o.read_ms("shutdown_grace_ms", s.shutdown_grace, 1, max_ms);
    o.read_int("max_connections", s.max_connections, 1, 1'000'000);
    o.read_int("max_requests_per_connection", s.max_requests_per_connection, 1, 100'000'000);
    if (auto n = o.get("rate_limit"))
        s.rate_limit = read_rate_limit(n->object());
    o.read_int("max_connections_per_source", s.max_connections_per_source, 0, 1'000'000);
    // Unset, these two follow the keys they are bounded by: a shorter idle_timeout_ms
    // or a smaller max_connections alone is never an error.
    s.first_request_timeout = std::min(s.first_request_timeout, s.idle_timeout);
    o.read_ms("first_request_timeout_ms", s.first_request_timeout, 1, max_ms);
    if (s.first_request_timeout > s.idle_timeout)
        o.fail_at("first_request_timeout_ms", "must not exceed idle_timeout_ms (" +
                                                  std::to_string(s.idle_timeout.count()) + "), found " +
                                                  std::to_string(s.first_request_timeout.count()));
    s.webhook_reserve = s.max_connections / 8;
    o.read_int("webhook_reserve", s.webhook_reserve, 0, 1'000'000);
    if (s.webhook_reserve >= s.max_connections)
        o.fail_at("webhook_reserve", "must be less than max_connections (" + std::to_string(s.max_connections) +
                                         "), found " + std::to_string(s.webhook_reserve));
    s.allowed_hosts = read_allowed_hosts(o, s.listen, std::move(s.allowed_hosts));
    return s;
}

storage_settings read_storage(object_node const& o)
{
    o.allow(storage_keys);
    storage_settings s;
    o.read_non_empty("path", s.path);
    o.read_bool("sync", s.sync);
    o.read_int("threads", s.threads, 1, max_threads);
    o.read_int("webchat_history_max", s.webchat_history_max, 10, 100'000'000);
    if (auto n = o.get("backend")) {
        auto const name = n->text();
        if (std::find(std::begin(storage_backends), std::end(storage_backends), name) == std::end(storage_backends))
            n->fail("expected one of: " + join(storage_backends) + ", found " + describe_string(name));
        s.backend = name == "postgresql" ? storage_backend::postgresql : storage_backend::rocksdb;
    }
    if (auto n = o.get("postgresql")) {
        auto const pg = n->object();
        pg.allow(postgresql_keys);
        if (auto dsn = pg.get("dsn"))
            s.postgresql.dsn = dsn->secret_text();
        pg.read_int("pool_size", s.postgresql.pool_size, 2, 1000);
    }
    if (s.backend == storage_backend::postgresql) {
        if (s.postgresql.dsn.empty())
            o.fail_at("postgresql", "backend postgresql needs postgresql.dsn (a libpq connection string)");
        if (!s.backup_token.empty())
            o.fail_at("backup_token", "backups of a postgresql store are the server's own (pg_basebackup); "
                                      "remove backup_token");
    }
    // Like a staff API token: "${PG_BACKUP_TOKEN:-}" keeps the endpoint closed until set.
    if (auto n = o.get("backup_token")) {
        s.backup_token = n->secret_text();
        if (!s.backup_token.empty() && (s.backup_token.size() < min_api_token || has_space(s.backup_token)))
            n->fail("expected at least " + std::to_string(min_api_token) + " characters without whitespace, found " +
                    describe_string(s.backup_token, secrecy::secret));
    }
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
    o.read_ms("lease_ms", s.lease, 100, max_ms);
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

// Several nodes share a PostgreSQL store: a secret one node would make and
// keep in its own directory must be the same on all, so it is configured.
void require_shared_secrets(settings const& s, object_node const& tracking)
{
    if (s.tracking_key.empty())
        tracking.fail_at("key", "required with storage.backend postgresql: every node must make the same tracking "
                                "numbers");
    for (auto const& c : s.channels)
        if (c.type == "webchat" && c.options && c.options->value("session_secret", "").empty())
            throw config_error(s.file + ": channels." + c.id + ".session_secret: required with storage.backend "
                               "postgresql: a web chat session must be good on every node");
}

// Empty ("${PG_TRACKING_KEY:-}" unset): the gateway makes one and keeps it in
// the storage directory (gateway/kept_secret.hpp), so the demo needs no secret.
std::string read_tracking_key(object_node const& o)
{
    o.allow(tracking_keys);
    return o.need("key").secret_text();
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

adapters::platform_kind const& read_kind(node const& n)
{
    auto const name = n.text();
    if (auto const* k = adapters::find_platform_kind(name))
        return *k;
    std::vector<std::string_view> names;
    for (auto const& k : adapters::platform_kinds())
        names.push_back(k.name);
    n.fail("expected one of: " + join(names) + ", found " + describe_string(name));
}

// One of a platform's own keys, read by the shape its contract gives.
json read_setting(node const& n, adapters::setting const& s)
{
    switch (s.kind) {
    case adapters::setting_kind::word:
    case adapters::setting_kind::secret_word: {
        bool const secret = s.kind == adapters::setting_kind::secret_word;
        auto value = secret ? n.secret_text() : n.text();
        if (value.empty() || has_space(value))
            n.fail("expected a non-empty string without whitespace, found " +
                   describe_string(value, secret ? secrecy::secret : secrecy::plain));
        return value;
    }
    case adapters::setting_kind::secret: return n.secret_text();
    case adapters::setting_kind::text: return n.text();
    case adapters::setting_kind::flag: return n.boolean();
    case adapters::setting_kind::number: return n.integer(INT64_MIN, INT64_MAX);
    case adapters::setting_kind::object: n.object(); return n.raw();
    }
    return nullptr;
}

// A disabled channel is checked for shape only (known keys, id, type): its
// secrets and URL are neither expanded nor checked, since a channel is often
// disabled precisely because its environment is not set up. An enabled one is
// also made once, so the platform checks what its settings mean.
channel_settings read_channel(object_node const& o)
{
    auto const& kind = read_kind(o.need("type"));
    std::vector<std::string_view> keys(std::begin(channel_keys), std::end(channel_keys));
    for (auto const& s : kind.settings)
        keys.push_back(s.key);
    o.allow(keys);

    channel_settings c;
    c.type = std::string(kind.name);
    auto const id = o.need("id");
    c.id = id.text();
    if (!is_channel_id(c.id))
        id.fail("expected 1 to 32 characters of a-z 0-9 _ -, found " + describe_string(c.id));
    o.read_bool("enabled", c.enabled);
    if (!c.enabled)
        return c;
    auto const api_base = o.get("api_base");
    if (api_base && kind.default_api_base.empty())
        api_base->fail("a " + std::string(kind.name) + " channel calls no API: leave api_base out");
    c.api_base = api_base ? read_api_base(*api_base) : std::string(kind.default_api_base);
    json options = json::object();
    for (auto const& s : kind.settings) {
        auto const n = s.required ? std::optional<node>(o.need(s.key)) : o.get(s.key);
        if (n)
            options[std::string(s.key)] = read_setting(*n, s);
    }
    c.options = std::make_shared<json const>(std::move(options));
    try {
        kind.make({c.id, c.api_base, *c.options});
    } catch (adapters::bad_setting const& bad) {
        auto const value = c.options->find(bad.key);
        if (value == c.options->end() || !value->is_string())
            o.fail_at(bad.key, bad.why);
        auto const secret = std::any_of(kind.settings.begin(), kind.settings.end(), [&](adapters::setting const& s) {
            return s.key == bad.key && s.kind != adapters::setting_kind::word && s.kind != adapters::setting_kind::text;
        });
        o.fail_at(bad.key, bad.why + ", found " +
                               describe_string(value->get<std::string>(), secret ? secrecy::secret : secrecy::plain));
    }
    return c;
}

// Every channel id in the file, with whether it is enabled: staff chats name them.
using channel_ids = std::vector<std::pair<std::string, bool>>;

std::vector<channel_settings> read_channels(node const& n, channel_ids& ids)
{
    std::vector<channel_settings> enabled;
    first_seen seen;  // id -> where it was first; disabled ones count too
    for (auto const& item : n.items()) {
        auto c = read_channel(item.object());
        auto const where = item.path() + ".id";
        require_unique(seen, c.id, node(item.raw(), item.src(), where), quote(c.id));
        ids.emplace_back(c.id, c.enabled);
        if (c.enabled)
            enabled.push_back(std::move(c));
    }
    return enabled;
}

// [a-z0-9_]{1,24}, as category ids.
bool is_department_id(std::string_view id)
{
    return !id.empty() && id.size() <= 24 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

std::string ids_of(std::vector<department> const& departments)
{
    std::string out;
    for (auto const& d : departments)
        out += (out.empty() ? "" : ", ") + d.id;
    return out;
}

bool has_department(std::vector<department> const& departments, std::string_view id)
{
    return std::any_of(departments.begin(), departments.end(), [&](department const& d) { return d.id == id; });
}

// A list item's "id": 1 to 24 of a-z 0-9 _, and once in its list.
std::string read_list_id(object_node const& o, first_seen& seen)
{
    auto const id = o.need("id");
    auto text = id.text();
    if (!is_department_id(text))
        id.fail("expected 1 to 24 characters of a-z 0-9 _, found " + describe_string(text));
    require_unique(seen, text, id, quote(text));
    return text;
}

std::vector<department> read_departments(node const& n)
{
    std::vector<department> out;
    first_seen seen;  // id -> where it was first
    for (auto const& item : n.items()) {
        auto const o = item.object();
        o.allow(department_keys);
        department d;
        d.id = read_list_id(o, seen);
        if (auto users = o.get("staff_user_ids")) {
            for (auto const& u : users->items())
                d.staff_user_ids.push_back(u.non_empty_text());
        }
        out.push_back(std::move(d));
    }
    return out;
}

double degrees(node const& n, double limit)
{
    if (!n.raw().is_number())
        n.fail("expected a number of degrees, found " + n.raw().dump());
    auto const v = n.raw().get<double>();
    if (!(v >= -limit && v <= limit))
        n.fail("expected degrees from " + std::to_string(static_cast<int>(-limit)) + " to " +
               std::to_string(static_cast<int>(limit)) + ", found " + n.raw().dump());
    return v;
}

// "districts": [{"id", "area": {"south", "west", "north", "east"}, "places": [...]}]
std::vector<model::district> read_districts(node const& n)
{
    std::vector<model::district> out;
    first_seen seen;
    for (auto const& item : n.items()) {
        auto const o = item.object();
        o.allow(district_keys);
        model::district d;
        d.id = read_list_id(o, seen);
        if (auto a = o.get("area")) {
            auto const box = a->object();
            box.allow(area_keys);
            model::geo_box b{degrees(box.need("south"), 90), degrees(box.need("west"), 180),
                             degrees(box.need("north"), 90), degrees(box.need("east"), 180)};
            if (b.south > b.north || b.west > b.east)
                a->fail("expected south <= north and west <= east (an area across the 180th meridian is two districts)");
            d.area = b;
        }
        if (auto places = o.get("places"))
            for (auto const& p : places->items())
                d.places.push_back(p.non_empty_text());
        if (!d.area && d.places.empty())
            item.fail("expected an \"area\", \"places\" or both: nothing would fall in this district");
        out.push_back(std::move(d));
    }
    return out;
}

// A "departments" list of a staff chat, console account or API token: what it
// serves, sees and acts on; absent or empty = all. Once departments are listed,
// each must be one of them.
std::vector<std::string> read_department_ids(object_node const& o, std::vector<department> const& departments)
{
    std::vector<std::string> out;
    auto const list = o.get("departments");
    if (!list)
        return out;
    for (auto const& item : list->items()) {
        auto id = item.non_empty_text();
        if (!departments.empty() && !has_department(departments, id))
            item.fail(quote(id) + " is not the id of a department in departments; expected one of: " +
                      ids_of(departments));
        out.push_back(std::move(id));
    }
    return out;
}

// A staff chat, or nullopt when it is switched off: its channel is disabled, or
// its "chat" is empty after ${} expansion (so "${TELEGRAM_STAFF_CHAT:-}" stays
// off until the variable is set). Switched off or not, its channel and
// departments must exist, so a typo shows before the chat is turned on. On a
// disabled channel "chat" is not expanded, as the channel's own secrets are not.
std::optional<staff_chat> read_staff_chat(object_node const& o, channel_ids const& channels,
                                          std::vector<department> const& departments)
{
    o.allow(staff_chat_keys);
    staff_chat c;
    auto const channel = o.need("channel");
    c.channel = channel.non_empty_text();
    auto const found = std::find_if(channels.begin(), channels.end(), [&](auto const& e) { return e.first == c.channel; });
    if (found == channels.end()) {
        std::string known;
        for (auto const& e : channels)
            known += (known.empty() ? "" : ", ") + e.first;
        channel.fail(quote(c.channel) + " is not the id of a channel in channels" +
                     (known.empty() ? std::string(", which is empty") : "; expected one of: " + known));
    }
    c.departments = read_department_ids(o, departments);
    auto const chat = o.need("chat");
    if (!chat.raw().is_string())
        chat.fail("expected a string, found " + describe(chat.raw()));
    if (!found->second)
        return std::nullopt;
    c.chat = chat.text();
    if (c.chat.empty())
        return std::nullopt;
    if (has_space(c.chat))
        chat.fail("expected a chat id without whitespace, found " + describe_string(c.chat));
    return c;
}

std::vector<staff_chat> read_staff_chats(node const& n, channel_ids const& channels,
                                         std::vector<department> const& departments)
{
    std::vector<staff_chat> out;
    first_seen seen;  // channel '\0' chat -> where it was first
    for (auto const& item : n.items()) {
        auto c = read_staff_chat(item.object(), channels, departments);
        if (!c)
            continue;
        auto const where = item.path() + ".chat";
        require_unique(seen, c->channel + '\0' + c->chat, node(item.raw(), item.src(), where),
                       quote(c->chat) + " on channel " + quote(c->channel));
        out.push_back(std::move(*c));
    }
    return out;
}

// Leaves `language` for check_staff_language, which runs once the locales are loaded.
staff_settings read_staff(object_node const& o, channel_ids const& channels, std::vector<department> departments)
{
    o.allow(staff_keys);
    staff_settings s;
    s.departments = std::move(departments);
    if (auto n = o.get("chats"))
        s.chats = read_staff_chats(*n, channels, s.departments);
    if (auto n = o.get("supervisors"))
        s.supervisors = read_staff_chats(*n, channels, s.departments);
    if (auto n = o.get("plain_reply")) {
        auto const mode = n->text();
        // "note" once meant a progress note that reaches the citizen; naming it
        // either way would guess what the operator wanted.
        if (mode == "note")
            n->fail(R"("note" is no longer a value: write "progress" for a progress note sent to the citizen, )"
                    R"(or "internal" for an internal note that is not)");
        auto const found = std::find_if(std::begin(plain_replies), std::end(plain_replies),
                                        [&](plain_reply_mode const& m) { return m.name == mode; });
        if (found == std::end(plain_replies)) {
            std::string names;
            for (auto const& m : plain_replies)
                names += (names.empty() ? "" : ", ") + std::string(m.name);
            n->fail("expected one of: " + names + ", found " + describe_string(mode));
        }
        s.plain_reply = found->action;
    }
    o.read_non_empty("language", s.language);
    o.read_int("max_transfers", s.max_transfers, 0, 100);
    return s;
}

bool is_loaded(std::vector<model::locale> const& locales, std::string_view code)
{
    return std::any_of(locales.begin(), locales.end(), [&](model::locale const& l) { return l.code == code; });
}

// A language that is given must be loaded. Left out, it is "en" when that is
// loaded and otherwise the fallback (first) locale, so a deployment without
// English and without staff chats need not write a staff section.
void check_staff_language(object_node const& staff, std::vector<model::locale> const& locales, std::string& language)
{
    if (staff.get("language")) {
        if (!is_loaded(locales, language)) {
            std::string loaded;
            for (auto const& l : locales)
                loaded += (loaded.empty() ? "" : ", ") + l.code;
            staff.fail_at("language", quote(language) + " is not a loaded locale; loaded: " + loaded);
        }
        return;
    }
    if (!is_loaded(locales, language) && !locales.empty())
        language = locales.front().code;
}

// "YYYY-MM-DD", and a day that exists.
std::optional<std::chrono::year_month_day> parse_date(std::string_view s)
{
    auto const digits = [&](std::size_t from, std::size_t n) {
        return std::all_of(s.begin() + from, s.begin() + from + n, [](char c) { return c >= '0' && c <= '9'; });
    };
    if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !digits(0, 4) || !digits(5, 2) || !digits(8, 2))
        return std::nullopt;
    auto const number = [&](std::size_t from, std::size_t n) {
        int v = 0;
        for (std::size_t i = from; i < from + n; ++i)
            v = v * 10 + (s[i] - '0');
        return v;
    };
    std::chrono::year_month_day const d{std::chrono::year{number(0, 4)},
                                        std::chrono::month{static_cast<unsigned>(number(5, 2))},
                                        std::chrono::day{static_cast<unsigned>(number(8, 2))}};
    if (!d.ok())
        return std::nullopt;
    return d;
}

// A list of local dates; `seen` maps each date to where it was first written
// (a date in both holidays and make_up_days contradicts itself).
std::vector<std::string> read_dates(object_node const& o, std::string_view key, std::map<std::string, std::string>& seen,
                                    bool weekend_only)
{
    std::vector<std::string> out;
    auto const list = o.get(key);
    if (!list)
        return out;
    for (auto const& item : list->items()) {
        auto date = item.text();
        auto const d = parse_date(date);
        if (!d)
            item.fail("expected a date as YYYY-MM-DD, found " + describe_string(date));
        if (auto const it = seen.find(date); it != seen.end() && !it->second.starts_with(list->path() + "["))
            item.fail(quote(date) + " is also in " + it->second +
                      ": a day is either a holiday or a make-up working day");
        if (weekend_only) {
            std::chrono::weekday const wd{std::chrono::sys_days{*d}};
            if (wd != std::chrono::Saturday && wd != std::chrono::Sunday)
                item.fail(quote(date) + " is not a Saturday or Sunday: a make-up day is a weekend day worked; "
                                        "a weekday is a working day already");
        }
        seen.emplace(date, item.path());
        out.push_back(std::move(date));
    }
    return out;
}

retention_settings read_retention(object_node const& o)
{
    o.allow(retention_keys);
    retention_settings s;
    constexpr std::int64_t max_days = 36'500;
    o.read_int("dedupe_days", s.dedupe_days, 0, max_days);
    // A platform redelivers an event for up to a day: a shorter memory would run it twice.
    if (s.dedupe_days == 1)
        o.fail_at("dedupe_days", "must be 0 (kept for good) or at least 2, found 1");
    o.read_int("conversation_days", s.conversation_days, 0, max_days);
    o.read_int("closed_petition_days", s.closed_petition_days, 0, max_days);
    o.read_int("audit_days", s.audit_days, 0, max_days);
    o.read_ms("sweep_interval_ms", s.sweep_interval, 1, max_ms);
    return s;
}

deadline_settings read_deadlines(object_node const& o)
{
    o.allow(deadline_keys);
    deadline_settings s;
    o.read_bool("working_days", s.working_days);
    if (auto n = o.get("time_zone")) {
        auto const name = n->non_empty_text();
        auto z = model::zone::locate(name);
        if (!z)
            n->fail("unknown time zone " + describe_string(name) +
                    ": expected an IANA name from the system's tz database (/usr/share/zoneinfo), "
                    "such as \"Asia/Shanghai\" or \"UTC\"");
        s.zone = std::move(*z);
    }
    std::map<std::string, std::string> seen;
    s.holidays = read_dates(o, "holidays", seen, false);
    s.make_up_days = read_dates(o, "make_up_days", seen, true);
    o.read_ms("remind_before_ms", s.remind_before, 1, max_remind_ms);
    o.read_ms("check_interval_ms", s.check_interval, 1, max_ms);
    return s;
}

// Bearer tokens for the staff API. One that expands to "" is left out, so
// A list of named secrets (staff API tokens, Open311 keys): each item's keys
// among `allowed`; each name 1-32 characters of a-z 0-9 _ - and unique; each
// secret long, without whitespace and unique. `read` gets every item with its
// name and secret and reads its other keys; it keeps none whose secret is ""
// (expanded from "${NAME:-}"), which keeps that door closed until it is set.
template <class F>
void read_named_secrets(node const& list, std::span<std::string_view const> allowed, std::string_view secret_key,
                        std::string_view owner, F read)
{
    first_seen names;                          // name -> where it was first
    std::map<std::string, std::string> seen;   // secret -> where it was first
    for (auto const& item : list.items()) {
        auto const o = item.object();
        o.allow(allowed);
        auto const name = o.need("name");
        auto const name_text = name.text();
        if (!is_channel_id(name_text))
            name.fail("expected 1 to 32 characters of a-z 0-9 _ -, found " + describe_string(name_text));
        require_unique(names, name_text, name, quote(name_text));
        auto const secret = o.need(secret_key);
        auto secret_text = secret.secret_text();
        if (!secret_text.empty()) {
            if (secret_text.size() < min_api_token || has_space(secret_text))
                secret.fail("expected at least " + std::to_string(min_api_token) +
                            " characters without whitespace, found " + describe_string(secret_text, secrecy::secret));
            if (auto [it, fresh] = seen.emplace(secret_text, secret.path()); !fresh)
                secret.fail("the same " + std::string(secret_key) + " as " + it->second + "; give each " +
                            std::string(owner) + " its own");
        }
        read(o, name_text, std::move(secret_text));
    }
}

std::vector<api_token> read_staff_api(object_node const& o, std::vector<department> const& departments)
{
    o.allow(staff_api_keys);
    std::vector<api_token> out;
    if (auto const list = o.get("tokens"))
        read_named_secrets(*list, api_token_keys, "token", "user",
                           [&](object_node const& t, std::string name, std::string token) {
                               auto scope = read_department_ids(t, departments);
                               if (!token.empty())
                                   out.push_back({std::move(name), std::move(token), std::move(scope)});
                           });
    return out;
}

// Open311 API keys, read like the staff API's tokens: one that expands to ""
// is left out, so "${PG_OPEN311_KEY:-}" keeps filing closed until it is set.
open311_settings read_open311(object_node const& o, std::vector<channel_settings> const& channels)
{
    o.allow(open311_keys);
    open311_settings s;
    o.read_bool("enabled", s.enabled);
    if (auto n = o.get("jurisdiction_id")) {
        s.jurisdiction_id = n->text();
        if (!s.jurisdiction_id.empty() && (s.jurisdiction_id.size() > 100 || has_space(s.jurisdiction_id)))
            n->fail("expected at most 100 characters without whitespace, found " + describe_string(s.jurisdiction_id));
    }
    // Its petitions are filed on channel "open311": a channel of that name would be confused with it.
    if (s.enabled)
        for (auto const& c : channels)
            if (c.id == "open311")
                o.fail_at("enabled", "a channel is named \"open311\", the channel id Open311 petitions are filed on; "
                                     "rename the channel");
    if (auto const list = o.get("api_keys"))
        read_named_secrets(*list, open311_key_keys, "key", "client",
                           [&](object_node const&, std::string name, std::string key) {
                               if (!key.empty())
                                   s.api_keys.push_back({std::move(name), std::move(key)});
                           });
    return s;
}

// Pages are read from disk per request, so a missing folder is caught here, not
// as a 404 in front of a citizen.
web_settings read_web(object_node const& o)
{
    o.allow(web_keys);
    web_settings s;
    auto const root = o.need("root");
    auto const base = std::filesystem::path(o.self().src().file).parent_path();
    auto const dir = (base / root.non_empty_text()).lexically_normal();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        root.fail("expected a directory (relative to the config file's), found nothing at " + quote(dir.string()));
    s.root = dir.string();
    o.read_bool("public_page", s.public_page);
    return s;
}

// Login names: what a person types, and what the timeline shows as the actor.
bool is_account_name(std::string_view s)
{
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

// Staff console accounts. A hash is checked for shape here, so a pasted
// password or a truncated hash fails at start, not at the first login.
console_settings read_console(object_node const& o, std::vector<department> const& departments)
{
    o.allow(console_keys);
    console_settings s;
    o.read_ms("session_ttl_ms", s.session_ttl, 60'000, 30 * 24 * max_ms);
    o.read_bool("secure_cookie", s.secure_cookie);
    auto const list = o.get("accounts");
    if (!list)
        return s;
    first_seen names;  // name -> where it was first
    for (auto const& item : list->items()) {
        auto const a = item.object();
        a.allow(console_account_keys);
        console_account acc;
        auto const name = a.need("name");
        acc.name = name.text();
        if (!is_account_name(acc.name))
            name.fail("expected 1 to 64 characters of a-z 0-9 . _ -, found " + describe_string(acc.name));
        require_unique(names, acc.name, name, quote(acc.name));
        auto const hash = a.need("password_hash");
        acc.password_hash = hash.text(secrecy::secret);
        std::string why;
        if (!model::parse_password_hash(acc.password_hash, why))
            hash.fail(why + ", as printed by `petition-gateway hash-password`; found " +
                      describe_string(acc.password_hash, secrecy::secret));
        acc.departments = read_department_ids(a, departments);
        a.read_bool("supervisor", acc.supervisor);
        s.accounts.push_back(std::move(acc));
    }
    return s;
}

// Tests only: lets integration tests move time forward (deadlines, reminders)
// without waiting. A deployment leaves this section out.
testing_settings read_testing(object_node const& o)
{
    o.allow(testing_keys);
    testing_settings s;
    o.read_non_empty("clock_file", s.clock_file);
    return s;
}

// Once departments are listed, every category must route to one of them.
void check_category_departments(std::string const& flow_file, model::flow const& f,
                                std::vector<department> const& departments, std::string const& config_file)
{
    if (departments.empty())
        return;
    for (std::size_t i = 0; i < f.categories.size(); ++i) {
        auto const& c = f.categories[i];
        if (!has_department(departments, c.department))
            throw config_error(flow_file + ": categories[" + std::to_string(i) + "].department: category " +
                               quote(c.id) + " routes to " + quote(c.department) +
                               ", which is not a department in " + config_file + "; expected one of: " +
                               ids_of(departments));
    }
}

// Reads the "dialog" section, then the files it names, relative to the config file.
model::dialog_data read_dialog(object_node const& o, std::vector<department> const& departments)
{
    o.allow(dialog_keys);
    auto const& config_file = o.self().src().file;
    auto const base = std::filesystem::path(config_file).parent_path();
    auto const resolve = [&](std::string const& p) { return (base / p).string(); };

    auto const flow = resolve(o.need("flow").non_empty_text());
    auto const list = o.need("locales");
    std::vector<std::string> locales;
    for (auto const& item : list.items())
        locales.push_back(resolve(item.non_empty_text()));
    if (locales.empty())
        list.fail("expected at least one locale file, found an empty array");
    auto data = read_dialog_files(flow, locales);
    check_category_departments(flow, data.citizen, departments, config_file);
    return data;
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
    channel_ids channels;
    s.channels = read_channels(root.need("channels"), channels);
    if (s.storage.backend == storage_backend::postgresql)
        require_shared_secrets(s, tracking ? tracking->object() : node(empty, src, "tracking").object());
    if (auto n = root.get("open311"))
        s.open311 = read_open311(n->object(), s.channels);

    std::vector<department> departments;
    if (auto n = root.get("departments"))
        departments = read_departments(*n);
    auto const staff_section = root.get("staff");
    auto const staff = staff_section ? staff_section->object() : node(empty, src, "staff").object();
    s.staff = read_staff(staff, channels, std::move(departments));
    if (auto n = root.get("deadlines"))
        s.deadlines = read_deadlines(n->object());
    if (auto n = root.get("retention"))
        s.retention = read_retention(n->object());
    if (auto n = root.get("staff_api"))
        s.staff_api_tokens = read_staff_api(n->object(), s.staff.departments);
    if (auto n = root.get("web"))
        s.web = read_web(n->object());
    if (auto n = root.get("console"))
        s.console = read_console(n->object(), s.staff.departments);
    if (auto n = root.get("testing"))
        s.testing = read_testing(n->object());
    if (auto n = root.get("districts"))
        s.districts = read_districts(*n);

    s.dialog = read_dialog(root.need("dialog").object(), s.staff.departments);  // last: it reads more files
    check_staff_language(staff, s.dialog.locales, s.staff.language);
    return s;
}

}  // namespace pg::config
