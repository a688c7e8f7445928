// X-Twilio-Signature against Twilio's published example and the vectors of
// make_vectors.py (an implementation apart from ours).
#include "adapters/sms/sms.hpp"

#include <gtest/gtest.h>

namespace pg::adapters::sms {
namespace {

form_fields fields_of(std::string_view body)
{
    auto f = decode_form(body);
    EXPECT_TRUE(f) << f.error().detail;
    return f ? *f : form_fields{};
}

constexpr char const* token = "0123456789abcdef0123456789abcdef";
constexpr char const* url = "https://petitions.example.org/webhook/sms";
constexpr char const* inbound_body =
    "ToCountry=US&SmsMessageSid=SM0123456789abcdef0123456789abcdef&NumMedia=0&SmsSid=SM0123456789abcdef0123456789abcdef"
    "&SmsStatus=received&Body=Pothole+on+Main+St+%2B+2nd+Ave+%E2%80%93+1%2B1+%F0%9F%98%80+%E8%B7%AF%E7%81%AF"
    "&To=%2B15005550006&NumSegments=1&MessageSid=SM0123456789abcdef0123456789abcdef"
    "&AccountSid=AC0123456789abcdef0123456789abcdef&From=%2B15551234567&ApiVersion=2010-04-01";
constexpr char const* inbound_signature = "HV+2eYJWz8ejlah2ARwSKX0/t0Y=";
constexpr char const* inbound_signature_443 = "ltCMd1YWmeuq9OwwsS4lXJaDnNE=";

TEST(twilio_signature, matches_twilios_documented_example)
{
    // Twilio's security docs and twilio-python's validator tests: auth token 12345.
    form_fields const f{{"CallSid", "CA1234567890ABCDE"}, {"Caller", "+14158675309"}, {"Digits", "1234"},
                        {"From", "+14158675309"}, {"To", "+18005551212"}};
    EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", f),
              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    // The order fields arrive in does not matter; the query is signed as written.
    form_fields reversed(f.rbegin(), f.rend());
    EXPECT_EQ(twilio_signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", reversed),
              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    EXPECT_NE(twilio_signature("12345", "https://mycompany.com/myapp.php?bar=2&foo=1", f),
              "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST(twilio_signature, signs_decoded_values_plus_as_space_and_2b_as_plus)
{
    auto const f = fields_of(inbound_body);
    EXPECT_EQ(*form_value(f, "Body"), "Pothole on Main St + 2nd Ave \u2013 1+1 \U0001F600 \u8def\u706f");
    EXPECT_EQ(twilio_signature(token, url, f), inbound_signature);
    EXPECT_TRUE(signature_matches(inbound_signature, token, url, f));
    EXPECT_FALSE(signature_matches(inbound_signature, "another-token", url, f));
    auto tampered = f;
    tampered.emplace_back("Extra", "1");
    EXPECT_FALSE(signature_matches(inbound_signature, token, url, tampered));
}

TEST(twilio_signature, repeated_names_sort_by_value)
{
    auto const f = fields_of("Body=two&From=%2B15551234567&MessageSid=SM2&Tag=b&Tag=a&Tag=c");
    EXPECT_EQ(twilio_signature(token, url, f), "f2Icn14hbj7xWXZsQt+o5W4sJzQ=");
    // The SDKs count an identical pair once.
    auto twice = f;
    twice.emplace_back("Tag", "a");
    EXPECT_EQ(twilio_signature(token, url, twice), "f2Icn14hbj7xWXZsQt+o5W4sJzQ=");
}

TEST(signed_url_variants, add_or_remove_only_the_default_port)
{
    using v = std::vector<std::string>;
    EXPECT_EQ(signed_url_variants("https://a.example/webhook/sms?x=1"),
              (v{"https://a.example/webhook/sms?x=1", "https://a.example:443/webhook/sms?x=1"}));
    EXPECT_EQ(signed_url_variants("https://a.example:443/webhook/sms"),
              (v{"https://a.example:443/webhook/sms", "https://a.example/webhook/sms"}));
    EXPECT_EQ(signed_url_variants("http://a.example"), (v{"http://a.example", "http://a.example:80"}));
    EXPECT_EQ(signed_url_variants("http://a.example:80/w?p=:1"), (v{"http://a.example:80/w?p=:1", "http://a.example/w?p=:1"}));
    EXPECT_EQ(signed_url_variants("https://a.example:8443/w"), (v{"https://a.example:8443/w"}));
    EXPECT_EQ(signed_url_variants("https://[::1]/w"), (v{"https://[::1]/w", "https://[::1]:443/w"}));
}

TEST(signature_matches, accepts_the_url_with_the_default_port_added_or_removed)
{
    auto const f = fields_of(inbound_body);
    // Signed over :443, configured without it; and the other way round.
    EXPECT_TRUE(signature_matches(inbound_signature_443, token, url, f));
    EXPECT_TRUE(signature_matches(inbound_signature, token, "https://petitions.example.org:443/webhook/sms", f));
    // Signed over http://...:80? no: over the URL without it, configured with :80.
    auto const h = fields_of("Body=hi&From=%2B15551234567&MessageSid=SM1&SmsStatus=received");
    EXPECT_TRUE(signature_matches("dQcCbEVezv0UQM0+J95QTt68eHI=", token, "http://gw.example.org:80/webhook/sms?x=1", h));
    EXPECT_TRUE(signature_matches("dQcCbEVezv0UQM0+J95QTt68eHI=", token, "http://gw.example.org/webhook/sms?x=1", h));
    // Another port is another URL.
    EXPECT_FALSE(signature_matches("dQcCbEVezv0UQM0+J95QTt68eHI=", token, "http://gw.example.org:8080/webhook/sms?x=1", h));
    EXPECT_FALSE(signature_matches("", token, url, f));
}

}  // namespace
}  // namespace pg::adapters::sms
