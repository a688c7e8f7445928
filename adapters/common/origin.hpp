#pragma once
// Where a browser's request came from and where it was sent: the checks the
// web chat and the staff console share. Pure: header values in, answers out.
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters {

// An Origin header ("https://host:port") names the same site as the Host
// header: "http://" or "https://" followed by exactly the Host (ASCII case
// ignored). "null", another host, another port: false.
bool same_origin(std::string_view origin, std::string_view host);

// The Host header's name without its port, lower-case: "Example.org:8080" ->
// "example.org", "[::1]:80" -> "[::1]". Empty when the header is empty or garbled.
std::string host_name(std::string_view host);

// Whether a Host header names one of `allowed` (names as host_name gives them,
// compared without the port). "*" in the list allows any host. A page served
// under a name we do not know is what DNS rebinding looks like: another site's
// name pointing at us, which the Origin check alone takes for same-origin.
bool host_allowed(std::string_view host, std::vector<std::string> const& allowed);

// A request a TLS proxy received over HTTPS: its X-Forwarded-Proto is "https"
// (the first of a comma-separated list, i.e. what the outermost proxy saw).
bool forwarded_https(std::string_view x_forwarded_proto);

}  // namespace pg::adapters
