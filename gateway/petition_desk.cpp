#include "gateway/petition_desk.hpp"

#include "adapters/common/utf8.hpp"
#include "dialog/input.hpp"
#include "dialog/petition_flow.hpp"
#include "gateway/blocking.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

namespace pg::gateway {
namespace {

using json = nlohmann::json;

// Times in queries are Unix milliseconds, which every client can produce exactly.
std::optional<std::int64_t> to_int(std::string_view s)
{
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size())
        return std::nullopt;
    return v;
}

std::string decode(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size()) {
            unsigned v = 0;
            auto [p, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            if (ec == std::errc{} && p == s.data() + i + 3) {
                out += static_cast<char>(v);
                i += 2;
            } else {
                out += s[i];
            }
        } else {
            out += s[i];
        }
    }
    return out;
}

json duration(std::optional<std::chrono::milliseconds> d) { return d ? json(d->count()) : json(nullptr); }

std::string equity_rule()
{
    char ratio[16];
    std::snprintf(ratio, sizeof ratio, "%g", dialog::equity_ratio);
    return "a channel, category or local time of filing whose median first response or answer is at least " +
           std::string(ratio) + " times the median over all petitions, over at least " +
           std::to_string(dialog::equity_min_count) + " of its petitions";
}

json to_json(dialog::duration_figures const& d)
{
    return {{"count", d.count}, {"median", duration(d.median)}, {"p90", duration(d.p90)}};
}

json to_json(dialog::group_figures const& g)
{
    return {{"key", g.key},
            {"received", g.received},
            {"answered", g.answered},
            {"closed", g.closed},
            {"resolved", g.resolved},
            {"not_resolved", g.not_resolved},
            {"rated", g.rated},
            {"satisfied", g.satisfied},
            {"overdue", g.overdue},
            {"transferred", g.transferred},
            {"first_response_ms", to_json(g.first_response)},
            {"answer_ms", to_json(g.answer)},
            {"closure_ms", to_json(g.closure)},
            {"held_ms", to_json(g.held)},
            {"paused", g.paused},
            {"pauses", g.pauses},
            {"paused_ms", to_json(g.paused_time)}};
}

// `label`, when given, names a group's key for people: "public_works" -> "Public Works Department".
json to_json(std::vector<dialog::group_figures> const& groups,
             std::function<std::string(std::string const&)> const& label = {})
{
    json out = json::array();
    for (auto const& g : groups) {
        out.push_back(to_json(g));
        if (label)
            out.back()["label"] = label(g.key);
    }
    return out;
}

// What the citizen said and was told, in order: the description, added
// information, and the answers and rejections sent to them.
json conversation_of(model::petition const& p, std::vector<model::timeline_event> const& timeline)
{
    json out = json::array();
    out.push_back({{"from", "citizen"}, {"kind", "description"}, {"at", model::format_iso8601(p.submitted_at)},
                   {"text", p.description}});
    for (auto const& e : timeline) {
        if (e.kind == model::entry_kind::citizen_info)
            out.push_back({{"from", "citizen"}, {"kind", "added_information"}, {"at", model::format_iso8601(e.at)},
                           {"text", e.note}});
        else if (e.kind == model::entry_kind::transition &&
                 (e.to == model::status::answered || e.to == model::status::rejected) && !e.note.empty())
            out.push_back({{"from", "staff"}, {"name", e.actor_name}, {"kind", model::to_string(e.to)},
                           {"at", model::format_iso8601(e.at)}, {"text", e.note}});
    }
    return out;
}

// A list's ?limit=: 1 to 1000 entries.
std::optional<std::size_t> page_limit(std::string const& v)
{
    auto n = to_int(v);
    if (!n || *n < 1 || *n > 1000)
        return std::nullopt;
    return static_cast<std::size_t>(*n);
}

bool newer(model::petition const& a, model::petition const& b) { return a.submitted_at > b.submitted_at; }

}  // namespace

bool department_scope::covers(std::string_view department) const
{
    return departments.empty() || std::find(departments.begin(), departments.end(), department) != departments.end();
}

