// The platform contract (adapters/platform.hpp), checked against every
// registered platform: a new one is covered the moment it is registered.
#include "adapters/platform.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace pg::adapters {
namespace {

using namespace std::chrono_literals;

model::timestamp const now = model::from_millis(1'780'000'000'000);

std::string name_of(testing::TestParamInfo<platform_kind> const& info) { return std::string(info.param.name); }

std::unique_ptr<platform const> made(platform_kind const& k)
{
    auto const options = nlohmann::json::parse(k.example);
    return k.make({"contract-" + std::string(k.name), std::string(k.default_api_base), options});
}

model::raw_request post(std::string target, std::string body)
{
    return {"POST", std::move(target), {{"Content-Type", "application/json"}}, std::move(body)};
}

class contract : public testing::TestWithParam<platform_kind> {};

TEST(registry, names_are_unique_config_words_and_found_by_name)
{
    std::set<std::string_view> names;
    for (auto const& k : platform_kinds()) {
        EXPECT_TRUE(names.insert(k.name).second) << k.name;
        EXPECT_FALSE(k.name.empty());
        for (char c : k.name)
            EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << k.name;
        EXPECT_EQ(find_platform_kind(k.name), &k);
    }
    EXPECT_EQ(find_platform_kind("no-such-platform"), nullptr);
    EXPECT_GE(names.size(), 3u);
}

TEST_P(contract, its_keys_are_its_own_and_its_example_names_every_required_one)
{
    auto const& k = GetParam();
    auto const example = nlohmann::json::parse(k.example);
    ASSERT_TRUE(example.is_object());
    std::set<std::string_view> keys;
    for (auto const& s : k.settings) {
        EXPECT_TRUE(keys.insert(s.key).second) << "twice: " << s.key;
        for (std::string_view common : {"id", "type", "enabled", "api_base"})
            EXPECT_NE(s.key, common) << "a platform key hides a common one";
        if (s.required) {
            EXPECT_TRUE(example.contains(s.key)) << "the example lacks required " << s.key;
        }
    }
    for (auto const& [key, value] : example.items())
        EXPECT_TRUE(keys.contains(key)) << "the example has a key the platform does not declare: " << key;
}

TEST_P(contract, its_example_makes_a_platform_and_a_broken_value_is_refused_by_key)
{
    auto const& k = GetParam();
    ASSERT_NE(made(k), nullptr);
    // Every string setting set to white space is refused, by config or by make(),
    // naming the key: config refuses words; here, what make() says must name it.
    for (auto const& s : k.settings) {
        if (s.kind != setting_kind::secret && s.kind != setting_kind::text)
            continue;
        auto options = nlohmann::json::parse(k.example);
        if (!options.contains(s.key))
            continue;
        options[std::string(s.key)] = " \t";
        try {
            k.make({"c", std::string(k.default_api_base), options});
        } catch (bad_setting const& bad) {
            EXPECT_EQ(bad.key.substr(0, s.key.size()), s.key);
            EXPECT_FALSE(bad.why.empty());
        }
    }
}

TEST_P(contract, capabilities_agree_with_each_other)
{
    auto const& k = GetParam();
    auto const p = made(k);
    auto const& c = p->can();
    EXPECT_GE(c.max_text, 160u);
    EXPECT_GE(c.reply_window, 0ms);
    if (c.thread_carries_text) {
        EXPECT_TRUE(c.threads) << "a thread's opening carries text only where there are threads";
    }
    if (c.local_delivery)
        EXPECT_TRUE(k.default_api_base.empty()) << "local delivery calls no API";
    else
        EXPECT_FALSE(k.default_api_base.empty()) << "a platform that is called needs an API address";
}

TEST_P(contract, an_unsigned_or_broken_post_changes_nothing_and_never_throws)
{
    auto const p = made(GetParam());
    for (std::string body : {"", "{}", "not json", "<xml><a>", "\xff\xfe\x00", R"({"update_id":1})",
                             "<xml><ToUserName>x</ToUserName></xml>"}) {
        auto r = post("/webhook/c", body);
        model::result<webhook_input> out = model::failure{model::errc::malformed_body, ""};
        ASSERT_NO_THROW(out = p->parse(r, now));
        ASSERT_FALSE(out) << "an unsigned request was accepted: " << body;
        EXPECT_EQ(out.error().code, model::errc::bad_signature) << out.error().detail;
    }
}

TEST_P(contract, a_url_check_without_its_parameters_is_refused)
{
    auto const p = made(GetParam());
    model::raw_request const get{"GET", "/webhook/c", {}, {}};
    EXPECT_FALSE(p->verify_url(get, now));
    model::raw_request const forged{"GET", "/webhook/c?signature=00&timestamp=1&nonce=2&echostr=hello&hub.mode=subscribe"
                                           "&hub.verify_token=x&hub.challenge=hello&msg_signature=00",
                                    {},
                                    {}};
    EXPECT_FALSE(p->verify_url(forged, now));
}

TEST_P(contract, a_text_to_someone_just_heard_renders_a_call_and_the_network_failing_means_retry)
{
    auto const p = made(GetParam());
    model::outbound_message m;
    m.channel_id = "c";
    m.chat_id = "user:someone";  // a shape every platform takes as a chat
    m.text = "Your request 7K3M-9Q2P was accepted.";
    m.heard_at = now - 1min;
    auto const call = p->render(m, {now, "credential-1", m.heard_at});
    ASSERT_TRUE(call) << call.error().detail;
    EXPECT_FALSE(call->path.empty());
    EXPECT_FALSE(call->method.empty());

    model::outbound_message ack = m;
    ack.kind = model::message_kind::callback_ack;
    ack.callback_id = "cb1";
    EXPECT_NO_THROW((void)p->render(ack, {now, "credential-1", m.heard_at}));

    if (p->can().local_delivery)
        return;  // no platform answers: delivery is a store write
    for (int status : {0, 500, 502, 503}) {
        model::api_response const r{status, "", ""};
        EXPECT_EQ(p->interpret(r, now).outcome, model::delivery::retry) << status;
    }
}

TEST_P(contract, a_credential_is_fetched_only_by_platforms_that_say_how)
{
    auto const p = made(GetParam());
    if (!p->credential_call()) {
        EXPECT_FALSE(p->read_credential({200, R"({"access_token":"t","expires_in":7200})", ""}, now));
        return;
    }
    EXPECT_FALSE(p->credential_call()->path.empty());
    auto const broken = p->read_credential({200, "not json", ""}, now);
    EXPECT_FALSE(broken);
    auto const refused = p->read_credential({200, R"({"errcode":40013,"errmsg":"invalid appid"})", ""}, now);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().detail.find("40013"), std::string::npos) << refused.error().detail;
}

INSTANTIATE_TEST_SUITE_P(every_platform, contract, testing::ValuesIn(platform_kinds().begin(), platform_kinds().end()),
                         name_of);

}  // namespace
}  // namespace pg::adapters
