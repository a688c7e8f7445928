#include "storage/postgres_store.hpp"

#include "model/chain.hpp"
#include "storage/codec.hpp"
#include "storage/postgres_migrations.hpp"
#include "storage/postgres_pool.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <map>
#include <optional>
#include <random>

namespace pg::storage {
namespace {

using postgres::failure;
using postgres::params;
using postgres::statement;

// Every statement the store runs; each connection prepares one the first time
// it runs it. Parameters are text; the columns say what they become.
namespace sql {
constexpr statement dedupe_insert{"dedupe_insert",
    "INSERT INTO dedupe (key, committed_at, token) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING"};
constexpr statement dedupe_seen{"dedupe_seen", "SELECT 1 FROM dedupe WHERE key = $1"};
constexpr statement dedupe_token{"dedupe_token", "SELECT token FROM dedupe WHERE key = $1"};
// End the backend a COMMIT was lost on, waiting up to $2 ms for it to go.
constexpr statement end_backend{"end_backend",
    "SELECT pg_terminate_backend(pid, $2) FROM pg_stat_activity WHERE pid = $1 AND pid <> pg_backend_pid()"};

// Compare-and-set on `events`: a conversation read as absent may be inserted
// (or one stored with 0 events replaced); else only the version read is replaced.
constexpr statement conversation_insert{"conversation_insert",
    "INSERT INTO conversations AS c (channel_id, chat_id, events, updated_at, record) VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (channel_id, chat_id) DO UPDATE SET events = EXCLUDED.events, updated_at = EXCLUDED.updated_at, "
    "record = EXCLUDED.record WHERE c.events = 0"};
constexpr statement conversation_update{"conversation_update",
    "UPDATE conversations SET events = $3, updated_at = $4, record = $5 "
    "WHERE channel_id = $1 AND chat_id = $2 AND events = $6"};
constexpr statement conversation_get{"conversation_get",
    "SELECT record FROM conversations WHERE channel_id = $1 AND chat_id = $2"};

constexpr statement petition_put{"petition_put",
    "INSERT INTO petitions (tracking, number, status, department, submitted_at, response_due_at, deadline_at, "
    "paused, record, category) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tracking) DO UPDATE SET "
    "number = EXCLUDED.number, status = EXCLUDED.status, department = EXCLUDED.department, "
    "category = EXCLUDED.category, "
    "submitted_at = EXCLUDED.submitted_at, response_due_at = EXCLUDED.response_due_at, "
    "deadline_at = EXCLUDED.deadline_at, paused = EXCLUDED.paused, record = EXCLUDED.record"};
constexpr statement petition_get{"petition_get", "SELECT record FROM petitions WHERE tracking = $1"};
constexpr statement petition_next{"petition_next", "SELECT nextval('petition_numbers')"};
// Moves the sequence past a number stored from elsewhere. nextval only ever
// goes up, whoever else draws meanwhile (setval could move it back).
constexpr statement petition_floor{"petition_floor",
    "SELECT count(nextval('petition_numbers')) FROM generate_series(1, $1::bigint - "
    "(SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM petition_numbers))"};

constexpr statement timeline_insert{"timeline_insert",
    "INSERT INTO timeline (tracking, at, record) VALUES ($1, $2, $3)"};
constexpr statement timeline_get{"timeline_get",
    "SELECT record FROM timeline WHERE tracking = $1 ORDER BY at, id"};
constexpr statement timeline_lock{"timeline_lock",
    "SELECT id, record FROM timeline WHERE tracking = $1 ORDER BY at, id FOR UPDATE"};
constexpr statement timeline_rewrite{"timeline_rewrite", "UPDATE timeline SET record = $2 WHERE id = $1"};

constexpr statement outbox_insert{"outbox_insert",
    "INSERT INTO outbox (dedupe_key, lease_owner, lease_until, record, chat) VALUES ($1, $2, $3, $4, $5) "
    "RETURNING seq"};
// The lease of a chat's latest pending entry: $1 chat.
constexpr statement outbox_chat_lease{"outbox_chat_lease",
    "SELECT lease_owner, lease_until FROM outbox WHERE chat = $1 ORDER BY seq DESC LIMIT 1"};
// A chat's pending entries leased to one owner: $1 chat, $2 owner.
constexpr statement outbox_chat_held{"outbox_chat_held",
    "SELECT seq, record FROM outbox WHERE chat = $1 AND lease_owner = $2 ORDER BY seq"};
// $1 owner, $2 now, $3 lease until, $4 after, $5 limit.
constexpr statement outbox_claim{"outbox_claim",
    "UPDATE outbox SET lease_owner = $1, lease_until = $3 WHERE seq IN (SELECT seq FROM outbox WHERE seq > $4 "
    "AND (lease_until IS NULL OR lease_until <= $2 OR lease_owner = $1) ORDER BY seq LIMIT $5 "
    "FOR UPDATE SKIP LOCKED) RETURNING seq, record"};
constexpr statement outbox_delete{"outbox_delete", "DELETE FROM outbox WHERE seq = ANY($1::bigint[])"};
constexpr statement outbox_take{"outbox_take", "DELETE FROM outbox WHERE seq = $1 RETURNING seq"};
constexpr statement outbox_count{"outbox_count", "SELECT count(*) FROM outbox"};
constexpr statement outbox_dead{"outbox_dead",
    "WITH gone AS (DELETE FROM outbox WHERE seq = $1) INSERT INTO dead_letters (seq, record) VALUES ($1, $2) "
    "ON CONFLICT (seq) DO UPDATE SET record = EXCLUDED.record"};
constexpr statement dead_list{"dead_list", "SELECT seq, record FROM dead_letters ORDER BY seq DESC LIMIT $1"};

// bind_thread, all $1 channel, $2 chat, $3 thread, $4 tracking. The stale
// reverse entries go only where they still mirror the forward ones (an alias
// thread of another petition stays).
constexpr statement thread_lock{"thread_lock", "SELECT pg_advisory_xact_lock($1::integer, $2::integer)"};
// lock(): session-level, held until pg_advisory_unlock_all() or the session ends.
constexpr statement advisory_lock{"advisory_lock", "SELECT pg_advisory_lock($1::integer, $2::integer)"};
constexpr statement thread_drop_reverse{"thread_drop_reverse",
    "DELETE FROM thread_petitions tp USING threads t WHERE t.channel_id = $1 AND t.chat_id = $2 "
    "AND t.tracking = $4 AND t.thread_id <> $3 AND tp.channel_id = $1 AND tp.chat_id = $2 "
    "AND tp.thread_id = t.thread_id AND tp.tracking = $4"};
constexpr statement thread_drop_forward{"thread_drop_forward",
    "DELETE FROM threads t USING thread_petitions tp WHERE tp.channel_id = $1 AND tp.chat_id = $2 "
    "AND tp.thread_id = $3 AND tp.tracking <> $4 AND t.channel_id = $1 AND t.chat_id = $2 "
    "AND t.tracking = tp.tracking AND t.thread_id = $3"};
constexpr statement thread_put{"thread_put",
    "INSERT INTO threads (channel_id, chat_id, thread_id, tracking) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (channel_id, chat_id, tracking) DO UPDATE SET thread_id = EXCLUDED.thread_id"};
constexpr statement thread_put_reverse{"thread_put_reverse",
    "INSERT INTO thread_petitions (channel_id, chat_id, thread_id, tracking) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (channel_id, chat_id, thread_id) DO UPDATE SET tracking = EXCLUDED.tracking"};
constexpr statement thread_get{"thread_get",
    "SELECT thread_id FROM threads WHERE channel_id = $1 AND chat_id = $2 AND tracking = $3"};
constexpr statement thread_petition_get{"thread_petition_get",
    "SELECT tracking FROM thread_petitions WHERE channel_id = $1 AND chat_id = $2 AND thread_id = $3"};

// The head row is the conversation's lock and counter: seqs have no gaps.
constexpr statement history_next{"history_next",
    "INSERT INTO history_heads AS h (channel_id, chat_id, last_seq) VALUES ($1, $2, 1) "
    "ON CONFLICT (channel_id, chat_id) DO UPDATE SET last_seq = h.last_seq + 1 RETURNING last_seq"};
constexpr statement history_insert{"history_insert",
    "INSERT INTO history (channel_id, chat_id, seq, record) VALUES ($1, $2, $3, $4)"};
constexpr statement history_trim{"history_trim",
    "DELETE FROM history WHERE channel_id = $1 AND chat_id = $2 AND seq <= $3"};
constexpr statement history_get{"history_get",
    "SELECT seq, record FROM history WHERE channel_id = $1 AND chat_id = $2 AND seq > $3 ORDER BY seq LIMIT $4"};

constexpr statement citizen_put{"citizen_put",
    "INSERT INTO citizens (channel_id, chat_id, record) VALUES ($1, $2, $3) "
    "ON CONFLICT (channel_id, chat_id) DO UPDATE SET record = EXCLUDED.record"};
constexpr statement citizen_get{"citizen_get",
    "SELECT record FROM citizens WHERE channel_id = $1 AND chat_id = $2"};
constexpr statement link_put{"link_put",
    "INSERT INTO link_codes (code, record) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET record = EXCLUDED.record"};
constexpr statement link_get{"link_get", "SELECT record FROM link_codes WHERE code = $1"};
constexpr statement link_delete{"link_delete", "DELETE FROM link_codes WHERE code = $1"};
constexpr statement sent_put{"sent_put",
    "INSERT INTO sent_notices (channel_id, sent_id, record) VALUES ($1, $2, $3) "
    "ON CONFLICT (channel_id, sent_id) DO UPDATE SET record = EXCLUDED.record"};
constexpr statement sent_get{"sent_get",
    "SELECT record FROM sent_notices WHERE channel_id = $1 AND sent_id = $2"};

constexpr statement audit_insert{"audit_insert",
    "INSERT INTO audit (at, who, tracking, record) VALUES ($1, $2, $3, $4)"};
constexpr statement audit_get{"audit_get",
    "SELECT record FROM audit WHERE ($1::text = '' OR tracking = $1) AND ($2::text = '' OR who = $2) "
    "ORDER BY at DESC, id DESC LIMIT $3"};

// Retention, a bounded batch at a time where rows are many.
constexpr statement forget_dedupe{"forget_dedupe",
    "DELETE FROM dedupe WHERE key IN (SELECT key FROM dedupe WHERE committed_at < $1 LIMIT 10000)"};
constexpr statement forget_conversations{"forget_conversations",
    "WITH gone AS (DELETE FROM conversations WHERE updated_at < $1 RETURNING channel_id, chat_id), "
    "heads AS (DELETE FROM history_heads h USING gone g WHERE h.channel_id = g.channel_id "
    "AND h.chat_id = g.chat_id), "
    "lines AS (DELETE FROM history h USING gone g WHERE h.channel_id = g.channel_id AND h.chat_id = g.chat_id "
    "RETURNING 1) SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM lines)"};
constexpr statement forget_audit{"forget_audit", "DELETE FROM audit WHERE at < $1"};
}  // namespace sql

// Advisory lock key spaces (the first of the two int4 keys): ours, apart from
// any other application's on the same database.
constexpr std::int32_t petition_space = 0x70670001;
constexpr std::int32_t chain_space = 0x70670002;
constexpr std::int32_t thread_space = 0x70670003;

// FNV-1a: a fixed hash, the same on every node and every build.
std::int32_t key32(std::string_view name)
{
    std::uint32_t h = 2166136261u;
    for (unsigned char c : name) {
        h ^= c;
        h *= 16777619u;
    }
    return static_cast<std::int32_t>(h);
}

std::int64_t millis(model::timestamp t)
{
    return model::to_millis(t);
}

// Seqs and limits arrive as uint64 / size_t; the columns are bigint.
std::int64_t clamp64(std::uint64_t v)
{
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v, std::numeric_limits<std::int64_t>::max()));
}

