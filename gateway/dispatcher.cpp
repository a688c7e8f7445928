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

// Telegram allows about 1 message/s per chat (20/min per group) and Slack about
// 1/s per channel, both with short bursts tolerated: a chat's conversations (a
// staff chat's threads) get a burst of this many sends at once, and a 429's
// retry_after then pauses the whole chat.
constexpr unsigned max_in_flight_per_chat = 3;

// When a channel's slots are all taken, a waiting reply gets the next one; a
// waiting staff notification gets every this many-th, so a stream of replies
// cannot hold the staff threads back for good.
constexpr unsigned replies_per_staff_turn = 4;

std::string chat_key(model::outbound_message const& m) { return m.channel_id + '\n' + m.chat_id; }

// What must arrive in order: one staff thread (named by its petition, which the
// platform's thread id may not exist for yet, or by the thread a reply answers
// in), else the whole chat. A thread's opening is in its thread's conversation,
// so it completes before anything is sent into the thread.
std::string conversation_key(model::outbound_message const& m)
{
    if (!m.thread_key.empty())
        return chat_key(m) + "\np" + m.thread_key;
    if (!m.thread_id.empty())
        return chat_key(m) + "\nt" + m.thread_id;
    return chat_key(m);
}

bool to_staff_thread(model::outbound_message const& m) { return !m.thread_key.empty() || !m.thread_id.empty(); }

// A send the stop cut short: the entry stays stored for the next start.
constexpr std::string_view stopped_reason = "stopping";

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
      client_(strand_, tls, s.request_timeout),
      credentials_(client_, m, clock_)
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

bool dispatcher::add(model::outbox_entry e)
{
    if (delivered_seqs_.contains(e.seq))
        return false;  // read before its mark landed: delivered already
    if (!held_.insert(e.seq).second)
        return false;  // a claim renewed the lease of an entry this node holds
    auto key = conversation_key(e.message);
    auto& q = conversations_[key];
    // In seq order, but never ahead of the head: a sender may be sending it.
    auto const first = q.entries.begin() + (q.busy && !q.entries.empty() ? 1 : 0);
    auto pos = q.entries.end();
    while (pos != first && std::prev(pos)->seq > e.seq)
        --pos;
    q.entries.insert(pos, std::move(e));
    if (!q.busy && !stopping_) {
        q.busy = true;
        ++senders_;
        net::co_spawn(strand_, drain(std::move(key)), net::detached);
    }
    return true;
}

std::vector<model::outbox_entry> dispatcher::claim_all(std::string const& node, std::chrono::milliseconds lease)
{
    std::vector<model::outbox_entry> claimed;
    storage::outbox_claim c{node, clock_(), lease};
    for (;;) {
        auto page = store_.claim_outbox(c);
        if (page.empty())
            return claimed;
        c.after = page.back().seq;
        claimed.insert(claimed.end(), std::make_move_iterator(page.begin()), std::make_move_iterator(page.end()));
        if (page.size() < c.limit)
            return claimed;
    }
}

void dispatcher::keep_claims(std::string node, std::chrono::milliseconds lease)
{
    net::co_spawn(strand_, claim_loop(std::move(node), lease), net::detached);
}

net::awaitable<void> dispatcher::claim_loop(std::string node, std::chrono::milliseconds lease)
{
    claim_timer_ = std::make_shared<net::steady_timer>(strand_);
    auto const timer = claim_timer_;
    for (;;) {
        timer->expires_after(lease / 3);
        auto [ec] = co_await timer->async_wait(use_tuple);
        if (ec || stopping_)
            co_return;
        std::vector<model::outbox_entry> claimed;
        try {
            claimed = co_await run_blocking(pool_.get_executor(), [&] { return claim_all(node, lease); });
        } catch (storage::unavailable const& e) {  // the next round tries again; leases last three rounds
            log::error("outbox_claim_failed", {{"error", e.what()}});
            continue;
        }
        std::size_t fresh = 0;
        for (auto& e : claimed)
            fresh += add(std::move(e));
        if (fresh > 0) {
            log::info("outbox_claimed", {{"entries", static_cast<long long>(fresh)}});
            metrics_.add("pg_outbox_claimed_total", {}, fresh);
        }
    }
}

