#pragma once
// Staff console sessions: a random token in an HttpOnly cookie names a
// server-side session (account, CSRF token, expiry). The table keys sessions by
// a SHA-256 of the token, so a lookup's timing says nothing about a token's
// bytes and a memory dump holds no usable cookie. Thread-safe.
#include "model/time.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace pg::gateway {

// `n` random bytes from OpenSSL's RAND_bytes.
std::string random_bytes(std::size_t n);
// `bytes` random bytes, as lower-case hex.
std::string random_token(std::size_t bytes = 32);

struct console_session {
    std::string account;
    std::string csrf_token;           // sent back in X-CSRF-Token on every POST
    model::timestamp expires_at{};
};

class session_table {
public:
    explicit session_table(std::chrono::milliseconds ttl) : ttl_(ttl) {}

    // A new session; returns the cookie token (never stored as such).
    std::pair<std::string, console_session> open(std::string account, model::timestamp now);
    std::optional<console_session> find(std::string_view token, model::timestamp now);
    void close(std::string_view token);

private:
    std::chrono::milliseconds ttl_;
    std::mutex mutex_;
    std::map<std::string, console_session> sessions_;  // sha256(token) -> session
};

// Failed logins, counted before the password is checked: an attempt first
// reserves a failure for its (name, source) pair and for its source, and only a
// right password gives it back. So parallel guesses are refused as soon as the
// limit's worth of them is in flight, not after all of them were hashed.
// `per_name` failures in a row for one name from one source lock that pair, and
// `per_source` from one source over any names lock the source, for `lock_for`.
// A name as such is never locked, so a guesser elsewhere cannot lock an official
// out. Unknown names count like known ones, so the answer does not tell which exist.
class login_throttle {
public:
    struct limits {
        unsigned per_name = 5;
        unsigned per_source = 20;
        std::chrono::milliseconds lock_for{60'000};
    };
    explicit login_throttle(limits l) : limits_(l) {}

    struct decision {
        bool allowed = true;
        bool source_locked = false;            // refused for the source, not only the pair
        std::chrono::seconds retry_after{0};   // refused: until the lock ends, at least 1 s
    };
    // Counts a failure for (name, source) and for source, unless either is locked
    // (then nothing is counted).
    decision reserve(std::string const& name, std::string const& source, model::timestamp now);
    // The password was right: the pair's count ends; the source's reserved failure is given back.
    void succeeded(std::string const& name, std::string const& source);
    // The password was not checked (the server was busy): the reservation is given back.
    void cancel(std::string const& name, std::string const& source);

private:
    struct entry { unsigned failures = 0; model::timestamp locked_until{}; };
    using table = std::map<std::string, entry>;
    static entry* track(table& t, std::string const& key, model::timestamp now);
    void give_back(std::string const& name, std::string const& source, bool forget_pair);

    limits limits_;
    std::mutex mutex_;
    table pairs_;    // source + "\n" + name
    table sources_;  // source
};

}  // namespace pg::gateway
