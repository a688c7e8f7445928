#include "adapters/common/origin.hpp"

#include <gtest/gtest.h>

namespace pg::adapters {
namespace {

TEST(origin, same_origin_is_a_scheme_and_exactly_the_host)
{
    EXPECT_TRUE(same_origin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    EXPECT_TRUE(same_origin("https://Chat.Example.org", "chat.example.org"));
    EXPECT_FALSE(same_origin("http://127.0.0.1:8081", "127.0.0.1:8080"));
    EXPECT_FALSE(same_origin("http://evil.example", "127.0.0.1"));
    EXPECT_FALSE(same_origin("null", "127.0.0.1"));
    EXPECT_FALSE(same_origin("ftp://127.0.0.1", "127.0.0.1"));
    EXPECT_FALSE(same_origin("http://", ""));
    EXPECT_FALSE(same_origin("http://127.0.0.1", ""));
}

TEST(origin, host_name_drops_the_port_and_folds_case)
{
    EXPECT_EQ(host_name("Example.ORG:8080"), "example.org");
    EXPECT_EQ(host_name("127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(host_name("[::1]:8080"), "[::1]");
    EXPECT_EQ(host_name("[::1]"), "[::1]");
    EXPECT_EQ(host_name(" localhost "), "localhost");
    EXPECT_EQ(host_name("[::1"), "");
    EXPECT_EQ(host_name("[::1]x"), "");
    EXPECT_EQ(host_name(""), "");
}

TEST(origin, a_host_is_allowed_only_by_name_or_a_star)
{
    std::vector<std::string> const allowed{"localhost", "127.0.0.1", "[::1]"};
    EXPECT_TRUE(host_allowed("127.0.0.1:8080", allowed));
    EXPECT_TRUE(host_allowed("LocalHost", allowed));
    EXPECT_TRUE(host_allowed("[::1]:80", allowed));
    EXPECT_FALSE(host_allowed("rebound.example:8080", allowed));
    EXPECT_FALSE(host_allowed("127.0.0.1.rebound.example", allowed));
    EXPECT_FALSE(host_allowed("", allowed));
    EXPECT_FALSE(host_allowed("localhost", {}));
    EXPECT_TRUE(host_allowed("anything.example", {"*"}));
}

TEST(origin, forwarded_https_reads_what_the_outermost_proxy_saw)
{
    EXPECT_TRUE(forwarded_https("https"));
    EXPECT_TRUE(forwarded_https("HTTPS"));
    EXPECT_TRUE(forwarded_https("https, http"));
    EXPECT_FALSE(forwarded_https("http, https"));
    EXPECT_FALSE(forwarded_https("http"));
    EXPECT_FALSE(forwarded_https(""));
}

}  // namespace
}  // namespace pg::adapters
