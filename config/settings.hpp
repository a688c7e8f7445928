#pragma once
// Typed settings: nothing below config/ sees JSON, but for each channel's own
// keys, which only its platform adapter reads.
#include "model/district.hpp"
#include "model/flow.hpp"
#include "model/staff.hpp"
#include "model/zone.hpp"

#include <nlohmann/json_fwd.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace pg::config {

using std::chrono::milliseconds;

// A token bucket per client address (IPv4, IPv6 /64) for what the public can
// reach: pages, web chat, the public page, staff console login. Platform webhooks,
// /healthz and /metrics are never limited.
struct rate_limit_settings {
    unsigned per_second = 20;             // tokens a second; 0: no limit
    unsigned burst = 40;                  // tokens a quiet client starts with
    std::size_t max_sources = 100'000;    // buckets kept; the least recently seen goes first
    // Web chat messages (HTTP posts and WebSocket messages) of one session, on
    // top of the per-address bucket above. session_per_minute 0: no such limit.
    unsigned session_per_minute = 30;
    unsigned session_burst = 20;
};

struct server_settings {
    // This node's name among the nodes sharing a store: the owner of its outbox
    // leases. Unset: the host name. [A-Za-z0-9._-]{1,64}
    std::string node;
    std::string listen = "127.0.0.1";
    std::uint16_t port = 8080;             // 0: any free port (tests)
    // One per core: with one, parsing, rendering and the platform calls of every
    // request share a single thread, and it, not the CPU, caps throughput.
    unsigned io_threads = std::clamp(std::thread::hardware_concurrency(), 1u, 16u);
    std::size_t body_limit = 1 << 20;      // bytes; larger bodies get 413
    std::size_t header_limit = 16 << 10;   // bytes; larger headers get 431
    milliseconds header_timeout{5'000};    // the whole header must arrive within this
    milliseconds read_timeout{15'000};     // the whole request must arrive within this
    milliseconds idle_timeout{60'000};     // keep-alive connection with no request
    milliseconds shutdown_grace{10'000};   // in-flight work gets this long on SIGTERM
    std::size_t max_connections = 1024;    // more at once are closed at accept (counted in /metrics)
    std::size_t max_requests_per_connection = 10'000;  // then the connection is closed after the answer
    rate_limit_settings rate_limit;       // over it: 429 with Retry-After (counted in /metrics)
    // One client address (IPv4, IPv6 /64) may hold at most this many connections;
    // more are closed at accept (counted in /metrics). 0: no cap (behind a proxy,
    // where every client shares its address). Telegram opens up to 100 per webhook.
    std::size_t max_connections_per_source = 256;
    // A connection that has not yet sent its first request is closed after this,
    // not after idle_timeout: holding sockets open costs an attacker nothing.
    // Never longer than idle_timeout (unset: 10 s, or idle_timeout if shorter).
    milliseconds first_request_timeout{10'000};
    // Past max_connections - webhook_reserve open connections, a new connection
    // serves only POST /webhook/{platform channel}; anything else gets 503. So
    // the public cannot lock the platforms out. 0: no reserve. Unset: max_connections / 8.
    std::size_t webhook_reserve = 128;
    // Host header names (no port) pages, web chat and console answer to; others
    // get 421. "*" allows any. Loading adds the listen address when it is not a wildcard.
    std::vector<std::string> allowed_hosts = {"localhost", "127.0.0.1", "[::1]"};
};

enum class storage_backend { rocksdb, postgresql };

// Several gateway nodes share one PostgreSQL database (see README, "Several nodes").
struct postgresql_settings {
    std::string dsn;                      // a libpq connection string; a secret (it may hold a password)
    std::size_t pool_size = 16;           // connections per node: units hold one while they wait on a lock
};

struct storage_settings {
    storage_backend backend = storage_backend::rocksdb;
    postgresql_settings postgresql;       // with backend postgresql
    // RocksDB's directory, relative to the working directory; with PostgreSQL,
    // only where this node keeps nothing shared (its log of kept secrets is refused).
    std::string path = "./data";
    bool sync = true;                     // fsync the WAL on every commit (grouped)
    unsigned threads = 4;                 // blocking-call pool (commits wait here)
    std::string backup_token;             // POST /admin/backup bearer token; empty: no such endpoint
    std::size_t webchat_history_max = 2000;  // entries kept per web chat conversation; older ones are dropped
};

struct outbox_settings {
    std::uint32_t max_attempts = 10;      // then dead-letter
    milliseconds base_backoff{500};
    milliseconds max_backoff{300'000};
    unsigned max_in_flight_per_channel = 64;
    milliseconds request_timeout{10'000};
    // An entry this node queued or claimed is its own to send for this long,
    // renewed while it holds it; then another node may claim it (a dead node's
    // entries are sent by the others). See storage::store::claim_outbox.
    milliseconds lease{60'000};
};

struct log_settings {
    std::string level = "info";           // debug | info | warn | error
};

struct channel_settings {
    std::string id;                       // used in /webhook/{id}; [a-z0-9_-]{1,32}
    std::string type;                     // the platform's name ("telegram"): adapters::find_platform_kind
    bool enabled = true;
    std::string api_base;                 // "https://api.telegram.org"; tests use http://127.0.0.1:port
    // The platform's own keys (adapters/platform.hpp: its `settings`), secrets
    // expanded; only the platform reads them. Null for a disabled channel.
    std::shared_ptr<nlohmann::json const> options;
};

// A staff chat: a Telegram forum supergroup or a Slack channel, on a configured channel.
struct staff_chat {
    std::string channel;                  // a channel id from `channels`
    std::string chat;                     // Telegram chat id ("-100...") / Slack channel id ("C...")
    std::vector<std::string> departments; // the departments it serves; empty = all
};

struct department {
    std::string id;                       // "transport"; categories route to these
    std::vector<std::string> staff_user_ids;  // if non-empty, only these users may act on its petitions
};

struct staff_settings {
    std::vector<staff_chat> chats;
    std::vector<staff_chat> supervisors;  // escalations go here
    std::vector<department> departments;
    // What a plain (non-command) message in a staff thread does: note (an internal note,
    // never sent to the citizen), progress (a progress note sent to the citizen) or answer.
    model::petition_action plain_reply = model::petition_action::note;
    std::string language = "en";          // staff-side texts
    // Transfers a petition may take before it escalates to the supervisors (the
    // coordinating office) serving its department; only they transfer it further.
    // 0: no cap.
    int max_transfers = 3;
};

struct deadline_settings {
    bool working_days = false;              // count working days: Mon-Fri not a holiday, and make-up days
    std::vector<std::string> holidays;      // "YYYY-MM-DD", local dates in `zone`
    std::vector<std::string> make_up_days;  // "YYYY-MM-DD": a Saturday or Sunday worked (local dates)
    model::zone zone;                       // time_zone: IANA name, resolved at load; UTC by default
    milliseconds remind_before{24 * 3'600'000};
    milliseconds check_interval{60'000};
};

// How long personal data and bookkeeping are kept; 0 days: kept for good.
struct retention_settings {
    unsigned dedupe_days = 30;           // dedupe keys: platforms redeliver within hours, not weeks
    unsigned conversation_days = 365;    // conversations idle this long, with their web chat history
    unsigned closed_petition_days = 0;   // closed or rejected petitions lose their personal data
    unsigned audit_days = 365;           // audit entries of staff requests
    milliseconds sweep_interval{3'600'000};
};

struct api_token {
    std::string name;                     // who uses it (logged); the actor on the timeline
    std::string token;                    // secret
    std::vector<std::string> departments; // what it may see and act on; empty = all
};

// The gateway's own pages (web chat, staff console, public page) are plain
// files under `root`, served as they are.
struct web_settings {
    std::string root;                     // a directory, resolved against the config file's; empty = no pages
    bool public_page = true;              // /public and /public/api/*: figures and tracking lookup, no login
};

// Staff console accounts. Passwords are stored as slow hashes
// ("pbkdf2-sha256$..."), printed by `petition-gateway hash-password`.
struct console_account {
    std::string name;                     // login name, shown on the timeline as the actor
    std::string password_hash;            // model::parse_password_hash accepts it
    std::vector<std::string> departments; // what it may see and act on; empty = all
    bool supervisor = false;              // sees the oversight page
};

struct console_settings {
    std::vector<console_account> accounts;  // none: the console is off
    milliseconds session_ttl{8 * 3'600'000};  // a session ends this long after login
    bool secure_cookie = false;           // add Secure to the session cookie (always so behind https)
};

// Open311 GeoReport v2 under /open311/v2/: reading is public; filing needs
// one of the API keys. A key that expands to "" is left out, so with none the
// endpoint only reads.
struct open311_key {
    std::string name;                     // the client's name: the actor on the petition's timeline
    std::string key;                      // secret, sent as the POST's api_key
};

struct open311_settings {
    bool enabled = false;
    std::string jurisdiction_id;          // a POST naming another is refused; "" accepts any
    std::vector<open311_key> api_keys;
};

struct testing_settings {
    std::string clock_file;               // tests only: read "now" (Unix ms) from this file instead of the clock
};

struct settings {
    std::string file;                     // the config file, as given
    server_settings server;
    storage_settings storage;
    outbox_settings outbox;
    log_settings log;
    std::string tracking_key;             // secret that scrambles tracking numbers
    model::dialog_data dialog;
    std::vector<channel_settings> channels;  // enabled ones only
    staff_settings staff;
    deadline_settings deadlines;
    retention_settings retention;
    std::vector<api_token> staff_api_tokens;
    web_settings web;
    console_settings console;
    open311_settings open311;
    testing_settings testing;
    std::vector<model::district> districts;  // for the equity figures; none: no district figures
};

}  // namespace pg::config
