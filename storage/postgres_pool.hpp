#pragma once
// libpq underneath the PostgreSQL store and its migrations: one connection with
// its prepared statements, typed text parameters and results, and a fixed-size
// pool. Internal to storage/postgres_*.cpp: libpq's header stays out of the
// rest of the program.
#include <libpq-fe.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace pg::storage::postgres {

// A statement each connection prepares (PQprepare) the first time it runs it.
// `name` is unique per statement.
struct statement {
    char const* name;
    char const* sql;
};

// What the server or libpq refused: the SQLSTATE (empty for a client-side
// failure), the primary message only (never DETAIL, which may quote values),
// and whether the connection is gone with it.
struct failure : std::runtime_error {
    failure(std::string sqlstate_, std::string const& message, bool broken_)
        : std::runtime_error(message), sqlstate(std::move(sqlstate_)), broken(broken_)
    {
    }
    std::string sqlstate;
    bool broken = false;
};

// Text-format parameters. libpq reads text parameters up to their NUL, so a
// value holding one is refused before it is sent (PostgreSQL's text holds none).
class params {
public:
    params& text(std::string_view v);
    params& i64(std::int64_t v);
    params& null();
    params& i64_array(std::vector<std::int64_t> const& v);  // "{1,2,3}"

    int size() const { return static_cast<int>(values_.size()); }
    char const* const* values() const;  // valid until this changes
    int const* lengths() const { return lengths_.data(); }
    bool holds_nul() const { return holds_nul_; }

private:
    void push(std::string v, bool is_null);
    std::vector<std::string> values_;
    std::vector<bool> nulls_;
    mutable std::vector<char const*> pointers_;
    std::vector<int> lengths_;
    bool holds_nul_ = false;
};

// One PGresult, freed when it goes.
class result {
public:
    explicit result(PGresult* r) : r_(r, &PQclear) {}
    int rows() const { return PQntuples(r_.get()); }
    bool is_null(int row, int col) const { return PQgetisnull(r_.get(), row, col) != 0; }
    std::string_view text(int row, int col) const;
    std::int64_t i64(int row, int col) const;  // throws failure when not a number
    std::uint64_t affected() const;            // rows an INSERT/UPDATE/DELETE touched

private:
    std::unique_ptr<PGresult, decltype(&PQclear)> r_;
};

class connection {
public:
    explicit connection(PGconn* c) : c_(c) {}
    ~connection() { PQfinish(c_); }
    connection(connection const&) = delete;
    connection& operator=(connection const&) = delete;

    PGconn* raw() const { return c_; }
    bool ok() const { return PQstatus(c_) == CONNECTION_OK; }
    bool idle() const { return ok() && PQtransactionStatus(c_) == PQTRANS_IDLE; }
    int backend_pid() const { return PQbackendPID(c_); }
    // Still usable after sitting idle: a terminated backend or a restarted
    // server left a message or an end of file on the socket.
    bool alive();

    // Simple query protocol (several statements allowed, no parameters).
    result exec(char const* sql);
    result run(statement const& s, params const& p = {});       // prepared once per connection
    result run_sql(char const* sql, params const& p = {});      // unprepared, with parameters

private:
    result check(PGresult* r);
    PGconn* c_;
    std::unordered_set<std::string> prepared_;
};

// "host=db port=5432 dbname=pg user=gw": the DSN as an error message may show
// it, without the password (or anything else secret: sslpassword).
std::string safe_dsn(std::string const& dsn);

// Connects or throws failure (broken) with libpq's message.
std::unique_ptr<connection> connect(std::string const& dsn, std::chrono::milliseconds timeout);

// A fixed number of connections, made when first needed and replaced when
// found broken. acquire() waits up to `wait` for one to be free; it throws
// failure (broken) when none frees in time or connecting fails. Every method may be called from several threads at once.
class pool {
public:
    pool(std::string dsn, std::size_t size, std::chrono::milliseconds wait);
    ~pool();
    pool(pool const&) = delete;
    pool& operator=(pool const&) = delete;

    // A connection checked out of the pool, given back when destroyed: kept
    // when it is idle and sound, else closed (the slot reconnects next time).
    class lease {
    public:
        lease(pool* p, std::size_t slot, std::unique_ptr<connection> c) : p_(p), slot_(slot), c_(std::move(c)) {}
        lease(lease&& o) noexcept : p_(o.p_), slot_(o.slot_), c_(std::move(o.c_)) { o.p_ = nullptr; }
        lease& operator=(lease&&) = delete;
        ~lease();
        connection& operator*() const { return *c_; }
        connection* operator->() const { return c_.get(); }
        // Closes the connection now (its outcome is unknown, or it holds session state).
        void discard() { c_.reset(); }

    private:
        pool* p_;
        std::size_t slot_;
        std::unique_ptr<connection> c_;
    };

    lease acquire();
    std::string const& where() const { return where_; }  // "postgresql <safe dsn>"
    std::string const& dsn() const { return dsn_; }
    std::chrono::milliseconds wait() const { return wait_; }
    std::vector<int> backend_pids() const;  // of the connections open now

private:
    void give_back(std::size_t slot, std::unique_ptr<connection> c);

    std::string dsn_;
    std::string where_;
    std::chrono::milliseconds wait_;
    mutable std::mutex m_;
    std::condition_variable freed_;
    std::vector<std::unique_ptr<connection>> idle_;  // by slot; null: not connected (or checked out)
    std::vector<int> pids_;                          // by slot; 0: none
    std::vector<std::size_t> free_;                  // slots not checked out
};

}  // namespace pg::storage::postgres
