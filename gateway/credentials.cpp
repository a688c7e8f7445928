#include "gateway/credentials.hpp"

#include "gateway/log.hpp"
#include "gateway/metrics.hpp"

namespace pg::gateway {
namespace {

// Fetched again this long before it expires, so no send goes out with a
// credential that lapses on the way (WeChat's live two hours).
constexpr std::chrono::minutes refresh_margin{5};

}  // namespace

bool credential_keeper::fresh(kept const& k) const
{
    return k.value && clock_() + refresh_margin < k.value->expires_at;
}

net::awaitable<std::optional<std::string>> credential_keeper::current(channel const& ch, endpoint const& ep)
{
    auto const& id = ch.settings.id;
    auto& k = kept_[id];
    if (fresh(k))
        co_return k.value->value;
    if (k.fetching) {  // one fetch at a time: wait for the one under way, then take its result
        auto timer = std::make_shared<net::steady_timer>(co_await net::this_coro::executor,
                                                         net::steady_timer::time_point::max());
        k.waiters.push_back(timer);
        co_await timer->async_wait(use_tuple);
        auto const& after = kept_[id];
        co_return fresh(after) ? std::optional(after.value->value) : std::nullopt;
    }
    k.fetching = true;
    auto const call = ch.platform->credential_call();
    auto const response = co_await client_.send(ep, *call);
    auto got = ch.platform->read_credential(response, clock_());
    auto& after = kept_[id];  // the map may have grown while we waited
    after.fetching = false;
    if (got) {
        after.value = std::move(got.value());
        metrics_.add("pg_credential_fetches_total", {{"channel", id}, {"result", "ok"}});
    } else {
        after.value.reset();
        metrics_.add("pg_credential_fetches_total", {{"channel", id}, {"result", "failed"}});
        log::warn("credential_fetch_failed", {{"channel", id}, {"status", static_cast<long long>(response.status)},
                                              {"detail", got.error().detail}});
    }
    for (auto& w : after.waiters)
        w->cancel();
    after.waiters.clear();
    co_return got ? std::optional(after.value->value) : std::nullopt;
}

void credential_keeper::refused(std::string const& channel_id, std::string const& value)
{
    auto& k = kept_[channel_id];
    if (k.value && k.value->value == value)
        k.value.reset();
}

void credential_keeper::cancel_waits()
{
    for (auto& [id, k] : kept_) {
        for (auto& w : k.waiters)
            w->cancel();
        k.waiters.clear();
    }
}

}  // namespace pg::gateway
