#include "gateway/console.hpp"

#include "adapters/common/origin.hpp"
#include "adapters/common/password.hpp"
#include "adapters/common/secret.hpp"
#include "config/settings.hpp"
#include "dialog/petition_flow.hpp"
#include "dialog/response_times.hpp"
#include "dialog/tracking.hpp"
#include "gateway/blocking.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/open_data.hpp"
#include "gateway/petition_desk.hpp"
#include "gateway/static_files.hpp"
#include "model/ascii.hpp"
#include "model/chain.hpp"
#include "model/password_hash.hpp"

#include <boost/beast/http/field.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

namespace pg::gateway {
namespace {

using json = nlohmann::json;

constexpr std::string_view cookie_name = "pg_staff_session";
constexpr std::string_view staff_api_prefix = "/staff/console/api";
constexpr std::string_view public_api_prefix = "/public/api/";
constexpr login_throttle::limits login_limits{.per_name = 5, .per_source = 20, .lock_for = std::chrono::seconds{60}};

// A PBKDF2 check keeps a core busy for a good part of a second: at most one per
// two cores at once, so webhooks and pages keep the rest.
unsigned hash_checks_at_once() { return std::max(1u, std::thread::hardware_concurrency() / 2); }

// Holds one of the console's password-check slots, if one is free.
class hash_check_slot {
public:
    hash_check_slot(std::atomic<unsigned>& running, unsigned max) : running_(running)
    {
        held_ = running_.fetch_add(1) < max;
        if (!held_)
            running_.fetch_sub(1);
    }
    ~hash_check_slot()
    {
        if (held_)
            running_.fetch_sub(1);
    }
    hash_check_slot(hash_check_slot const&) = delete;
    hash_check_slot& operator=(hash_check_slot const&) = delete;
    bool held() const { return held_; }

private:
    std::atomic<unsigned>& running_;
    bool held_ = false;
};

// GET /public/api/open-data/<name>: the snapshot the figures come from, named
// by its local date so a daily download keeps its day.
response open_data_file(figures_snapshot const& snapshot, std::string_view name)
{
    if (name == "petitions.json")
        return json_response(http::status::ok, open_data_json(snapshot));
    std::string body;
    if (name == "petitions.csv")
        body = open_data_petitions_csv(snapshot);
    else if (name == "stints.csv")
        body = open_data_stints_csv(snapshot);
    else
        return json_error(http::status::not_found, "no such open data file: petitions.json, petitions.csv or stints.csv");
    auto res = plain_response(http::status::ok, std::move(body));
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition, "attachment; filename=\"" + std::string(name.substr(0, name.size() - 4)) +
                                                  "-" + model::format_local_date(snapshot.generated_at, snapshot.zone) +
                                                  ".csv\"");
    res.set(http::field::cache_control, "no-store");
    return res;
}

// GET /public/api/verify/<tracking>[?receipt=<digest>]: the petition's chain
// recomputed from its entries, where it breaks if it does, and which entry a
// receipt's digest seals. Kinds and times only, as on the tracking page.
response chain_report(std::string const& tracking, std::vector<model::timeline_event> const& events,
                      std::string_view target)
{
    std::string receipt;
    for (auto const& [k, v] : query_params(target))
        if (k == "receipt")
            receipt = v;
    std::transform(receipt.begin(), receipt.end(), receipt.begin(), [](char c) { return model::ascii_lower(c); });
    if (!receipt.empty() && (receipt.size() < 16 || receipt.size() > 64 ||
                             receipt.find_first_not_of("0123456789abcdef") != std::string::npos))
        return json_error(http::status::bad_request,
                          "receipt: 16 to 64 lower-case hex digits, as the receipt's check code shows");
    auto const check = model::verify_chain(tracking, events, receipt);
    auto const entry = [&](std::size_t i) {
        return json{{"index", i},
                    {"at", model::format_iso8601(events[i].at)},
                    {"kind", model::to_string(events[i].kind)},
                    {"status", model::to_string(events[i].to)}};
    };
    json out{{"tracking", tracking},
             {"entries", check.entries},
             {"sealed", check.sealed},
             {"intact", !check.broken_at.has_value()},
             {"head", check.head}};
    if (check.broken_at) {
        out["broken_at"] = entry(*check.broken_at);
        out["broken_at"]["reason"] = check.reason;
    }
    if (!receipt.empty()) {
        out["receipt"] = {{"digest", receipt}, {"found", check.receipt_at.has_value()}};
        if (check.receipt_at)
            out["receipt"]["entry"] = entry(*check.receipt_at);
    }
    return json_response(http::status::ok, out);
}

std::string cookie(request const& req, std::string_view name)
{
    std::string_view all = req[http::field::cookie];
    while (!all.empty()) {
        auto const semi = all.find(';');
        auto pair = all.substr(0, semi);
        while (!pair.empty() && pair.front() == ' ')
            pair.remove_prefix(1);
        if (pair.starts_with(name) && pair.size() > name.size() && pair[name.size()] == '=')
            return std::string(pair.substr(name.size() + 1));
        if (semi == std::string_view::npos)
            break;
        all.remove_prefix(semi + 1);
    }
    return {};
}

// Browsers send Origin on every POST and Sec-Fetch-Site on every request; a
// page elsewhere can make a browser POST here, but not with our Origin.
std::optional<std::string> cross_site(request const& req)
{
    auto const site = req["Sec-Fetch-Site"];
    if (!site.empty() && site != "same-origin")
        return "Sec-Fetch-Site: expected same-origin";
    auto const origin = req[http::field::origin];
    if (origin.empty())
        return "Origin: missing";
    if (!adapters::same_origin(origin, req[http::field::host]))
        return "Origin: not this site";
    return std::nullopt;
}

bool behind_https(request const& req) { return adapters::forwarded_https(req["X-Forwarded-Proto"]); }

response secured(response res)
{
    add_page_security_headers(res);
    res.set(http::field::cache_control, "no-store");  // personal data: never cached
    return res;
}

// The zone is the config's (deadlines.time_zone): the pages show times in it.
json me(config::console_account const& a, console_session const& s, dialog::texts const& tx, model::zone const& zone)
{
    json labels = json::array();
    for (auto const& d : a.departments)
        labels.push_back(tx.department_label(d));
    return {{"name", a.name},
            {"supervisor", a.supervisor},
            {"departments", a.departments},
            {"department_labels", std::move(labels)},
            {"csrf_token", s.csrf_token},
            {"expires_at", model::format_iso8601(s.expires_at)},
            {"time_zone", zone.name()}};
}

}  // namespace

