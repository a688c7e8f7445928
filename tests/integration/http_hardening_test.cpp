// Bad input gets a clear HTTP error, nothing is stored, and the server keeps
// serving everyone else.
#include "tests/support/fake_platform.hpp"
#include "tests/support/gateway_process.hpp"
#include "tests/support/telegram_updates.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace pg::testing {
namespace {

using headers = std::vector<std::pair<std::string, std::string>>;
headers const& good_secret = tg::secret_header;

class http_hardening : public ::testing::Test {
protected:
    void SetUp() override { gateway.start(); }

    // A real update that must produce replies: proves the earlier bad input changed nothing.
    void expect_still_serving(std::int64_t update_id)
    {
        auto const before = api.count();
        auto r = http_post(gateway.port(), "/webhook/telegram", tg::text(update_id, 5001, "/start"), good_secret);
        EXPECT_EQ(r.status, 200);
        EXPECT_TRUE(api.wait_for_count(before + 1)) << gateway.log();
    }

    fake_platform api;
    temp_dir data;
    gateway_process gateway{test_config(api.base_url(), data.path())};
};

TEST_F(http_hardening, wrong_or_missing_secret_is_401_and_stores_nothing)
{
    auto const update = tg::text(100, 5001, "/start");
    EXPECT_EQ(http_post(gateway.port(), "/webhook/telegram", update).status, 401);
    EXPECT_EQ(http_post(gateway.port(), "/webhook/telegram", update,
                        {{"X-Telegram-Bot-Api-Secret-Token", "test-secreT"}}).status, 401);
    // The same update_id with the right secret is processed: the refused ones were not recorded.
    auto r = http_post(gateway.port(), "/webhook/telegram", update, good_secret);
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(api.wait_for_count(1)) << gateway.log();
}

TEST_F(http_hardening, malformed_json_is_400)
{
    auto r = http_post(gateway.port(), "/webhook/telegram", R"({"update_id": 1, "message": )", good_secret);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("JSON"), std::string::npos) << r.body;
    expect_still_serving(101);
}

TEST_F(http_hardening, invalid_utf8_is_400)
{
    std::string body = tg::text(102, 5001, "hello");
    body.replace(body.find("hello"), 5, "he\xff\xfeo");
    auto r = http_post(gateway.port(), "/webhook/telegram", body, good_secret);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.body.find("UTF-8"), std::string::npos) << r.body;
    expect_still_serving(103);
}

