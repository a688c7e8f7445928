#include "adapters/platform.hpp"

#include "adapters/common/utf8.hpp"

#include <algorithm>

namespace pg::adapters {

model::result<http_answer> platform::verify_url(model::raw_request const&, model::timestamp) const
{
    return model::failure{model::errc::not_found, "this platform has no URL check: POST only"};
}

model::result<credential> platform::read_credential(model::api_response const&, model::timestamp) const
{
    return model::failure{model::errc::malformed_body, "this platform fetches no credential"};
}

std::vector<model::api_call> platform::setup_calls(std::string_view) const { return {}; }

std::vector<std::string> platform::fit_text(std::string_view text) const
{
    auto const max = std::max<std::size_t>(2, can().max_text);  // room for any code point
    return split_to_fit(text, [max](std::string_view rest) { return utf8_prefix_utf16(rest, max); });
}

std::string platform::history_frame(model::inbound_event const&) const { return {}; }

}  // namespace pg::adapters
