// The head we render for a gather write is, byte for byte, what Beast's own
// serializer writes for the same message.
#include "gateway/http_write.hpp"

#include <boost/beast/http/message.hpp>

#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace pg::gateway {
namespace {

template <bool is_request>
std::string beast_bytes(http::message<is_request, http::string_body> const& m)
{
    std::ostringstream out;
    out << m;
    return out.str();
}

TEST(http_write, a_request_head_is_what_beast_writes)
{
    http::request<http::string_body> req{http::verb::post, "/bot123:abc/sendMessage", 11};
    req.set(http::field::host, "api.telegram.org");
    req.set(http::field::user_agent, "petition-gateway");
    req.set("X-Custom", "a b");
    req.keep_alive(true);
    req.set(http::field::content_type, "application/json");
    req.body() = R"({"chat_id":1,"text":"é"})";
    req.prepare_payload();
    EXPECT_EQ(render_head(req) + req.body(), beast_bytes(req));
}

TEST(http_write, a_response_head_is_what_beast_writes)
{
    for (auto const status : {http::status::ok, http::status::too_many_requests, http::status::service_unavailable}) {
        for (unsigned version : {10u, 11u}) {
            http::response<http::string_body> res{status, version};
            res.set(http::field::content_type, "text/plain; charset=utf-8");
            res.set(http::field::retry_after, "3");
            res.body() = "storage unavailable\n";
            res.keep_alive(false);
            res.prepare_payload();
            EXPECT_EQ(render_head(res) + res.body(), beast_bytes(res)) << int(status) << " " << version;
        }
    }
}

}  // namespace
}  // namespace pg::gateway
