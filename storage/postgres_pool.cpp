#include "storage/postgres_pool.hpp"

#include <poll.h>

#include <algorithm>
#include <charconv>

namespace pg::storage::postgres {
namespace {

// libpq's messages end with a newline, sometimes several lines: one line for ours.
std::string one_line(std::string_view s)
{
    std::string out;
    for (char c : s)
        out += (c == '\n' || c == '\r') ? ' ' : c;
    while (!out.empty() && out.back() == ' ')
        out.pop_back();
    return out;
}

}  // namespace

void params::push(std::string v, bool is_null)
{
    lengths_.push_back(static_cast<int>(v.size()));
    values_.push_back(std::move(v));
    nulls_.push_back(is_null);
}

char const* const* params::values() const
{
    pointers_.clear();
    for (std::size_t i = 0; i < values_.size(); ++i)
        pointers_.push_back(nulls_[i] ? nullptr : values_[i].c_str());
    return pointers_.data();
}

params& params::text(std::string_view v)
{
    if (v.find('\0') != std::string_view::npos)
        holds_nul_ = true;
    push(std::string(v), false);
    return *this;
}

params& params::i64(std::int64_t v)
{
    push(std::to_string(v), false);
    return *this;
}

params& params::null()
{
    push({}, true);
    return *this;
}

params& params::i64_array(std::vector<std::int64_t> const& v)
{
    std::string s = "{";
    for (std::size_t i = 0; i < v.size(); ++i)
        s += (i ? "," : "") + std::to_string(v[i]);
    push(s + "}", false);
    return *this;
}

std::string_view result::text(int row, int col) const
{
    return {PQgetvalue(r_.get(), row, col), static_cast<std::size_t>(PQgetlength(r_.get(), row, col))};
}

std::int64_t result::i64(int row, int col) const
{
    auto const t = text(row, col);
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc{} || end != t.data() + t.size())
        throw failure("", "a column that should hold a number does not", false);
    return v;
}

std::uint64_t result::affected() const
{
    std::string_view const t = PQcmdTuples(r_.get());
    std::uint64_t v = 0;
    std::from_chars(t.data(), t.data() + t.size(), v);
    return v;
}