net::awaitable<void> dispatcher::drain(std::string key)
{
    for (;;) {
        auto& q = conversations_[key];
        if (q.entries.empty() || stopping_) {
            q.busy = false;
            if (q.entries.empty())
                conversations_.erase(key);
            break;
        }
        auto entry = q.entries.front();  // a copy: the queue may grow while we wait
        auto const& channel_id = entry.message.channel_id;
        auto const* ch = channels_.find(channel_id);
        auto const found = endpoints_.find(channel_id);
        endpoint const* ep = found == endpoints_.end() ? nullptr : &found->second;
        if (!ch || (!ch->deliver_local && !ep)) {
            // The channel was removed from the config since this was queued.
            dead(entry, "channel not configured");
            conversations_[key].entries.pop_front();
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
        model::delivery_verdict verdict;  // already open: nothing to send
        if (!already_open)  // not `?:`: GCC 12 miscompiles co_await inside a conditional expression
            verdict = co_await send(*ch, ep, entry);
        if (stopping_ && verdict.outcome == model::delivery::retry && verdict.reason == stopped_reason)
            continue;  // the stop ended a wait: the entry stays stored
        if (verdict.outcome == model::delivery::ok && entry.message.kind == model::message_kind::open_thread &&
            !verdict.created_thread.empty())
            co_await bind_thread(entry.message, verdict.created_thread);

        auto& head = conversations_[key];
        switch (verdict.outcome) {
        case model::delivery::ok:
            metrics_.add("pg_outbox_sends_total", {{"channel", channel_id}, {"verdict", "ok"}});
            if (!verdict.sent_id.empty() && !entry.message.notice_tracking.empty())
                remember_sent(entry.message, verdict.sent_id);
            delivered(entry.seq);
            head.entries.pop_front();
            break;
        case model::delivery::permanent:
            metrics_.add("pg_outbox_sends_total", {{"channel", channel_id}, {"verdict", "permanent"}});
            metrics_.add("pg_send_failures_total", {{"channel", channel_id}});
            dead(entry, verdict.reason);
            head.entries.pop_front();
            break;
        case model::delivery::refresh_credential:  // send() has turned a second refusal into a retry
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
            auto const wait = verdict.not_before ? retry_after_wait(*verdict.not_before) : backoff(front.attempts);
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

// Renders and sends one entry: into the local history (web chat), or to the
// platform's API with its fetched credential, fetched again once if refused.
net::awaitable<model::delivery_verdict> dispatcher::send(channel const& ch, endpoint const* ep,
                                                         model::outbox_entry const& entry)
{
    auto const& m = entry.message;
    model::delivery_verdict verdict;
    bool const needs_credential = ch.platform->credential_call().has_value();
    for (int attempt = 0;; ++attempt) {
        std::string credential;
        if (needs_credential && ep) {
            auto got = co_await credentials_.current(ch, *ep);
            if (stopping_)
                co_return model::delivery_verdict{model::delivery::retry, {}, std::string(stopped_reason), {}};
            if (!got)
                co_return model::delivery_verdict{model::delivery::retry, {}, "no credential: the fetch failed", {}};
            credential = std::move(*got);
        }
        auto const call = ch.platform->render(m, {clock_(), credential, m.heard_at, entry.attempts, entry.seq});
        if (!call)  // the platform would refuse it: never sent
            co_return model::delivery_verdict{model::delivery::permanent, {}, "not sent: " + call.error().detail, {}};
        if (call->path.empty())  // nothing to call: already done, or nothing to do here (a Slack callback_ack)
            co_return verdict;
        if (ch.deliver_local)  // the web chat: into the conversation's history, a store write
            co_return co_await run_blocking(pool_.get_executor(), [&] { return ch.deliver_local(entry, call->body); });

        auto const chat = chat_key(m);
        co_await enter_chat(chat);
        if (stopping_) {  // the stop ended a pause
            leave_chat(chat);
            co_return model::delivery_verdict{model::delivery::retry, {}, std::string(stopped_reason), {}};
        }
        co_await acquire(m.channel_id, to_staff_thread(m) ? priority::staff : priority::reply);
        auto const response = co_await client_.send(*ep, *call);
        release(m.channel_id);
        verdict = ch.platform->interpret(response, clock_());
        // The platform's rate limit is per chat: its other threads wait it out too.
        if (verdict.outcome == model::delivery::retry && verdict.not_before)
            pause_chat(chat, retry_after_wait(*verdict.not_before));
        leave_chat(chat);
        if (verdict.outcome != model::delivery::refresh_credential)
            co_return verdict;
        credentials_.refused(m.channel_id, credential);
        metrics_.add("pg_credential_refused_total", {{"channel", m.channel_id}});
        if (attempt > 0)  // refused twice in a row: not a stale token; back off
            co_return model::delivery_verdict{model::delivery::retry, {}, "credential refused again: " + verdict.reason, {}};
    }
}

net::awaitable<void> dispatcher::enter_chat(std::string const& key)
{
    auto& c = chats_[key];
    if (c.in_flight < max_in_flight_per_chat) {
        ++c.in_flight;
    } else {
        // The place is handed over by leave_chat(), which cancels this timer.
        auto timer = std::make_shared<net::steady_timer>(strand_, net::steady_timer::time_point::max());
        c.waiters.push_back(timer);
        co_await timer->async_wait(use_tuple);
    }
    // A pause (a 429 in any conversation of the chat) is waited out holding the
    // place, so the chat's state is kept until then.
    for (;;) {
        auto const until = chats_[key].paused_until;
        if (stopping_ || until <= std::chrono::steady_clock::now())
            co_return;
        auto timer = std::make_shared<net::steady_timer>(strand_, until);
        backoff_timers_.push_back(timer);
        co_await timer->async_wait(use_tuple);
        std::erase(backoff_timers_, timer);
    }
}

void dispatcher::leave_chat(std::string const& key)
{
    auto const it = chats_.find(key);
    auto& c = it->second;
    if (!c.waiters.empty()) {
        c.waiters.front()->cancel();
        c.waiters.pop_front();
        return;
    }
    // Forgotten when idle, unless a pause must still hold its next send.
    if (--c.in_flight == 0 && c.paused_until <= std::chrono::steady_clock::now())
        chats_.erase(it);
}

void dispatcher::pause_chat(std::string const& key, std::chrono::milliseconds wait)
{
    auto& until = chats_[key].paused_until;
    until = std::max(until, std::chrono::steady_clock::now() + wait);
}

net::awaitable<void> dispatcher::acquire(std::string const& channel_id, priority p)
{
    auto& s = slots_[channel_id];
    if (s.in_use < settings_.max_in_flight_per_channel) {
        ++s.in_use;
        co_return;
    }
    // The slot is handed over by release(), which cancels this timer.
    auto timer = std::make_shared<net::steady_timer>(strand_, net::steady_timer::time_point::max());
    (p == priority::reply ? s.replies : s.staff).push_back(timer);
    co_await timer->async_wait(use_tuple);
}

void dispatcher::release(std::string const& channel_id)
{
    auto& s = slots_[channel_id];
    bool const staff_turn =
        !s.staff.empty() && (s.replies.empty() || s.replies_while_staff_waits >= replies_per_staff_turn);
    auto& next = staff_turn ? s.staff : s.replies;
    if (next.empty()) {
        --s.in_use;
        return;
    }
    if (staff_turn)
        s.replies_while_staff_waits = 0;
    else if (!s.staff.empty())
        ++s.replies_while_staff_waits;
    next.front()->cancel();
    next.pop_front();
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

std::chrono::milliseconds dispatcher::retry_after_wait(model::timestamp not_before)
{
    // At least base_backoff: never a hot loop. The clock counts whole
    // milliseconds: one more keeps the retry from landing a fraction of a
    // millisecond before the platform's time.
    auto const floor = std::chrono::duration_cast<std::chrono::milliseconds>(not_before - clock_()) +
                       std::chrono::milliseconds{1};
    return std::max(floor, settings_.base_backoff);
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
    held_.erase(seq);
    auto const now = std::chrono::steady_clock::now();
    while (!delivered_recently_.empty() && delivered_recently_.front().first + 2 * settings_.lease < now) {
        delivered_seqs_.erase(delivered_recently_.front().second);
        delivered_recently_.pop_front();
    }
    delivered_recently_.emplace_back(now, seq);
    delivered_seqs_.insert(seq);
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

// A status push the platform took: its receipts (delivered, read, failed) will
// name it by sent_id. Written before the entry is marked delivered (unsynced,
// on the strand, as the marks are), so a receipt that comes at once finds it.
void dispatcher::remember_sent(model::outbound_message const& m, std::string const& sent_id)
{
    store_.record_sent({{m.channel_id, m.chat_id}, sent_id, m.notice_tracking, m.notice_status, "sent", clock_(),
                        m.text, m.language});
}

void dispatcher::dead(model::outbox_entry const& e, std::string const& reason)
{
    held_.erase(e.seq);
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
    if (claim_timer_)
        claim_timer_->cancel();
    credentials_.cancel_waits();
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
