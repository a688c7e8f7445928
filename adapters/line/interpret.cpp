// LINE: what the Messaging API's answer means for the outbox entry that caused it.
#include "adapters/line/line.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/retry_after.hpp"
#include "adapters/common/utf8.hpp"
#include "model/ascii.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace pg::adapters::line {
namespace {

using model::delivery;
using model::delivery_verdict;

constexpr std::size_t max_message_units = 200;
constexpr std::int64_t default_retry_seconds = 1;
// 429 also means the plan's monthly push quota is spent: asking again every second
// changes nothing, so such a message waits at least this long between tries.
constexpr std::int64_t quota_retry_seconds = 3600;

// {"message": "...", "details": [{"message": "...", "property": "..."}], "sentMessages": [{"id": "..."}]}:
// wrong types read as absent; the status still decides.
struct answer {
    std::string message;
    std::string detail_message;
    std::string detail_property;
    std::string sent_id;
};

std::string string_at(nlohmann::json const& obj, std::string_view key)
{
    auto const v = json_read::find(obj, key);
    return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

nlohmann::json const* first_of(nlohmann::json const& obj, std::string_view key)
{
    auto const v = json_read::find(obj, key);
    return v != nullptr && v->is_array() && !v->empty() && v->front().is_object() ? &v->front() : nullptr;
}

answer read_answer(std::string_view body)
{
    answer a;
    nlohmann::json j;
    if (parse_json_body(body, j) || !j.is_object())
        return a;
    a.message = string_at(j, "message");
    if (auto const d = first_of(j, "details")) {
        a.detail_message = string_at(*d, "message");
        a.detail_property = string_at(*d, "property");
    }
    if (auto const sent = first_of(j, "sentMessages"))
        a.sent_id = string_at(*sent, "id");
    return a;
}

bool contains_ascii_nocase(std::string_view hay, std::string_view needle)
{
    for (std::size_t i = 0; i + needle.size() <= hay.size(); ++i)
        if (model::iequals_ascii(hay.substr(i, needle.size()), needle))
            return true;
    return false;
}

// LINE's words are about the request, never the message text; they are still cut,
// and a secret is never repeated, whatever a proxy in the way echoes.
std::string scrubbed(std::string text, settings const& s)
{
    for (auto const* secret : {&s.access_token, &s.channel_secret}) {
        if (secret->empty())
            continue;
        for (auto at = text.find(*secret); at != std::string::npos; at = text.find(*secret, at))
            text.replace(at, secret->size(), "<secret>");
    }
    return text;
}

std::string describe(int status, answer const& a, settings const& s)
{
    std::string out = "HTTP " + std::to_string(status);
    if (!a.message.empty())
        out += ": " + std::string(utf8_prefix_utf16(a.message, max_message_units));
    if (!a.detail_property.empty() || !a.detail_message.empty()) {
        out += " (";
        out += utf8_prefix_utf16(a.detail_property, max_message_units);
        if (!a.detail_property.empty() && !a.detail_message.empty())
            out += ": ";
        out += utf8_prefix_utf16(a.detail_message, max_message_units);
        out += ")";
    }
    return scrubbed(std::move(out), s);
}

delivery_verdict verdict(delivery d, std::string reason, std::string sent_id = {})
{
    return {d, std::nullopt, std::move(reason), {}, std::move(sent_id)};
}

}  // namespace

model::delivery_verdict interpret(model::api_response const& r, model::timestamp now, settings const& s)
{
    if (r.status == 0)  // no answer: connect, TLS or read failed or timed out
        return verdict(delivery::retry, "network");
    auto const a = read_answer(r.body);
    if (r.status >= 200 && r.status < 300)
        return verdict(delivery::ok, {}, a.sent_id);
    // Only a push carries X-Line-Retry-Key, and a 409 says a request with it was accepted
    // before (its answer was lost): the message is out, sending it again is what the key prevents.
    if (r.status == 409)
        return verdict(delivery::ok, "HTTP 409: already accepted under this X-Line-Retry-Key, not sent twice",
                       a.sent_id);
    if (r.status == 429) {
        auto const quota = contains_ascii_nocase(a.message, "monthly limit");
        auto wait = retry_after_seconds(r.retry_after_header).value_or(default_retry_seconds);
        if (quota)
            wait = std::max(wait, quota_retry_seconds);
        return {delivery::retry, now + std::chrono::seconds{wait},
                describe(r.status, a, s) + ": retry after " + std::to_string(wait) + " s", {}, {}};
    }
    if (r.status >= 500 && r.status < 600)
        return verdict(delivery::retry, describe(r.status, a, s));
    // Expired or already used (another attempt used it, or it came too late): the
    // next attempt pushes, as render() does for any attempt after the first.
    if (r.status == 400 && contains_ascii_nocase(a.message, "invalid reply token"))
        return verdict(delivery::retry, describe(r.status, a, s) + ": the next attempt pushes");
    // 400 names the property it refused; 401 a wrong or revoked access token (configured,
    // not fetched: nothing to refresh); 403 a feature the plan lacks; 404 no such user.
    if (r.status >= 400 && r.status < 500)
        return verdict(delivery::permanent, describe(r.status, a, s));
    // 1xx/3xx: LINE sends neither, so a proxy or a wrong api_base is in the way.
    return verdict(delivery::retry, describe(r.status, a, s) + " (unexpected status)");
}

}  // namespace pg::adapters::line
