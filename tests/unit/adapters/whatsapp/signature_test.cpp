// The webhook's two checks: the GET verification and X-Hub-Signature-256, held
// to vectors computed apart from our code (make_vectors.py).
#include "adapters/whatsapp/whatsapp.hpp"

#include "tests/unit/adapters/whatsapp/support.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace pg::adapters::whatsapp::test {
namespace {

using model::errc;

// make_vectors.py: a text message as Meta posts it, non-ASCII written as \u escapes.
constexpr char const* escaped_body =
    R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":)"
    R"({"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111",)"
    R"("phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Kerstin"},"wa_id":"16505551234",)"
    R"("user_id":"US.13491208655302741918"}],"messages":[{"from":"16505551234",)"
    R"("id":"wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQzQTdCNUI2","timestamp":"1780000000","type":"text",)"
    R"("text":{"body":"Stra\u00dfe 12, \u00e4\u00f6\u00e5 \u8def"}}]},"field":"messages"}]}]})";
constexpr char const* escaped_signature = "sha256=b07de801a0a72531547a615e3efb6eb0c848de6e7423fce32a835db4107a96db";
// The same object re-serialised as UTF-8: a valid signature of other bytes.
constexpr char const* utf8_signature = "sha256=0ed6616d18735e4ab6f3809fc254dbea38d8f6a045059f59a9b2924cc09deed6";

model::raw_request post_with(std::string body, std::vector<std::pair<std::string, std::string>> headers)
{
    return {"POST", "/webhook/wa", std::move(headers), std::move(body)};
}

TEST(whatsapp_signature, the_escaped_bytes_as_received_verify_and_read_as_utf8)
{
    auto const p = make_with();
    auto in = p->parse(post_with(escaped_body, {{"X-Hub-Signature-256", escaped_signature}}), now);
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_EQ(in->events.size(), 1u);
    EXPECT_EQ(in->events[0].text, "Stra\u00dfe 12, \u00e4\u00f6\u00e5 \u8def");
    // The header name is case-insensitive, and so is the hex.
    std::string upper = escaped_signature;
    for (std::size_t i = 7; i < upper.size(); ++i)
        upper[i] = char(std::toupper(static_cast<unsigned char>(upper[i])));
    EXPECT_TRUE(p->parse(post_with(escaped_body, {{"x-hub-signature-256", upper}}), now));
}

TEST(whatsapp_signature, re_serialising_the_body_does_not_verify)
{
    auto const p = make_with();
    auto const utf8 = json::parse(escaped_body).dump();  // what a framework would hand on
    ASSERT_NE(utf8, escaped_body);
    auto with_original = p->parse(post_with(utf8, {{"X-Hub-Signature-256", escaped_signature}}), now);
    ASSERT_FALSE(with_original);
    EXPECT_EQ(with_original.error().code, errc::bad_signature);
    // Nor does the signature of the UTF-8 form verify the escaped bytes Meta sent.
    EXPECT_FALSE(p->parse(post_with(escaped_body, {{"X-Hub-Signature-256", utf8_signature}}), now));
}

TEST(whatsapp_signature, refusals_change_nothing_and_say_why)
{
    auto const p = make_with();
    struct case_ { char const* name; std::vector<std::pair<std::string, std::string>> headers; std::string detail; };
    std::string flipped = escaped_signature;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    case_ const cases[] = {
        {"no header", {}, "X-Hub-Signature-256 missing"},
        {"sha1 only", {{"X-Hub-Signature", "sha1=0123"}}, "X-Hub-Signature-256 missing"},
        {"no prefix", {{"X-Hub-Signature-256", std::string(escaped_signature).substr(7)}},
         "X-Hub-Signature-256: expected sha256=<hex>"},
        {"one digit off", {{"X-Hub-Signature-256", flipped}}, "X-Hub-Signature-256 does not match the body"},
        {"truncated", {{"X-Hub-Signature-256", std::string(escaped_signature).substr(0, 40)}},
         "X-Hub-Signature-256 does not match the body"},
    };
    for (auto const& c : cases) {
        auto r = p->parse(post_with(escaped_body, c.headers), now);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
    // Signed with another app's secret.
    auto other = p->parse(signed_post(escaped_body, "another-app-secret"), now);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::bad_signature);
}

TEST(whatsapp_signature, checked_before_the_body_is_read)
{
    auto const p = make_with();
    auto broken = p->parse(post_with("{not json", {}), now);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().code, errc::bad_signature);
    auto signed_broken = p->parse(signed_post("{not json"), now);
    ASSERT_FALSE(signed_broken);
    EXPECT_EQ(signed_broken.error().code, errc::malformed_body);
}

// ---- The GET check ----

model::raw_request get(std::string query) { return {"GET", "/webhook/wa?" + std::move(query), {}, {}}; }

TEST(whatsapp_verify, the_challenge_is_echoed_when_mode_and_token_match)
{
    auto const p = make_with();
    auto ok = p->verify_url(
        get("hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=" + std::string(our_verify_token)), now);
    ASSERT_TRUE(ok) << ok.error().detail;
    EXPECT_EQ(ok->status, 200);
    EXPECT_EQ(ok->content_type, "text/plain");
    EXPECT_EQ(ok->body, "1158201444");
    // Percent-encoded names and values read the same; order does not matter.
    auto encoded = p->verify_url(get("hub%2Everify_token=petition%2Dverify%2D2026&hub.challenge=42&hub.mode=subscribe"), now);
    ASSERT_TRUE(encoded) << encoded.error().detail;
    EXPECT_EQ(encoded->body, "42");
}

TEST(whatsapp_verify, anything_else_is_refused_as_unsigned)
{
    auto const p = make_with();
    std::string const token = our_verify_token;
    struct case_ { char const* name; std::string query; std::string detail; };
    case_ const cases[] = {
        {"wrong token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=petition-verify-2025",
         "hub.verify_token does not match"},
        {"token prefix", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=petition", "hub.verify_token does not match"},
        {"no token", "hub.mode=subscribe&hub.challenge=1", "hub.verify_token missing from the query"},
        {"empty token", "hub.mode=subscribe&hub.challenge=1&hub.verify_token=", "hub.verify_token missing from the query"},
        {"other mode", "hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=" + token, "hub.mode: expected subscribe"},
        {"no mode", "hub.challenge=1&hub.verify_token=" + token, "hub.mode: expected subscribe"},
        {"nested names", "hub[mode]=subscribe&hub[challenge]=1&hub[verify_token]=" + token, "hub.mode: expected subscribe"},
        {"no challenge", "hub.mode=subscribe&hub.verify_token=" + token, "hub.challenge: expected up to 64 digits"},
        {"script challenge", "hub.mode=subscribe&hub.challenge=%3Cscript%3E&hub.verify_token=" + token,
         "hub.challenge: expected up to 64 digits"},
        {"signed challenge", "hub.mode=subscribe&hub.challenge=-1&hub.verify_token=" + token,
         "hub.challenge: expected up to 64 digits"},
        {"long challenge", "hub.mode=subscribe&hub.challenge=" + std::string(65, '7') + "&hub.verify_token=" + token,
         "hub.challenge: expected up to 64 digits"},
    };
    for (auto const& c : cases) {
        auto r = p->verify_url(get(c.query), now);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;  // 401: model/result.hpp
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
        EXPECT_EQ(r.error().detail.find(our_verify_token), std::string::npos) << c.name;
    }
}

}  // namespace
}  // namespace pg::adapters::whatsapp::test
