#include "adapters/platform.hpp"

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

std::string platform::history_frame(model::inbound_event const&) const { return {}; }

}  // namespace pg::adapters
