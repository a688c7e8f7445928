#pragma once
// Per-source token buckets for the public endpoints. Pure apart from a mutex:
// the caller passes the time in, so tests drive it with made-up instants.
//
// A bucket holds up to `burst` tokens and gains `per_second` a second; each
// request takes one. Memory is bounded: a bucket that has been idle long enough
// to be full again is the same as no bucket and is dropped, and past
// `max_sources` the least recently seen source is dropped (it starts full again:
// an attacker with that many addresses is not one this limit stops anyway).
#include "gateway/net.hpp"

#include <boost/asio/ip/address.hpp>

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace pg::gateway {

struct rate_limit {
    double per_second = 20;
    double burst = 40;
    std::size_t max_sources = 100'000;
};

struct rate_decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until a token is back, rounded up, at least 1 s
};

class rate_limiter {
public:
    using time_point = std::chrono::steady_clock::time_point;

    explicit rate_limiter(rate_limit const& limit);

    // Takes a token from `source`'s bucket when it has one.
    rate_decision take(std::string_view source, time_point now);
    std::size_t sources() const;

private:
    struct bucket {
        std::string source;
        double tokens;
        time_point last;  // when `tokens` was last brought up to date
    };
    using lru = std::list<bucket>;  // most recently seen first

    double refilled(bucket const& b, time_point now) const;
    void evict(time_point now);

    rate_limit limit_;
    std::chrono::duration<double> full_after_;  // an empty bucket is full again after this long
    mutable std::mutex mutex_;
    lru order_;
    std::unordered_map<std::string_view, lru::iterator> index_;  // keys point into order_'s strings
};

// The bucket a client falls in: its IPv4 address, or the /64 of its IPv6 one (a
// single host is commonly handed a whole /64). IPv4-mapped IPv6 counts as IPv4.
std::string source_key(net::ip::address const& a);

}  // namespace pg::gateway
