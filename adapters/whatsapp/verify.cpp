// Meta's webhook check: GET /webhook/<channel>?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<ours>.
#include "adapters/whatsapp/account.hpp"

#include "adapters/common/query.hpp"
#include "adapters/common/secret.hpp"

#include <algorithm>

namespace pg::adapters::whatsapp {
namespace {

// Meta's challenge is an integer of about ten digits; a bound keeps us from echoing more.
constexpr std::size_t max_challenge_digits = 64;

// Meta's docs answer a failed check with 403; every failure here is bad_signature,
// which the gateway answers 401 (model/result.hpp). Meta treats any answer but 200
// with the challenge as a failed check, so the code changes nothing for it, and
// one errc keeps "the caller does not know our secret" one status everywhere.
model::failure refused(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

}  // namespace

model::result<http_answer> answer_url_check(model::raw_request const& req, account const& a)
{
    // Dots in the names, as sent: hub.mode, not hub[mode].
    auto const mode = query_param(req.target, "hub.mode");
    auto const token = query_param(req.target, "hub.verify_token");
    auto challenge = query_param(req.target, "hub.challenge");
    if (!mode || *mode != "subscribe")
        return refused("hub.mode: expected subscribe");
    if (a.verify_token.empty())  // fail closed: no configured token matches nothing
        return refused("no verify_token configured");
    if (!token || token->empty())
        return refused("hub.verify_token missing from the query");
    if (!same_secret(*token, a.verify_token))
        return refused("hub.verify_token does not match");
    bool const digits = challenge && !challenge->empty() && challenge->size() <= max_challenge_digits &&
                        std::all_of(challenge->begin(), challenge->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits)
        return refused("hub.challenge: expected up to " + std::to_string(max_challenge_digits) + " digits");
    return http_answer{.status = 200, .content_type = "text/plain", .body = std::move(*challenge)};
}

}  // namespace pg::adapters::whatsapp