TEST_F(http_hardening, oversized_body_is_413)
{
    std::string const big(70'000, 'x');  // the test config's body_limit is 65536
    auto r = http_post(gateway.port(), "/webhook/telegram", tg::text(104, 5001, big), good_secret);
    EXPECT_EQ(r.status, 413);
    expect_still_serving(105);
}

TEST_F(http_hardening, unknown_channel_is_404_and_get_is_405)
{
    EXPECT_EQ(http_post(gateway.port(), "/webhook/nope", "{}", good_secret).status, 404);
    EXPECT_EQ(http_get(gateway.port(), "/webhook/telegram").status, 405);
    EXPECT_EQ(http_get(gateway.port(), "/nothing-here").status, 404);
}

TEST_F(http_hardening, slow_header_client_is_cut_off_while_others_are_served)
{
    namespace net = boost::asio;
    net::io_context ioc;
    net::ip::tcp::socket slow(ioc);
    slow.connect({net::ip::make_address("127.0.0.1"), gateway.port()});
    // Start a request and never finish its header.
    net::write(slow, net::buffer(std::string("POST /webhook/telegram HTTP/1.1\r\nHost: x\r\n")));

    expect_still_serving(106);

    // The server closes the slow connection after header_timeout (500 ms in the
    // test config); reading blocks until then and ends with EOF, not data.
    char byte;
    boost::system::error_code ec;
    net::read(slow, net::buffer(&byte, 1), ec);
    EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
    // Beast closes the socket from its timer, before our read completes and counts
    // it; with several I/O threads the count may land just after the close.
    EXPECT_TRUE(eventually([&] {
        return http_get(gateway.port(), "/metrics").body.find("reason=\"header_timeout\"") != std::string::npos;
    }));
}

TEST_F(http_hardening, healthz_and_metrics)
{
    auto h = http_get(gateway.port(), "/healthz");
    EXPECT_EQ(h.status, 200);
    EXPECT_NE(h.body.find("\"status\":\"ok\""), std::string::npos);
    http_post(gateway.port(), "/webhook/telegram", "{}", {});
    auto m = http_get(gateway.port(), "/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("# TYPE pg_http_requests_total counter"), std::string::npos);
    EXPECT_NE(m.body.find("pg_webhook_rejected_total{channel=\"telegram\",reason=\"bad_signature\"} 1"),
              std::string::npos)
        << m.body;
    EXPECT_NE(m.body.find("pg_outbox_depth "), std::string::npos);
}

TEST_F(http_hardening, sigterm_drains_and_exits_zero)
{
    expect_still_serving(107);
    EXPECT_EQ(gateway.terminate(), 0) << gateway.log();
    EXPECT_NE(gateway.log().find("\"event\":\"stopped\""), std::string::npos);
}

// A gateway with a small per-source limit (test_config turns it off for the other tests).
class rate_limited : public ::testing::Test {
protected:
    static nlohmann::json limited_config(std::string const& api_base, std::filesystem::path const& data)
    {
        auto cfg = test_config(api_base, data);
        cfg["server"]["rate_limit"] = {{"per_second", 1}, {"burst", 5}};
        return cfg;
    }
    void SetUp() override { gateway.start(); }

    // Sends page requests until one is refused (bounded); whether one was.
    bool use_up_the_bucket()
    {
        for (int i = 0; i < 200; ++i)
            if (http_get(gateway.port(), "/public").status == 429)
                return true;
        return false;
    }

    std::int64_t rate_limit_rejections()
    {
        std::string const series = "pg_http_connections_rejected_total{reason=\"rate_limit\"}";
        auto const text = http_get(gateway.port(), "/metrics").body;
        auto const at = text.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::stoll(text.substr(at + series.size() + 2));
    }

    fake_platform api;
    temp_dir data;
    gateway_process gateway{limited_config(api.base_url(), data.path())};
};

TEST_F(rate_limited, a_burst_past_the_limit_gets_429_with_retry_after_and_is_counted)
{
    // The bucket starts full (5) and gains one token a second: requests sent one
    // after another run out of tokens long before 200 of them.
    std::size_t first_refused = 0;
    http_result refused;
    for (std::size_t i = 0; i < 200 && refused.status == 0; ++i) {
        auto r = http_get(gateway.port(), "/public");
        if (r.status == 429) {
            first_refused = i;
            refused = r;
        }
    }
    ASSERT_EQ(refused.status, 429) << "200 requests were all let through";
    EXPECT_GE(first_refused, 5u);  // the burst always passes
    auto const retry = refused.header("Retry-After");
    ASSERT_FALSE(retry.empty());
    EXPECT_GE(std::stoi(retry), 1) << retry;
    EXPECT_EQ(rate_limit_rejections(), 1);  // /metrics itself is not limited
}

TEST_F(rate_limited, platform_webhooks_healthz_and_metrics_from_the_same_address_are_not_limited)
{
    ASSERT_TRUE(use_up_the_bucket());

    auto const refused_before = rate_limit_rejections();
    for (std::int64_t id = 300; id < 320; ++id) {
        auto r = http_post(gateway.port(), "/webhook/telegram", tg::text(id, 5001, "/start"), good_secret);
        EXPECT_EQ(r.status, 200) << "update " << id << ": " << r.body;
    }
    EXPECT_TRUE(api.wait_for_count(20)) << gateway.log();
    for (int i = 0; i < 20; ++i)
        EXPECT_EQ(http_get(gateway.port(), "/healthz").status, 200);
    EXPECT_EQ(rate_limit_rejections(), refused_before);
}

TEST(rate_limit_off, per_second_0_lets_every_request_through)
{
    fake_platform api;
    temp_dir data;
    gateway_process gateway{test_config(api.base_url(), data.path())};  // rate_limit.per_second 0
    gateway.start();
    for (int i = 0; i < 100; ++i)
        ASSERT_NE(http_get(gateway.port(), "/public").status, 429) << "request " << i;
}

TEST(command_line, version_help_and_config_errors)
{
    auto v = run_gateway("--version");
    EXPECT_EQ(v.status, 0);
    EXPECT_NE(v.output.find("petition-gateway "), std::string::npos);
    EXPECT_EQ(run_gateway("--help").status, 0);
    EXPECT_EQ(run_gateway("--frobnicate").status, 2);

    auto ok = run_gateway("--config " PG_SOURCE_DIR "/config/demo/demo.json --check-config");
    EXPECT_EQ(ok.status, 0) << ok.output;

    temp_dir dir;
    auto cfg = test_config("http://127.0.0.1:9", dir.path() / "data");
    cfg["server"]["prot"] = 8080;
    auto const path = dir.path() / "bad.json";
    std::ofstream(path) << cfg.dump();
    auto bad = run_gateway("--config " + path.string() + " --check-config");
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.output.find("bad.json"), std::string::npos) << bad.output;
    EXPECT_NE(bad.output.find("server.prot"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace pg::testing
