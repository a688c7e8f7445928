#include "adapters/common/hmac.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters {
namespace {

// RFC 4231 test vectors, plus the edges a webhook check meets.
TEST(hmac_sha256, known_vectors)
{
    struct case_ { char const* name; std::string key; std::string message; char const* hex; };
    case_ const cases[] = {
        {"RFC 4231 case 1", std::string(20, '\x0b'), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"RFC 4231 case 2", "Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"RFC 4231 case 6: key longer than a block", std::string(131, '\xaa'),
         "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"empty key", "", "x", "4cbc96099a6467ce002461f10549b4898265ebe6188b45efacc44293516e62c4"},
        {"a Slack base string", "8f742231b10e8888abcd99yyyzzz85a5",
         R"(v0:1764330800:{"type":"url_verification","challenge":"abc"})",
         "210a7e737a62aca6783089a53636652711c864a1d20f5b2a43aabf0298bca648"},
    };
    for (auto const& c : cases) {
        auto const digest = hmac_sha256(c.key, c.message);
        EXPECT_EQ(digest.size(), 32u) << c.name;
        EXPECT_EQ(to_hex(digest), c.hex) << c.name;
    }
}

// RFC 2202 test vectors (HMAC-SHA1, Twilio's signature).
TEST(hmac_sha1, known_vectors)
{
    struct case_ { char const* name; std::string key; std::string message; char const* hex; };
    case_ const cases[] = {
        {"RFC 2202 case 1", std::string(20, '\x0b'), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
        {"RFC 2202 case 2", "Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {"RFC 2202 case 6: key longer than a block", std::string(80, '\xaa'),
         "Test Using Larger Than Block-Size Key - Hash Key First", "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {"empty key and message", "", "", "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d"},
    };
    for (auto const& c : cases)
        EXPECT_EQ(to_hex(hmac_sha1(c.key, c.message)), c.hex) << c.name;
}

TEST(hmac_sha256, hex_is_lower_case_two_digits_a_byte)
{
    EXPECT_EQ(to_hex(""), "");
    EXPECT_EQ(to_hex(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
}

}  // namespace
}  // namespace pg::adapters
