#pragma once
// application/x-www-form-urlencoded, as Twilio posts its webhooks: decoded
// exactly once ('+' is a space, %2B a '+'), every field kept in order, repeated
// names included (they are all signed).
#include "model/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::adapters::sms {

using form_fields = std::vector<std::pair<std::string, std::string>>;

// More fields than any Twilio webhook carries (an MMS with 10 media has ~45).
inline constexpr std::size_t max_form_fields = 1000;

// `body` -> its fields, names and values decoded. Empty pieces ("a=1&&b=2") are
// skipped; a piece without '=' is a name with an empty value. A '%' not followed
// by two hex digits is a malformed_body failure naming the field ("form field
// Body: ..."), or its position when the name itself is broken. The values are
// bytes: checking UTF-8 is the caller's (after the signature).
model::result<form_fields> decode_form(std::string_view body);

// The first value of `name`, or nullptr.
std::string const* form_value(form_fields const& fields, std::string_view name);

// A field's name as a failure's detail may show it: printable ASCII, at most 64
// characters, anything else '?'. Names are Twilio's parameter names, not personal data.
std::string shown_name(std::string_view name);

// Percent-encodes all but unreserved characters (RFC 3986), for a form body we send.
std::string form_encode(std::string_view s);

}  // namespace pg::adapters::sms