class postgres_locks final : public held_locks {
public:
    postgres_locks(std::shared_ptr<postgres::pool> p, std::optional<postgres::pool::lease> l)
        : pool_(std::move(p)), lease_(std::move(l))
    {
    }
    ~postgres_locks() override
    {
        if (!lease_)
            return;
        try {
            (*lease_)->exec("SELECT pg_advisory_unlock_all()");
        } catch (failure const&) {
            lease_->discard();  // a broken connection's locks went with its session
        }
    }

private:
    std::shared_ptr<postgres::pool> pool_;  // outlives the lease below (members go in reverse)
    std::optional<postgres::pool::lease> lease_;
};

}  // namespace

struct postgres_store::impl {
    postgres_options options;
    std::shared_ptr<postgres::pool> data;
    std::shared_ptr<postgres::pool> locks;  // lock() holds these; commits never wait for them
    std::atomic<std::uint64_t> decode_failures{0};
    std::atomic<commit_fault> fault{commit_fault::none};
    std::mutex token_mutex;
    std::mt19937_64 token_source{std::random_device{}()};

    std::string const& where() const { return data->where(); }

    [[noreturn]] void unreadable(std::string_view kind, std::exception const& e) const
    {
        throw unavailable(where() + ": read " + std::string(kind) + ": " + e.what());
    }

