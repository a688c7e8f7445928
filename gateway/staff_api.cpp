#include "gateway/staff_api.hpp"

#include "adapters/common/secret.hpp"
#include "adapters/common/utf8.hpp"
#include "config/settings.hpp"
#include "dialog/input.hpp"
#include "dialog/petition_flow.hpp"
#include "gateway/metrics.hpp"
#include "gateway/petition_desk.hpp"

#include <nlohmann/json.hpp>

namespace pg::gateway {
namespace {

constexpr std::size_t max_on_behalf = 64;  // code points

// A name for the timeline: valid UTF-8 without control characters or
// direction overrides, so it shows as what it is.
bool visible_text(std::string_view s)
{
    if (!adapters::valid_utf8(s))
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const c = static_cast<unsigned char>(s[i]);
        auto const next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        auto const third = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c == 0xc2 && next >= 0x80 && next <= 0x9f)  // C1 controls
            return false;
        if (c == 0xe2 && ((next == 0x80 && third >= 0xaa && third <= 0xae) ||   // U+202A..U+202E
                          (next == 0x81 && third >= 0xa6 && third <= 0xa9)))    // U+2066..U+2069
            return false;
    }
    return true;
}

}  // namespace

staff_api::staff_api(config::settings const& s, petition_desk& desk, metrics& m)
    : settings_(s), desk_(desk), metrics_(m)
{
}

bool staff_api::enabled() const { return !settings_.staff_api_tokens.empty(); }

net::awaitable<response> staff_api::handle(request const& req, std::string_view path, std::string const& source)
{
    auto const auth = req[http::field::authorization];
    config::api_token const* caller = nullptr;
    if (auth.starts_with("Bearer "))
        for (auto const& t : settings_.staff_api_tokens)
            if (adapters::same_secret(auth.substr(7), t.token) && !caller)  // no early exit: constant time
                caller = &t;
    if (!caller) {
        metrics_.add("pg_staff_api_requests_total", {{"result", "unauthorized"}});
        auto res = json_error(http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    metrics_.add("pg_staff_api_requests_total", {{"result", "authorized"}});
    // Every request of a known token, read or action, allowed or not.
    auto res = co_await authorized(req, path, *caller);
    co_await desk_.audit(audit_entry_of(req, path, "api:" + caller->name, "staff_api", source, desk_.now(),
                                        res.result_int()));
    co_return res;
}

net::awaitable<response> staff_api::authorized(request const& req, std::string_view path,
                                               config::api_token const& caller)
{
    department_scope const scope{caller.departments};
    constexpr std::string_view prefix = "/staff/api/petitions";
    if (path == prefix) {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.list(req.target(), scope);
    }
    if (!path.starts_with(prefix) || path.size() <= prefix.size() + 1 || path[prefix.size()] != '/')
        co_return json_error(http::status::not_found, "no such resource");
    auto rest = path.substr(prefix.size() + 1);
    auto const slash = rest.find('/');
    std::string const tracking(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.one(tracking, scope, language_param(req.target()));
    }
    if (rest.substr(slash) == "/actions") {
        if (req.method() != http::verb::post)
            co_return json_error(http::status::method_not_allowed, "POST only");
        // The token is the actor; the system may say which of its officials acted.
        std::string name = caller.name;
        auto const body = nlohmann::json::parse(req.body(), nullptr, false);
        if (body.is_object() && body.contains("actor")) {
            auto const& a = body["actor"];
            auto const official = a.is_string() ? std::string(dialog::trim(a.get_ref<std::string const&>())) : "";
            if (official.empty() || !visible_text(official) || dialog::code_points(official) > max_on_behalf)
                co_return json_error(http::status::bad_request,
                                     "actor: expected the official's name, 1 to " + std::to_string(max_on_behalf) +
                                         " visible characters");
            name += " (for " + official + ")";
        }
        dialog::actor const who{model::actor_kind::staff, "api:" + caller.name, name, "staff_api"};
        co_return co_await desk_.act(tracking, req.body(), who, scope);
    }
    if (rest.substr(slash) == "/erase") {
        if (req.method() != http::verb::post)
            co_return json_error(http::status::method_not_allowed, "POST only");
        dialog::actor const who{model::actor_kind::staff, "api:" + caller.name, caller.name, "staff_api"};
        co_return co_await desk_.erase(tracking, req.body(), who, scope);
    }
    co_return json_error(http::status::not_found, "no such resource");
}

}  // namespace pg::gateway
