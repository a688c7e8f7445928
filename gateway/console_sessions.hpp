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

// Failed logins per name: after `limit` in a row, that name is refused for
// `lock_for` (unknown names too, so the answer does not tell which exist).
class login_throttle {
public:
    login_throttle(unsigned limit, std::chrono::milliseconds lock_for) : limit_(limit), lock_for_(lock_for) {}

    bool locked(std::string const& name, model::timestamp now);
    void failed(std::string const& name, model::timestamp now);
    void succeeded(std::string const& name);

private:
    struct entry { unsigned failures = 0; model::timestamp locked_until{}; };
    unsigned limit_;
    std::chrono::milliseconds lock_for_;
    std::mutex mutex_;
    std::map<std::string, entry> names_;
};

}  // namespace pg::gateway
