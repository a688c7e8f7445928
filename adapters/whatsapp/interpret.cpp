// What the Cloud API's answer means for the outbox entry that caused it.
#include "adapters/whatsapp/account.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/retry_after.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace pg::adapters::whatsapp {
namespace {

using model::delivery;
using model::delivery_verdict;
using nlohmann::json;

// The parts of an answer that decide anything: {"messages":[{"id":"wamid..."}]} on
// success, {"error":{"code":N,"message":"...",...}} otherwise. Meta's message text
// is left out of reasons: it may quote the recipient.
struct answer {
    bool is_json = false;
    std::string sent_id;
    std::optional<std::int64_t> code;
};

answer read_answer(std::string_view body)
{
    answer a;
    json j;
    if (parse_json_body(body, j) || !j.is_object())
        return a;
    a.is_json = true;
    json_read rd;
    if (auto const messages = rd.array(j, "", "messages"); messages != nullptr && !messages->empty())
        a.sent_id = rd.get<std::string>((*messages)[0], "messages[0]", "id").value_or("");
    if (auto const error = rd.object(j, "", "error"))
        a.code = rd.get<std::int64_t>(*error, "error", "code");
    return a;
}

// What a code means, in our words.
std::string describe(std::int64_t code)
{
    std::string out = "error " + std::to_string(code);
    switch (code) {
    case 2: return out + " (service temporarily unavailable)";
    case 4: return out + " (the app's request limit)";
    case 100: return out + " (invalid parameter)";
    case 190: return out + " (access token expired or invalid: put a new system-user token in access_token)";
    case 368: return out + " (temporarily blocked for policy violations)";
    case 80007: return out + " (the business account's rate limit)";
    case 130429: return out + " (throughput limit for this number)";
    case 130472: return out + " (the user is in a Meta experiment)";
    case 131000: return out + " (something went wrong at Meta)";
    case 131009: return out + " (a parameter value is not valid)";
    case 131026: return out + " (message undeliverable)";
    case 131047: return out + " (window closed: more than 24 hours since the user last wrote)";
    case 131051: return out + " (unsupported message type)";
    case 131056: return out + " (too many messages to this user: pair rate limit)";
    case 132000: return out + " (template parameter count does not match)";
    case 132001: return out + " (template does not exist in this language)";
    case 133004: return out + " (server temporarily unavailable)";
    default: return out;
    }
}

// Codes that pass: rate limits (the number's throughput, the pair limit, the
// account's and the app's), and what Meta calls temporary.
bool transient(std::int64_t code)
{
    switch (code) {
    case 2:
    case 4:
    case 80007:
    case 130429:
    case 131000:
    case 131056:
    case 133004:
        return true;
    default:
        return false;
    }
}

delivery_verdict retry(model::api_response const& r, model::timestamp now, std::string reason)
{
    delivery_verdict v{delivery::retry, std::nullopt, std::move(reason), {}, {}};
    if (auto const s = retry_after_seconds(r.retry_after_header))
        v.not_before = now + std::chrono::seconds{*s};
    return v;
}

delivery_verdict permanent(std::string reason) { return {delivery::permanent, std::nullopt, std::move(reason), {}, {}}; }

}  // namespace

model::delivery_verdict interpret_answer(model::api_response const& r, model::timestamp now)
{
    if (r.status == 0)  // no answer: connect, TLS or read failed or timed out
        return retry(r, now, "network");
    auto const http = "HTTP " + std::to_string(r.status);
    auto const a = read_answer(r.body);
    if (r.status >= 200 && r.status < 300) {
        if (a.sent_id.empty())  // "accepted" always names the message; something else answered
            return retry(r, now, http + ": answer without messages[0].id");
        return {delivery::ok, std::nullopt, {}, {}, a.sent_id};
    }
    if (a.code) {
        if (transient(*a.code) || r.status == 429 || r.status >= 500)
            return retry(r, now, describe(*a.code));
        return permanent(describe(*a.code));  // 131047, 190, 131026, 132001, ...
    }
    if (r.status == 429 || (r.status >= 500 && r.status < 600))
        return retry(r, now, http);
    if (r.status >= 400 && r.status < 500)
        return permanent(http);
    return retry(r, now, http + " (unexpected status)");  // a proxy or a wrong api_base is in the way
}

}  // namespace pg::adapters::whatsapp