bool connection::alive()
{
    if (!ok())
        return false;
    // An idle connection is sent nothing we asked for: what is waiting on its
    // socket is a terminated backend's FATAL message, the end of the stream
    // from a restarted server, or (rarely) a notice. Either way a fresh
    // connection is the safe choice; libpq keeps its status OK until it reads.
    pollfd p{PQsocket(c_), POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

result connection::check(PGresult* r)
{
    result out(r);
    auto const st = PQresultStatus(r);
    if (r != nullptr && (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK))
        return out;
    std::string sqlstate;
    std::string message;
    if (r != nullptr) {
        if (char const* s = PQresultErrorField(r, PG_DIAG_SQLSTATE))
            sqlstate = s;
        if (char const* m = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY))
            message = m;
    }
    if (message.empty())
        message = one_line(PQerrorMessage(c_));
    if (message.empty())
        message = "no result";
    if (!sqlstate.empty())
        message += " (SQLSTATE " + sqlstate + ")";
    throw failure(sqlstate, message, !ok());
}

result connection::exec(char const* sql)
{
    return check(PQexec(c_, sql));
}

result connection::run(statement const& s, params const& p)
{
    if (p.holds_nul())
        throw failure("22021", "a text parameter holds a NUL byte", false);
    if (!prepared_.contains(s.name)) {
        check(PQprepare(c_, s.name, s.sql, 0, nullptr));
        prepared_.insert(s.name);
    }
    return check(PQexecPrepared(c_, s.name, p.size(), p.values(), p.lengths(), nullptr, 0));
}

result connection::run_sql(char const* sql, params const& p)
{
    if (p.holds_nul())
        throw failure("22021", "a text parameter holds a NUL byte", false);
    return check(PQexecParams(c_, sql, p.size(), nullptr, p.values(), p.lengths(), nullptr, 0));
}

std::string safe_dsn(std::string const& dsn)
{
    char* error = nullptr;
    PQconninfoOption* opts = PQconninfoParse(dsn.c_str(), &error);
    if (opts == nullptr) {
        PQfreemem(error);
        return "(a DSN libpq cannot parse)";
    }
    std::string out;
    for (auto* o = opts; o->keyword != nullptr; ++o) {
        std::string_view const k = o->keyword;
        if (o->val == nullptr || k == "password" || k == "sslpassword" || k == "passfile")
            continue;
        out += (out.empty() ? "" : " ") + std::string(k) + "=" + o->val;
    }
    PQconninfoFree(opts);
    return out;
}

std::unique_ptr<connection> connect(std::string const& dsn, std::chrono::milliseconds timeout)
{
    // libpq takes whole seconds and treats 1 as 2.
    auto const seconds = std::to_string(std::max<long long>(2, (timeout.count() + 999) / 1000));
    // Defaults first: with expand_dbname, the DSN in `dbname` (key=value or a
    // URI) overrides what came before it, so its own values win.
    char const* keys[] = {"connect_timeout", "application_name", "dbname", nullptr};
    char const* values[] = {seconds.c_str(), "petition-gateway", dsn.c_str(), nullptr};
    auto c = std::make_unique<connection>(PQconnectdbParams(keys, values, 1));
    if (c->raw() == nullptr)
        throw failure("", "out of memory", true);
    if (!c->ok())
        throw failure("", one_line(PQerrorMessage(c->raw())), true);
    // The server's notices ("relation already exists, skipping") are not ours to print.
    PQsetNoticeProcessor(c->raw(), [](void*, char const*) {}, nullptr);
    return c;
}

pool::pool(std::string dsn, std::size_t size, std::chrono::milliseconds wait)
    : dsn_(std::move(dsn)), where_("postgresql " + safe_dsn(dsn_)), wait_(wait)
{
    size = std::max<std::size_t>(size, 1);
    idle_.resize(size);
    pids_.resize(size);
    for (std::size_t i = size; i-- > 0;)
        free_.push_back(i);
}

pool::~pool() = default;

pool::lease pool::acquire()
{
    std::unique_lock lock(m_);
    if (!freed_.wait_for(lock, wait_, [&] { return !free_.empty(); }))
        throw failure("", "no connection free within " + std::to_string(wait_.count()) + " ms", true);
    auto const slot = free_.back();
    free_.pop_back();
    auto c = std::move(idle_[slot]);
    lock.unlock();

    if (c && !c->alive())
        c.reset();
    if (!c) {
        try {
            c = connect(dsn_, wait_);
        } catch (failure const& f) {
            give_back(slot, nullptr);
            throw failure("", "connect: " + std::string(f.what()), true);
        }
    }
    {
        std::lock_guard g(m_);
        pids_[slot] = c->backend_pid();
    }
    return lease(this, slot, std::move(c));
}

void pool::give_back(std::size_t slot, std::unique_ptr<connection> c)
{
    if (c && !c->idle()) {
        // Left inside a transaction by an exception: roll it back, or drop it.
        PQclear(PQexec(c->raw(), "ROLLBACK"));
        if (!c->idle())
            c.reset();
    }
    {
        std::lock_guard g(m_);
        pids_[slot] = c ? c->backend_pid() : 0;
        idle_[slot] = std::move(c);
        free_.push_back(slot);
    }
    freed_.notify_one();
}

pool::lease::~lease()
{
    if (p_ != nullptr)
        p_->give_back(slot_, std::move(c_));
}

std::vector<int> pool::backend_pids() const
{
    std::lock_guard g(m_);
    std::vector<int> out;
    for (auto const pid : pids_)
        if (pid != 0)
            out.push_back(pid);
    return out;
}

}  // namespace pg::storage::postgres
