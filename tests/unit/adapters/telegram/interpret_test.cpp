#include "adapters/telegram/telegram.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace pg::adapters::telegram {
namespace {

using model::delivery;
using std::chrono::seconds;

constexpr model::timestamp t0{std::chrono::milliseconds{1'700'000'000'000}};  // no test reads the real clock

model::api_response answer(int status, std::string body, std::string retry_after_header = {})
{
    return {status, std::move(body), std::move(retry_after_header)};
}

std::string nested(std::size_t arrays) { return std::string(arrays, '[') + std::string(arrays, ']'); }

TEST(telegram_interpret, verdict_per_answer)
{
    struct case_ {
        char const* name;
        model::api_response response;
        delivery outcome;
        std::optional<model::timestamp> not_before;
        std::string reason;
    };
    case_ const cases[] = {
        {"200 ok",
         answer(200, R"({"ok":true,"result":{"message_id":1213,"chat":{"id":5123456789,"type":"private"},"date":1764328700,"text":"Thanks"}})"),
         delivery::ok, std::nullopt, ""},
        {"200 ok, result true (answerCallbackQuery)", answer(200, R"({"ok":true,"result":true})"),
         delivery::ok, std::nullopt, ""},
        {"200 ok:false",
         answer(200, R"({"ok":false,"error_code":400,"description":"Bad Request: odd proxy"})"),
         delivery::retry, std::nullopt, "HTTP 200: Bad Request: odd proxy (ok is not true)"},
        {"200 without ok", answer(200, R"({"result":true})"), delivery::retry, std::nullopt, "HTTP 200 (ok is not true)"},
        {"200 ok as a string", answer(200, R"({"ok":"true"})"), delivery::retry, std::nullopt, "HTTP 200 (ok is not true)"},
        {"200 not JSON", answer(200, "<html><body>Welcome to the captive portal</body></html>"),
         delivery::retry, std::nullopt, "HTTP 200: body not JSON"},
        {"200 empty body", answer(200, ""), delivery::retry, std::nullopt, "HTTP 200: body not JSON"},
        {"200 JSON array", answer(200, "[true]"), delivery::retry, std::nullopt, "HTTP 200: body not JSON"},
        {"200 ok, nested 40 levels", answer(200, R"({"ok":true,"result":)" + nested(39) + "}"),
         delivery::ok, std::nullopt, ""},
        {"200 ok, nested 1,000 levels", answer(200, R"({"ok":true,"result":)" + nested(999) + "}"),
         delivery::retry, std::nullopt, "HTTP 200: body not JSON"},
        {"429 with retry_after",
         answer(429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 17","parameters":{"retry_after":17}})"),
         delivery::retry, t0 + seconds{17}, "HTTP 429: retry after 17 s"},
        {"429 with only a Retry-After header", answer(429, "Too Many Requests", "5"),
         delivery::retry, t0 + seconds{5}, "HTTP 429: retry after 5 s"},
        {"429 header with spaces", answer(429, "", " 8 "), delivery::retry, t0 + seconds{8}, "HTTP 429: retry after 8 s"},
        {"429 body wins over header",
         answer(429, R"({"ok":false,"error_code":429,"parameters":{"retry_after":30}})", "2"),
         delivery::retry, t0 + seconds{30}, "HTTP 429: retry after 30 s"},
        {"429 with neither", answer(429, R"({"ok":false,"error_code":429})"),
         delivery::retry, t0 + seconds{1}, "HTTP 429: retry after 1 s"},
        {"429 with an HTTP-date header", answer(429, "", "Wed, 21 Oct 2026 07:28:00 GMT"),
         delivery::retry, t0 + seconds{1}, "HTTP 429: retry after 1 s"},
        {"429 retry_after as a string", answer(429, R"({"ok":false,"parameters":{"retry_after":"9"}})", "4"),
         delivery::retry, t0 + seconds{4}, "HTTP 429: retry after 4 s"},
        {"429 negative retry_after", answer(429, R"({"ok":false,"parameters":{"retry_after":-5}})"),
         delivery::retry, t0, "HTTP 429: retry after 0 s"},
        {"429 absurd retry_after", answer(429, R"({"ok":false,"parameters":{"retry_after":9223372036854775807}})"),
         delivery::retry, t0 + seconds{7 * 24 * 3600}, "HTTP 429: retry after 604800 s"},
        {"500", answer(500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"),
         delivery::retry, std::nullopt, "HTTP 500: Internal Server Error"},
        {"502 from a proxy", answer(502, "<html><h1>502 Bad Gateway</h1></html>"),
         delivery::retry, std::nullopt, "HTTP 502"},
        {"400 group migrated",
         answer(400, R"({"ok":false,"error_code":400,"description":"Bad Request: group chat was upgraded to a supergroup chat","parameters":{"migrate_to_chat_id":-1001987654321}})"),
         delivery::permanent, std::nullopt, "migrated to chat -1001987654321"},
        {"400 chat not found", answer(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})"),
         delivery::permanent, std::nullopt, "HTTP 400: Bad Request: chat not found"},
        {"403 blocked",
         answer(403, R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})"),
         delivery::permanent, std::nullopt, "HTTP 403: Forbidden: bot was blocked by the user"},
        {"404 that echoes the token",
         answer(404, R"({"ok":false,"error_code":404,"description":"Not Found: /bot123456789:AAE-not-a-real-token-0123456789abcdef/sendMessage"})"),
         delivery::permanent, std::nullopt, "HTTP 404: Not Found: /bot<token>/sendMessage"},
        {"401 without a body", answer(401, ""), delivery::permanent, std::nullopt, "HTTP 401"},
        {"network error or timeout", answer(0, ""), delivery::retry, std::nullopt, "network"},
        {"a redirect", answer(302, ""), delivery::retry, std::nullopt, "HTTP 302 (unexpected status)"},
    };
    for (auto const& c : cases) {
        auto const v = interpret(c.response, t0);
        EXPECT_EQ(v.outcome, c.outcome) << c.name;
        EXPECT_EQ(v.not_before, c.not_before) << c.name;
        EXPECT_EQ(v.reason, c.reason) << c.name;
    }
}

