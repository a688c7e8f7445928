#include "gateway/metrics.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace pg::gateway {
namespace {

TEST(metrics, concurrent_updates_of_new_and_existing_series_are_all_counted)
{
    metrics m;
    constexpr int threads = 4, updates = 20'000;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&m, t] {
            for (int i = 0; i < updates; ++i) {
                // Every thread races to create the same series, and one of its own.
                m.add("pg_commits_total", {{"result", "committed"}});
                m.add("pg_dialog_steps_total", {{"channel", "chan" + std::to_string(t)}}, 2);
            }
        });
    for (auto& w : workers)
        w.join();

    EXPECT_EQ(m.value("pg_commits_total", {{"result", "committed"}}), std::uint64_t{threads} * updates);
    for (int t = 0; t < threads; ++t)
        EXPECT_EQ(m.value("pg_dialog_steps_total", {{"channel", "chan" + std::to_string(t)}}), 2u * updates);
    EXPECT_EQ(m.value("pg_commits_total", {{"result", "failed"}}), 0u);
}

TEST(metrics, render_lists_each_family_with_its_series_and_escaped_labels)
{
    metrics m;
    m.add("pg_http_requests_total", {{"route", "webhook"}, {"code", "200"}}, 3);
    m.add("pg_webhook_rejected_total", {{"channel", "a\"b\\c\nd"}, {"reason", "bad_signature"}});
    m.add("pg_http_connections_rejected_total", {{"reason", "too_many"}});
    m.gauge("pg_outbox_depth", [] { return 7.0; });
    m.gauge("pg_http_connections", [] { return 2.0; });

    auto const out = m.render();
    EXPECT_NE(out.find("# TYPE pg_http_requests_total counter\n"
                       "pg_http_requests_total{route=\"webhook\",code=\"200\"} 3\n"),
              std::string::npos)
        << out;
    // A gauge whose name begins a counter's lists only its own value.
    EXPECT_NE(out.find("# TYPE pg_http_connections gauge\npg_http_connections 2\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("pg_http_connections_rejected_total{"), out.rfind("pg_http_connections_rejected_total{"));
    EXPECT_NE(out.find("# TYPE pg_http_connections_rejected_total counter\n"
                       "pg_http_connections_rejected_total{reason=\"too_many\"} 1\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("pg_webhook_rejected_total{channel=\"a\\\"b\\\\c\\nd\",reason=\"bad_signature\"} 1\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("pg_outbox_depth 7\n"), std::string::npos) << out;
}

}  // namespace
}  // namespace pg::gateway
