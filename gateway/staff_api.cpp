#include "gateway/staff_api.hpp"

#include "adapters/common/secret.hpp"
#include "config/settings.hpp"
#include "dialog/petition_flow.hpp"
#include "gateway/metrics.hpp"
#include "gateway/petition_desk.hpp"

#include <nlohmann/json.hpp>

namespace pg::gateway {

staff_api::staff_api(config::settings const& s, petition_desk& desk, metrics& m)
    : settings_(s), desk_(desk), metrics_(m)
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
        auto res = json_error(http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    metrics_.add("pg_staff_api_requests_total", {{"result", "authorized"}});

    department_scope const everything{};  // a token sees every department
    constexpr std::string_view prefix = "/staff/api/petitions";
    if (path == prefix) {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.list(req.target(), everything);
    }
    if (!path.starts_with(prefix) || path.size() <= prefix.size() + 1 || path[prefix.size()] != '/')
        co_return json_error(http::status::not_found, "no such resource");
    auto rest = path.substr(prefix.size() + 1);
    auto const slash = rest.find('/');
    std::string const tracking(rest.substr(0, slash));
    if (slash == std::string_view::npos) {
        if (req.method() != http::verb::get)
            co_return json_error(http::status::method_not_allowed, "GET only");
        co_return co_await desk_.one(tracking, everything, language_param(req.target()));
    }
    if (rest.substr(slash) == "/actions") {
        if (req.method() != http::verb::post)
            co_return json_error(http::status::method_not_allowed, "POST only");
        // The caller names the official; the id says it came through the API.
        auto body = nlohmann::json::parse(req.body(), nullptr, false);
        std::string name;
        if (body.is_object() && body.contains("actor") && body["actor"].is_string())
            name = body["actor"].get<std::string>();
        dialog::actor const who{model::actor_kind::staff, "api:" + name, name, "staff_api"};
        co_return co_await desk_.act(tracking, req.body(), who, everything);
    }
    co_return json_error(http::status::not_found, "no such resource");
}

}  // namespace pg::gateway
