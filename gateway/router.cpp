#include "gateway/router.hpp"

#include "adapters/common/origin.hpp"

#include "gateway/backup.hpp"
#include "gateway/channel.hpp"
#include "gateway/console.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/open311.hpp"
#include "gateway/staff_api.hpp"
#include "gateway/static_files.hpp"
#include "gateway/unit_runner.hpp"
#include "gateway/webchat.hpp"

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

// A page's address -> its file under web.root; assets live under /web/.
std::string_view page_file(std::string_view target)
{
    if (target == "/")
        return "chat/index.html";
    if (target == "/staff" || target == "/staff/")
        return "staff/index.html";
    if (target == "/public" || target == "/public/")
        return "public/index.html";
    if (target.starts_with("/web/"))
        return target.substr(5);
    return {};
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

router::router(channel_table const& channels, lanes& lanes, unit_runner& runner, staff_api& api,
               static_files const& pages, backup_endpoint& backup, metrics& m,
               std::function<std::uint64_t()> outbox_depth, clock_fn clock)
    : channels_(channels),
      lanes_(lanes),
      runner_(runner),
      staff_api_(api),
      pages_(pages),
      backup_(backup),
      metrics_(m),
      outbox_depth_(std::move(outbox_depth)),
      clock_(std::move(clock))
{
}

bool router::browser_route(std::string_view target) const
{
    if (target.starts_with("/webhook/")) {
        auto const* ch = channels_.find(target.substr(9));
        return ch && ch->can().public_webhook;
    }
    return target.starts_with("/chat/") || (console_ && console_->handles(target)) || !page_file(target).empty();
}

net::awaitable<response> router::operator()(request req, std::string source)
{
    std::string_view target = req.target();
    if (auto q = target.find('?'); q != std::string_view::npos)
        target = target.substr(0, q);
    auto const version = req.version();

    auto answer = [&](std::string_view route, response res) {
        metrics_.add("pg_http_requests_total", {{"route", route}, {"code", std::to_string(res.result_int())}});
        return res;
    };

    // A page served under a name we do not answer to is another site's page
    // (DNS rebinding): its requests look same-origin, so refuse them here.
    if (allowed_hosts_ && browser_route(target) &&
        !adapters::host_allowed(req[http::field::host], *allowed_hosts_)) {
        metrics_.add("pg_http_host_refused_total", {});
        co_return answer("-", plain_response(http::status::misdirected_request,
                                             "this gateway does not serve that Host\n", version));
    }
    if (target.starts_with("/webhook/")) {
        auto res = co_await webhook(target.substr(9), req);
        res.version(version);
        co_return res;
    }
    if (target.starts_with("/chat/") && webchat_) {
        auto res = co_await webchat_->handle(req, target);
        res.version(version);
        co_return answer("chat", std::move(res));
    }
    if (console_ && console_->handles(target)) {
        auto res = co_await console_->handle(req, target, source);
        res.version(version);
        co_return answer(target.starts_with("/public") ? "public" : "console", std::move(res));
    }
    if (open311_ && open311_->handles(target)) {
        auto res = co_await open311_->handle(req, target);
        res.version(version);
        co_return answer("open311", std::move(res));
    }
    if (target.starts_with("/staff/api/") && staff_api_.enabled()) {
        auto res = co_await staff_api_.handle(req, target, source);
        res.version(version);
        co_return answer("staff_api", std::move(res));
    }
    if (target == "/admin/backup" && backup_.enabled()) {
        auto res = co_await backup_.handle(req);
        res.version(version);
        co_return answer("admin_backup", std::move(res));
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
    if (req.method() == http::verb::get) {
        if (auto file = page_file(target); !file.empty())
            if (auto res = pages_.get(file, version))
                co_return answer("page", std::move(*res));
    }
    co_return answer("-", plain_response(http::status::not_found, "not found\n", version));
}

// Everything the public can reach is limited, including routes added later.
// Platform webhooks are not: a platform sends bursts from a few addresses, and a
// refused delivery is only resent. Nor are /healthz and /metrics (probes,
// scrapers). A web chat channel's webhook is the public's own, so it is limited,
// as is a webhook to no channel at all.
bool router::rate_limited(request const& req) const
{
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    return target != "/healthz" && target != "/metrics" && !platform_webhook_path(target);
}

bool router::platform_webhook(request const& req) const
{
    std::string_view target = req.target();
    return req.method() == http::verb::post && platform_webhook_path(target.substr(0, target.find('?')));
}

// /webhook/{id} of a configured platform channel: not a web chat's, not an unknown one.
bool router::platform_webhook_path(std::string_view path) const
{
    if (!path.starts_with("/webhook/"))
        return false;
    auto const* ch = channels_.find(path.substr(9));
    return ch != nullptr && !ch->can().public_webhook;
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
    auto const& id = ch->settings.id;
    auto const reject = [&](model::failure const& f) {
        metrics_.add("pg_webhook_rejected_total", {{"channel", id}, {"reason", errc_name(f.code)}});
        log::info("webhook_rejected", {{"channel", id}, {"reason", errc_name(f.code)}, {"detail", f.detail}});
        return done(id, to_status(f.code), f.detail + "\n");
    };
    auto const reply = [&](adapters::http_answer const& a) {
        auto res = done(id, static_cast<http::status>(a.status), a.body);
        res.set(http::field::content_type, a.content_type);
        return res;
    };
    if (req.method() == http::verb::get) {  // a URL check (WeChat, WhatsApp); none elsewhere
        auto const check = ch->platform->verify_url(to_raw(req), clock_());
        if (!check && check.error().code == model::errc::not_found)
            co_return done(id, http::status::method_not_allowed, "POST only\n");
        co_return check ? reply(check.value()) : reject(check.error());
    }
    if (req.method() != http::verb::post)
        co_return done(id, http::status::method_not_allowed, "POST only\n");

    auto parsed = ch->platform->parse(to_raw(req), clock_());
    if (!parsed)
        co_return reject(parsed.error());
    // A web chat session's messages are limited however they come (see webchat::over_session_rate).
    if (webchat_ && ch->can().public_webhook)
        for (auto const& ev : parsed->events)
            if (auto const wait = webchat_->over_session_rate(ev.channel_id, ev.chat_id)) {
                auto res = done(id, http::status::too_many_requests, "too many messages\n");
                res.set(http::field::retry_after, std::to_string(wait->count()));
                co_return res;
            }

    // One unit of work per event, each on its conversation's lane; the platform
    // hears its answer only once every unit is committed.
    for (auto const& ev : parsed->events) {
        auto const now = clock_();
        auto r = co_await lanes_.run(unit_runner::lane_key(ev), [&] {
            try {
                return runner_.run(ev, now);
            } catch (std::exception const& e) {  // a bug: nothing was committed, so the retry is safe
                return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what()};
            }
        });
        if (r.status == storage::commit_status::failed) {
            log::error("commit_failed", {{"channel", id}, {"error", r.error}});
            co_return done(id, http::status::service_unavailable, "storage unavailable\n");
        }
    }
    co_return reply(parsed->answer);
}

}  // namespace pg::gateway
