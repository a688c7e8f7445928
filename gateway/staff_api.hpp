#pragma once
// The staff HTTP API for case-management systems, under /staff/api/:
//   GET  /staff/api/petitions?status=&department=&overdue=true&from=&to=&limit=
//   GET  /staff/api/petitions/{tracking}            (with its timeline)
//   POST /staff/api/petitions/{tracking}/actions    {"action":"transfer","department":"x","text":"...","actor":"Li"}
// Bearer tokens from config, each limited to its departments (none listed: all),
// as a console account is: other petitions are 403. The timeline's actor is the
// token's name; "actor", if sent, names the official it acts for (at most 64
// visible characters) and is recorded beside it: "cms (for Li)". The same
// lifecycle rules as the chat commands; errors are JSON with a reason.
#include "gateway/http_server.hpp"

namespace pg::config { struct settings; }

namespace pg::gateway {

class metrics;
class petition_desk;

class staff_api {
public:
    staff_api(config::settings const& s, petition_desk& desk, metrics& m);

    bool enabled() const;
    // `source`: the client's address, for the audit.
    net::awaitable<response> handle(request const& req, std::string_view path, std::string const& source);

private:
    net::awaitable<response> authorized(request const& req, std::string_view path, config::api_token const& caller);

    config::settings const& settings_;
    petition_desk& desk_;
    metrics& metrics_;
};

}  // namespace pg::gateway