    // Runs `f` on a pooled connection; a failure becomes `unavailable` naming the kind.
    template <class F>
    auto read(std::string_view kind, F f)
    {
        try {
            auto c = data->acquire();
            return f(*c);
        } catch (failure const& e) {
            unreadable(kind, e);
        }
    }

    // Runs a write on a pooled connection: false when it could not be made.
    template <class F>
    bool write(F f)
    {
        try {
            auto c = data->acquire();
            return f(*c);
        } catch (failure const&) {
            return false;
        }
    }

    template <class T, class Decode>
    std::optional<T> one(postgres::connection& c, statement const& s, params const& p, Decode decode)
    {
        auto r = c.run(s, p);
        if (r.rows() == 0)
            return std::nullopt;
        auto v = decode(r.text(0, 0));
        if (!v)
            ++decode_failures;
        return v;
    }

    std::string new_token()
    {
        std::lock_guard g(token_mutex);
        return std::to_string(token_source()) + "-" + std::to_string(token_source());
    }

    commit_status write_unit(postgres::connection& c, unit_of_work const& w, std::string const& token,
                             std::vector<model::outbox_entry>& queued);
    void append_history(postgres::connection& c, std::vector<history_append const*> appends);
    bool send_commit(postgres::connection& c, commit_fault f, std::string& error);
    commit_result settle(std::string const& key, std::string const& token, int pid,
                         std::vector<model::outbox_entry> queued);
};

