// Slack: what the Web API's answer means for the outbox entry that caused it.
#include "adapters/slack/slack.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters::slack {
namespace {

using json = nlohmann::json;
using model::delivery;
using model::delivery_verdict;

constexpr std::size_t max_error_units = 100;
constexpr std::int64_t default_retry_seconds = 1;
// A week caps a garbage Retry-After without cutting a real one short.
constexpr std::int64_t max_retry_seconds = 7 * 24 * 3600;

// Errors that say "not now" rather than "never": Slack's own trouble and rate limits.
constexpr std::string_view rate_limit_errors[] = {"ratelimited", "rate_limited"};
constexpr std::string_view transient_errors[] = {"internal_error", "fatal_error", "service_unavailable",
                                                 "request_timeout"};

// The parts of {"ok":..., "error":..., "ts":...} that decide anything.
struct reply {
    bool is_json = false;
    bool ok = false;
    std::string error;
    std::string ts;
};

reply read_reply(std::string_view body)
{
    reply r;
    json j;
    if (parse_json_body(body, j) || !j.is_object())
        return r;
    r.is_json = true;
    json_read rd;  // wrong types read as absent; the status code still decides
    r.ok = rd.get<bool>(j, "", "ok").value_or(false);
    r.error = rd.get<std::string>(j, "", "error").value_or("");
    r.ts = rd.get<std::string>(j, "", "ts").value_or("");
    return r;
}

// Slack tokens (xoxb-, xoxp-, xoxa-, xoxe-, ...) never belong in a log line, even if a
// proxy or a fake server echoes one back.
std::string scrub_tokens(std::string text)
{
    auto const token_char = [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; };
    for (auto at = text.find("xox"); at != std::string::npos; at = text.find("xox", at + 1)) {
        if (at + 4 >= text.size() || !std::isalpha(static_cast<unsigned char>(text[at + 3])) || text[at + 4] != '-')
            continue;
        auto end = at + 5;
        while (end < text.size() && token_char(static_cast<unsigned char>(text[end])))
            ++end;
        text.replace(at, end - at, "<token>");
    }
    return text;
}

// "slack: channel_not_found". The error is Slack's code for the call, never message
// text; it is still cut and scrubbed.
std::string slack_error(reply const& r)
{
    auto const code = r.error.empty() ? std::string_view{"ok is false, no error given"}
                                      : utf8_prefix_utf16(r.error, max_error_units);
    return scrub_tokens("slack: " + std::string(code));
}

std::string http(int status, reply const& r)
{
    std::string out = "HTTP " + std::to_string(status);
    if (!r.error.empty())
        out += ": " + slack_error(r);
    return out;
}

// Retry-After in delta-seconds; Slack does not send the HTTP-date form.
std::optional<std::int64_t> header_seconds(std::string_view v)
{
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    std::int64_t seconds = 0;
    auto const [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (v.empty() || ec != std::errc{} || end != v.data() + v.size())
        return std::nullopt;
    return seconds;
}

delivery_verdict retry(std::string reason) { return {delivery::retry, std::nullopt, std::move(reason), {}}; }
delivery_verdict permanent(std::string reason) { return {delivery::permanent, std::nullopt, std::move(reason), {}}; }

// Retrying sooner than Retry-After is refused again, so it is a floor for the next
// attempt, not a hint.
delivery_verdict rate_limited(std::string reason, std::string_view header, model::timestamp now)
{
    auto const wait =
        std::clamp(header_seconds(header).value_or(default_retry_seconds), std::int64_t{0}, max_retry_seconds);
    return {delivery::retry, now + std::chrono::seconds{wait}, reason + ": retry after " + std::to_string(wait) + " s",
            {}};
}

template <std::size_t N>
bool one_of(std::string_view code, std::string_view const (&set)[N])
{
    return std::find(std::begin(set), std::end(set), code) != std::end(set);
}

}  // namespace

model::delivery_verdict interpret(model::api_response const& r, model::timestamp now)
{
    if (r.status == 0)  // the gateway's mark for no answer: connect, TLS or read failed or timed out
        return retry("network");

    auto const answer = read_reply(r.body);
    if (r.status >= 200 && r.status < 300) {
        if (!answer.is_json)
            return retry("HTTP " + std::to_string(r.status) + ": body not JSON");
        if (answer.ok)
            return {delivery::ok, std::nullopt, {}, answer.ts};  // ts: the posted message, a new thread's key
        // Slack reports failures as HTTP 200 with ok:false and an error code.
        if (one_of(answer.error, rate_limit_errors))
            return rate_limited(slack_error(answer), r.retry_after_header, now);
        if (one_of(answer.error, transient_errors))
            return retry(slack_error(answer));
        return permanent(slack_error(answer));
    }
    if (r.status == 429)
        return rate_limited("HTTP 429", r.retry_after_header, now);
    if (r.status >= 500 && r.status < 600)
        return retry(http(r.status, answer));
    if (r.status >= 400 && r.status < 500)
        return permanent(http(r.status, answer));
    // 1xx/3xx: Slack sends neither, so a proxy or a wrong api_base is in the way.
    // Retrying keeps the message until the retry budget says otherwise.
    return retry(http(r.status, answer) + " (unexpected status)");
}

}  // namespace pg::adapters::slack
