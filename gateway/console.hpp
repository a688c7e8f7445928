#pragma once
// The staff console's HTTP side and the public page's API.
//
// Staff (session cookie "pg_staff_session", Path=/staff):
//   POST /staff/login                     {"name","password"} (JSON or form) -> 200 me + cookie | 401 | 429 | 503
//   POST /staff/logout
//   GET  /staff/console/api/me            {"name","supervisor","departments","department_labels","csrf_token"}
//   GET  /staff/console/api/petitions?status=&department=&overdue=true
//   GET  /staff/console/api/petitions/{tracking}          with timeline and conversation
//   POST /staff/console/api/petitions/{tracking}/actions  {"action","text","department","assignee"}
//   GET  /staff/console/api/oversight     supervisors: figures and the overdue petitions
// Every POST needs the session's X-CSRF-Token (except login) and an Origin of
// this host (and Sec-Fetch-Site, when sent, of "same-origin"); else 403.
//
// Public (no login, no personal data; off with web.public_page = false):
//   GET  /public/api/figures              response-time figures, cached 30 s
//   GET  /public/api/track/{number}       status, category, department, timeline kinds and times
// Every GET takes ?lang=en|zh-CN|...: department and category ids then come with
// *_label fields (figures groups with "label") in that language; the flow's
// default language without it.
#include "gateway/console_sessions.hpp"
#include "gateway/http_server.hpp"

#include <atomic>
#include <string>
#include <string_view>

namespace pg::config { struct settings; struct console_account; }

namespace pg::gateway {

class metrics;
class petition_desk;

class console {
public:
    console(config::settings const& s, petition_desk& desk, metrics& m);

    // Whether `path` (no query) is one of the routes above.
    bool handles(std::string_view path) const;
    // `source`: the client's address (source_key), what failed logins are counted by.
    net::awaitable<response> handle(request const& req, std::string_view path, std::string const& source);

private:
    net::awaitable<response> login(request const& req, std::string const& source);
    net::awaitable<response> staff(request const& req, std::string_view path, std::string const& source);
    net::awaitable<response> signed_in(request const& req, std::string_view path, config::console_account const& acc,
                                       console_session const& session, std::string const& token);
    net::awaitable<response> oversight(config::console_account const& who, std::string_view language);
    net::awaitable<response> public_api(request const& req, std::string_view path);

    config::console_account const* account(std::string_view name) const;

    config::settings const& settings_;
    petition_desk& desk_;
    metrics& metrics_;
    session_table sessions_;
    login_throttle throttle_;
    // Password checks running now; over max_hash_checks_ a login is answered 503 at
    // once, so a burst of logins cannot take every core and the blocking pool.
    std::atomic<unsigned> hash_checks_{0};
    unsigned max_hash_checks_;
    std::string dummy_hash_;  // verified for unknown names, so they cost as much as known ones
};

}  // namespace pg::gateway
