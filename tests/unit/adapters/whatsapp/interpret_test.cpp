// The Cloud API's answers -> verdicts, and make()'s refusals by key.
#include "adapters/whatsapp/whatsapp.hpp"

#include "tests/unit/adapters/whatsapp/support.hpp"

#include <gtest/gtest.h>

#include <functional>

namespace pg::adapters::whatsapp::test {
namespace {

using model::delivery;

model::api_response error(int status, std::int64_t code, std::string retry_after = {})
{
    // Meta's message may quote the recipient: it never reaches a reason.
    return {status,
            R"({"error":{"message":"MESSAGE TEXT +16505551234","type":"OAuthException","code":)" + std::to_string(code) +
                R"(,"error_data":{"messaging_product":"whatsapp","details":"DETAILS"},"fbtrace_id":"AbC"}})",
            std::move(retry_after)};
}

TEST(whatsapp_interpret, an_accepted_message_names_its_wamid)
{
    auto const p = make_with();
    auto const v = p->interpret({200, R"({"messaging_product":"whatsapp","contacts":[{"input":"US.1","wa_id":"16505551234"}],
                                         "messages":[{"id":"wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
                                                      "message_status":"accepted"}]})", ""},
                                now);
    EXPECT_EQ(v.outcome, delivery::ok);
    EXPECT_EQ(v.sent_id, "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA");
    EXPECT_TRUE(v.reason.empty());
}

TEST(whatsapp_interpret, every_error_code_gets_its_verdict)
{
    auto const p = make_with();
    struct case_ { char const* name; model::api_response r; delivery outcome; std::string reason; };
    case_ const cases[] = {
        {"window closed", error(400, 131047), delivery::permanent,
         "error 131047 (window closed: more than 24 hours since the user last wrote)"},
        {"throughput", error(400, 130429), delivery::retry, "error 130429 (throughput limit for this number)"},
        {"pair limit", error(400, 131056), delivery::retry, "error 131056 (too many messages to this user: pair rate limit)"},
        {"account rate limit", error(400, 80007), delivery::retry, "error 80007 (the business account's rate limit)"},
        {"app rate limit", error(400, 4), delivery::retry, "error 4 (the app's request limit)"},
        {"temporarily unavailable", error(503, 133004), delivery::retry, "error 133004 (server temporarily unavailable)"},
        {"something went wrong", error(500, 131000), delivery::retry, "error 131000 (something went wrong at Meta)"},
        {"token", error(401, 190), delivery::permanent,
         "error 190 (access token expired or invalid: put a new system-user token in access_token)"},
        {"undeliverable", error(400, 131026), delivery::permanent, "error 131026 (message undeliverable)"},
        {"no template", error(404, 132001), delivery::permanent, "error 132001 (template does not exist in this language)"},
        {"parameter count", error(400, 132000), delivery::permanent,
         "error 132000 (template parameter count does not match)"},
        {"blocked", error(400, 368), delivery::permanent, "error 368 (temporarily blocked for policy violations)"},
        {"unknown code", error(400, 135000), delivery::permanent, "error 135000"},
        {"an unknown code on a 5xx", error(502, 1), delivery::retry, "error 1"},
        {"rate limited without a code", {429, "", ""}, delivery::retry, "HTTP 429"},
        {"server error", {503, "<html>busy</html>", ""}, delivery::retry, "HTTP 503"},
        {"no answer", {0, "", ""}, delivery::retry, "network"},
        {"client error without a code", {404, "not found", ""}, delivery::permanent, "HTTP 404"},
        {"a proxy's 200", {200, "<html>portal</html>", ""}, delivery::retry, "HTTP 200: answer without messages[0].id"},
        {"200 without an id", {200, R"({"messages":[]})", ""}, delivery::retry, "HTTP 200: answer without messages[0].id"},
        {"a redirect", {302, "", ""}, delivery::retry, "HTTP 302 (unexpected status)"},
    };
    for (auto const& c : cases) {
        auto const v = p->interpret(c.r, now);
        EXPECT_EQ(v.outcome, c.outcome) << c.name;
        EXPECT_EQ(v.reason, c.reason) << c.name;
        EXPECT_EQ(v.reason.find("MESSAGE"), std::string::npos) << c.name;
        EXPECT_EQ(v.reason.find("1650555"), std::string::npos) << c.name;
        EXPECT_FALSE(v.not_before) << c.name;
        EXPECT_TRUE(v.sent_id.empty()) << c.name;
    }
}

TEST(whatsapp_interpret, retry_after_is_honoured_when_present)
{
    auto const p = make_with();
    auto v = p->interpret(error(400, 130429, "30"), now);
    EXPECT_EQ(v.outcome, delivery::retry);
    ASSERT_TRUE(v.not_before);
    EXPECT_EQ(*v.not_before, now + 30s);
    v = p->interpret({429, "", " 5 "}, now);
    ASSERT_TRUE(v.not_before);
    EXPECT_EQ(*v.not_before, now + 5s);
    v = p->interpret({503, "", "Wed, 21 Oct 2026 07:28:00 GMT"}, now);  // the date form: not read
    EXPECT_EQ(v.outcome, delivery::retry);
    EXPECT_FALSE(v.not_before);
    // A permanent verdict never waits.
    EXPECT_FALSE(p->interpret(error(400, 131047, "30"), now).not_before);
}

// ---- make() ----

TEST(whatsapp_settings, make_refuses_bad_settings_naming_the_key)
{
    struct case_ { char const* name; std::function<void(json&)> change; std::string key; std::string why; };
    case_ const cases[] = {
        {"no phone_number_id", [](json& o) { o.erase("phone_number_id"); }, "phone_number_id", "missing"},
        {"a phone number", [](json& o) { o["phone_number_id"] = "+15550001111"; }, "phone_number_id",
         "expected the Phone number ID (digits"},
        {"phone_number_id a number", [](json& o) { o["phone_number_id"] = 106540352242922; }, "phone_number_id",
         "expected a string"},
        {"no access_token", [](json& o) { o.erase("access_token"); }, "access_token", "missing"},
        {"access_token with a space", [](json& o) { o["access_token"] = "Bearer EAAG"; }, "access_token",
         "contains white space"},
        {"no app_secret", [](json& o) { o.erase("app_secret"); }, "app_secret", "missing"},
        {"empty app_secret", [](json& o) { o["app_secret"] = ""; }, "app_secret", "missing"},
        {"no verify_token", [](json& o) { o.erase("verify_token"); }, "verify_token", "missing"},
        {"templates not an object", [](json& o) { o["templates"] = json::array(); }, "templates", "expected an object"},
        {"unknown status", [](json& o) { o["templates"]["pending"] = {{"name", "x"}}; }, "templates.pending",
         "not a status: use submitted, accepted, rejected, transferred, in_progress, answered, closed, reopened"},
        {"template not an object", [](json& o) { o["templates"]["accepted"] = "petition_status"; },
         "templates.accepted", "expected an object"},
        {"no name", [](json& o) { o["templates"]["accepted"].erase("name"); }, "templates.accepted.name", "missing"},
        {"name with capitals", [](json& o) { o["templates"]["accepted"]["name"] = "Petition Status"; },
         "templates.accepted.name", "expected the template's name as approved"},
        {"bad language", [](json& o) { o["templates"]["accepted"]["language"] = "english"; },
         "templates.accepted.language", "expected the approved translation's code"},
        {"language a number", [](json& o) { o["templates"]["accepted"]["language"] = 1; },
         "templates.accepted.language", "expected the approved translation's code"},
        {"parameters not an array", [](json& o) { o["templates"]["accepted"]["parameters"] = "{text}"; },
         "templates.accepted.parameters", "expected an array"},
        {"parameter not a string", [](json& o) { o["templates"]["accepted"]["parameters"][1] = 2; },
         "templates.accepted.parameters[1]", "expected a string"},
        {"unknown placeholder", [](json& o) { o["templates"]["accepted"]["parameters"][0] = "{number}"; },
         "templates.accepted.parameters[0]", "unknown placeholder {number}: use {text}, {tracking} or {status}"},
        {"unclosed placeholder", [](json& o) { o["templates"]["accepted"]["parameters"][2] = "{text"; },
         "templates.accepted.parameters[2]", "an unclosed '{'"},
        {"unknown template key", [](json& o) { o["templates"]["accepted"]["namespace"] = "x"; },
         "templates.accepted.namespace", "unknown key"},
    };
    for (auto const& c : cases) {
        auto options = with_templates(base_options());
        c.change(options);
        auto const b = refusal(options);
        ASSERT_TRUE(b) << c.name;
        EXPECT_EQ(b->key, c.key) << c.name;
        EXPECT_TRUE(b->why.starts_with(c.why)) << c.name << ": " << b->why;
        for (auto const* secret : {our_token, our_app_secret, our_verify_token})
            EXPECT_EQ(b->why.find(secret), std::string::npos) << c.name;
    }
    EXPECT_FALSE(refusal(with_templates(base_options())));
    auto zh = with_templates(base_options());
    zh["templates"]["answered"] = {{"name", "petition_answered_2"}, {"language", "zh_CN"}, {"parameters", json::array()}};
    EXPECT_FALSE(refusal(zh));
}

}  // namespace
}  // namespace pg::adapters::whatsapp::test
