#include "adapters/line/line.hpp"

#include "tests/unit/adapters/line/line_events.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace pg::adapters::line {
namespace {

using model::errc;

// From make_vectors.py (Python's hmac and base64, apart from our code).
constexpr char const* verify_body = R"({"destination":"Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3","events":[]})";
constexpr char const* verify_signature = "38zmMybeB2E7UJ6O0sOZLns/rO9yYV+pyMIFjzPJvXI=";
constexpr char const* text_body =
    R"({"destination":"Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3","events":[{"type":"message","message":)"
    R"({"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":"路灯坏了 \/ lamp out"},)"
    R"("webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},)"
    R"("timestamp":1692251666727,"source":{"type":"user","userId":"U4af4980629a1b2c3d4e5f6a7b8c9d0e1"},)"
    R"("replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]})";
constexpr char const* text_signature = "gDvwXdwv90A4EzRvJdw35fewlBCAhmtIstQQuV/+zKI=";
constexpr char const* text_signature_other_secret = "OI/+nE1XASRIefULZMnZgRwtYNwoTpXUGAgj7cts4pg=";
// The same document after json.dumps: spaces after separators, \uXXXX escapes, "/" unescaped.
constexpr char const* reencoded_body =
    R"({"destination": "Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3", "events": [{"type": "message", "message": {"type": )"
    R"("text", "id": "468789577898262530", "quoteToken": "q3Plxr4AgKd", "text": "\u8def\u706f\u574f\u4e86 / lamp )"
    R"(out"}, "webhookEventId": "01H810YECXQQZ37VAXPF6H9E6T", "deliveryContext": {"isRedelivery": false}, )"
    R"("timestamp": 1692251666727, "source": {"type": "user", "userId": "U4af4980629a1b2c3d4e5f6a7b8c9d0e1"}, )"
    R"("replyToken": "38ef843bde154d9b91c21320ffd17a0f", "mode": "active"}]})";
constexpr char const* reencoded_signature = "xcDXSEwvZiJFllWOu0qSPJwq/hbiA/F+3CBIcv5I6vk=";

model::raw_request post(std::string body, std::string sig)
{
    return {"POST", "/webhook/line", {{"Content-Type", "application/json"}, {"X-Line-Signature", std::move(sig)}},
            std::move(body)};
}

TEST(line_signature, matches_the_independent_vectors)
{
    EXPECT_EQ(signature(test::secret, verify_body), verify_signature);
    EXPECT_EQ(signature(test::secret, text_body), text_signature);
    EXPECT_EQ(signature("0123456789abcdef0123456789abcdef", text_body), text_signature_other_secret);
    EXPECT_EQ(signature(test::secret, reencoded_body), reencoded_signature);
}

TEST(line_signature, a_signed_body_is_read)
{
    auto in = parse_webhook(post(text_body, text_signature), test::channel());
    ASSERT_TRUE(in) << in.error().detail;
    ASSERT_EQ(in->events.size(), 1u);
    EXPECT_EQ(in->events[0].text, "路灯坏了 / lamp out");

    auto verify = parse_webhook(post(verify_body, verify_signature), test::channel());
    ASSERT_TRUE(verify) << verify.error().detail;
    EXPECT_TRUE(verify->events.empty());
}

TEST(line_signature, covers_the_bytes_not_the_document)
{
    // Equal as JSON, but the signature of the original bytes does not fit the re-encoding.
    auto const reencoded = parse_webhook(post(reencoded_body, text_signature), test::channel());
    ASSERT_FALSE(reencoded);
    EXPECT_EQ(reencoded.error().code, errc::bad_signature);
    // With its own signature it is read, and says the same.
    auto own = parse_webhook(post(reencoded_body, reencoded_signature), test::channel());
    ASSERT_TRUE(own) << own.error().detail;
    EXPECT_EQ(own->events.at(0).text, "路灯坏了 / lamp out");
}

TEST(line_signature, anything_else_is_refused_before_the_body_is_read)
{
    struct case_ {
        char const* name;
        model::raw_request req;
    };
    std::string const broken = "{not json";
    case_ const cases[] = {
        {"no header", {"POST", "/webhook/line", {}, text_body}},
        {"empty header", post(text_body, "")},
        {"another secret's signature", post(text_body, text_signature_other_secret)},
        {"one character off", post(text_body, "gDvwXdwv90A4EzRvJdw35fewlBCAhmtIstQQuV/+zKJ=")},
        {"unpadded", post(text_body, "gDvwXdwv90A4EzRvJdw35fewlBCAhmtIstQQuV/+zKI")},
        {"hex, not base64", post(text_body, "803bf05ddc2ff7403813346f25dc37e5f7b094106a1348b2d410b95ffecca2")},
        {"a body cut short", post(std::string(text_body).substr(0, 40), text_signature)},
        {"broken JSON, unsigned", post(broken, "")},
        {"broken JSON, wrongly signed", post(broken, verify_signature)},
    };
    for (auto const& c : cases) {
        auto out = parse_webhook(c.req, test::channel());
        ASSERT_FALSE(out) << c.name;
        EXPECT_EQ(out.error().code, errc::bad_signature) << c.name;
        EXPECT_NE(out.error().detail.find("X-Line-Signature"), std::string::npos) << c.name;
    }
    // Header names are case-insensitive.
    model::raw_request lower{"POST", "/webhook/line", {{"x-line-signature", text_signature}}, text_body};
    EXPECT_TRUE(parse_webhook(lower, test::channel()));
}

TEST(line_retry_key, is_a_v4_uuid_from_channel_chat_and_seq)
{
    // make_vectors.py
    EXPECT_EQ(retry_key("line", test::citizen, 42), "3f7eeb98-caf0-496f-ae50-4146d13df59d");
    EXPECT_EQ(retry_key("line", test::citizen, 43), "d189cd2e-bbe8-45dd-911a-23d313c548dc");

    std::regex const v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> seen;
    for (std::uint64_t seq = 0; seq < 200; ++seq) {
        auto const k = retry_key("line", test::citizen, seq);
        EXPECT_TRUE(std::regex_match(k, v4)) << k;
        EXPECT_EQ(k, retry_key("line", test::citizen, seq)) << "the same entry, the same key";
        EXPECT_TRUE(seen.insert(k).second) << "seq " << seq << " repeats a key";
    }
    EXPECT_NE(retry_key("line", test::citizen, 7), retry_key("line2", test::citizen, 7));
    EXPECT_NE(retry_key("line", test::citizen, 7), retry_key("line", "U0000000000000000000000000000000f", 7));
}

}  // namespace
}  // namespace pg::adapters::line
