#include "adapters/common/password.hpp"

#include "model/password_hash.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg::adapters {
namespace {

std::string const salt = "0123456789abcdef";

TEST(password, round_trip_with_a_cheap_hash)
{
    auto const stored = hash_password("correct horse", salt, 1000);
    EXPECT_TRUE(stored.starts_with("pbkdf2-sha256$1000$")) << stored;
    EXPECT_TRUE(verify_password("correct horse", stored));
}

TEST(password, wrong_password_fails)
{
    auto const stored = hash_password("correct horse", salt, 1000);
    for (std::string const wrong : {"correct hors", "correct horse ", "Correct horse", ""})
        EXPECT_FALSE(verify_password(wrong, stored)) << wrong;
}

// The stored form carries what it was made with; any input changes the hash.
TEST(password, known_vector)
{
    auto const stored = hash_password("passwd", "saltsalt", 1);
    std::string why;
    auto const parsed = model::parse_password_hash(stored, why);
    ASSERT_TRUE(parsed) << why;
    EXPECT_EQ(parsed->iterations, 1u);
    EXPECT_EQ(parsed->salt, "saltsalt");
    EXPECT_EQ(parsed->hash.size(), 32u);
    // Same inputs, same output; a different salt, a different hash.
    EXPECT_EQ(stored, hash_password("passwd", "saltsalt", 1));
    EXPECT_NE(stored, hash_password("passwd", "saltsalx", 1));
    EXPECT_NE(stored, hash_password("passwd", "saltsalt", 2));
}

TEST(password, default_is_the_owasp_count)
{
    EXPECT_GE(default_password_iterations, 600'000u);
}

TEST(password, malformed_hashes_never_verify_and_say_why)
{
    auto const good = hash_password("pw", salt, 10);
    auto const b64_32 = model::to_base64(std::string(32, 'x'));
    struct case_ { char const* name; std::string encoded; char const* why; };
    case_ const cases[] = {
        {"empty", "", "expected pbkdf2-sha256$"},
        {"three parts", "pbkdf2-sha256$10$" + b64_32, "expected pbkdf2-sha256$"},
        {"five parts", good + "$x", "expected pbkdf2-sha256$"},
        {"other scheme", "bcrypt$10$" + model::to_base64(salt) + "$" + b64_32, "scheme"},
        {"zero iterations", "pbkdf2-sha256$0$" + model::to_base64(salt) + "$" + b64_32, "iterations"},
        {"negative iterations", "pbkdf2-sha256$-1$" + model::to_base64(salt) + "$" + b64_32, "iterations"},
        {"huge iterations", "pbkdf2-sha256$999999999999$" + model::to_base64(salt) + "$" + b64_32, "iterations"},
        {"text iterations", "pbkdf2-sha256$ten$" + model::to_base64(salt) + "$" + b64_32, "iterations"},
        {"short salt", "pbkdf2-sha256$10$" + model::to_base64("1234") + "$" + b64_32, "salt"},
        {"salt not base64", "pbkdf2-sha256$10$!!!!!!!!!!!!$" + b64_32, "salt"},
        {"short hash", "pbkdf2-sha256$10$" + model::to_base64(salt) + "$" + model::to_base64("abc"), "hash"},
        {"hash bad padding", "pbkdf2-sha256$10$" + model::to_base64(salt) + "$" + b64_32.substr(1), "hash"},
    };
    for (auto const& c : cases) {
        std::string why;
        EXPECT_FALSE(model::parse_password_hash(c.encoded, why)) << c.name;
        EXPECT_NE(why.find(c.why), std::string::npos) << c.name << ": " << why;
        EXPECT_FALSE(verify_password("pw", c.encoded)) << c.name;
    }
}

TEST(base64, round_trips_every_length)
{
    std::string bytes;
    for (int n = 0; n < 40; ++n) {
        auto const text = model::to_base64(bytes);
        EXPECT_EQ(text.size() % 4, 0u);
        auto const back = model::from_base64(text);
        ASSERT_TRUE(back) << n;
        EXPECT_EQ(*back, bytes);
        bytes += static_cast<char>(n * 37 + 200);
    }
    EXPECT_EQ(model::to_base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(model::to_base64("fo"), "Zm8=");
    EXPECT_FALSE(model::from_base64("Zm8"));
    EXPECT_FALSE(model::from_base64("Z=8="));
    EXPECT_FALSE(model::from_base64("Zm=8"));
}

}  // namespace
}  // namespace pg::adapters