// The unit's writes, inside the caller's transaction. Anything but
// `committed` means: roll back.
commit_status postgres_store::impl::write_unit(postgres::connection& c, unit_of_work const& w,
                                               std::string const& token, std::vector<model::outbox_entry>& queued)
{
    if (c.run(sql::dedupe_insert, params().text(w.dedupe_key).i64(millis(wall_now())).text(token)).affected() != 1)
        return commit_status::duplicate;

    if (w.conversation) {
        auto const& cv = *w.conversation;
        params p;
        p.text(cv.channel_id).text(cv.chat_id).i64(clamp64(cv.events)).i64(millis(cv.updated_at)).text(encode(cv));
        auto const r = w.conversation_read == 0 ? c.run(sql::conversation_insert, p)
                                                : c.run(sql::conversation_update, p.i64(clamp64(w.conversation_read)));
        if (r.affected() != 1)
            return commit_status::conflict;
    }

    // In tracking order, so two units writing the same petitions lock their
    // rows in one order; a stable sort keeps the last of a repeated one last.
    std::vector<model::petition const*> petitions;
    for (auto const& p : w.petitions)
        petitions.push_back(&p);
    std::stable_sort(petitions.begin(), petitions.end(),
                     [](auto const* a, auto const* b) { return a->tracking < b->tracking; });
    std::uint64_t highest = 0;
    for (auto const* p : petitions) {
        c.run(sql::petition_put, params()
                                     .text(p->tracking)
                                     .i64(clamp64(p->number))
                                     .text(model::to_string(p->current))
                                     .text(p->department)
                                     .i64(millis(p->submitted_at))
                                     .i64(millis(p->response_due_at))
                                     .i64(millis(p->deadline_at))
                                     .text(p->paused_since ? "true" : "false")
                                     .text(encode(*p))
                                     .text(p->category));
        highest = std::max(highest, p->number);
    }
    if (highest > 0)  // a number that did not come from us is not handed out later
        c.run(sql::petition_floor, params().i64(clamp64(highest)));

    // Before this unit's own entries: those keep their personal parts (the
    // erasure's own entry says why).
    for (auto const& tracking : w.erased_timelines) {
        auto const rows = c.run(sql::timeline_lock, params().text(tracking));
        for (int i = 0; i < rows.rows(); ++i) {
            auto e = decode_timeline_event(rows.text(i, 1));
            if (!e) {
                ++decode_failures;
                continue;
            }
            c.run(sql::timeline_rewrite, params().i64(rows.i64(i, 0)).text(encode(model::erased(std::move(*e)))));
        }
    }
    for (auto const& [tracking, e] : w.timeline)
        c.run(sql::timeline_insert, params().text(tracking).i64(millis(e.at)).text(encode(e)));

    auto const created = unit_time(w);
    // Per chat, the lease its new entries take, and whether this node sends them now.
    struct chat_lease {
        std::optional<outbox_lease> lease;  // none: anyone's to claim
        bool sends = true;
    };
    // Behind a pending entry of the chat that is not this node's, the entries
    // join it: the node that sends that one sends these after it (it claims
    // them with its next renewal), or whoever claims both once that lease runs
    // out. Sent by this node at once, they could overtake the earlier one.
    // Behind this node's own, those go with them (some may have come by
    // hand-off and not be claimed yet).
    auto const lease_for = [&](std::string const& chat) -> chat_lease {
        if (!w.lease)
            return {};
        auto const held = c.run(sql::outbox_chat_lease, params().text(chat));
        if (held.rows() == 0)
            return {w.lease, true};
        if (held.is_null(0, 0))
            return {std::nullopt, false};
        if (held.text(0, 0) != w.lease->owner)
            return {outbox_lease{std::string(held.text(0, 0)), model::from_millis(held.i64(0, 1))}, false};
        auto const own = c.run(sql::outbox_chat_held, params().text(chat).text(w.lease->owner));
        for (int i = 0; i < own.rows(); ++i) {
            if (auto o = decode_outbox_entry(own.text(i, 1), static_cast<std::uint64_t>(own.i64(i, 0))))
                queued.push_back(std::move(*o));
            else
                ++decode_failures;
        }
        return {w.lease, true};
    };
    std::map<std::string, chat_lease> leases;
    for (auto const& m : w.outbox) {
        model::outbox_entry e{0, m, 0, created};
        auto const chat = m.channel_id + '\n' + m.chat_id;
        auto it = leases.find(chat);
        if (it == leases.end())
            it = leases.emplace(chat, lease_for(chat)).first;
        auto const& [lease, sends] = it->second;
        params p;
        p.text(w.dedupe_key);
        if (lease)
            p.text(lease->owner).i64(millis(lease->until));
        else
            p.null().null();
        auto const r = c.run(sql::outbox_insert, p.text(encode(e)).text(chat));
        e.seq = static_cast<std::uint64_t>(r.i64(0, 0));
        if (sends)
            queued.push_back(std::move(e));
    }

    std::vector<history_append const*> appends;
    for (auto const& a : w.history)
        appends.push_back(&a);
    append_history(c, std::move(appends));

    for (auto const& z : w.citizens) {
        auto const bytes = encode(z);
        for (auto const& i : z.identities)
            c.run(sql::citizen_put, params().text(i.channel_id).text(i.chat_id).text(bytes));
    }
    for (auto const& code : w.link_codes)
        c.run(sql::link_put, params().text(code.code).text(encode(code)));
    for (auto const& code : w.used_link_codes)
        c.run(sql::link_delete, params().text(code));
    for (auto const& n : w.sent_notices)
        c.run(sql::sent_put, params().text(n.to.channel_id).text(n.sent_id).text(encode(n)));
    for (auto const& a : w.thread_aliases)
        c.run(sql::thread_put_reverse, params().text(a.channel_id).text(a.chat_id).text(a.thread_id).text(a.tracking));
    return commit_status::committed;
}