console::console(config::settings const& s, petition_desk& desk, metrics& m)
    : settings_(s),
      desk_(desk),
      metrics_(m),
      sessions_(s.console.session_ttl),
      throttle_(login_limits),
      max_hash_checks_(hash_checks_at_once())
{
    // The same cost as the first account's hash, and a hash no password matches.
    std::uint32_t iterations = adapters::default_password_iterations;
    std::string why;
    if (!s.console.accounts.empty())
        if (auto h = model::parse_password_hash(s.console.accounts.front().password_hash, why))
            iterations = h->iterations;
    dummy_hash_ = model::format_password_hash({iterations, "no-such-account!", std::string(32, '\0')});
}

bool console::handles(std::string_view path) const
{
    if (path.starts_with(public_api_prefix))
        return true;
    if (path == "/public" || path == "/public/")
        return !settings_.web.public_page;  // switched off: a 404 here; on: the router serves the file
    if (settings_.console.accounts.empty())
        return false;
    return path == "/staff/login" || path == "/staff/logout" || path == staff_api_prefix ||
           path.starts_with(std::string(staff_api_prefix) + "/");
}

config::console_account const* console::account(std::string_view name) const
{
    for (auto const& a : settings_.console.accounts)
        if (a.name == name)
            return &a;
    return nullptr;
}

net::awaitable<response> console::handle(request const& req, std::string_view path, std::string const& source)
{
    if (path.starts_with("/public")) {
        if (!settings_.web.public_page)
            co_return plain_response(http::status::not_found, "not found\n");
        co_return secured(co_await public_api(req, path));
    }
    if (path == "/staff/login")
        co_return secured(co_await login(req, source));
    co_return secured(co_await staff(req, path, source));
}

