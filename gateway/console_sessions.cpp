#include "gateway/console_sessions.hpp"

#include "adapters/common/hmac.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace pg::gateway {
namespace {

constexpr std::size_t max_tracked_names = 10'000;  // bounds the throttle's memory under a spray of names

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

bool login_throttle::locked(std::string const& name, model::timestamp now)
{
    std::lock_guard lock(mutex_);
    auto it = names_.find(name);
    return it != names_.end() && it->second.locked_until > now;
}

void login_throttle::failed(std::string const& name, model::timestamp now)
{
    std::lock_guard lock(mutex_);
    if (names_.size() >= max_tracked_names && !names_.contains(name))
        std::erase_if(names_, [&](auto const& e) { return e.second.locked_until <= now; });
    if (names_.size() >= max_tracked_names)
        return;  // every slot holds a locked name: a spray; the per-source rate limit is the guard then
    auto& e = names_[name];
    if (++e.failures >= limit_) {
        e.failures = 0;
        e.locked_until = now + lock_for_;
    }
}

void login_throttle::succeeded(std::string const& name)
{
    std::lock_guard lock(mutex_);
    names_.erase(name);
}

}  // namespace pg::gateway
