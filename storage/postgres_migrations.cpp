#include "storage/postgres_migrations.hpp"

#include "storage/postgres_pool.hpp"
#include "storage/store.hpp"

#include <iterator>

namespace pg::storage {
namespace {

struct migration {
    int version;
    char const* name;
    char const* sql;
};

// Never edit a migration once it has shipped: add the next one.
//
// The schema. Every record is the codec's compact JSON text (storage/codec.hpp)
// in `record`, beside the columns the queries need. Times are bigint UTC
// milliseconds as the caller gave them: no server clock.
//
//   dedupe          key -> committed_at (the committing node's clock, for retention)
//                   and token (the commit attempt that wrote it: it settles a
//                   COMMIT whose outcome the connection lost)
//   conversations   (channel_id, chat_id) -> events (the compare-and-set of
//                   unit_of_work::conversation_read), updated_at (retention)
//   petitions       tracking -> number, status, department, times, paused,
//                   category (3): the columns of petitions(); petition_numbers is the sequence
//                   next_petition_number() draws from
//   timeline        id (bigserial: insertion order) -> tracking, at; read by (tracking, at, id)
//   outbox          seq (outbox_seq: only grows) -> dedupe_key (the unit that
//                   queued it), lease_owner, lease_until (claim_outbox), chat
//                   (channel_id "\n" chat_id: whose entries go to one node; 2)
//   dead_letters    seq -> the entry with its reason
//   threads         (channel_id, chat_id, tracking) -> thread_id      a petition's own thread
//   thread_petitions (channel_id, chat_id, thread_id) -> tracking     every thread that leads to one
//   history_heads   (channel_id, chat_id) -> last_seq: the row a web chat append locks
//   history         (channel_id, chat_id, seq) -> entry
//   citizens        (channel_id, chat_id) -> citizen, a copy under each linked chat
//   link_codes      code -> link_code
//   sent_notices    (channel_id, sent_id) -> sent_notice
//   audit           id (insertion order) -> at, who, tracking; read newest first
constexpr migration migrations[] = {
    {1, "initial schema", R"sql(
CREATE TABLE dedupe (
    key          text PRIMARY KEY,
    committed_at bigint NOT NULL,
    token        text NOT NULL
);
CREATE INDEX dedupe_committed_at ON dedupe (committed_at);

CREATE TABLE conversations (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    events     bigint NOT NULL,
    updated_at bigint NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (channel_id, chat_id)
);
CREATE INDEX conversations_updated_at ON conversations (updated_at);

CREATE SEQUENCE petition_numbers;
CREATE TABLE petitions (
    tracking        text PRIMARY KEY,
    number          bigint NOT NULL,
    status          text NOT NULL,
    department      text NOT NULL,
    submitted_at    bigint NOT NULL,
    response_due_at bigint NOT NULL,
    deadline_at     bigint NOT NULL,
    paused          boolean NOT NULL,
    record          text NOT NULL
);
CREATE INDEX petitions_number ON petitions (number);
CREATE INDEX petitions_status_number ON petitions (status, number);

CREATE TABLE timeline (
    id       bigserial PRIMARY KEY,
    tracking text NOT NULL,
    at       bigint NOT NULL,
    record   text NOT NULL
);
CREATE INDEX timeline_tracking ON timeline (tracking, at, id);

CREATE SEQUENCE outbox_seq;
CREATE TABLE outbox (
    seq         bigint PRIMARY KEY DEFAULT nextval('outbox_seq'),
    dedupe_key  text NOT NULL,
    lease_owner text,
    lease_until bigint,
    record      text NOT NULL
);
CREATE INDEX outbox_dedupe_key ON outbox (dedupe_key);

CREATE TABLE dead_letters (
    seq    bigint PRIMARY KEY,
    record text NOT NULL
);

CREATE TABLE threads (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    tracking   text NOT NULL,
    thread_id  text NOT NULL,
    PRIMARY KEY (channel_id, chat_id, tracking)
);
CREATE TABLE thread_petitions (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    thread_id  text NOT NULL,
    tracking   text NOT NULL,
    PRIMARY KEY (channel_id, chat_id, thread_id)
);

CREATE TABLE history_heads (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    last_seq   bigint NOT NULL,
    PRIMARY KEY (channel_id, chat_id)
);
CREATE TABLE history (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    seq        bigint NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (channel_id, chat_id, seq)
);

CREATE TABLE citizens (
    channel_id text NOT NULL,
    chat_id    text NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (channel_id, chat_id)
);
CREATE TABLE link_codes (
    code   text PRIMARY KEY,
    record text NOT NULL
);
CREATE TABLE sent_notices (
    channel_id text NOT NULL,
    sent_id    text NOT NULL,
    record     text NOT NULL,
    PRIMARY KEY (channel_id, sent_id)
);

CREATE TABLE audit (
    id       bigserial PRIMARY KEY,
    at       bigint NOT NULL,
    who      text NOT NULL,
    tracking text NOT NULL,
    record   text NOT NULL
);
CREATE INDEX audit_at ON audit (at, id);
)sql"},
    // A chat's pending entries stay with one node, so they leave in order
    // (postgres_store::commit). Entries queued before this have no chat and
    // hold nothing back.
    {2, "outbox chat", R"sql(
ALTER TABLE outbox ADD COLUMN chat text;
CREATE INDEX outbox_chat_seq ON outbox (chat, seq);
)sql"},
    // The duplicate offer lists a category's open petitions on every filing:
    // an index of just those, newest first.
    {3, "petition category", R"sql(
ALTER TABLE petitions ADD COLUMN category text NOT NULL DEFAULT '';
UPDATE petitions SET category = COALESCE(record::json->>'cat', '');
CREATE INDEX petitions_open_category ON petitions (category, number) WHERE status NOT IN ('closed', 'rejected');
)sql"},
};

// Any fixed number: every node migrating one database takes this lock.
constexpr char const* lock_sql = "SELECT pg_advisory_xact_lock(7365061841)";

constexpr char const* bookkeeping_sql = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
))sql";

}  // namespace

