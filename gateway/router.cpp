#include "gateway/router.hpp"

#include "gateway/channel.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/staff_api.hpp"
#include "gateway/unit_runner.hpp"

#include <nlohmann/json.hpp>

namespace pg::gateway {
namespace {

// The only place an errc becomes an HTTP status.
http::status to_status(model::errc e)
{
    switch (e) {
    case model::errc::bad_signature: return http::status::unauthorized;
    case model::errc::malformed_body: return http::status::bad_request;
    case model::errc::unsupported_update: return http::status::ok;  // acknowledged and dropped, so it is not resent
    case model::errc::storage_unavailable: return http::status::service_unavailable;
    case model::errc::not_found: return http::status::not_found;
    }
    return http::status::internal_server_error;
}

std::string_view errc_name(model::errc e)
{
    switch (e) {
    case model::errc::bad_signature: return "bad_signature";
    case model::errc::malformed_body: return "malformed_body";
    case model::errc::unsupported_update: return "unsupported_update";
    case model::errc::storage_unavailable: return "storage_unavailable";
    case model::errc::not_found: return "not_found";
    }
    return "other";
}

model::raw_request to_raw(request const& req)
{
    model::raw_request raw;
    raw.method = std::string(req.method_string());
    raw.target = std::string(req.target());
    raw.headers.reserve(8);
    for (auto const& f : req)
        raw.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    raw.body = req.body();
    return raw;
}

}  // namespace

router::router(channel_table const& channels, lanes& lanes, unit_runner& runner, dispatcher& dispatcher,
               staff_api& api, metrics& m, std::function<std::uint64_t()> outbox_depth, clock_fn clock)
    : channels_(channels),
      lanes_(lanes),
      runner_(runner),
      dispatcher_(dispatcher),
      staff_api_(api),
      metrics_(m),
      outbox_depth_(std::move(outbox_depth)),
      clock_(std::move(clock))
{
}

net::awaitable<response> router::operator()(request req)
{
    std::string_view target = req.target();
    if (auto q = target.find('?'); q != std::string_view::npos)
        target = target.substr(0, q);
    auto const version = req.version();

    auto answer = [&](std::string_view route, response res) {
        metrics_.add("pg_http_requests_total", {{"route", route}, {"code", std::to_string(res.result_int())}});
        return res;
    };

    if (target.starts_with("/webhook/")) {
        auto res = co_await webhook(target.substr(9), req);
        res.version(version);
        co_return res;
    }
    if (target.starts_with("/staff/api/") && staff_api_.enabled()) {
        auto res = co_await staff_api_.handle(req, target);
        res.version(version);
        co_return answer("staff_api", std::move(res));
    }
    if (target == "/healthz") {
        nlohmann::json body{{"status", "ok"}, {"outbox_depth", outbox_depth_()}};
        auto res = plain_response(http::status::ok, body.dump() + "\n", version);
        res.set(http::field::content_type, "application/json");
        co_return answer("healthz", std::move(res));
    }
    if (target == "/metrics") {
        auto res = plain_response(http::status::ok, metrics_.render(), version);
        res.set(http::field::content_type, "text/plain; version=0.0.4");
        co_return answer("metrics", std::move(res));
    }
    co_return answer("-", plain_response(http::status::not_found, "not found\n", version));
}

net::awaitable<response> router::webhook(std::string_view channel_id, request const& req)
{
    auto done = [&](std::string_view id, http::status s, std::string body = {}) {
        metrics_.add("pg_http_requests_total",
                     {{"route", "webhook"}, {"channel", id}, {"code", std::to_string(int(s))}});
        return plain_response(s, std::move(body));
    };

    auto const* ch = channels_.find(channel_id);
    if (!ch)
        co_return done("-", http::status::not_found, "no such channel\n");
    if (req.method() != http::verb::post)
        co_return done(ch->settings.id, http::status::method_not_allowed, "POST only\n");

    auto parsed = ch->parse(to_raw(req), clock_());
    if (!parsed) {
        auto const& f = parsed.error();
        metrics_.add("pg_webhook_rejected_total", {{"channel", ch->settings.id}, {"reason", errc_name(f.code)}});
        log::info("webhook_rejected", {{"channel", ch->settings.id}, {"reason", errc_name(f.code)}, {"detail", f.detail}});
        co_return done(ch->settings.id, to_status(f.code), f.detail + "\n");
    }

    // One unit of work per event, each on its conversation's lane; the platform
    // hears 200 only once every unit is committed.
    for (auto const& ev : parsed.value()) {
        if (ev.kind == model::event_kind::challenge) {  // URL verification: echo, store nothing
            auto res = done(ch->settings.id, http::status::ok, ev.text);
            co_return res;
        }
        auto const now = clock_();
        auto r = co_await lanes_.run(unit_runner::lane_key(ev), [&] {
            try {
                return runner_.run(ev, now);
            } catch (std::exception const& e) {  // a bug: nothing was committed, so the retry is safe
                return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what()};
            }
        });
        if (r.status == storage::commit_status::failed) {
            log::error("commit_failed", {{"channel", ch->settings.id}, {"error", r.error}});
            co_return done(ch->settings.id, http::status::service_unavailable, "storage unavailable\n");
        }
        dispatcher_.enqueue(std::move(r.queued));
    }
    co_return done(ch->settings.id, http::status::ok);
}

}  // namespace pg::gateway