response json_response(http::status s, json const& body)
{
    auto res = plain_response(s, body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    return res;
}

response json_error(http::status s, std::string reason) { return json_response(s, {{"error", std::move(reason)}}); }

json staff_view(model::petition const& p, model::timestamp now, dialog::texts const& tx)
{
    json j{{"tracking", p.tracking},
           {"status", model::to_string(p.current)},
           {"category", p.category},
           {"category_label", tx.category_label(p.category)},
           {"department", p.department},
           {"department_label", tx.department_label(p.department)},
           {"channel", p.channel_id},
           {"language", p.language},
           {"location", p.location_text},
           {"description", p.description},
           {"photos", p.photo_ids.size()},
           {"assignee", p.assignee},
           {"submitted_at", model::format_iso8601(p.submitted_at)},
           {"response_due_at", model::format_iso8601(p.response_due_at)},
           {"deadline_at", model::format_iso8601(p.deadline_at)},
           {"overdue", model::overdue(p, now)},
           {"paused", p.paused_since.has_value()}};
    if (p.paused_since)
        j["paused_since"] = model::format_iso8601(*p.paused_since);
    if (p.location)
        j["map_point"] = {{"latitude", p.location->latitude}, {"longitude", p.location->longitude}};
    if (p.rating > 0)
        j["rating"] = p.rating;
    if (p.resolved)
        j["resolved"] = *p.resolved;
    if (p.erased_at)
        j["erased_at"] = model::format_iso8601(*p.erased_at);
    return j;
}

json staff_view(model::timeline_event const& e, dialog::texts const& tx)
{
    json j{{"at", model::format_iso8601(e.at)},   {"kind", model::to_string(e.kind)},
           {"status", model::to_string(e.to)},    {"actor", model::to_string(e.actor)},
           {"actor_name", e.actor_name},          {"channel", e.channel_id},
           {"department", e.department},          {"note", e.note}};
    if (!e.department.empty())
        j["department_label"] = tx.department_label(e.department);
    return j;
}

json to_json(figures_snapshot const& s, dialog::texts const& tx)
{
    auto const& f = s.figures;
    auto const department = [&](std::string const& id) { return tx.department_label(id); };
    auto const category = [&](std::string const& id) { return tx.category_label(id); };
    json equity = json::array();
    for (auto const& e : f.equity) {
        equity.push_back({{"dimension", e.dimension}, {"key", e.key}, {"clock", e.clock}, {"count", e.count},
                          {"median_ms", e.median.count()}, {"overall_median_ms", e.overall.count()}});
        if (e.dimension == "category")
            equity.back()["label"] = category(e.key);
    }
    return {{"percentiles", "nearest-rank over petitions (by department: stints) that have the duration; null when none"},
            {"durations", "working time in the calendar of time_zone; a petition's clock runs from filing and is never "
                          "reset; each department is charged only its own stints (arrival by filing, transfer or "
                          "reopening, until it transfers, answers, rejects or closes); time a clock was paused with a recorded "
                          "reason is left out of every duration and counted apart as paused_ms (over the petitions, "
                          "or stints, that were paused; pauses counts them)"},
            {"time_zone", f.time_zone},
            {"generated_at", model::format_iso8601(s.generated_at)},
            {"open_data", "/public/api/open-data/petitions.json, petitions.csv and stints.csv: the stage times these "
                          "figures are computed from"},
            {"total", to_json(f.total)},
            {"by_department", to_json(f.by_department, department)},
            {"by_category", to_json(f.by_category, category)},
            {"by_channel", to_json(f.by_channel)},
            {"by_month", to_json(f.by_month)},
            {"by_time_of_day", to_json(f.by_time_of_day)},
            {"by_district", to_json(f.by_district)},
            {"equity_rule", equity_rule()},
            {"equity", std::move(equity)},
            {"day_heads", to_json(s.day_heads)},
            {"chain", "each timeline entry is sealed with SHA-256 over the entry before it; a day's head is SHA-256 "
                      "over every petition's last seal before the day ended; /public/api/verify/<tracking> "
                      "recomputes a petition's chain"}};
}

std::vector<std::pair<std::string, std::string>> query_params(std::string_view target)
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
        if (!pair.empty())
            out.emplace_back(decode(pair.substr(0, eq)),
                             eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
        if (amp == std::string_view::npos)
            break;
        rest.remove_prefix(amp + 1);
    }
    return out;
}

