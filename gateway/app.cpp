#include "gateway/app.hpp"

#include "dialog/texts.hpp"
#include "gateway/backup.hpp"
#include "gateway/blocking.hpp"
#include "gateway/channel.hpp"
#include "gateway/console.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/http_server.hpp"
#include "gateway/kept_secret.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/open311.hpp"
#include "gateway/petition_desk.hpp"
#include "gateway/router.hpp"
#include "gateway/staff_api.hpp"
#include "gateway/static_files.hpp"
#include "gateway/unit_runner.hpp"
#include "gateway/wal_syncer.hpp"
#include "gateway/webchat.hpp"
#include "storage/postgres_migrations.hpp"
#include "storage/postgres_store.hpp"
#include "storage/rocks_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <optional>
#include <thread>

namespace pg::gateway {
namespace {

model::timestamp system_now()
{
    using namespace std::chrono;
    return time_point_cast<milliseconds>(system_clock::now());
}

// Tests move time forward by writing Unix milliseconds into testing.clock_file,
// so a deadline can pass without anyone waiting for it.
std::function<model::timestamp()> make_clock(config::testing_settings const& t)
{
    if (t.clock_file.empty())
        return system_now;
    return [path = t.clock_file] {
        std::ifstream in(path);
        long long ms = 0;
        if (in >> ms)
            return model::from_millis(ms);
        return system_now();
    };
}

// The supervisors hear of every message given up on, except one addressed to
// them (which could only fail again).
storage::unit_of_work dead_letter_notice(config::settings const& s, model::outbox_entry const& e,
                                         std::string const& reason)
{
    storage::unit_of_work work;
    work.dedupe_key = "dead:" + std::to_string(e.seq);
    for (auto const& sup : s.staff.supervisors)
        if (sup.channel == e.message.channel_id && sup.chat == e.message.chat_id)
            return work;
    dialog::texts const t(s.dialog, s.staff.language);
    auto const text = t.get("staff.dead_letter", {{"channel", e.message.channel_id},
                                                  {"attempts", std::to_string(e.attempts)},
                                                  {"reason", reason}});
    for (auto const& sup : s.staff.supervisors) {
        model::outbound_message m;
        m.channel_id = sup.channel;
        m.chat_id = sup.chat;
        m.text = text;
        work.outbox.push_back(std::move(m));
    }
    return work;
}

std::unique_ptr<storage::store> open_store(config::settings const& s)
{
    auto const& st = s.storage;
    if (st.backend == config::storage_backend::postgresql)
        return storage::open_postgres_store({st.postgresql.dsn, st.postgresql.pool_size, st.webchat_history_max});
    return storage::open_rocks_store({st.path, st.sync, true, st.webchat_history_max});
}

// Conversations are spread over this many strands; more lanes than threads
// keeps unrelated chats from queueing behind each other.
constexpr std::size_t lane_count = 1024;

}  // namespace

int migrate_command(config::settings const& settings)
{
    if (settings.storage.backend != config::storage_backend::postgresql) {
        std::printf("%s: storage.backend is rocksdb: nothing to migrate\n", settings.file.c_str());
        return 0;
    }
    try {
        std::string report;
        storage::migrate_postgres(settings.storage.postgresql.dsn, report);
        std::fputs(report.c_str(), stdout);
        return 0;
    } catch (storage::storage_error const& e) {
        std::fprintf(stderr, "petition-gateway migrate: %s\n", e.what());
        return 1;
    }
}

int run_service(config::settings settings)
{
    auto store = open_store(settings);
    // After the open: it made the directory, and holds its lock. (With
    // PostgreSQL the config gives the key: every node needs the same.)
    provide_tracking_key(settings);

    net::io_context ioc(static_cast<int>(settings.server.io_threads));
    net::thread_pool pool(settings.storage.threads);
    metrics stats;
    // A web chat channel without a configured secret signs with the one kept beside the data.
    auto configured = settings.channels;
    provide_session_secrets(configured, settings.storage.path);
    channel_table channels(configured);
    // A unit's commit never waits for the disk (see wal_syncer.hpp), so it runs
    // on the I/O thread that read its request (see lanes.hpp).
    std::optional<wal_syncer> syncer;
    auto* const local = store->local();
    if (settings.storage.sync && local)
        syncer.emplace([local] { return local->sync_wal(); }, stats);
    unit_runner runner(*store, settings, channels, stats);
    auto const clock = make_clock(settings.testing);

    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_options(net::ssl::context::no_sslv2 | net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                    net::ssl::context::no_tlsv1_1);

    auto const outbox_strand = net::make_strand(ioc.get_executor());
    dispatcher outbox(outbox_strand, tls, channels, *store, pool, settings.outbox, stats, clock);
    outbox.on_dead([&](model::outbox_entry const& e, std::string const& reason) {
        // A status push goes to the citizen's next chat that can take it.
        if (!e.message.notice_tracking.empty()) {
            auto r = runner.notice_failed(e.message, reason, clock());
            // Written ahead of its sync (see wal_syncer.hpp): synced before it is acted on.
            if (r.status == storage::commit_status::committed && (!r.unsynced || local->sync_wal()))
                outbox.enqueue(std::move(r.queued));
        }
        auto work = dead_letter_notice(settings, e, reason);
        if (work.outbox.empty())
            return;
        auto r = store->commit(work);
        if (r.status == storage::commit_status::committed)
            outbox.enqueue(std::move(r.queued));
    });
    // A unit's replies go to the outbox from its lane, in the order the lane ran them.
    lanes conversation_lanes(ioc.get_executor(), lane_count, syncer ? &*syncer : nullptr,
                             [&outbox](std::vector<model::outbox_entry> replies) { outbox.enqueue(std::move(replies)); });
    petition_desk desk(*store, runner, conversation_lanes, pool, clock, settings.dialog);
    staff_api api(settings, desk, stats);
    console staff_console(settings, desk, stats);
    open311_api open311(settings, desk, conversation_lanes, runner, stats);
    static_files pages(settings.web.root);
    backup_endpoint backups(local, pool, settings.storage.backup_token, settings.storage.path);
    router routes(channels, conversation_lanes, runner, api, pages, backups, stats,
                  [&] { return store->outbox_depth(); }, clock);
    webchat chat(channels, *store, pool, conversation_lanes, runner, stats, settings.server, clock);
    runner.on_history([&chat](std::string const& channel, std::string const& id) { chat.notify(channel, id); });
    routes.serve_webchat(chat);
    routes.serve_console(staff_console);
    routes.serve_open311(open311);
    routes.allow_hosts(settings.server.allowed_hosts);
    http_server server(ioc, settings.server, std::ref(routes), stats);
    server.on_upgrade([&chat](beast::tcp_stream s, request r, source_admission admit) {
        return chat.upgrade(std::move(s), std::move(r), std::move(admit));
    });
    server.limit_per_source([&routes](request const& r) { return routes.rate_limited(r); });
    server.keep_reserve_for([&routes](request const& r) { return routes.platform_webhook(r); });
    stats.gauge("pg_outbox_depth", [&] { return double(store->outbox_depth()); });
    stats.gauge("pg_http_connections", [&] { return double(server.connections()); });

    server.listen();
    // Whatever was committed but not delivered before the last stop goes out
    // first, and once: it is queued before the first webhook can commit. (Loaded
    // later, a reply committed meanwhile would be both loaded and enqueued by its
    // webhook, sent twice, and could overtake older replies of its chat.)
    try {
        outbox.enqueue(outbox.claim_all(settings.server.node, settings.outbox.lease));
    } catch (storage::unavailable const& e) {  // nothing is lost: the entries stay for the next start
        log::error("outbox_load_failed", {{"error", e.what()}});
    }
    outbox.keep_claims(settings.server.node, settings.outbox.lease);
    server.start();

    log::info("listening", {{"address", settings.server.listen}, {"port", static_cast<long long>(server.port())},
                            {"channels", static_cast<long long>(channels.all().size())},
                            {"sync", settings.storage.sync}});

    // Deadlines: reminders and escalations, a scan of the open petitions: on the
    // blocking pool, never on an I/O thread. (Petitions are locked one by one.)
    net::steady_timer deadline_timer(ioc);
    net::co_spawn(ioc, [&]() -> net::awaitable<void> {
        for (;;) {
            deadline_timer.expires_after(settings.deadlines.check_interval);
            auto [ec] = co_await deadline_timer.async_wait(use_tuple);
            if (ec)
                co_return;  // cancelled at shutdown
            auto results = co_await run_blocking(pool.get_executor(), [&] {
                try {
                    return runner.check_deadlines(clock());
                } catch (std::exception const& e) {
                    log::error("deadline_check_failed", {{"error", e.what()}});
                    return std::vector<unit_result>{};
                }
            });
            if (syncer)
                co_await syncer->settle(results);
            for (auto& r : results)
                outbox.enqueue(std::move(r.queued));
            stats.add("pg_deadline_checks_total", {});
        }
    }, net::detached);

    // Retention: what the config keeps no longer is forgotten, at start and then
    // every sweep_interval, on the blocking pool.
    net::steady_timer retention_timer(ioc);
    net::co_spawn(ioc, [&]() -> net::awaitable<void> {
        for (;;) {
            auto report = co_await run_blocking(pool.get_executor(), [&] {
                try {
                    return runner.apply_retention(clock());
                } catch (std::exception const& e) {
                    log::error("retention_failed", {{"error", e.what()}});
                    return unit_runner::retention_report{};
                }
            });
            if (syncer)
                co_await syncer->settle(report.units);
            for (auto& r : report.units)
                outbox.enqueue(std::move(r.queued));
            stats.add("pg_retention_sweeps_total", {});
            auto const& gone = report.removed;
            if (gone.dedupe_keys + gone.conversations + gone.audit_entries + report.petitions_erased > 0)
                log::info("retention", {{"dedupe_keys", static_cast<long long>(gone.dedupe_keys)},
                                        {"conversations", static_cast<long long>(gone.conversations)},
                                        {"history_entries", static_cast<long long>(gone.history_entries)},
                                        {"audit_entries", static_cast<long long>(gone.audit_entries)},
                                        {"petitions_erased", static_cast<long long>(report.petitions_erased)}});
            retention_timer.expires_after(settings.retention.sweep_interval);
            auto [ec] = co_await retention_timer.async_wait(use_tuple);
            if (ec)
                co_return;  // cancelled at shutdown
        }
    }, net::detached);

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signo) {
        if (ec)
            return;
        log::info("stopping", {{"signal", static_cast<long long>(signo)}});
        net::co_spawn(ioc, [&]() -> net::awaitable<void> {
            // 1. No new connections or requests; 2. answered requests finish
            // (their units are committed); 3. sends in flight finish; 4. stop.
            server.stop_accepting();
            chat.stop();  // open web chat sockets are told "going away"
            deadline_timer.cancel();
            retention_timer.cancel();
            net::steady_timer tick(ioc);
            auto const deadline = std::chrono::steady_clock::now() + settings.server.shutdown_grace;
            while ((server.requests_in_flight() > 0 || chat.sockets() > 0) &&
                   std::chrono::steady_clock::now() < deadline) {
                tick.expires_after(std::chrono::milliseconds{10});
                co_await tick.async_wait(use_tuple);
            }
            co_await outbox.stop(settings.outbox.request_timeout);
            ioc.stop();
        }, net::detached);
    });

    std::vector<std::thread> extra;
    for (unsigned i = 1; i < settings.server.io_threads; ++i)
        extra.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : extra)
        t.join();
    pool.join();     // work still queued there (dead letters, web chat deliveries) lands before the store closes
    syncer.reset();  // and so does the sync under way
    store.reset();
    log::info("stopped");
    return 0;
}

}  // namespace pg::gateway