net::awaitable<response> console::login(request const& req, std::string const& source)
{
    if (req.method() != http::verb::post)
        co_return json_error(http::status::method_not_allowed, "POST only");
    if (auto why = cross_site(req)) {  // a login from elsewhere would sign the browser in as someone else
        metrics_.add("pg_console_refused_total", {{"reason", "cross_site"}});
        co_return json_error(http::status::forbidden, *why);
    }
    std::string name, password;
    auto const type = req[http::field::content_type];
    if (type.starts_with("application/x-www-form-urlencoded")) {
        for (auto const& [k, v] : query_params("?" + req.body())) {
            if (k == "name")
                name = v;
            else if (k == "password")
                password = v;
        }
    } else {
        auto body = json::parse(req.body(), nullptr, false);
        if (body.is_object()) {
            if (body.contains("name") && body["name"].is_string())
                name = body["name"].get<std::string>();
            if (body.contains("password") && body["password"].is_string())
                password = body["password"].get<std::string>();
        }
    }
    if (name.empty() || name.size() > 64 || password.size() > 1024)
        co_return json_error(http::status::bad_request, "name and password: expected a name and a password");

    // Counted as a failure before the check, so parallel guesses cannot outrun the lock.
    auto const now = desk_.now();
    auto const allowed = throttle_.reserve(name, source, now);
    if (!allowed.allowed) {
        metrics_.add("pg_console_logins_total", {{"result", allowed.source_locked ? "source_locked" : "locked"}});
        auto res = json_error(http::status::too_many_requests, "too many failed logins; try later");
        res.set(http::field::retry_after, std::to_string(allowed.retry_after.count()));
        co_return res;
    }
    hash_check_slot slot(hash_checks_, max_hash_checks_);
    if (!slot.held()) {
        throttle_.cancel(name, source);  // not checked: not a failure
        metrics_.add("pg_console_logins_total", {{"result", "busy"}});
        auto res = json_error(http::status::service_unavailable, "busy checking other logins; try again");
        res.set(http::field::retry_after, "1");
        co_return res;
    }
    auto const* acc = account(name);
    std::string const stored = acc ? acc->password_hash : dummy_hash_;
    // PBKDF2 takes a good part of a second by design: off the I/O threads.
    bool const ok = co_await run_blocking(desk_.pool().get_executor(),
                                          [&] { return adapters::verify_password(password, stored); });
    if (!ok || !acc) {
        metrics_.add("pg_console_logins_total", {{"result", "failed"}});
        log::info("console_login_failed");
        co_return json_error(http::status::unauthorized, "wrong name or password");  // the same for unknown names
    }
    throttle_.succeeded(name, source);
    metrics_.add("pg_console_logins_total", {{"result", "ok"}});
    log::info("console_login");  // the account's name is a person's name: debug only
    log::debug("console_login", {{"account", acc->name}});
    co_await desk_.audit(audit_entry_of(req, "/staff/login", "console:" + acc->name, "console", source, now, 200));
    auto [token, session] = sessions_.open(acc->name, now);
    auto const tx = desk_.texts_for(language_param(req.target()));
    auto res = json_response(http::status::ok, me(*acc, session, tx, settings_.deadlines.zone));
    auto const ttl_s = std::chrono::duration_cast<std::chrono::seconds>(settings_.console.session_ttl).count();
    std::string c = std::string(cookie_name) + "=" + token + "; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=" +
                    std::to_string(ttl_s);
    if (settings_.console.secure_cookie || behind_https(req))
        c += "; Secure";
    res.set(http::field::set_cookie, c);
    co_return res;
}

net::awaitable<response> console::staff(request const& req, std::string_view path, std::string const& source)
{
    auto const token = cookie(req, cookie_name);
    auto const session = sessions_.find(token, desk_.now());
    auto const* acc = session ? account(session->account) : nullptr;
    if (!acc) {
        metrics_.add("pg_console_refused_total", {{"reason", "unauthenticated"}});
        co_return json_error(http::status::unauthorized, "not logged in");
    }
    // Every request of a signed-in official, read or action, allowed or not.
    auto res = co_await signed_in(req, path, *acc, *session, token);
    co_await desk_.audit(
        audit_entry_of(req, path, "console:" + acc->name, "console", source, desk_.now(), res.result_int()));
    co_return res;
}

net::awaitable<response> console::signed_in(request const& req, std::string_view path,
                                             config::console_account const& acc, console_session const& session,
                                             std::string const& token)
{
    if (req.method() == http::verb::post) {
        auto why = cross_site(req);
        if (!why && !adapters::same_secret(req["X-CSRF-Token"], session.csrf_token))
            why = "X-CSRF-Token: missing or wrong";
        if (why) {
            metrics_.add("pg_console_refused_total", {{"reason", "csrf"}});
            co_return json_error(http::status::forbidden, *why);
        }
    } else if (req.method() != http::verb::get) {
        co_return json_error(http::status::method_not_allowed, "GET or POST only");
    }

    if (path == "/staff/logout") {
        if (req.method() != http::verb::post)
            co_return json_error(http::status::method_not_allowed, "POST only");
        sessions_.close(token);
        auto res = json_response(http::status::ok, {{"logged_out", true}});
        res.set(http::field::set_cookie,
                std::string(cookie_name) + "=; Path=/staff; HttpOnly; SameSite=Strict; Max-Age=0");
        co_return res;
    }
    department_scope const scope{acc.departments};
    auto const rest = path.substr(staff_api_prefix.size());
    auto const language = language_param(req.target());
    if (rest == "/me")
        co_return json_response(http::status::ok, me(acc, session, desk_.texts_for(language), settings_.deadlines.zone));
    if (rest == "/oversight") {
        if (!acc.supervisor)
            co_return json_error(http::status::forbidden, "supervisors only");
        co_return co_await oversight(acc, language);
    }
    if (rest == "/audit") {
        if (!acc.supervisor)
            co_return json_error(http::status::forbidden, "supervisors only");
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.audit_log(req.target());
    }
    if (rest == "/petitions") {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.list(req.target(), scope);
    }
    constexpr std::string_view petitions = "/petitions/";
    if (!rest.starts_with(petitions))
        co_return json_error(http::status::not_found, "no such resource");
    auto const tail = rest.substr(petitions.size());
    auto const slash = tail.find('/');
    std::string const tracking(tail.substr(0, slash));
    if (slash == std::string_view::npos) {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.one(tracking, scope, language);
    }
    auto const verb = tail.substr(slash);
    if (verb != "/actions" && verb != "/erase")
        co_return json_error(http::status::not_found, "no such resource");
    if (req.method() != http::verb::post)
        co_return json_error(http::status::method_not_allowed, "POST only");
    dialog::actor const who{model::actor_kind::staff, "console:" + acc.name, acc.name, "console", acc.supervisor};
    if (verb == "/actions")
        co_return co_await desk_.act(tracking, req.body(), who, scope);
    // Erasure cannot be undone: the coordinating office decides it.
    if (!acc.supervisor)
        co_return json_error(http::status::forbidden, "supervisors only");
    co_return co_await desk_.erase(tracking, req.body(), who, scope);
}

