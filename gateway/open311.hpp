#pragma once
// Open311 GeoReport v2 under /open311/v2/ (config `open311`), each resource
// as .json or .xml:
//   GET  discovery            the service discovery document
//   GET  services             the citizen flow's categories, labels in ?locale= (or ?lang=)
//   GET  services/{code}      404 with an error list: no service has attributes (metadata false)
//   GET  requests             ?service_request_id=a,b | service_code=a,b & status=open|closed &
//                             start_date= & end_date= (W3C date-times); newest first, at most 1000
//   GET  requests/{id}        one request, in a list as the spec has it
//   POST requests             a form (api_key, service_code, lat/long or address_string,
//                             description, contact ...) -> files a petition on channel "open311"
// Reading is public and shows what the public page shows, no personal data;
// filing needs one of the config's API keys. Errors are the spec's error list
// in the requested format (JSON when the suffix is not one we serve).
#include "adapters/open311/open311.hpp"
#include "gateway/http_server.hpp"

#include <string>
#include <string_view>

namespace pg::config { struct settings; struct open311_key; }

namespace pg::gateway {

class lanes;
class metrics;
class petition_desk;
class unit_runner;

class open311_api {
public:
    open311_api(config::settings const& s, petition_desk& desk, lanes& lanes, unit_runner& runner, metrics& m);

    // Whether `path` (no query) is under /open311/ and the endpoint is on.
    bool handles(std::string_view path) const;
    net::awaitable<response> handle(request const& req, std::string_view path);

private:
    net::awaitable<response> list(request const& req, adapters::open311::format as);
    net::awaitable<response> one(std::string_view id, request const& req, adapters::open311::format as);
    net::awaitable<response> file(request const& req, adapters::open311::format as);

    config::settings const& settings_;
    petition_desk& desk_;
    lanes& lanes_;
    unit_runner& runner_;
    metrics& metrics_;
};

}  // namespace pg::gateway