std::string language_param(std::string_view target)
{
    for (auto const& [k, v] : query_params(target))
        if (k == "lang")
            return v;
    return {};
}

petition_desk::petition_desk(storage::store& store, unit_runner& runner, lanes& lanes, net::thread_pool& pool,
                             clock_fn clock, model::dialog_data const& dialog)
    : store_(store), runner_(runner), lanes_(lanes), pool_(pool), clock_(std::move(clock)), dialog_(dialog)
{
}

model::audit_entry audit_entry_of(request const& req, std::string_view path, std::string who, std::string via,
                                  std::string source, model::timestamp now, int status)
{
    model::audit_entry a;
    a.at = now;
    a.who = std::move(who);
    a.via = std::move(via);
    a.source = std::move(source);
    a.method = std::string(req.method_string());
    a.resource = std::string(path.substr(0, 256));
    constexpr std::string_view petitions = "/petitions/";
    if (auto at = path.find(petitions); at != std::string_view::npos) {
        auto rest = path.substr(at + petitions.size());
        a.tracking = std::string(rest.substr(0, std::min<std::size_t>(rest.find('/'), 32)));
    }
    if (req.method() == http::verb::post && path.ends_with("/erase")) {
        a.action = "erase";
    } else if (req.method() == http::verb::post) {
        auto const body = json::parse(req.body(), nullptr, false);
        if (body.is_object() && body.contains("action") && body["action"].is_string())
            a.action = body["action"].get<std::string>().substr(0, 32);
    }
    a.status = status;
    return a;
}

net::awaitable<void> petition_desk::audit(model::audit_entry entry)
{
    bool const written = co_await run_blocking(pool_.get_executor(), [&] {
        try {
            return store_.record_audit(entry);
        } catch (std::exception const&) {
            return false;
        }
    });
    if (!written)
        log::error("audit_write_failed", {{"via", entry.via}, {"resource", entry.resource}});
}

net::awaitable<response> petition_desk::audit_log(std::string_view target)
{
    storage::audit_filter f;
    for (auto const& [k, v] : query_params(target)) {
        if (k == "tracking") {
            f.tracking = v;
        } else if (k == "who") {
            f.who = v;
        } else if (k == "limit") {
            auto n = page_limit(v);
            if (!n)
                co_return json_error(http::status::bad_request, "limit: expected 1 to 1000");
            f.limit = *n;
        } else {
            co_return json_error(http::status::bad_request, k + ": unknown parameter");
        }
    }
    auto const entries = co_await run_blocking(pool_.get_executor(), [&] { return store_.audit(f); });
    json out = json::array();
    for (auto const& a : entries)
        out.push_back({{"at", model::format_iso8601(a.at)},
                       {"who", a.who},
                       {"via", a.via},
                       {"source", a.source},
                       {"method", a.method},
                       {"resource", a.resource},
                       {"action", a.action},
                       {"tracking", a.tracking},
                       {"status", a.status}});
    co_return json_response(http::status::ok, {{"audit", std::move(out)}});
}

dialog::texts petition_desk::texts_for(std::string_view language) const
{
    return dialog::texts(dialog_, dialog::pick_locale(dialog_, language).code);
}