net::awaitable<response> console::oversight(config::console_account const& who, std::string_view language)
{
    auto const figures = co_await desk_.figures();
    auto const late = co_await desk_.overdue(department_scope{who.departments});
    auto const now = desk_.now();
    auto const tx = desk_.texts_for(language);
    json items = json::array();
    for (auto const& p : late) {
        auto const due = dialog::missed_deadline(p, now).value_or(now);
        bool const awaiting = model::awaits_sign_for(p.current);
        items.push_back({{"tracking", p.tracking},
                         {"department", p.department},
                         {"department_label", tx.department_label(p.department)},
                         {"category", p.category},
                         {"category_label", tx.category_label(p.category)},
                         {"status", model::to_string(p.current)},
                         {"assignee", p.assignee},
                         {"missed", awaiting && now > p.response_due_at ? "response" : "answer"},
                         {"due_at", model::format_iso8601(due)},
                         {"late_ms", (now - due).count()}});
    }
    co_return json_response(http::status::ok, {{"figures", to_json(*figures, tx)}, {"overdue", std::move(items)}});
}

net::awaitable<response> console::public_api(request const& req, std::string_view path)
{
    if (req.method() != http::verb::get)
        co_return json_error(http::status::method_not_allowed, "GET only");
    auto const rest = path.substr(public_api_prefix.size());
    auto const tx = desk_.texts_for(language_param(req.target()));
    if (rest == "figures") {
        // Only counts and durations per department, category, channel and month.
        auto const figures = co_await desk_.figures();
        co_return json_response(http::status::ok, to_json(*figures, tx));
    }
    constexpr std::string_view open_data = "open-data/";
    if (rest.starts_with(open_data)) {
        auto const snapshot = co_await desk_.figures();
        co_return open_data_file(*snapshot, rest.substr(open_data.size()));
    }
    constexpr std::string_view track = "track/";
    constexpr std::string_view verify = "verify/";
    bool const verifying = rest.starts_with(verify);
    if (!rest.starts_with(track) && !verifying)
        co_return json_error(http::status::not_found, "no such resource");
    auto const number = dialog::normalize_tracking(rest.substr(verifying ? verify.size() : track.size()));
    if (!number)
        co_return json_error(http::status::not_found, "no such tracking number");
    auto found = co_await run_blocking(desk_.pool().get_executor(), [&] {
        return std::pair{desk_.store().petition(*number), desk_.store().timeline(*number)};
    });
    if (!found.first)
        co_return json_error(http::status::not_found, "no such tracking number");
    if (verifying)
        co_return chain_report(*number, found.second, req.target());
    // Kinds, times and seals only: no notes, no names, no description, no location.
    json timeline = json::array();
    for (auto const& e : found.second)
        timeline.push_back({{"at", model::format_iso8601(e.at)},
                            {"kind", model::to_string(e.kind)},
                            {"status", model::to_string(e.to)},
                            {"digest", e.digest}});
    auto const& p = *found.first;
    co_return json_response(http::status::ok, {{"tracking", p.tracking},
                                               {"status", model::to_string(p.current)},
                                               {"category", p.category},
                                               {"category_label", tx.category_label(p.category)},
                                               {"department", p.department},
                                               {"department_label", tx.department_label(p.department)},
                                               {"submitted_at", model::format_iso8601(p.submitted_at)},
                                               {"time_zone", settings_.deadlines.zone.name()},
                                               {"timeline", std::move(timeline)}});
}

}  // namespace pg::gateway