// Each entry gets the next seq of its conversation; with a bound, seq n retires
// n - history_max and older. Conversations in key order (a stable sort: the
// entries of one keep theirs), so two writers lock their head rows in one order.
void postgres_store::impl::append_history(postgres::connection& c, std::vector<history_append const*> appends)
{
    std::stable_sort(appends.begin(), appends.end(), [](auto const* a, auto const* b) {
        return std::tie(a->channel_id, a->chat_id) < std::tie(b->channel_id, b->chat_id);
    });
    for (auto const* a : appends) {
        auto const seq = c.run(sql::history_next, params().text(a->channel_id).text(a->chat_id)).i64(0, 0);
        c.run(sql::history_insert, params().text(a->channel_id).text(a->chat_id).i64(seq).text(encode(a->entry)));
        auto const max = static_cast<std::int64_t>(options.history_max);
        if (max > 0 && seq > max)
            c.run(sql::history_trim, params().text(a->channel_id).text(a->chat_id).i64(seq - max));
    }
}

// Sends COMMIT and reads its answer; false with `error` when it failed. With a
// test fault the socket is cut after COMMIT went out, or before it could.
bool postgres_store::impl::send_commit(postgres::connection& c, commit_fault f, std::string& error)
{
    auto* raw = c.raw();
    if (f == commit_fault::drop_instead_of_commit)
        ::shutdown(PQsocket(raw), SHUT_RDWR);
    bool ok = PQsendQuery(raw, "COMMIT") == 1;
    if (ok && f == commit_fault::drop_after_commit_sent) {
        while (PQflush(raw) == 1) {
        }
        ::shutdown(PQsocket(raw), SHUT_RDWR);
    }
    if (!ok)
        error = PQerrorMessage(raw);
    while (PGresult* r = PQgetResult(raw)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            ok = false;
            if (char const* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY))
                error = m;
            else
                error = PQerrorMessage(raw);
        }
        PQclear(r);
    }
    if (ok && c.ok())
        return true;
    if (error.empty())
        error = PQerrorMessage(raw);
    std::replace(error.begin(), error.end(), '\n', ' ');
    while (!error.empty() && error.back() == ' ')
        error.pop_back();
    return false;
}

// The connection dropped while COMMIT was under way: the transaction either
// committed or will not. End the old backend (if still there: its transaction
// is then settled one way or the other), then look for the dedupe key. The
// probe insert waits for a transaction still inserting it, within the bound.
commit_result postgres_store::impl::settle(std::string const& key, std::string const& token, int pid,
                                           std::vector<model::outbox_entry> queued)
{
    commit_result r;
    auto const what = where() + ": commit: the connection dropped during COMMIT";
    try {
        auto c = data->acquire();
        try {
            c->run(sql::end_backend, params().i64(pid).i64(options.connect_timeout.count()));
        } catch (failure const& e) {
            if (e.broken)
                throw;  // not allowed to: the probe below still settles it, within lock_timeout
        }
        c->exec("BEGIN");
        auto const timeout = "SET LOCAL lock_timeout = " + std::to_string(options.connect_timeout.count());
        c->exec(timeout.c_str());
        bool const absent = c->run(sql::dedupe_insert, params().text(key).i64(0).text("")).affected() == 1;
        auto const stored = absent ? std::string() : std::string(c->run(sql::dedupe_token, params().text(key)).text(0, 0));
        c->exec("ROLLBACK");
        if (absent) {
            r.error = what + ": not committed";
        } else if (stored == token) {
            r.status = commit_status::committed;
            r.queued = std::move(queued);
        } else {
            r.status = commit_status::duplicate;  // another commit of the same unit landed
        }
    } catch (failure const& e) {
        r.error = what + ": its outcome is unknown: " + e.what();
    }
    return r;
}

postgres_store::postgres_store(postgres_options const& o) : impl_(std::make_unique<impl>())
{
    impl_->options = o;
    impl_->data = std::make_shared<postgres::pool>(o.dsn, o.pool_size, o.connect_timeout);
    impl_->locks = std::make_shared<postgres::pool>(o.dsn, o.pool_size, o.connect_timeout);
    auto const& where = impl_->where();
    int version = 0;
    try {
        auto c = impl_->data->acquire();
        version = postgres::schema_version(*c);
    } catch (failure const& e) {
        // The pool's own failures (connect, no connection free) say what they are.
        throw storage_error(where + ": " + (e.sqlstate.empty() ? "" : "schema version: ") + e.what());
    }
    auto const latest = postgres_schema_latest();
    if (version < latest)
        throw storage_error(where + ": schema: at migration " + std::to_string(version) + ", this build needs " +
                            std::to_string(latest) + ": run `petition-gateway migrate`");
    if (version > latest)
        throw storage_error(where + ": schema: at migration " + std::to_string(version) + ", newer than this build's " +
                            std::to_string(latest) + ": run a newer petition-gateway");
}

postgres_store::~postgres_store() = default;

