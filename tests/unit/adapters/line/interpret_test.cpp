#include "adapters/line/line.hpp"

#include "tests/unit/adapters/line/line_events.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace pg::adapters::line {
namespace {

using model::delivery;
using namespace std::chrono_literals;
using namespace test;

model::timestamp const now = model::from_millis(t0_ms);

model::delivery_verdict verdict(int status, std::string body, std::string retry_after = {})
{
    return interpret({status, std::move(body), std::move(retry_after)}, now, channel());
}

bool has(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

TEST(line_interpret, a_200_is_ok_with_the_sent_message_id)
{
    auto const v = verdict(200, R"({"sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"}]})");
    EXPECT_EQ(v.outcome, delivery::ok);
    EXPECT_EQ(v.sent_id, "461230966842064897");
    EXPECT_FALSE(v.not_before);
    // Without the list (older answers, {}), still ok.
    EXPECT_EQ(verdict(200, "{}").outcome, delivery::ok);
    EXPECT_EQ(verdict(200, "{}").sent_id, "");
    EXPECT_EQ(verdict(200, "").outcome, delivery::ok);
}

TEST(line_interpret, a_409_to_a_retried_push_means_it_went_out_before)
{
    auto const v = verdict(409, R"({"message":"The retry key is already accepted",
                                     "sentMessages":[{"id":"461230966842064897","quoteToken":"IStG5h1Tz7b"}]})");
    EXPECT_EQ(v.outcome, delivery::ok);
    EXPECT_TRUE(has(v.reason, "409")) << v.reason;
    EXPECT_TRUE(has(v.reason, "already accepted")) << v.reason;
    EXPECT_EQ(v.sent_id, "461230966842064897");
}

TEST(line_interpret, an_invalid_reply_token_retries_and_the_retry_pushes)
{
    auto const v = verdict(400, R"({"message":"Invalid reply token"})");
    EXPECT_EQ(v.outcome, delivery::retry);
    EXPECT_FALSE(v.not_before) << "a failed attempt: the next one counts as a retry, and pushes";
    EXPECT_TRUE(has(v.reason, "Invalid reply token")) << v.reason;
    EXPECT_TRUE(has(v.reason, "push")) << v.reason;
}

TEST(line_interpret, another_400_is_permanent_and_names_the_property)
{
    auto const v = verdict(400, R"x({"message":"The request body has 1 error(s)",
        "details":[{"message":"Length must be between 0 and 5000","property":"messages[0].text"}]})x");
    EXPECT_EQ(v.outcome, delivery::permanent);
    EXPECT_TRUE(has(v.reason, "HTTP 400")) << v.reason;
    EXPECT_TRUE(has(v.reason, "messages[0].text")) << v.reason;
    EXPECT_TRUE(has(v.reason, "Length must be between 0 and 5000")) << v.reason;
    EXPECT_EQ(verdict(400, "not json").outcome, delivery::permanent);
}

TEST(line_interpret, refused_credentials_and_missing_friends_are_permanent)
{
    struct case_ { int status; char const* body; char const* says; };
    case_ const cases[] = {
        {401, R"({"message":"Authentication failed. Confirm that the access token in the authorization header is valid."})",
         "Authentication failed"},
        {403, R"({"message":"Access to this API is not available for your account"})", "not available"},
        {404, R"({"message":"Not found"})", "HTTP 404"},
        {413, "", "HTTP 413"},
    };
    for (auto const& c : cases) {
        auto const v = verdict(c.status, c.body);
        EXPECT_EQ(v.outcome, delivery::permanent) << c.status;
        EXPECT_TRUE(has(v.reason, c.says)) << v.reason;
    }
}

TEST(line_interpret, a_429_waits_for_retry_after)
{
    auto const v = verdict(429, R"({"message":"Too Many Requests"})", "7");
    EXPECT_EQ(v.outcome, delivery::retry);
    ASSERT_TRUE(v.not_before);
    EXPECT_EQ(*v.not_before, now + 7s);

    auto const bare = verdict(429, "");
    ASSERT_TRUE(bare.not_before);
    EXPECT_EQ(*bare.not_before, now + 1s);

    // The monthly push quota: asking again soon changes nothing.
    auto const quota = verdict(429, R"({"message":"You have reached your monthly limit."})", "2");
    ASSERT_TRUE(quota.not_before);
    EXPECT_EQ(*quota.not_before, now + 1h);
    EXPECT_TRUE(has(quota.reason, "monthly limit")) << quota.reason;
}

TEST(line_interpret, server_errors_and_no_answer_retry)
{
    for (int status : {500, 502, 503, 504})
        EXPECT_EQ(verdict(status, R"({"message":"Internal server error"})").outcome, delivery::retry) << status;
    auto const network = verdict(0, "");
    EXPECT_EQ(network.outcome, delivery::retry);
    EXPECT_EQ(network.reason, "network");
    auto const odd = verdict(302, "<html>moved</html>");
    EXPECT_EQ(odd.outcome, delivery::retry);
    EXPECT_TRUE(has(odd.reason, "unexpected")) << odd.reason;
}

TEST(line_interpret, a_reason_never_repeats_a_secret)
{
    auto const v = verdict(401, std::string(R"({"message":"bad token )") + token + " for " + secret + R"("})");
    EXPECT_FALSE(has(v.reason, token)) << v.reason;
    EXPECT_FALSE(has(v.reason, secret)) << v.reason;
}

}  // namespace
}  // namespace pg::adapters::line
