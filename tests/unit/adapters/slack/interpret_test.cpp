#include "adapters/slack/slack.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace pg::adapters::slack {
namespace {

using model::delivery;
using std::chrono::seconds;

constexpr model::timestamp t0{std::chrono::milliseconds{1'764'330'800'000}};  // no test reads the real clock

std::string response(std::string const& name)
{
    std::ifstream in(std::filesystem::path(PG_FIXTURES) / "slack" / "responses" / name, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open fixture " << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

model::api_response answer(int status, std::string body, std::string retry_after_header = {})
{
    return {status, std::move(body), std::move(retry_after_header)};
}

std::string failed(std::string const& error) { return R"({"ok":false,"error":")" + error + R"("})"; }

TEST(slack_interpret, verdict_per_answer)
{
    struct case_ {
        char const* name;
        model::api_response response;
        delivery outcome;
        std::optional<model::timestamp> not_before;
        std::string reason;
        std::string created_thread;
    };
    case_ const cases[] = {
        // ok: the posted message's ts names the thread an open_thread opened.
        {"ok: a thread parent", answer(200, response("post_message_ok.json")), delivery::ok, std::nullopt, "",
         "1764330001.000200"},
        {"ok: a reply in a thread", answer(200, response("post_message_in_thread_ok.json")), delivery::ok,
         std::nullopt, "", "1764330190.445566"},
        {"ok without ts", answer(200, R"({"ok":true})"), delivery::ok, std::nullopt, "", ""},
        {"ok with a warning", answer(200, R"({"ok":true,"ts":"1.2","warning":"missing_charset"})"), delivery::ok,
         std::nullopt, "", "1.2"},
        // ok:false, permanent: this message will never go through as it is.
        {"channel_not_found", answer(200, response("channel_not_found.json")), delivery::permanent, std::nullopt,
         "slack: channel_not_found", ""},
        {"invalid_auth", answer(200, response("invalid_auth.json")), delivery::permanent, std::nullopt,
         "slack: invalid_auth", ""},
        {"not_in_channel", answer(200, failed("not_in_channel")), delivery::permanent, std::nullopt,
         "slack: not_in_channel", ""},
        {"msg_too_long", answer(200, failed("msg_too_long")), delivery::permanent, std::nullopt,
         "slack: msg_too_long", ""},
        {"is_archived", answer(200, failed("is_archived")), delivery::permanent, std::nullopt, "slack: is_archived", ""},
        {"token_revoked", answer(200, failed("token_revoked")), delivery::permanent, std::nullopt,
         "slack: token_revoked", ""},
        {"ok:false without error", answer(200, R"({"ok":false})"), delivery::permanent, std::nullopt,
         "slack: ok is false, no error given", ""},
        {"ok as a string", answer(200, R"({"ok":"true","ts":"1.2"})"), delivery::permanent, std::nullopt,
         "slack: ok is false, no error given", ""},
        // ok:false, retry: Slack's trouble or a rate limit.
        {"ratelimited with Retry-After", answer(200, response("ratelimited.json"), "30"), delivery::retry,
         t0 + seconds{30}, "slack: ratelimited: retry after 30 s", ""},
        {"rate_limited without Retry-After", answer(200, failed("rate_limited")), delivery::retry, t0 + seconds{1},
         "slack: rate_limited: retry after 1 s", ""},
        {"internal_error", answer(200, failed("internal_error")), delivery::retry, std::nullopt,
         "slack: internal_error", ""},
        {"fatal_error", answer(200, failed("fatal_error")), delivery::retry, std::nullopt, "slack: fatal_error", ""},
        {"service_unavailable", answer(200, failed("service_unavailable")), delivery::retry, std::nullopt,
         "slack: service_unavailable", ""},
        {"request_timeout", answer(200, failed("request_timeout")), delivery::retry, std::nullopt,
         "slack: request_timeout", ""},
        {"200 not JSON", answer(200, "<html>captive portal</html>"), delivery::retry, std::nullopt,
         "HTTP 200: body not JSON", ""},
        {"200 empty", answer(200, ""), delivery::retry, std::nullopt, "HTTP 200: body not JSON", ""},
        // HTTP status.
        {"429 with Retry-After", answer(429, response("ratelimited.json"), "30"), delivery::retry, t0 + seconds{30},
         "HTTP 429: retry after 30 s", ""},
        {"429 header with spaces", answer(429, "", " 8 "), delivery::retry, t0 + seconds{8},
         "HTTP 429: retry after 8 s", ""},
        {"429 without Retry-After", answer(429, ""), delivery::retry, t0 + seconds{1}, "HTTP 429: retry after 1 s", ""},
        {"429 with an HTTP-date", answer(429, "", "Wed, 21 Oct 2026 07:28:00 GMT"), delivery::retry, t0 + seconds{1},
         "HTTP 429: retry after 1 s", ""},
        {"429 negative", answer(429, "", "-5"), delivery::retry, t0, "HTTP 429: retry after 0 s", ""},
        {"429 absurd", answer(429, "", "9223372036854775807"), delivery::retry, t0 + seconds{7 * 24 * 3600},
         "HTTP 429: retry after 604800 s", ""},
        {"500", answer(500, "Internal Server Error"), delivery::retry, std::nullopt, "HTTP 500", ""},
        {"503 with an error", answer(503, failed("service_unavailable")), delivery::retry, std::nullopt,
         "HTTP 503: slack: service_unavailable", ""},
        {"network error or timeout", answer(0, ""), delivery::retry, std::nullopt, "network", ""},
        {"404", answer(404, "<html>Not Found</html>"), delivery::permanent, std::nullopt, "HTTP 404", ""},
        {"403 with an error", answer(403, failed("invalid_auth")), delivery::permanent, std::nullopt,
         "HTTP 403: slack: invalid_auth", ""},
        {"a redirect", answer(302, ""), delivery::retry, std::nullopt, "HTTP 302 (unexpected status)", ""},
        // The token never reaches a reason, even when echoed back.
        {"an echoed token", answer(200, failed("invalid_auth for xoxb-1234567890-9876543210987-NotARealTokenAtAll00")),
         delivery::permanent, std::nullopt, "slack: invalid_auth for <token>", ""},
        {"an echoed user token", answer(401, failed("xoxp-1-2-3-abc is revoked")), delivery::permanent, std::nullopt,
         "HTTP 401: slack: <token> is revoked", ""},
        {"xox that is no token", answer(200, failed("xoxo")), delivery::permanent, std::nullopt, "slack: xoxo", ""},
    };
    for (auto const& c : cases) {
        auto const v = interpret(c.response, t0);
        EXPECT_EQ(v.outcome, c.outcome) << c.name;
        EXPECT_EQ(v.not_before, c.not_before) << c.name;
        EXPECT_EQ(v.reason, c.reason) << c.name;
        EXPECT_EQ(v.created_thread, c.created_thread) << c.name;
        EXPECT_EQ(v.reason.find("NotARealToken"), std::string::npos) << c.name;
    }
}

TEST(slack_interpret, long_errors_are_cut)
{
    std::string const error(500, 'e');
    auto const v = interpret(answer(200, failed(error)), t0);
    EXPECT_EQ(v.outcome, delivery::permanent);
    EXPECT_EQ(v.reason, "slack: " + error.substr(0, 100));
}

}  // namespace
}  // namespace pg::adapters::slack
