#include "adapters/line/line.hpp"

#include "tests/unit/adapters/line/line_events.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pg::adapters::line {
namespace {

using json = nlohmann::json;
using namespace test;

std::optional<bad_setting> refusal(json const& o)
{
    try {
        make_with(o);
    } catch (bad_setting const& b) {
        return b;
    }
    return std::nullopt;
}

TEST(line_platform, registered_as_line_with_its_settings)
{
    auto const* k = find_platform_kind("line");
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->default_api_base, "https://api.line.me");
    struct want { std::string_view key; setting_kind kind; bool required; };
    want const expected[] = {
        {"channel_secret", setting_kind::secret_word, true},
        {"access_token", setting_kind::secret_word, true},
        {"reply_token_seconds", setting_kind::number, false},
    };
    ASSERT_EQ(k->settings.size(), std::size(expected));
    for (std::size_t i = 0; i < std::size(expected); ++i) {
        EXPECT_EQ(k->settings[i].key, expected[i].key);
        EXPECT_EQ(k->settings[i].kind, expected[i].kind) << expected[i].key;
        EXPECT_EQ(k->settings[i].required, expected[i].required) << expected[i].key;
    }
    EXPECT_NE(k->make({"line", "https://api.line.me", json::parse(k->example)}), nullptr);
}

TEST(line_platform, capabilities_are_quick_reply_buttons_long_texts_and_no_window)
{
    auto const p = make_with(options());
    auto const& c = p->can();
    EXPECT_TRUE(c.buttons);
    EXPECT_FALSE(c.threads);
    EXPECT_FALSE(c.thread_carries_text);
    EXPECT_EQ(c.max_text, 5000u);
    EXPECT_EQ(c.reply_window.count(), 0) << "a push works any time";
    EXPECT_FALSE(c.local_delivery);
    EXPECT_FALSE(c.staff_only);
    EXPECT_FALSE(c.public_webhook);
    EXPECT_FALSE(p->credential_call()) << "the access token is configured, not fetched";
    EXPECT_FALSE(p->verify_url({"GET", "/webhook/line", {}, {}}, model::from_millis(t0_ms)));
    // fit_text cuts at 5000 UTF-16 units.
    auto const pieces = p->fit_text(std::string(5001, 'a'));
    ASSERT_EQ(pieces.size(), 2u);
    EXPECT_EQ(pieces[0].size(), 5000u);
}

TEST(line_platform, make_refuses_by_key)
{
    struct case_ { char const* name; json change; char const* key; char const* says; };
    case_ const cases[] = {
        {"no channel secret", {{"channel_secret", nullptr}}, "channel_secret", "missing"},
        {"a number for the secret", {{"channel_secret", 12}}, "channel_secret", "expected a string"},
        {"the access token as the secret", {{"channel_secret", token}}, "channel_secret", "32 hexadecimal"},
        {"a short secret", {{"channel_secret", "8c570fa6dd201bb3"}}, "channel_secret", "32 hexadecimal"},
        {"white space in the secret", {{"channel_secret", "8c570fa6dd201bb3 8f1c1eac23a96d8"}}, "channel_secret",
         "white space"},
        {"no access token", {{"access_token", nullptr}}, "access_token", "missing"},
        {"an empty access token", {{"access_token", ""}}, "access_token", "non-empty"},
        {"the secret as the token", {{"access_token", secret}}, "access_token", "channel secret"},
        {"0 seconds", {{"reply_token_seconds", 0}}, "reply_token_seconds", "1 to 60"},
        {"61 seconds", {{"reply_token_seconds", 61}}, "reply_token_seconds", "1 to 60"},
        {"negative", {{"reply_token_seconds", -5}}, "reply_token_seconds", "1 to 60"},
        {"a fraction", {{"reply_token_seconds", 30.5}}, "reply_token_seconds", "integer"},
        {"a string", {{"reply_token_seconds", "50"}}, "reply_token_seconds", "integer"},
        {"huge", {{"reply_token_seconds", 18446744073709551615ull}}, "reply_token_seconds", "1 to 60"},
    };
    for (auto const& c : cases) {
        auto o = options();
        for (auto const& [k, v] : c.change.items()) {
            if (v.is_null())
                o.erase(k);
            else
                o[k] = v;
        }
        auto const bad = refusal(o);
        ASSERT_TRUE(bad) << c.name;
        EXPECT_EQ(bad->key, c.key) << c.name;
        EXPECT_NE(bad->why.find(c.says), std::string::npos) << c.name << ": " << bad->why;
        EXPECT_EQ(bad->why.find(secret), std::string::npos) << "never the secret";
        EXPECT_EQ(bad->why.find(token), std::string::npos) << "never the token";
    }
    for (int seconds : {1, 30, 60}) {
        auto o = options();
        o["reply_token_seconds"] = seconds;
        EXPECT_FALSE(refusal(o)) << seconds;
    }
}

}  // namespace
}  // namespace pg::adapters::line
