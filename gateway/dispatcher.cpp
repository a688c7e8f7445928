#include "gateway/dispatcher.hpp"

#include "gateway/blocking.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>

namespace pg::gateway {
namespace {

std::string chat_key(model::outbound_message const& m) { return m.channel_id + '\n' + m.chat_id; }

}  // namespace

dispatcher::dispatcher(net::strand<net::any_io_executor> strand, net::ssl::context& tls,
                       channel_table const& channels, storage::store& store, net::thread_pool& pool,
                       config::outbox_settings const& s, metrics& m, clock_fn clock)
    : strand_(std::move(strand)),
      channels_(channels),
      store_(store),
      pool_(pool),
      settings_(s),
      metrics_(m),
      clock_(std::move(clock)),
      client_(strand_, tls, s.request_timeout)
{
    for (auto const& c : channels.all())
        if (auto e = endpoint::parse(c.settings.api_base))
            endpoints_.emplace(c.settings.id, *e);
}

void dispatcher::enqueue(std::vector<model::outbox_entry> entries)
{
    if (entries.empty())
        return;
    net::post(strand_, [this, entries = std::move(entries)]() mutable {
        for (auto& e : entries)
            add(std::move(e));
    });
}

void dispatcher::add(model::outbox_entry e)
{
    auto key = chat_key(e.message);
    auto& q = chats_[key];
    q.entries.push_back(std::move(e));
    if (!q.busy && !stopping_) {
        q.busy = true;
        ++senders_;
        net::co_spawn(strand_, drain_chat(std::move(key)), net::detached);
    }
}

net::awaitable<void> dispatcher::drain_chat(std::string key)
{
    for (;;) {
        auto& q = chats_[key];
        if (q.entries.empty() || stopping_) {
            q.busy = false;
            if (q.entries.empty())
                chats_.erase(key);
            break;
        }
        auto entry = q.entries.front();  // a copy: the queue may grow while we wait
        auto const& channel_id = entry.message.channel_id;
        auto const* ch = channels_.find(channel_id);
        auto const ep = endpoints_.find(channel_id);
        if (!ch || (!ch->deliver_local && ep == endpoints_.end())) {
            // The channel was removed from the config since this was queued.
            dead(entry, "channel not configured");
            chats_[key].entries.pop_front();
            continue;
        }

        if (!entry.message.thread_key.empty() && entry.message.thread_id.empty() &&
            entry.message.kind != model::message_kind::open_thread)
            entry.message.thread_id = co_await thread_of(entry.message);

        // A thread already stored for this petition and chat was opened before a
        // restart (the kill fell between binding it and marking this delivered):
        // opening another would leave the officials in the first one unheard.
        bool const already_open = entry.message.kind == model::message_kind::open_thread &&
                                  !(co_await thread_of(entry.message)).empty();
        // A thread lookup cut short by the stop answers "no thread": sending
        // now would post into the chat itself or open a second thread. The
        // entry stays stored for the next start.
        if (stopping_)
            continue;
        auto const call = already_open ? model::api_call{} : ch->render(entry.message);
        model::delivery_verdict verdict;
        if (call.path.empty()) {
            // Nothing to call: already open, or nothing to do on this platform (a Slack callback_ack).
            verdict.outcome = model::delivery::ok;
        } else if (ch->deliver_local) {
            // The web chat: into the conversation's history, a store write.
            verdict = co_await run_blocking(pool_.get_executor(), [&] { return ch->deliver_local(entry, call.body); });
        } else {
            co_await acquire(channel_id);
            auto const response = co_await client_.send(ep->second, call);
            release(channel_id);
            verdict = ch->interpret(response, clock_());
        }
        if (verdict.outcome == model::delivery::ok && entry.message.kind == model::message_kind::open_thread &&
            !verdict.created_thread.empty())
            co_await bind_thread(entry.message, verdict.created_thread);

        auto& head = chats_[key];
        switch (verdict.outcome) {
        case model::delivery::ok:
            metrics_.add("pg_outbox_sends_total", {{"channel", channel_id}, {"verdict", "ok"}});
            delivered(entry.seq);
            head.entries.pop_front();
            break;
        case model::delivery::permanent:
            metrics_.add("pg_outbox_sends_total", {{"channel", channel_id}, {"verdict", "permanent"}});
            metrics_.add("pg_send_failures_total", {{"channel", channel_id}});
            dead(entry, verdict.reason);
            head.entries.pop_front();
            break;
        case model::delivery::retry: {
            metrics_.add("pg_outbox_sends_total", {{"channel", channel_id}, {"verdict", "retry"}});
            metrics_.add("pg_send_failures_total", {{"channel", channel_id}});
            auto& front = head.entries.front();
            // A rate limit (retry_after) is flow control, not failure: it does not spend the budget.
            if (!verdict.not_before)
                front.attempts += 1;
            if (front.attempts >= settings_.max_attempts) {
                dead(front, "retry budget spent: " + verdict.reason);
                head.entries.pop_front();
                break;
            }
            // A platform's retry_after is the wait (the budget's backoff would be
            // max_backoff for a message not yet failed), but never a hot loop.
            auto wait = backoff(front.attempts);
            if (verdict.not_before) {
                // The clock counts whole milliseconds: one more keeps the retry from
                // landing a fraction of a millisecond before the platform's time.
                auto const floor = std::chrono::duration_cast<std::chrono::milliseconds>(*verdict.not_before - clock_()) +
                                   std::chrono::milliseconds{1};
                wait = std::max(floor, settings_.base_backoff);
            }
            log::info("send_retry", {{"channel", channel_id}, {"seq", static_cast<long long>(front.seq)},
                                     {"attempt", static_cast<long long>(front.attempts)},
                                     {"wait_ms", static_cast<long long>(wait.count())},
                                     {"reason", verdict.reason}});
            auto timer = std::make_shared<net::steady_timer>(strand_, wait);
            backoff_timers_.push_back(timer);
            co_await timer->async_wait(use_tuple);
            std::erase(backoff_timers_, timer);
            break;
        }
        }
    }
    --senders_;
}

net::awaitable<void> dispatcher::acquire(std::string const& channel_id)
{
    auto& s = slots_[channel_id];
    if (s.in_use < settings_.max_in_flight_per_channel) {
        ++s.in_use;
        co_return;
    }
    // The slot is handed over by release(), which cancels this timer.
    auto timer = std::make_shared<net::steady_timer>(strand_, net::steady_timer::time_point::max());
    s.waiters.push_back(timer);
    co_await timer->async_wait(use_tuple);
}

void dispatcher::release(std::string const& channel_id)
{
    auto& s = slots_[channel_id];
    if (!s.waiters.empty()) {
        s.waiters.front()->cancel();
        s.waiters.pop_front();
        return;
    }
    --s.in_use;
}

std::string dispatcher::thread_cache_key(model::outbound_message const& m)
{
    return m.channel_id + '\n' + m.chat_id + '\n' + m.thread_key;
}

net::awaitable<std::string> dispatcher::thread_of(model::outbound_message const& m)
{
    auto const key = thread_cache_key(m);
    if (auto it = threads_.find(key); it != threads_.end())
        co_return it->second;
    // Unreadable is not "no thread": sending into the chat itself would be
    // wrong for good, so wait and read again.
    std::optional<std::string> found;
    for (std::uint32_t attempt = 1;; ++attempt) {
        std::string error;
        try {
            found = co_await run_blocking(pool_.get_executor(),
                                          [&] { return store_.thread_of(m.channel_id, m.chat_id, m.thread_key); });
            break;
        } catch (storage::unavailable const& e) {
            error = e.what();
        }
        if (stopping_)
            co_return std::string{};
        log::error("thread_lookup_failed", {{"channel", m.channel_id}, {"error", error}});
        net::steady_timer wait(strand_, backoff(attempt));
        co_await wait.async_wait(use_tuple);
    }
    // No thread (its opening was dead-lettered): the message goes to the chat itself.
    if (!found)
        co_return std::string{};
    threads_.emplace(key, *found);
    co_return *found;
}

net::awaitable<void> dispatcher::bind_thread(model::outbound_message const& m, std::string const& thread_id)
{
    threads_[thread_cache_key(m)] = thread_id;
    // Stored before the next message of this chat is sent, so a restart finds it too.
    co_await run_blocking(pool_.get_executor(), [&] {
        return store_.bind_thread(m.channel_id, m.chat_id, thread_id, m.thread_key);
    });
}

std::chrono::milliseconds dispatcher::backoff(std::uint32_t attempts)
{
    // Exponential with full jitter: retries of many chats after one outage spread out.
    auto const shift = std::min<std::uint32_t>(attempts - 1, 20);
    auto const cap = std::min<long long>(settings_.max_backoff.count(), settings_.base_backoff.count() << shift);
    std::uniform_int_distribution<long long> pick(cap / 2, std::max<long long>(cap, 1));
    return std::chrono::milliseconds{pick(jitter_)};
}

void dispatcher::delivered(std::uint64_t seq)
{
    // Marks are batched: one store write for every completion that lands
    // before the flush runs. A lost mark only means a resend (at least once).
    bool const schedule = delivered_batch_.empty();
    delivered_batch_.push_back(seq);
    if (!schedule)
        return;
    net::post(strand_, [this] { flush_marks(); });
}

bool dispatcher::flush_marks()
{
    // Written on the strand: an unsynced write does not wait for the disk.
    return store_.mark_delivered(std::exchange(delivered_batch_, {}));
}

void dispatcher::dead(model::outbox_entry const& e, std::string const& reason)
{
    metrics_.add("pg_dead_letters_total", {{"channel", e.message.channel_id}});
    log::warn("dead_letter", {{"channel", e.message.channel_id}, {"seq", static_cast<long long>(e.seq)},
                              {"attempts", static_cast<long long>(e.attempts)}, {"reason", reason}});
    net::post(pool_, [this, e, reason] {
        if (store_.mark_dead(e, reason) && on_dead_)
            on_dead_(e, reason);
    });
}

net::awaitable<void> dispatcher::stop(std::chrono::milliseconds grace)
{
    co_await net::post(strand_, net::use_awaitable);
    stopping_ = true;
    for (auto& t : backoff_timers_)
        t->cancel();
    // Senders finish their current call (bounded by request_timeout) and exit.
    net::steady_timer tick(strand_);
    auto const deadline = std::chrono::steady_clock::now() + grace;
    while (senders_ > 0 && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds{10});
        co_await tick.async_wait(use_tuple);
    }
    // Marks still waiting for their flush are written now, after any flush
    // already queued on the strand: a clean stop must not resend at the next start.
    co_await run_blocking(strand_, [this] { return flush_marks(); });
    client_.close_all();
}

}  // namespace pg::gateway