std::string response_fixture(std::string const& name)
{
    std::ifstream in(std::filesystem::path(PG_FIXTURES) / "telegram" / "responses" / name, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open fixture " << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// createForumTopic answers with a ForumTopic; its message_thread_id names the new
// thread. A Message posted into a topic names the topic too, but opened nothing.
TEST(telegram_interpret, a_created_topic_names_its_thread)
{
    struct case_ { char const* name; model::api_response response; delivery outcome; std::string created; };
    case_ const cases[] = {
        {"createForumTopic", answer(200, response_fixture("create_forum_topic.json")), delivery::ok, "1290"},
        {"sendMessage into a topic", answer(200, response_fixture("send_message_in_topic.json")), delivery::ok, ""},
        {"createForumTopic refused", answer(400, response_fixture("create_forum_topic_not_enough_rights.json")),
         delivery::permanent, ""},
        {"sendMessage to a private chat",
         answer(200, R"({"ok":true,"result":{"message_id":1213,"chat":{"id":5123456789,"type":"private"},"date":1,"text":"x"}})"),
         delivery::ok, ""},
        {"answerCallbackQuery", answer(200, R"({"ok":true,"result":true})"), delivery::ok, ""},
        {"topic id as a string", answer(200, R"({"ok":true,"result":{"message_thread_id":"1290","name":"x"}})"),
         delivery::ok, ""},
        {"ok:false with a topic", answer(200, R"({"ok":false,"result":{"message_thread_id":1290}})"), delivery::retry, ""},
    };
    for (auto const& c : cases) {
        auto const v = interpret(c.response, t0);
        EXPECT_EQ(v.outcome, c.outcome) << c.name;
        EXPECT_EQ(v.created_thread, c.created) << c.name;
    }
    EXPECT_EQ(interpret(answer(400, response_fixture("create_forum_topic_not_enough_rights.json")), t0).reason,
              "HTTP 400: Bad Request: not enough rights to create a topic");
}

TEST(telegram_interpret, long_descriptions_are_cut)
{
    std::string const description = "Bad Request: " + std::string(500, 'x');
    auto const v = interpret(answer(400, R"({"ok":false,"error_code":400,"description":")" + description + R"("})"), t0);
    EXPECT_EQ(v.outcome, delivery::permanent);
    EXPECT_EQ(v.reason, "HTTP 400: " + description.substr(0, 200));
}

}  // namespace
}  // namespace pg::adapters::telegram