commit_result postgres_store::commit(unit_of_work const& w, durability)
{
    commit_result r;
    if (w.dedupe_key.empty()) {
        r.error = "dedupe key: empty";
        return r;
    }
    for (auto const& a : w.thread_aliases)
        if (a.channel_id.empty() || a.chat_id.empty() || a.thread_id.empty() || a.tracking.empty()) {
            r.error = "thread alias: an empty id";
            return r;
        }
    auto const token = impl_->new_token();
    std::vector<model::outbox_entry> queued;
    std::optional<postgres::pool::lease> c;
    try {
        c.emplace(impl_->data->acquire());
        (*c)->exec("BEGIN");
        auto const status = impl_->write_unit(**c, w, token, queued);
        if (status != commit_status::committed) {
            (*c)->exec("ROLLBACK");
            r.status = status;
            return r;
        }
    } catch (failure const& e) {
        r.error = impl_->where() + ": commit: " + e.what();
        return r;  // the lease rolls back, or drops a broken connection
    }
    auto const pid = (*c)->backend_pid();
    std::string error;
    if (impl_->send_commit(**c, impl_->fault.exchange(commit_fault::none), error)) {
        r.status = commit_status::committed;
        r.queued = std::move(queued);
        return r;
    }
    if ((*c)->ok()) {  // the server answered: it refused, nothing landed
        r.error = impl_->where() + ": commit: " + error;
        return r;
    }
    c.reset();  // broken: closed, its slot free for the settling
    return impl_->settle(w.dedupe_key, token, pid, std::move(queued));
}

bool postgres_store::seen(std::string_view dedupe_key)
{
    return impl_->read("dedupe key", [&](postgres::connection& c) {
        return c.run(sql::dedupe_seen, params().text(dedupe_key)).rows() > 0;
    });
}

std::unique_ptr<held_locks> postgres_store::lock(lock_space space, std::vector<std::string_view> const& names)
{
    std::vector<std::int32_t> keys;
    for (auto const n : names)
        keys.push_back(key32(n));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    if (keys.empty())
        return std::make_unique<postgres_locks>(impl_->locks, std::nullopt);
    auto const first = space == lock_space::petition ? petition_space : chain_space;
    std::optional<postgres::pool::lease> c;
    try {
        c.emplace(impl_->locks->acquire());
        for (auto const k : keys)
            (*c)->run(sql::advisory_lock, params().i64(first).i64(k));
    } catch (failure const& e) {
        if (c)
            c->discard();  // whatever it took goes with its session
        throw unavailable(impl_->where() + ": lock: " + e.what());
    }
    return std::make_unique<postgres_locks>(impl_->locks, std::move(c));  // NOLINT: engaged here
}

std::optional<model::conversation> postgres_store::conversation(std::string_view channel_id, std::string_view chat_id)
{
    return impl_->read("conversation", [&](postgres::connection& c) {
        return impl_->one<model::conversation>(c, sql::conversation_get, params().text(channel_id).text(chat_id),
                                               decode_conversation);
    });
}

std::optional<model::petition> postgres_store::petition(std::string_view tracking)
{
    return impl_->read("petition", [&](postgres::connection& c) {
        return impl_->one<model::petition>(c, sql::petition_get, params().text(tracking), decode_petition);
    });
}

std::vector<model::timeline_event> postgres_store::timeline(std::string_view tracking)
{
    return impl_->read("timeline", [&](postgres::connection& c) {
        std::vector<model::timeline_event> out;
        auto const r = c.run(sql::timeline_get, params().text(tracking));
        for (int i = 0; i < r.rows(); ++i) {
            if (auto e = decode_timeline_event(r.text(i, 0)))
                out.push_back(std::move(*e));
            else
                ++impl_->decode_failures;
        }
        return out;
    });
}

std::uint64_t postgres_store::next_petition_number()
{
    return impl_->read("petition number", [&](postgres::connection& c) {
        return static_cast<std::uint64_t>(c.run(sql::petition_next).i64(0, 0));
    });
}