int postgres_schema_latest()
{
    return std::prev(std::end(migrations))->version;
}

int postgres::schema_version(connection& c)
{
    // to_regclass: absent (a schema never migrated) is NULL, not an error.
    if (c.exec("SELECT to_regclass('schema_migrations')").is_null(0, 0))
        return 0;
    return static_cast<int>(c.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").i64(0, 0));
}

int migrate_postgres(std::string const& dsn, std::string& report)
{
    auto const where = "postgresql " + postgres::safe_dsn(dsn);
    std::unique_ptr<postgres::connection> c;
    try {
        c = postgres::connect(dsn, std::chrono::seconds{10});
    } catch (postgres::failure const& f) {
        throw storage_error(where + ": connect: " + f.what());
    }
    int applied = 0;
    for (auto const& m : migrations) {
        auto const what = "migration " + std::to_string(m.version) + " (" + m.name + ")";
        try {
            c->exec("BEGIN");
            c->exec(lock_sql);
            c->exec(bookkeeping_sql);
            postgres::params p;
            p.i64(m.version);
            if (c->run_sql("SELECT 1 FROM schema_migrations WHERE version = $1::integer", p).rows() > 0) {
                c->exec("COMMIT");
                report += "at " + std::to_string(m.version) + " " + m.name + "\n";
                continue;
            }
            c->exec(m.sql);
            p.text(m.name);
            c->run_sql("INSERT INTO schema_migrations (version, name) VALUES ($1::integer, $2)", p);
            c->exec("COMMIT");
        } catch (postgres::failure const& f) {
            throw storage_error(where + ": " + what + ": " + f.what());
        }
        report += "applied " + std::to_string(m.version) + " " + m.name + "\n";
        ++applied;
    }
    return applied;
}

}  // namespace pg::storage
