#pragma once
// Credentials the gateway fetches from a platform and keeps fresh (WeChat's and
// WeCom's access_token): fetched on first use, fetched again before they expire
// and when the platform refuses one; one fetch at a time per channel, however
// many sends are waiting. Lives on the dispatcher's strand, like its client.
#include "gateway/api_client.hpp"
#include "gateway/channel.hpp"
#include "gateway/net.hpp"

#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

namespace pg::gateway {

class metrics;

class credential_keeper {
public:
    using clock_fn = std::function<model::timestamp()>;

    credential_keeper(api_client& client, metrics& m, clock_fn clock) : client_(client), metrics_(m), clock_(std::move(clock)) {}

    // The channel's current credential, fetched first when there is none or it
    // expires soon; nullopt when the fetch failed (the send is retried later).
    net::awaitable<std::optional<std::string>> current(channel const& ch, endpoint const& ep);

    // The platform refused `value`: the next current() fetches a new one, unless
    // a newer one has been fetched meanwhile.
    void refused(std::string const& channel_id, std::string const& value);

    // Wakes every waiter (stop): they see no credential.
    void cancel_waits();

private:
    struct kept {
        std::optional<adapters::credential> value;
        bool fetching = false;
        std::deque<std::shared_ptr<net::steady_timer>> waiters;
    };
    bool fresh(kept const& k) const;

    api_client& client_;
    metrics& metrics_;
    clock_fn clock_;
    std::unordered_map<std::string, kept> kept_;
};

}  // namespace pg::gateway
