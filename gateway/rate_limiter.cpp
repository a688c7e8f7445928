#include "gateway/rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace pg::gateway {

rate_limiter::rate_limiter(rate_limit const& limit)
    : limit_(limit), full_after_(limit.burst / limit.per_second)
{
}

double rate_limiter::refilled(bucket const& b, time_point now) const
{
    if (now <= b.last)
        return b.tokens;
    std::chrono::duration<double> const idle = now - b.last;
    return std::min(limit_.burst, b.tokens + idle.count() * limit_.per_second);
}

// Buckets idle for full_after_ are full again: dropping them changes no answer.
// order_ is by last use, so the stale ones are all at the back.
void rate_limiter::evict(time_point now)
{
    while (!order_.empty() && now - order_.back().last >= full_after_) {
        index_.erase(order_.back().source);
        order_.pop_back();
    }
}

rate_decision rate_limiter::take(std::string_view source, time_point now)
{
    std::lock_guard lock(mutex_);
    evict(now);
    bucket* b = nullptr;
    if (auto it = index_.find(source); it != index_.end()) {
        order_.splice(order_.begin(), order_, it->second);
        b = &order_.front();
        b->tokens = refilled(*b, now);
        b->last = std::max(b->last, now);
    } else {
        if (order_.size() >= limit_.max_sources) {
            index_.erase(order_.back().source);
            order_.pop_back();
        }
        order_.push_front(bucket{std::string(source), limit_.burst, now});
        b = &order_.front();
        index_.emplace(b->source, order_.begin());
    }
    if (b->tokens >= 1) {
        b->tokens -= 1;
        return {};
    }
    auto const wait = std::ceil((1 - b->tokens) / limit_.per_second);
    return {false, std::chrono::seconds(std::max<std::int64_t>(1, static_cast<std::int64_t>(wait)))};
}

std::size_t rate_limiter::sources() const
{
    std::lock_guard lock(mutex_);
    return order_.size();
}

std::string source_key(net::ip::address const& a)
{
    if (a.is_v4())
        return a.to_v4().to_string();
    auto const v6 = a.to_v6();
    if (v6.is_v4_mapped())
        return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return net::ip::address_v6(bytes).to_string() + "/64";
}

}  // namespace pg::gateway
