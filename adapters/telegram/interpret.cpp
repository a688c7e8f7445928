// Telegram: what the Bot API's answer means for the outbox entry that caused it.
#include "adapters/telegram/telegram.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/json_simd.hpp"
#include "adapters/common/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters::telegram {
namespace {

using model::delivery;
using model::delivery_verdict;

constexpr std::size_t max_description_units = 200;
constexpr std::int64_t default_retry_seconds = 1;
// Flood waits can last hours; a week caps garbage without cutting a real one short.
constexpr std::int64_t max_retry_seconds = 7 * 24 * 3600;

// The parts of {"ok":..., "description":..., "parameters":{...}} that decide anything.
struct reply {
    bool is_json = false;
    bool ok = false;
    std::string description;
    std::optional<std::int64_t> retry_after;
    std::optional<std::int64_t> migrate_to_chat_id;
    std::string created_thread;  // a ForumTopic result's message_thread_id
};

// Each answer is read for a few fields; the answer to a sendMessage also echoes
// the whole Message (chat, sender, text, keyboard). simdjson validates all of it
// (syntax and UTF-8) but builds only a compact tape, about ten times cheaper than
// a tree of nlohmann values, and refuses nesting deeper than max_json_depth.
// One parser per thread keeps its buffers.
reply read_reply(std::string_view body)
{
    reply r;
    thread_local simdjson::dom::parser parser = simd_parser(max_json_depth);
    simdjson::dom::object top;
    if (body.empty() || parser.parse(body.data(), body.size()).get(top) != simdjson::SUCCESS)
        return r;
    r.is_json = true;
    // Wrong types read as absent; the status code still decides.
    auto const integer = [](simdjson::simdjson_result<simdjson::dom::element> e) -> std::optional<std::int64_t> {
        std::int64_t v = 0;
        if (e.get(v) != simdjson::SUCCESS)
            return std::nullopt;
        return v;
    };
    bool ok = false;
    r.ok = top["ok"].get(ok) == simdjson::SUCCESS && ok;
    std::string_view description;
    if (top["description"].get(description) == simdjson::SUCCESS)
        r.description = description;
    simdjson::dom::object parameters;
    if (top["parameters"].get(parameters) == simdjson::SUCCESS) {
        r.retry_after = integer(parameters["retry_after"]);
        r.migrate_to_chat_id = integer(parameters["migrate_to_chat_id"]);
    }
    // createForumTopic answers with a ForumTopic {message_thread_id, name, ...}. A Message
    // posted into a topic (sendMessage) names its topic too, but created nothing: it is
    // told apart by its message_id.
    simdjson::dom::object result;
    if (top["result"].get(result) == simdjson::SUCCESS && result["message_id"].error() == simdjson::NO_SUCH_FIELD)
        if (auto const thread = integer(result["message_thread_id"]))
            r.created_thread = std::to_string(*thread);
    return r;
}

// A bot token ("123456789:AAH...", digits, a colon, 30+ URL-safe characters) never
// belongs in a log line, even if a proxy or an error text echoes a URL.
std::string scrub_bot_tokens(std::string text)
{
    auto const token_char = [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-'; };
    for (std::size_t colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
        std::size_t begin = colon;
        while (begin > 0 && std::isdigit(static_cast<unsigned char>(text[begin - 1])))
            --begin;
        std::size_t end = colon + 1;
        while (end < text.size() && token_char(static_cast<unsigned char>(text[end])))
            ++end;
        if (colon - begin >= 5 && end - colon - 1 >= 30) {
            text.replace(begin, end - begin, "<token>");
            colon = begin;
        }
    }
    return text;
}

// "HTTP 403: Forbidden: bot was blocked by the user". The description is Telegram's
// text about the call, never the message text; it is still cut and scrubbed.
std::string describe(int status, reply const& r)
{
    std::string out = "HTTP " + std::to_string(status);
    if (!r.description.empty())
        out += ": " + std::string(utf8_prefix_utf16(r.description, max_description_units));
    return scrub_bot_tokens(std::move(out));
}

// Retry-After in delta-seconds; the HTTP-date form is not used by Telegram.
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

delivery_verdict retry(std::string reason) { return {delivery::retry, std::nullopt, std::move(reason)}; }
delivery_verdict permanent(std::string reason) { return {delivery::permanent, std::nullopt, std::move(reason)}; }

}  // namespace

// A 429 carries parameters.retry_after in seconds. Retrying sooner is refused again,
// so it is a floor for the next attempt, not a hint.
model::delivery_verdict interpret(model::api_response const& r, model::timestamp now)
{
    if (r.status == 0)  // the gateway's mark for no answer: connect, TLS or read failed or timed out
        return retry("network");

    auto const answer = read_reply(r.body);
    if (r.status >= 200 && r.status < 300) {
        if (answer.ok)
            return {delivery::ok, std::nullopt, {}, answer.created_thread};
        return retry(answer.is_json ? describe(r.status, answer) + " (ok is not true)"
                                    : "HTTP " + std::to_string(r.status) + ": body not JSON");
    }
    if (r.status == 429) {
        auto seconds = answer.retry_after;
        if (!seconds)
            seconds = header_seconds(r.retry_after_header);
        auto const wait = std::clamp(seconds.value_or(default_retry_seconds), std::int64_t{0}, max_retry_seconds);
        return {delivery::retry, now + std::chrono::seconds{wait},
                "HTTP 429: retry after " + std::to_string(wait) + " s"};
    }
    if (r.status >= 500 && r.status < 600)
        return retry(describe(r.status, answer));
    // A basic group became a supergroup: this chat id is dead, the new one is in the answer.
    if (r.status == 400 && answer.migrate_to_chat_id)
        return permanent("migrated to chat " + std::to_string(*answer.migrate_to_chat_id));
    if (r.status >= 400 && r.status < 500)
        return permanent(describe(r.status, answer));
    // 1xx/3xx: Telegram sends neither, so a proxy or a wrong api_base is in the way.
    // Retrying keeps the message until the retry budget says otherwise.
    return retry(describe(r.status, answer) + " (unexpected status)");
}

}  // namespace pg::adapters::telegram
