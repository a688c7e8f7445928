#include "gateway/console_sessions.hpp"

#include "adapters/common/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

namespace pg::gateway {
namespace {

constexpr std::size_t max_tracked = 10'000;  // per table: bounds the throttle's memory under a spray of names

std::string pair_key(std::string const& name, std::string const& source) { return source + '\n' + name; }

std::chrono::seconds seconds_until(model::timestamp t, model::timestamp now)
{
    return std::max(std::chrono::ceil<std::chrono::seconds>(t - now), std::chrono::seconds{1});
}

std::string digest(std::string_view token)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(token.data(), token.size(), out, &n, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return std::string(reinterpret_cast<char const*>(out), n);
}

}  // namespace

std::string random_bytes(std::size_t n)
{
    std::string buf(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(buf.data()), static_cast<int>(buf.size())) != 1)
        throw std::runtime_error("RAND_bytes failed");
    return buf;
}

std::string random_token(std::size_t bytes) { return adapters::to_hex(random_bytes(bytes)); }

std::pair<std::string, console_session> session_table::open(std::string account, model::timestamp now)
{
    auto token = random_token();
    console_session s{std::move(account), random_token(), now + ttl_};
    std::lock_guard lock(mutex_);
    std::erase_if(sessions_, [&](auto const& e) { return e.second.expires_at <= now; });
    sessions_.emplace(digest(token), s);
    return {std::move(token), std::move(s)};
}

std::optional<console_session> session_table::find(std::string_view token, model::timestamp now)
{
    if (token.empty())
        return std::nullopt;
    auto const key = digest(token);
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(key);
    if (it == sessions_.end())
        return std::nullopt;
    if (it->second.expires_at <= now) {
        sessions_.erase(it);
        return std::nullopt;
    }
    return it->second;
}

void session_table::close(std::string_view token)
{
    auto const key = digest(token);
    std::lock_guard lock(mutex_);
    sessions_.erase(key);
}

// The entry for `key`, made room for if need be; null when every slot holds a
// live lock (a spray of names or addresses: then the bound on hash checks running
// at once is what limits the cost).
login_throttle::entry* login_throttle::track(table& t, std::string const& key, model::timestamp now)
{
    if (auto it = t.find(key); it != t.end()) {
        if (it->second.locked_until != model::timestamp{} && it->second.locked_until <= now)
            it->second = {};  // the lock is over: a fresh count
        return &it->second;
    }
    if (t.size() >= max_tracked)
        std::erase_if(t, [&](auto const& e) { return e.second.locked_until <= now; });
    if (t.size() >= max_tracked)
        return nullptr;
    return &t[key];
}

login_throttle::decision login_throttle::reserve(std::string const& name, std::string const& source,
                                                 model::timestamp now)
{
    std::lock_guard lock(mutex_);
    auto* const pair = track(pairs_, pair_key(name, source), now);
    auto* const from = track(sources_, source, now);
    if (from && from->locked_until > now)
        return {false, true, seconds_until(from->locked_until, now)};
    if (pair && pair->locked_until > now)
        return {false, false, seconds_until(pair->locked_until, now)};
    auto count = [&](entry* e, unsigned limit) {
        if (e && ++e->failures >= limit)
            e->locked_until = now + limits_.lock_for;
    };
    count(pair, limits_.per_name);
    count(from, limits_.per_source);
    return {};
}

void login_throttle::give_back(std::string const& name, std::string const& source, bool forget_pair)
{
    std::lock_guard lock(mutex_);
    auto undo = [](table& t, std::string const& key, unsigned limit) {
        auto it = t.find(key);
        if (it == t.end())
            return;
        auto& e = it->second;
        if (e.failures > 0)
            --e.failures;
        if (e.failures < limit)
            e.locked_until = {};  // the lock came from the reservation given back
        if (e.failures == 0)
            t.erase(it);
    };
    if (forget_pair)
        pairs_.erase(pair_key(name, source));
    else
        undo(pairs_, pair_key(name, source), limits_.per_name);
    undo(sources_, source, limits_.per_source);
}

void login_throttle::succeeded(std::string const& name, std::string const& source) { give_back(name, source, true); }

void login_throttle::cancel(std::string const& name, std::string const& source) { give_back(name, source, false); }

}  // namespace pg::gateway
