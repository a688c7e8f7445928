#pragma once
// The outbox loop: committed entries -> render -> send -> interpret -> mark
// delivered, or retry with backoff, or dead-letter. One message at a time per
// conversation, so each sees its messages in order: a chat, or in a staff chat
// one thread (a forum topic, a Slack thread). A staff chat's threads take a few
// sends at once, and a 429 pauses the whole chat. Many chats at once, capped
// per channel; when the cap is reached, replies to people go ahead of staff
// notifications. All state lives on one strand; enqueue() may be called from
// anywhere.
#include "config/settings.hpp"
#include "gateway/api_client.hpp"
#include "gateway/channel.hpp"
#include "gateway/credentials.hpp"
#include "gateway/net.hpp"
#include "storage/store.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace pg::gateway {

class metrics;

class dispatcher {
public:
    using clock_fn = std::function<model::timestamp()>;

    dispatcher(net::strand<net::any_io_executor> strand, net::ssl::context& tls, channel_table const& channels,
               storage::store& store, net::thread_pool& pool, config::outbox_settings const& s, metrics& m,
               clock_fn clock);

    // Each entry is sent once however often it is enqueued; a conversation's
    // entries go in seq order (a claimed older one before a newer one queued here).
    void enqueue(std::vector<model::outbox_entry> entries);
    // Every entry whose lease is free or `node`'s own, leased to it for `lease`:
    // a blocking store call (storage::store::claim_outbox, a page at a time).
    std::vector<model::outbox_entry> claim_all(std::string const& node, std::chrono::milliseconds lease);
    // Every lease / 3: renews this node's leases and enqueues what it may claim
    // (entries of a node that stopped, once their lease ran out).
    void keep_claims(std::string node, std::chrono::milliseconds lease);
    // Called on the blocking pool after an entry is dead-lettered (to tell the staff).
    void on_dead(std::function<void(model::outbox_entry const&, std::string const&)> fn) { on_dead_ = std::move(fn); }
    // Stop starting sends and wait (bounded) for the ones in flight; undelivered
    // entries stay in the outbox for the next start.
    net::awaitable<void> stop(std::chrono::milliseconds grace);

private:
    struct conversation {
        std::deque<model::outbox_entry> entries;
        bool busy = false;  // a sender coroutine owns the head
    };
    // A platform chat: its sends under way, and until when a 429 holds them all.
    struct chat_state {
        unsigned in_flight = 0;
        std::deque<std::shared_ptr<net::steady_timer>> waiters;
        std::chrono::steady_clock::time_point paused_until{};
    };
    // A reply to a person (a citizen, the supervisors) waits for a channel slot
    // ahead of a notification into a staff thread.
    enum class priority { reply, staff };
    struct channel_slots {
        unsigned in_use = 0;
        std::deque<std::shared_ptr<net::steady_timer>> replies;
        std::deque<std::shared_ptr<net::steady_timer>> staff;
        unsigned replies_while_staff_waits = 0;  // since staff last had a turn
    };

    bool add(model::outbox_entry e);  // false: delivered or held already, nothing queued
    net::awaitable<void> drain(std::string key);
    net::awaitable<void> claim_loop(std::string node, std::chrono::milliseconds lease);
    net::awaitable<model::delivery_verdict> send(channel const& ch, endpoint const* ep, model::outbox_entry const& entry);
    net::awaitable<void> enter_chat(std::string const& key);
    void leave_chat(std::string const& key);
    void pause_chat(std::string const& key, std::chrono::milliseconds wait);
    net::awaitable<void> acquire(std::string const& channel_id, priority p);
    void release(std::string const& channel_id);
    std::chrono::milliseconds backoff(std::uint32_t attempts);
    std::chrono::milliseconds retry_after_wait(model::timestamp not_before);
    static std::string thread_cache_key(model::outbound_message const& m);
    net::awaitable<std::string> thread_of(model::outbound_message const& m);
    net::awaitable<void> bind_thread(model::outbound_message const& m, std::string const& thread_id);
    void delivered(std::uint64_t seq);
    bool flush_marks();  // on the strand: writes the batched delivery marks
    void dead(model::outbox_entry const& e, std::string const& reason);
    void remember_sent(model::outbound_message const& m, std::string const& sent_id);

    net::strand<net::any_io_executor> strand_;
    channel_table const& channels_;
    storage::store& store_;
    net::thread_pool& pool_;
    config::outbox_settings settings_;
    metrics& metrics_;
    clock_fn clock_;
    api_client client_;
    credential_keeper credentials_;  // uses client_
    std::unordered_map<std::string, endpoint> endpoints_;
    std::unordered_map<std::string, conversation> conversations_;
    std::unordered_set<std::uint64_t> held_;  // the seqs queued or in flight here
    std::shared_ptr<net::steady_timer> claim_timer_;
    std::unordered_map<std::string, chat_state> chats_;
    std::unordered_map<std::string, channel_slots> slots_;
    std::unordered_map<std::string, std::string> threads_;  // channel\nchat\ntracking -> thread id
    std::vector<std::uint64_t> delivered_batch_;
    // Seqs delivered lately, oldest first: a claim or a commit that read the
    // outbox before their mark landed brings them back, and they are not sent
    // again. Kept for two leases, far longer than such a read takes.
    std::deque<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> delivered_recently_;
    std::unordered_set<std::uint64_t> delivered_seqs_;
    std::vector<std::shared_ptr<net::steady_timer>> backoff_timers_;
    std::mt19937_64 jitter_{std::random_device{}()};
    std::size_t senders_ = 0;
    bool stopping_ = false;
    std::function<void(model::outbox_entry const&, std::string const&)> on_dead_;
};

}  // namespace pg::gateway