std::vector<model::outbox_entry> postgres_store::claim_outbox(outbox_claim const& k)
{
    std::vector<model::outbox_entry> out;
    if (k.limit == 0 || k.after >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return out;
    return impl_->read("outbox", [&](postgres::connection& c) {
        auto const r = c.run(sql::outbox_claim, params()
                                                    .text(k.owner)
                                                    .i64(millis(k.now))
                                                    .i64(millis(k.now + k.lease))
                                                    .i64(static_cast<std::int64_t>(k.after))
                                                    .i64(clamp64(k.limit)));
        for (int i = 0; i < r.rows(); ++i) {
            if (auto e = decode_outbox_entry(r.text(i, 1), static_cast<std::uint64_t>(r.i64(i, 0))))
                out.push_back(std::move(*e));
            else
                ++impl_->decode_failures;
        }
        std::sort(out.begin(), out.end(), [](auto const& a, auto const& b) { return a.seq < b.seq; });
        return out;
    });
}

bool postgres_store::mark_delivered(std::vector<std::uint64_t> const& seqs)
{
    if (seqs.empty())
        return true;
    std::vector<std::int64_t> v;
    for (auto const s : seqs)
        v.push_back(clamp64(s));
    return impl_->write([&](postgres::connection& c) {
        c.run(sql::outbox_delete, params().i64_array(v));
        return true;
    });
}

bool postgres_store::mark_dead(model::outbox_entry const& entry, std::string_view reason)
{
    return impl_->write([&](postgres::connection& c) {
        c.run(sql::outbox_dead, params().i64(clamp64(entry.seq)).text(encode_dead_letter(entry, reason)));
        return true;
    });
}

std::vector<std::pair<model::outbox_entry, std::string>> postgres_store::dead_letters(std::size_t limit)
{
    std::vector<std::pair<model::outbox_entry, std::string>> out;
    if (limit == 0)
        return out;
    return impl_->read("dead letters", [&](postgres::connection& c) {
        auto const r = c.run(sql::dead_list, params().i64(clamp64(limit)));
        for (int i = 0; i < r.rows(); ++i) {
            if (auto d = decode_dead_letter(r.text(i, 1), static_cast<std::uint64_t>(r.i64(i, 0))))
                out.push_back(std::move(*d));
            else
                ++impl_->decode_failures;
        }
        return out;
    });
}

bool postgres_store::bind_thread(std::string_view channel_id, std::string_view chat_id, std::string_view thread_id,
                                 std::string_view tracking)
{
    if (channel_id.empty() || chat_id.empty() || thread_id.empty() || tracking.empty())
        return false;
    return impl_->write([&](postgres::connection& c) {
        params p;
        p.text(channel_id).text(chat_id).text(thread_id).text(tracking);
        std::string chat(channel_id);
        chat += '\0';
        chat += chat_id;
        c.exec("BEGIN");
        // One binder per staff chat at a time: each reads the mapping it replaces.
        c.run(sql::thread_lock, params().i64(thread_space).i64(key32(chat)));
        c.run(sql::thread_drop_reverse, p);
        c.run(sql::thread_drop_forward, p);
        c.run(sql::thread_put, p);
        c.run(sql::thread_put_reverse, p);
        c.exec("COMMIT");
        return true;
    });
}

std::optional<std::string> postgres_store::thread_of(std::string_view channel_id, std::string_view chat_id,
                                                     std::string_view tracking)
{
    return impl_->read("thread", [&](postgres::connection& c) -> std::optional<std::string> {
        auto const r = c.run(sql::thread_get, params().text(channel_id).text(chat_id).text(tracking));
        if (r.rows() == 0)
            return std::nullopt;
        return std::string(r.text(0, 0));
    });
}

std::optional<std::string> postgres_store::petition_of_thread(std::string_view channel_id, std::string_view chat_id,
                                                              std::string_view thread_id)
{
    return impl_->read("thread", [&](postgres::connection& c) -> std::optional<std::string> {
        auto const r = c.run(sql::thread_petition_get, params().text(channel_id).text(chat_id).text(thread_id));
        if (r.rows() == 0)
            return std::nullopt;
        return std::string(r.text(0, 0));
    });
}

// The filter in SQL, paged by (number, tracking) from the highest down. The
// overdue condition repeats model::overdue so a page is mostly what is kept;
// model::overdue still decides, so the two can never disagree in the answer.
std::vector<model::petition> postgres_store::petitions(petition_filter const& f)
{
    std::vector<model::petition> out;
    if (f.limit == 0)
        return out;
    params p;
    std::string where = "TRUE";
    auto const arg = [&] { return "$" + std::to_string(p.size()); };
    if (f.status) {
        p.text(model::to_string(*f.status));
        where += " AND status = " + arg();
    }
    if (f.open_only)
        where += " AND status NOT IN ('closed', 'rejected')";
    if (!f.department.empty()) {
        p.text(f.department);
        where += " AND department = " + arg();
    }
    if (!f.category.empty()) {
        p.text(f.category);
        where += " AND category = " + arg();
    }
    if (f.from) {
        p.i64(millis(*f.from));
        where += " AND submitted_at >= " + arg();
    }
    if (f.to) {
        p.i64(millis(*f.to));
        where += " AND submitted_at < " + arg();
    }
    if (f.overdue_at) {
        p.i64(millis(*f.overdue_at));
        auto const now = arg();
        where += " AND status NOT IN ('closed', 'rejected', 'answered') AND NOT paused AND (" + now +
                 " > deadline_at OR (status IN ('submitted', 'reopened', 'transferred') AND " + now +
                 " > response_due_at))";
    }
    auto const page = static_cast<std::int64_t>(std::min<std::size_t>(f.limit, 1000));
    auto const first_sql = "SELECT number, tracking, record FROM petitions WHERE " + where +
                           " ORDER BY number DESC, tracking DESC LIMIT " + std::to_string(page);
    auto const n = p.size();
    auto const next_sql = "SELECT number, tracking, record FROM petitions WHERE " + where + " AND (number, tracking) < ($" +
                          std::to_string(n + 1) + "::bigint, $" + std::to_string(n + 2) +
                          "::text) ORDER BY number DESC, tracking DESC LIMIT " + std::to_string(page);
    return impl_->read("petitions", [&](postgres::connection& c) {
        std::optional<std::pair<std::int64_t, std::string>> last;
        for (;;) {
            params q = p;
            if (last)
                q.i64(last->first).text(last->second);
            auto const r = c.run_sql(last ? next_sql.c_str() : first_sql.c_str(), q);
            for (int i = 0; i < r.rows() && out.size() < f.limit; ++i) {
                auto e = decode_petition(r.text(i, 2));
                if (!e)
                    ++impl_->decode_failures;
                else if (!f.overdue_at || model::overdue(*e, *f.overdue_at))
                    out.push_back(std::move(*e));
            }
            if (r.rows() < page || out.size() >= f.limit)
                return out;
            last.emplace(r.i64(r.rows() - 1, 0), std::string(r.text(r.rows() - 1, 1)));
        }
    });
}

std::vector<history_entry> postgres_store::history(std::string_view channel_id, std::string_view chat_id,
                                                   std::uint64_t after, std::size_t limit)
{
    std::vector<history_entry> out;
    if (limit == 0 || after >= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return out;
    return impl_->read("history", [&](postgres::connection& c) {
        auto const r = c.run(sql::history_get, params()
                                                   .text(channel_id)
                                                   .text(chat_id)
                                                   .i64(static_cast<std::int64_t>(after))
                                                   .i64(clamp64(limit)));
        for (int i = 0; i < r.rows(); ++i) {
            if (auto e = decode_history_entry(r.text(i, 1), static_cast<std::uint64_t>(r.i64(i, 0))))
                out.push_back(std::move(*e));
            else
                ++impl_->decode_failures;
        }
        return out;
    });
}

local_delivery postgres_store::deliver_to_history(std::uint64_t outbox_seq, history_append const& a)
{
    auto result = local_delivery::failed;
    impl_->write([&](postgres::connection& c) {
        c.exec("BEGIN");
        if (c.run(sql::outbox_take, params().i64(clamp64(outbox_seq))).rows() == 0) {
            c.exec("ROLLBACK");
            result = local_delivery::already_delivered;
            return true;
        }
        impl_->append_history(c, {&a});
        c.exec("COMMIT");
        result = local_delivery::appended;
        return true;
    });
    return result;
}

model::citizen postgres_store::citizen(std::string_view channel_id, std::string_view chat_id)
{
    auto c = impl_->read("citizen", [&](postgres::connection& c) {
        return impl_->one<model::citizen>(c, sql::citizen_get, params().text(channel_id).text(chat_id), decode_citizen);
    });
    return c ? std::move(*c) : model::alone({std::string(channel_id), std::string(chat_id)});
}

std::optional<model::link_code> postgres_store::link_code(std::string_view code)
{
    return impl_->read("link code", [&](postgres::connection& c) {
        return impl_->one<model::link_code>(c, sql::link_get, params().text(code), decode_link_code);
    });
}

bool postgres_store::record_sent(model::sent_notice const& n)
{
    return impl_->write([&](postgres::connection& c) {
        c.run(sql::sent_put, params().text(n.to.channel_id).text(n.sent_id).text(encode(n)));
        return true;
    });
}

std::optional<model::sent_notice> postgres_store::sent_notice(std::string_view channel_id, std::string_view sent_id)
{
    return impl_->read("sent notice", [&](postgres::connection& c) {
        return impl_->one<model::sent_notice>(c, sql::sent_get, params().text(channel_id).text(sent_id),
                                              decode_sent_notice);
    });
}

bool postgres_store::record_audit(model::audit_entry const& a)
{
    return impl_->write([&](postgres::connection& c) {
        c.run(sql::audit_insert, params().i64(millis(a.at)).text(a.who).text(a.tracking).text(encode(a)));
        return true;
    });
}

std::vector<model::audit_entry> postgres_store::audit(audit_filter const& f)
{
    std::vector<model::audit_entry> out;
    if (f.limit == 0)
        return out;
    return impl_->read("audit", [&](postgres::connection& c) {
        auto const r = c.run(sql::audit_get, params().text(f.tracking).text(f.who).i64(clamp64(f.limit)));
        for (int i = 0; i < r.rows(); ++i) {
            if (auto a = decode_audit_entry(r.text(i, 0)))
                out.push_back(std::move(*a));
            else
                ++impl_->decode_failures;
        }
        return out;
    });
}

// What was removed before a failure is counted; the rest goes at the next sweep.
retention_counts postgres_store::forget(retention_cutoffs const& k)
{
    retention_counts out;
    impl_->write([&](postgres::connection& c) {
        if (k.dedupe_before)
            for (;;) {
                auto const n = c.run(sql::forget_dedupe, params().i64(millis(*k.dedupe_before))).affected();
                out.dedupe_keys += n;
                if (n == 0)
                    break;
            }
        if (k.conversations_before) {
            auto const r = c.run(sql::forget_conversations, params().i64(millis(*k.conversations_before)));
            out.conversations = static_cast<std::uint64_t>(r.i64(0, 0));
            out.history_entries = static_cast<std::uint64_t>(r.i64(0, 1));
        }
        if (k.audit_before)
            out.audit_entries = c.run(sql::forget_audit, params().i64(millis(*k.audit_before))).affected();
        return true;
    });
    return out;
}

std::uint64_t postgres_store::outbox_depth()
{
    return impl_->read("outbox depth", [&](postgres::connection& c) {
        return static_cast<std::uint64_t>(c.run(sql::outbox_count).i64(0, 0));
    });
}

std::uint64_t postgres_store::decode_failures() const
{
    return impl_->decode_failures.load();
}

std::vector<int> postgres_store::backend_pids() const
{
    auto pids = impl_->data->backend_pids();
    auto const held = impl_->locks->backend_pids();
    pids.insert(pids.end(), held.begin(), held.end());
    return pids;
}

void postgres_store::inject_commit_fault(commit_fault f)
{
    impl_->fault = f;
}

std::unique_ptr<store> open_postgres_store(postgres_options const& o)
{
    return std::make_unique<postgres_store>(o);
}

}  // namespace pg::storage
