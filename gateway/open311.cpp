#include "gateway/open311.hpp"

#include "adapters/common/origin.hpp"
#include "adapters/common/secret.hpp"
#include "config/settings.hpp"
#include "dialog/petition_flow.hpp"
#include "dialog/tracking.hpp"
#include "gateway/blocking.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/petition_desk.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <limits>

namespace pg::gateway {
namespace {

namespace o311 = adapters::open311;

constexpr std::string_view prefix = "/open311/v2/";
constexpr std::string_view channel_id = "open311";  // the channel its petitions are filed on
constexpr std::size_t page = 1000;                  // the spec's "first 1000 requests"
constexpr std::size_t max_ids = 100;                // service_request_id=a,b,...
// A filter the store cannot apply (service_code, status=closed) is applied to
// at most this many of the newest petitions in the date range.
constexpr std::size_t scan_limit = 10'000;
// When the shape of these documents last changed.
constexpr std::string_view changeset = "2026-12-06T00:00:00Z";

response document(http::status s, std::string body, o311::format as)
{
    auto res = plain_response(s, std::move(body));
    res.set(http::field::content_type, o311::content_type(as));
    res.set(http::field::cache_control, "no-store");
    return res;
}

response errors(std::vector<o311::error> const& list, o311::format as)
{
    return document(static_cast<http::status>(list.front().code), o311::render_errors(list, as), as);
}

response error(int code, std::string description, o311::format as)
{
    return errors({{code, std::move(description)}}, as);
}

std::vector<std::string> comma_list(std::string const& v)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= v.size()) {
        auto const end = std::min(v.find(',', start), v.size());
        if (end > start)
            out.push_back(v.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// ?locale= (GeoReport v2.1's name) or ?lang= (the public page's).
std::string locale_of(std::string_view target)
{
    std::string out;
    for (auto const& [k, v] : query_params(target))
        if (k == "locale" || k == "lang")
            out = v;
    return out;
}

// The time of the last status change: the spec's updated_datetime.
model::timestamp updated_at(model::petition const& p, std::vector<model::timeline_event> const& timeline)
{
    auto t = p.submitted_at;
    for (auto const& e : timeline)
        if (e.kind == model::entry_kind::transition)
            t = std::max(t, e.at);
    return t;
}

}  // namespace

open311_api::open311_api(config::settings const& s, petition_desk& desk, lanes& lanes, unit_runner& runner,
                         metrics& m)
    : settings_(s), desk_(desk), lanes_(lanes), runner_(runner), metrics_(m)
{
}

bool open311_api::handles(std::string_view path) const
{
    return settings_.open311.enabled && path.starts_with("/open311/");
}

net::awaitable<response> open311_api::handle(request const& req, std::string_view path)
{
    auto const slash = path.rfind('/');
    auto const parsed = o311::split_format(path.substr(slash + 1));
    auto const as = parsed ? parsed->as : o311::format::json;
    auto const done = [&](std::string_view route, response res) {
        metrics_.add("pg_open311_requests_total", {{"route", route}, {"code", std::to_string(res.result_int())}});
        return res;
    };
    if (!path.starts_with(prefix) || !parsed)
        co_return done("-", error(404, "no such resource: expected /open311/v2/{discovery,services,requests}"
                                       "[/{id}].json or .xml",
                                  as));
    auto const dir = path.substr(prefix.size(), slash + 1 - prefix.size());  // "" or "services/" or "requests/"
    auto const& name = parsed->name;
    bool const get = req.method() == http::verb::get;

    if (dir.empty() && name == "requests") {
        if (req.method() == http::verb::post)
            co_return done("requests_post", co_await file(req, as));
        if (!get)
            co_return done("requests", error(405, "method: GET or POST only", as));
        co_return done("requests", co_await list(req, as));
    }
    if (!get)
        co_return done("-", error(405, "method: GET only", as));
    if (dir.empty() && name == "discovery") {
        auto const scheme = adapters::forwarded_https(req["X-Forwarded-Proto"]) ? "https://" : "http://";
        o311::endpoint_info const e{scheme + std::string(req[http::field::host]) + std::string(prefix.substr(0, 11)),
                                    std::string(changeset)};
        co_return done("discovery", document(http::status::ok, o311::render_discovery(e, as), as));
    }
    auto const tx = desk_.texts_for(locale_of(req.target()));
    auto const& categories = settings_.dialog.citizen.categories;
    if (dir.empty() && name == "services") {
        std::vector<o311::service> list;
        for (auto const& c : categories)
            list.push_back({c.id, tx.label(c), tx.department_label(c.department)});
        co_return done("services", document(http::status::ok, o311::render_services(list, as), as));
    }
    if (dir == "services/") {
        bool const known = std::any_of(categories.begin(), categories.end(), [&](auto const& c) { return c.id == name; });
        co_return done("service", error(404, known ? "service_code: this service has no attributes (metadata is false)"
                                                   : "service_code: not a service here; see services.json",
                                        as));
    }
    if (dir == "requests/")
        co_return done("request", co_await one(name, req, as));
    co_return done("-", error(404, "no such resource: expected discovery, services or requests", as));
}

net::awaitable<response> open311_api::one(std::string_view id, request const& req, o311::format as)
{
    auto const number = dialog::normalize_tracking(id);
    if (!number)
        co_return error(404, "service_request_id: no such request", as);
    auto found = co_await run_blocking(desk_.pool().get_executor(), [&] {
        return std::pair{desk_.store().petition(*number), desk_.store().timeline(*number)};
    });
    if (!found.first)
        co_return error(404, "service_request_id: no such request", as);
    auto const tx = desk_.texts_for(locale_of(req.target()));
    auto const& p = *found.first;
    auto view = o311::public_view(p, tx.category_label(p.category), tx.department_label(p.department),
                                  updated_at(p, found.second), settings_.deadlines.zone);
    view.status_notes = tx.get("status." + view.status_notes);
    co_return document(http::status::ok, o311::render_requests({view}, as), as);
}

net::awaitable<response> open311_api::list(request const& req, o311::format as)
{
    storage::petition_filter f;
    f.limit = page;
    std::vector<std::string> ids, codes;
    std::optional<bool> want_open;
    for (auto const& [k, v] : query_params(req.target())) {
        if (k == "service_request_id") {
            ids = comma_list(v);
            if (ids.size() > max_ids)
                co_return error(400, "service_request_id: expected at most " + std::to_string(max_ids) + " ids", as);
        } else if (k == "service_code") {
            codes = comma_list(v);
        } else if (k == "status") {
            bool open = false, closed = false;
            for (auto const& s : comma_list(v)) {
                if (s != "open" && s != "closed")
                    co_return error(400, "status: expected open, closed or both, comma separated", as);
                (s == "open" ? open : closed) = true;
            }
            if (open != closed)
                want_open = open;
        } else if (k == "start_date" || k == "end_date") {
            auto const t = o311::parse_datetime(v);
            if (!t)
                co_return error(400, k + ": expected a W3C date-time such as 2026-01-01T00:00:00Z", as);
            if (k == "start_date")
                f.from = *t;
            else
                f.to = *t + std::chrono::milliseconds{1};  // the latest time to include
        } else if (k == "jurisdiction_id") {
            if (!settings_.open311.jurisdiction_id.empty() && v != settings_.open311.jurisdiction_id)
                co_return error(404, "jurisdiction_id: not served here", as);
        } else if (k != "locale" && k != "lang" && k != "api_key") {  // clients may send their key with every call
            co_return error(400, k + ": unknown parameter", as);
        }
    }
    if (f.from && f.to && *f.to <= *f.from)
        co_return error(400, "end_date: expected a time after start_date", as);

    auto const matches = [&](model::petition const& p) {
        bool const open = model::is_open(p.current);
        return (!want_open || *want_open == open) &&
               (codes.empty() || std::find(codes.begin(), codes.end(), p.category) != codes.end());
    };
    using row = std::pair<model::petition, std::vector<model::timeline_event>>;
    auto rows = co_await run_blocking(desk_.pool().get_executor(), [&] {
        std::vector<row> out;
        auto& store = desk_.store();
        if (!ids.empty()) {  // "overrides all other arguments"
            for (auto const& id : ids)
                if (auto const n = dialog::normalize_tracking(id))
                    if (auto p = store.petition(*n))
                        out.emplace_back(std::move(*p), store.timeline(*n));
            return out;
        }
        bool const in_memory = !codes.empty() || (want_open && !*want_open);
        if (want_open && *want_open)
            f.open_only = true;
        if (in_memory)
            f.limit = scan_limit;
        for (auto& p : store.petitions(f)) {
            if (out.size() == page)
                break;
            if (matches(p)) {
                auto timeline = store.timeline(p.tracking);
                out.emplace_back(std::move(p), std::move(timeline));
            }
        }
        return out;
    });
    auto const tx = desk_.texts_for(locale_of(req.target()));
    std::vector<o311::service_request> views;
    for (auto const& [p, timeline] : rows) {
        views.push_back(o311::public_view(p, tx.category_label(p.category), tx.department_label(p.department),
                                          updated_at(p, timeline), settings_.deadlines.zone));
        views.back().status_notes = tx.get("status." + views.back().status_notes);
    }
    co_return document(http::status::ok, o311::render_requests(views, as), as);
}

net::awaitable<response> open311_api::file(request const& req, o311::format as)
{
    auto const& cfg = settings_.open311;
    auto const type = req[http::field::content_type];
    if (!type.starts_with("application/x-www-form-urlencoded"))
        co_return error(400, "Content-Type: expected application/x-www-form-urlencoded", as);

    o311::post_rules rules;
    for (auto const& c : settings_.dialog.citizen.categories)
        rules.service_codes.push_back(c.id);
    rules.jurisdiction_id = cfg.jurisdiction_id;
    rules.description_min = settings_.dialog.citizen.description_min;
    rules.description_max = settings_.dialog.citizen.description_max;
    rules.address_max = settings_.dialog.citizen.location_max;
    auto reading = o311::read_post(req.body(), rules);
    if (!reading.readable)
        co_return errors(reading.errors, as);

    // The key first: without a good one nothing else is said about the request.
    config::open311_key const* client = nullptr;
    for (auto const& k : cfg.api_keys)
        if (adapters::same_secret(reading.request.api_key, k.key) && !client)  // no early exit: constant time
            client = &k;
    if (!client) {
        metrics_.add("pg_open311_posts_total", {{"result", "bad_key"}});
        co_return error(403, reading.request.api_key.empty() ? "api_key: missing" : "api_key: not a valid key", as);
    }
    if (!reading.errors.empty()) {
        metrics_.add("pg_open311_posts_total", {{"result", "invalid"}});
        co_return errors(reading.errors, as);
    }
    auto const& r = reading.request;
    auto const& categories = settings_.dialog.citizen.categories;
    auto const category = std::find_if(categories.begin(), categories.end(),
                                       [&](auto const& c) { return c.id == r.service_code; });
    auto const tx = desk_.texts_for(locale_of(req.target()));

    model::petition draft;
    draft.channel_id = std::string(channel_id);
    draft.chat_id = o311::contact_of(r);  // personal data: kept where a chat's id is, shown to nobody
    draft.user_id = r.account_id;
    draft.language = tx.code();
    draft.category = category->id;
    draft.department = category->department;
    draft.location_text = r.address_string;
    draft.location = r.point;
    draft.description = r.media_url.empty() ? r.description : r.description + "\n" + r.media_url;
    dialog::actor const who{model::actor_kind::citizen, "open311:" + client->name, client->name,
                            std::string(channel_id)};
    auto const now = desk_.now();
    auto const result = co_await lanes_.run("open311\n" + client->name, [&] {
        try {
            return runner_.file_external(draft, who, now);
        } catch (std::exception const& e) {  // a bug: nothing was committed
            return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what()};
        }
    });
    if (result.status != storage::commit_status::committed) {
        log::error("open311_file_failed", {{"client", client->name}, {"error", result.error}});
        metrics_.add("pg_open311_posts_total", {{"result", "failed"}});
        co_return error(503, "storage unavailable; try again", as);
    }
    metrics_.add("pg_open311_posts_total", {{"result", "filed"}});
    log::info("open311_filed", {{"client", client->name}, {"tracking", draft.tracking}});
    o311::created const made{draft.tracking,
                             tx.get("open311.notice", {{"department", tx.department_label(draft.department)},
                                                       {"deadline", model::format_local_date(draft.deadline_at,
                                                                                             settings_.deadlines.zone)}}),
                             r.account_id};
    co_return document(http::status::ok, o311::render_created(made, as), as);
}

}  // namespace pg::gateway
