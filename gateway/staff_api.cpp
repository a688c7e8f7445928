#include "gateway/staff_api.hpp"

#include "adapters/common/secret.hpp"
#include "config/settings.hpp"
#include "gateway/blocking.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/lanes.hpp"
#include "gateway/metrics.hpp"
#include "gateway/unit_runner.hpp"
#include "storage/store.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace pg::gateway {
namespace {

using json = nlohmann::json;

response json_response(http::status s, json const& body)
{
    auto res = plain_response(s, body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    res.set(http::field::content_type, "application/json");
    return res;
}

response error(http::status s, std::string reason) { return json_response(s, {{"error", std::move(reason)}}); }

json to_json(model::petition const& p, model::timestamp now)
{
    json j{{"tracking", p.tracking},
           {"status", model::to_string(p.current)},
           {"category", p.category},
           {"department", p.department},
           {"channel", p.channel_id},
           {"language", p.language},
           {"location", p.location_text},
           {"description", p.description},
           {"photos", p.photo_ids.size()},
           {"assignee", p.assignee},
           {"submitted_at", model::format_iso8601(p.submitted_at)},
           {"response_due_at", model::format_iso8601(p.response_due_at)},
           {"deadline_at", model::format_iso8601(p.deadline_at)},
           {"overdue", model::overdue(p, now)}};
    if (p.location)
        j["map_point"] = {{"latitude", p.location->latitude}, {"longitude", p.location->longitude}};
    if (p.rating > 0)
        j["rating"] = p.rating;
    if (p.resolved)
        j["resolved"] = *p.resolved;
    return j;
}

json to_json(model::timeline_event const& e)
{
    return {{"at", model::format_iso8601(e.at)},   {"kind", model::to_string(e.kind)},
            {"status", model::to_string(e.to)},    {"actor", model::to_string(e.actor)},
            {"actor_name", e.actor_name},          {"channel", e.channel_id},
            {"department", e.department},          {"note", e.note}};
}

// Query values: "2026-11-28" / "2026-11-28T10:00:00Z" are not parsed here;
// times are Unix milliseconds, which every client can produce exactly.
std::optional<std::int64_t> to_int(std::string_view s)
{
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::vector<std::pair<std::string, std::string>> query_of(std::string_view target)
{
    std::vector<std::pair<std::string, std::string>> out;
    auto q = target.find('?');
    if (q == std::string_view::npos)
        return out;
    auto rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        out.emplace_back(std::string(pair.substr(0, eq)),
                         eq == std::string_view::npos ? "" : std::string(pair.substr(eq + 1)));
        if (amp == std::string_view::npos)
            break;
        rest.remove_prefix(amp + 1);
    }
    return out;
}

}  // namespace

staff_api::staff_api(config::settings const& s, storage::store& store, unit_runner& runner, lanes& lanes,
                     net::thread_pool& pool, dispatcher& outbox, metrics& m, clock_fn clock)
    : settings_(s),
      store_(store),
      runner_(runner),
      lanes_(lanes),
      pool_(pool),
      outbox_(outbox),
      metrics_(m),
      clock_(std::move(clock))
{
}

bool staff_api::enabled() const { return !settings_.staff_api_tokens.empty(); }

net::awaitable<response> staff_api::handle(request const& req, std::string_view path)
{
    auto const auth = req[http::field::authorization];
    bool allowed = false;
    if (auth.starts_with("Bearer "))
        for (auto const& t : settings_.staff_api_tokens)
            allowed = adapters::same_secret(auth.substr(7), t.token) || allowed;  // no early exit: constant time
    if (!allowed) {
        metrics_.add("pg_staff_api_requests_total", {{"result", "unauthorized"}});
        auto res = error(http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    metrics_.add("pg_staff_api_requests_total", {{"result", "authorized"}});

    constexpr std::string_view prefix = "/staff/api/petitions";
    if (path == prefix) {
        if (req.method() != http::verb::get)
            co_return error(http::status::method_not_allowed, "GET only");
        co_return co_await list(req);
    }
    if (!path.starts_with(prefix) || path.size() <= prefix.size() + 1 || path[prefix.size()] != '/')
        co_return error(http::status::not_found, "no such resource");
    auto rest = path.substr(prefix.size() + 1);
    auto const slash = rest.find('/');
    std::string const tracking(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
        if (req.method() != http::verb::get)
            co_return error(http::status::method_not_allowed, "GET only");
        co_return co_await one(tracking);
    }
    if (rest.substr(slash) == "/actions") {
        if (req.method() != http::verb::post)
            co_return error(http::status::method_not_allowed, "POST only");
        co_return co_await act(tracking, req);
    }
    co_return error(http::status::not_found, "no such resource");
}

net::awaitable<response> staff_api::list(request const& req)
{
    storage::petition_filter f;
    auto const now = clock_();
    for (auto const& [k, v] : query_of(req.target())) {
        if (k == "status") {
            f.status = model::status_from_string(v);
            if (!f.status)
                co_return error(http::status::bad_request, "status: unknown status \"" + v + "\"");
        } else if (k == "department") {
            f.department = v;
        } else if (k == "overdue") {
            if (v == "true" || v == "1")
                f.overdue_at = now;
        } else if (k == "open") {
            f.open_only = v == "true" || v == "1";
        } else if (k == "from" || k == "to") {
            auto ms = to_int(v);
            if (!ms)
                co_return error(http::status::bad_request, k + ": expected Unix milliseconds");
            (k == "from" ? f.from : f.to) = model::from_millis(*ms);
        } else if (k == "limit") {
            auto n = to_int(v);
            if (!n || *n < 1 || *n > 1000)
                co_return error(http::status::bad_request, "limit: expected 1 to 1000");
            f.limit = static_cast<std::size_t>(*n);
        } else {
            co_return error(http::status::bad_request, k + ": unknown parameter");
        }
    }
    auto found = co_await run_blocking(pool_.get_executor(), [&] { return store_.petitions(f); });
    json items = json::array();
    for (auto const& p : found)
        items.push_back(to_json(p, now));
    co_return json_response(http::status::ok, {{"petitions", std::move(items)}});
}

net::awaitable<response> staff_api::one(std::string const& tracking)
{
    auto const now = clock_();
    auto found = co_await run_blocking(pool_.get_executor(), [&] {
        return std::pair{store_.petition(tracking), store_.timeline(tracking)};
    });
    if (!found.first)
        co_return error(http::status::not_found, "no petition " + tracking);
    auto j = to_json(*found.first, now);
    j["timeline"] = json::array();
    for (auto const& e : found.second)
        j["timeline"].push_back(to_json(e));
    co_return json_response(http::status::ok, j);
}

net::awaitable<response> staff_api::act(std::string const& tracking, request const& req)
{
    auto body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object())
        co_return error(http::status::bad_request, "body: expected a JSON object");
    auto field = [&](char const* key) -> std::string {
        auto it = body.find(key);
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    auto const action = model::petition_action_from_string(field("action"));
    if (!action)
        co_return error(http::status::bad_request,
                        "action: expected one of accept, reject, transfer, progress, answer, close, reopen, note, assign");
    model::staff_command cmd{*action, field("department"), field("assignee"), field("text")};
    dialog::actor const who{model::actor_kind::staff, "api:" + field("actor"), field("actor"), "staff_api"};
    auto const now = clock_();
    auto r = co_await lanes_.run("petition\n" + tracking, [&] {
        try {
            return runner_.staff_action(tracking, cmd, who, now);
        } catch (std::exception const& e) {
            return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what(), false};
        }
    });
    if (r.refused)
        co_return error(r.error.starts_with("no petition") ? http::status::not_found : http::status::conflict,
                        r.error);
    if (r.status == storage::commit_status::failed)
        co_return error(http::status::service_unavailable, "storage unavailable");
    outbox_.enqueue(std::move(r.queued));
    auto p = co_await run_blocking(pool_.get_executor(), [&] { return store_.petition(tracking); });
    co_return json_response(http::status::ok, p ? to_json(*p, now) : json{{"tracking", tracking}});
}

}  // namespace pg::gateway