net::awaitable<response> petition_desk::list(std::string_view target, department_scope const& scope)
{
    storage::petition_filter f;
    auto const now = clock_();
    std::string language;
    for (auto const& [k, v] : query_params(target)) {
        if (k == "status") {
            if (v.empty())
                continue;  // a form's "any"
            f.status = model::status_from_string(v);
            if (!f.status)
                co_return json_error(http::status::bad_request, "status: unknown status \"" + v + "\"");
        } else if (k == "department") {
            f.department = v;
        } else if (k == "lang") {
            language = v;
        } else if (k == "overdue") {
            if (v == "true" || v == "1")
                f.overdue_at = now;
        } else if (k == "open") {
            f.open_only = v == "true" || v == "1";
        } else if (k == "from" || k == "to") {
            auto ms = to_int(v);
            if (!ms)
                co_return json_error(http::status::bad_request, k + ": expected Unix milliseconds");
            (k == "from" ? f.from : f.to) = model::from_millis(*ms);
        } else if (k == "limit") {
            auto n = page_limit(v);
            if (!n)
                co_return json_error(http::status::bad_request, "limit: expected 1 to 1000");
            f.limit = *n;
        } else {
            co_return json_error(http::status::bad_request, k + ": unknown parameter");
        }
    }
    if (!f.department.empty() && !scope.covers(f.department))
        co_return json_error(http::status::forbidden, "department: \"" + f.department + "\" is not yours");

    auto found = co_await run_blocking(pool_.get_executor(), [&] {
        if (!f.department.empty() || scope.departments.empty())
            return store_.petitions(f);
        // A limited official: each of their departments, merged newest first.
        std::vector<model::petition> all;
        for (auto const& d : scope.departments) {
            auto one = f;
            one.department = d;
            auto part = store_.petitions(one);
            all.insert(all.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
        }
        std::stable_sort(all.begin(), all.end(), newer);
        if (all.size() > f.limit)
            all.resize(f.limit);
        return all;
    });
    auto const tx = texts_for(language);
    json items = json::array();
    for (auto const& p : found)
        items.push_back(staff_view(p, now, tx));
    co_return json_response(http::status::ok, {{"petitions", std::move(items)}});
}

net::awaitable<response> petition_desk::one(std::string const& tracking, department_scope const& scope,
                                            std::string_view language)
{
    auto const now = clock_();
    auto found = co_await run_blocking(pool_.get_executor(), [&] {
        return std::pair{store_.petition(tracking), store_.timeline(tracking)};
    });
    if (!found.first)
        co_return json_error(http::status::not_found, "no petition " + tracking);
    if (!scope.covers(found.first->department))
        co_return json_error(http::status::forbidden, "petition " + tracking + " is not in your departments");
    auto const tx = texts_for(language);
    auto j = staff_view(*found.first, now, tx);
    j["timeline"] = json::array();
    for (auto const& e : found.second)
        j["timeline"].push_back(staff_view(e, tx));
    j["conversation"] = conversation_of(*found.first, found.second);
    co_return json_response(http::status::ok, j);
}

net::awaitable<response> petition_desk::act(std::string const& tracking, std::string const& body_text,
                                            dialog::actor const& who, department_scope const& scope)
{
    auto body = json::parse(body_text, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        co_return json_error(http::status::bad_request, "body: expected a JSON object");
    auto field = [&](char const* key) -> std::string {
        auto it = body.find(key);
        return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    auto const action = model::petition_action_from_string(field("action"));
    if (!action)
        co_return json_error(http::status::bad_request, "action: expected one of accept, reject, transfer, progress, "
                                                        "answer, close, reopen, note, assign, pause, resume");
    model::staff_command cmd{*action, field("department"), field("assignee"), field("text")};
    co_return co_await change(tracking, scope, [&](model::timestamp now, scope_check const& in_scope) {
        return runner_.staff_action(tracking, cmd, who, now, in_scope);
    });
}

net::awaitable<response> petition_desk::change(std::string const& tracking, department_scope const& scope,
                                               std::function<unit_result(model::timestamp, scope_check const&)> run)
{
    auto const now = clock_();
    bool out_of_scope = false;
    scope_check const in_scope = [&](model::petition const& p) { return !(out_of_scope = !scope.covers(p.department)); };
    auto r = co_await lanes_.run("petition\n" + tracking, [&] {
        try {
            return run(now, in_scope);
        } catch (std::exception const& e) {
            return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what(), false};
        }
    });
    if (out_of_scope)
        co_return json_error(http::status::forbidden, r.error);
    if (r.refused)
        co_return json_error(r.error.starts_with("no petition") ? http::status::not_found : http::status::conflict,
                             r.error);
    if (r.status == storage::commit_status::failed)
        co_return json_error(http::status::service_unavailable, "storage unavailable");
    auto p = co_await run_blocking(pool_.get_executor(), [&] { return store_.petition(tracking); });
    co_return json_response(http::status::ok, p ? staff_view(*p, now, texts_for({})) : json{{"tracking", tracking}});
}

net::awaitable<response> petition_desk::erase(std::string const& tracking, std::string const& body_text,
                                              dialog::actor const& who, department_scope const& scope)
{
    constexpr std::size_t max_reason = 500;  // code points
    auto const body = json::parse(body_text, nullptr, false);
    auto const* reason_field = body.is_object() && body.contains("reason") ? &body["reason"] : nullptr;
    std::string reason;
    if (reason_field && reason_field->is_string())
        reason = std::string(dialog::trim(reason_field->get_ref<std::string const&>()));
    if (!adapters::valid_utf8(reason) || dialog::visible_characters(reason) == 0 ||
        dialog::code_points(reason) > max_reason)
        co_return json_error(http::status::bad_request, "reason: expected why the data is erased (the citizen's "
                                                        "request and its date), 1 to " +
                                                            std::to_string(max_reason) + " characters");
    co_return co_await change(tracking, scope, [&](model::timestamp now, scope_check const& in_scope) {
        return runner_.erase_personal_data(tracking, reason, who, now, in_scope);
    });
}

net::awaitable<std::shared_ptr<figures_snapshot const>> petition_desk::figures(std::chrono::milliseconds max_age)
{
    auto const now = clock_();
    {
        std::lock_guard lock(figures_mutex_);
        if (figures_ && now - figures_->generated_at < max_age && now >= figures_->generated_at)
            co_return figures_;
    }
    auto fresh = co_await run_blocking(pool_.get_executor(), [&] {
        storage::petition_filter all;
        all.limit = std::numeric_limits<std::size_t>::max();
        auto const cal = runner_.calendar();
        auto snap = std::make_shared<figures_snapshot>();
        snap->generated_at = now;
        snap->zone = cal.zone;
        std::vector<dialog::petition_record> records;
        for (auto& p : store_.petitions(all)) {
            auto timeline = store_.timeline(p.tracking);
            records.push_back({std::move(p), std::move(timeline)});
        }
        std::vector<model::chained_timeline> chains;
        for (auto const& r : records) {
            auto& st = snap->petitions.emplace_back(dialog::measure_stages(r, now, cal));
            if (auto const& districts = runner_.districts(); !districts.empty()) {
                st.district = model::district_of(districts, r.petition);
                if (st.district.empty())
                    st.district = "other";
            }
            chains.push_back({r.petition.tracking, &r.timeline});
        }
        snap->figures = dialog::response_times(snap->petitions, cal.zone);
        snap->day_heads = model::day_heads(std::move(chains), now, cal.zone, published_day_heads);
        return std::shared_ptr<figures_snapshot const>(std::move(snap));
    });
    std::lock_guard lock(figures_mutex_);
    figures_ = fresh;
    co_return fresh;
}

net::awaitable<std::vector<model::petition>> petition_desk::overdue(department_scope const& scope)
{
    auto const now = clock_();
    auto late = co_await run_blocking(pool_.get_executor(), [&] {
        storage::petition_filter f;
        f.open_only = true;
        f.overdue_at = now;
        f.limit = std::numeric_limits<std::size_t>::max();
        return store_.petitions(f);
    });
    std::erase_if(late, [&](model::petition const& p) { return !scope.covers(p.department); });
    auto const due = [&](model::petition const& p) { return dialog::missed_deadline(p, now).value_or(now); };
    std::stable_sort(late.begin(), late.end(), [&](auto const& a, auto const& b) { return due(a) < due(b); });
    co_return late;
}

}  // namespace pg::gateway
