// A citizen files a petition from the gateway's own web page: the real binary,
// real RocksDB, HTTP for messages and history, a real WebSocket for pushed
// replies. No platform is involved: replies are delivered into the history.
#include "tests/support/gateway_process.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <sys/socket.h>
#include <sys/time.h>

namespace pg::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using json = nlohmann::json;
using headers = std::vector<std::pair<std::string, std::string>>;

bool contains(std::string const& hay, std::string const& needle) { return hay.find(needle) != std::string::npos; }

json web_config(std::filesystem::path const& data)
{
    auto c = test_config("http://127.0.0.1:9", data);  // the Telegram channel is never used here
    c["channels"].push_back({{"id", "web"}, {"type", "webchat"}});
    c["server"]["rate_limit"] = {{"per_second", 0}};  // the tests poll the history in a tight loop
    c["web"] = {{"root", PG_SOURCE_DIR "/web"}};
    return c;
}

// One browser: its cookie jar holds the web chat cookie.
class browser {
public:
    explicit browser(unsigned short port) : port_(port) {}

    json session()
    {
        auto r = http_request(port_, "GET", "/chat/web/session", "", jar());
        EXPECT_EQ(r.status, 200) << r.body;
        last_set_cookie = r.header("Set-Cookie");
        if (!last_set_cookie.empty())
            cookie = last_set_cookie.substr(0, last_set_cookie.find(';'));
        return json::parse(r.body);
    }
    http_result post(json const& body, headers extra = {})
    {
        auto h = jar();
        h.insert(h.end(), extra.begin(), extra.end());
        return http_post(port_, "/webhook/web", body.dump(), h);
    }
    http_result post_text(std::string const& id, std::string const& text) { return post({{"id", id}, {"text", text}}); }
    // Every entry after `after`, or an empty array when the call fails.
    json history(std::uint64_t after = 0)
    {
        auto r = http_request(port_, "GET", "/chat/web/history?after=" + std::to_string(after), "", jar());
        last_status = r.status;
        if (r.status != 200)
            return json::array();
        return json::parse(r.body).at("entries");
    }
    // Waits (bounded) until the history holds at least `n` entries.
    json history_of_at_least(std::size_t n)
    {
        json h;
        eventually([&] { return (h = history()).size() >= n; });
        return h;
    }

    headers jar() const { return cookie.empty() ? headers{} : headers{{"Cookie", cookie}}; }

    std::string cookie;  // "pg_chat_web=<id>.<issued>.<mac>"
    std::string last_set_cookie;
    int last_status = 0;

private:
    unsigned short port_;
};

// The gateway's texts, read from the history (gateway entries only, after `after`).
std::vector<std::string> gateway_texts(json const& entries, std::uint64_t after = 0)
{
    std::vector<std::string> out;
    for (auto const& e : entries)
        if (e.at("from") == "gateway" && e.at("seq").get<std::uint64_t>() > after)
            out.push_back(e.at("frame").at("text"));
    return out;
}

// A WebSocket client as the page is: same cookie, same origin.
class socket_client {
public:
    socket_client(unsigned short port, std::string const& cookie, std::uint64_t after,
                  std::string const& origin = "same", std::string host = "")
    {
        ws_.next_layer().connect({net::ip::make_address("127.0.0.1"), port});
        // A bounded wait for every read: a missing push fails instead of hanging.
        timeval tv{15, 0};
        ::setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (host.empty())
            host = "127.0.0.1:" + std::to_string(port);
        auto const sent_origin = origin == "same" ? "http://" + host : origin;
        ws_.set_option(websocket::stream_base::decorator([cookie, sent_origin](websocket::request_type& r) {
            if (!cookie.empty())
                r.set(beast::http::field::cookie, cookie);
            if (!sent_origin.empty())
                r.set(beast::http::field::origin, sent_origin);
        }));
        ws_.handshake(response_, host, "/chat/web/ws", ec_);
        if (!ec_)
            send(json{{"after", after}});
    }
    bool open() const { return !ec_; }
    int refused_status() const { return response_.result_int(); }
    void send(json const& j) { ws_.write(net::buffer(j.dump()), ec_); }
    // The next frame, or null when the socket closed or nothing came in time.
    json next()
    {
        beast::flat_buffer buffer;
        ws_.read(buffer, ec_);
        if (ec_)
            return nullptr;
        return json::parse(beast::buffers_to_string(buffer.data()));
    }
    // Entries until one from the gateway with a seq above `after` has come; all of them.
    std::vector<json> entries_until_gateway_reply()
    {
        std::vector<json> out;
        for (json f = next(); !f.is_null(); f = next()) {
            if (f.at("type") != "entry")
                continue;
            out.push_back(f.at("entry"));
            if (out.back().at("from") == "gateway")
                break;
        }
        return out;
    }
    boost::system::error_code error() const { return ec_; }
    websocket::close_reason reason() const { return ws_.reason(); }

private:
    net::io_context ioc_;
    websocket::stream<net::ip::tcp::socket> ws_{ioc_};
    websocket::response_type response_;
    boost::system::error_code ec_;
};

class webchat : public ::testing::Test {
protected:
    void SetUp() override { gateway->start(); }

    // Posts one text and waits (bounded) for the history to grow by the
    // citizen's entry and `replies` gateway entries; returns the reply texts.
    std::vector<std::string> say(browser& b, std::string const& text, std::size_t replies = 1)
    {
        auto const before = b.history().size();
        auto r = b.post_text("m" + std::to_string(++id_), text);
        EXPECT_EQ(r.status, 200) << r.body;
        auto const h = b.history_of_at_least(before + 1 + replies);
        EXPECT_EQ(h.size(), before + 1 + replies) << gateway->log();
        return gateway_texts(h, before ? h[before - 1].at("seq").get<std::uint64_t>() : 0);
    }

    temp_dir data;
    std::unique_ptr<gateway_process> gateway = std::make_unique<gateway_process>(web_config(data.path()));
    int id_ = 0;
};

TEST_F(webchat, a_citizen_files_a_petition_over_http_and_reads_the_replies)
{
    browser b(gateway->port());
    auto const s = b.session();
    EXPECT_EQ(s.at("new"), true);
    EXPECT_EQ(s.at("post"), "/webhook/web");
    EXPECT_EQ(s.at("socket"), "/chat/web/ws");
    EXPECT_TRUE(b.cookie.starts_with("pg_chat_web=")) << b.last_set_cookie;
    EXPECT_TRUE(contains(b.last_set_cookie, "HttpOnly")) << b.last_set_cookie;
    EXPECT_TRUE(contains(b.last_set_cookie, "SameSite=Strict")) << b.last_set_cookie;
    EXPECT_TRUE(contains(b.last_set_cookie, "Path=/")) << b.last_set_cookie;
    EXPECT_TRUE(b.history().empty());

    auto const welcome = say(b, "/start");
    ASSERT_EQ(welcome.size(), 1u);
    EXPECT_TRUE(contains(welcome[0], "Privacy")) << welcome[0];

    say(b, "1");  // file a request: the categories, as buttons
    auto h = b.history();
    auto const& categories = h.back().at("frame");
    ASSERT_TRUE(categories.contains("buttons")) << categories;
    EXPECT_EQ(categories.at("buttons")[0][0].at("data"), "c:roads") << categories;

    ASSERT_EQ(b.post({{"id", "m-button"}, {"button", "c:roads"}}).status, 200);
    h = b.history_of_at_least(h.size() + 2);
    EXPECT_EQ(h[h.size() - 2].at("frame"), (json{{"kind", "button"}, {"id", "m-button"}, {"data", "c:roads"}}));
    auto const& where = h.back().at("frame");
    EXPECT_TRUE(contains(where.at("text"), "Where exactly is it?")) << where;
    EXPECT_FALSE(where.value("location_label", "").empty()) << where;

    say(b, "Main Street 12, by the bus stop");
    std::string const script = "<script>alert(1)</script>";
    say(b, "A pothole " + script + " about 30 cm wide has been growing for two weeks.");
    say(b, "skip");  // since when
    say(b, "skip");  // what outcome
    auto const summary = say(b, "no photos");
    ASSERT_EQ(summary.size(), 1u);
    // The markup comes back as text inside JSON, exactly as typed: the page
    // inserts it with textContent (checked by the browser test).
    EXPECT_TRUE(contains(summary[0], script)) << summary[0];

    auto const filed = say(b, "send", 2);  // the confirmation, then the menu
    ASSERT_EQ(filed.size(), 2u);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(filed[0], m, std::regex("[0-9A-Z]{4}-[0-9A-Z]{4}"))) << filed[0];
    EXPECT_TRUE(contains(filed[0], "Thank you, your request has been sent.")) << filed[0];

    // A reload: the same cookie, the same session, the whole conversation in order.
    auto const again = b.session();
    EXPECT_EQ(again.at("new"), false);
    auto const all = b.history();
    ASSERT_EQ(all.size(), 19u);
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(all[i].at("seq"), i + 1);
    EXPECT_EQ(all[0].at("from"), "citizen");
    EXPECT_EQ(all[0].at("frame").at("text"), "/start");
    bool script_kept = false;
    for (auto const& e : all)
        script_kept = script_kept || (e.at("from") == "citizen" && contains(e.at("frame").value("text", ""), script));
    EXPECT_TRUE(script_kept);
    EXPECT_EQ(b.history(10).size(), 9u);

    // A resend of a message already processed changes nothing.
    ASSERT_EQ(b.post_text("m1", "/start").status, 200);
    EXPECT_EQ(b.history().size(), 19u);
}

TEST_F(webchat, a_websocket_gets_replies_pushed_and_what_it_missed)
{
    browser b(gateway->port());
    b.session();
    socket_client ws(gateway->port(), b.cookie, 0);
    ASSERT_TRUE(ws.open()) << ws.refused_status() << "\n" << gateway->log();

    ASSERT_EQ(b.post_text("hello", "/start").status, 200);
    auto first = ws.entries_until_gateway_reply();
    ASSERT_EQ(first.size(), 2u) << gateway->log();
    EXPECT_EQ(first[0].at("seq"), 1);
    EXPECT_EQ(first[0].at("from"), "citizen");
    EXPECT_EQ(first[1].at("seq"), 2);
    EXPECT_TRUE(contains(first[1].at("frame").at("text"), "Privacy"));

    // A message sent on the socket itself takes the same road.
    ws.send({{"id", "over-socket"}, {"text", "1"}});
    auto second = ws.entries_until_gateway_reply();
    ASSERT_EQ(second.size(), 2u) << gateway->log();
    EXPECT_EQ(second[0].at("frame").at("id"), "over-socket");
    EXPECT_TRUE(second[1].at("frame").contains("buttons"));
    // A bad one is answered on the socket, naming the field.
    ws.send({{"id", "bad"}});
    auto const error = ws.next();
    EXPECT_EQ(error.at("type"), "error");
    EXPECT_EQ(error.at("error"), "body: expected one of text, button, location");

    // Another tab of the same browser, opened later, starts where it says.
    socket_client later(gateway->port(), b.cookie, 3);
    ASSERT_TRUE(later.open());
    auto const caught_up = later.next();
    EXPECT_EQ(caught_up.at("entry").at("seq"), 4);

    // Shutdown closes the sockets: "going away", and the gateway exits cleanly.
    EXPECT_EQ(gateway->terminate(), 0) << gateway->log();
    EXPECT_TRUE(ws.next().is_null());
    EXPECT_EQ(ws.reason().code, websocket::close_code::going_away);
}

TEST_F(webchat, history_survives_kill_9_and_what_was_missed_arrives)
{
    browser b(gateway->port());
    b.session();
    say(b, "/start");
    say(b, "1");
    auto const seen = b.history().back().at("seq").get<std::uint64_t>();  // what the page had drawn: 4

    // The page is away while the citizen's next message is answered; then the
    // gateway dies without a chance to flush.
    ASSERT_EQ(b.post({{"id", "away"}, {"button", "c:roads"}}).status, 200);
    b.history_of_at_least(6);
    gateway->kill_hard();
    gateway->start();  // on a new port: the same browser, cookie and all, reconnects there
    auto const cookie = b.cookie;
    b = browser(gateway->port());
    b.cookie = cookie;

    // The same cookie still holds (the generated secret was kept), and the
    // socket delivers everything after what the page had.
    auto const s = b.session();
    EXPECT_EQ(s.at("new"), false);
    socket_client ws(gateway->port(), b.cookie, seen);
    ASSERT_TRUE(ws.open()) << ws.refused_status();
    auto const missed = ws.entries_until_gateway_reply();
    ASSERT_EQ(missed.size(), 2u);
    EXPECT_EQ(missed[0].at("seq"), seen + 1);
    EXPECT_EQ(missed[0].at("frame").at("data"), "c:roads");
    EXPECT_TRUE(contains(missed[1].at("frame").at("text"), "Where exactly is it?"));
    auto const all = b.history();
    ASSERT_EQ(all.size(), 6u);
    for (std::size_t i = 0; i < all.size(); ++i)
        EXPECT_EQ(all[i].at("seq"), i + 1);
    if (!gateway_on_postgresql()) {  // there the key is configured: every node needs the same
        EXPECT_TRUE(std::filesystem::exists(data.path() / "webchat_session_secret"));
        EXPECT_EQ(std::filesystem::status(data.path() / "webchat_session_secret").permissions() &
                      std::filesystem::perms::all,
                  std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }

    // The conversation goes on where it was.
    auto const next = say(b, "Main Street 12, by the bus stop");
    ASSERT_EQ(next.size(), 1u);
}

TEST_F(webchat, a_session_sees_only_its_own_conversation)
{
    browser alice(gateway->port());
    browser bob(gateway->port());
    alice.session();
    bob.session();
    EXPECT_NE(alice.cookie, bob.cookie);
    say(alice, "/start");
    say(alice, "My secret street 1");

    EXPECT_TRUE(bob.history().empty());
    say(bob, "/start");
    auto const h = bob.history();
    ASSERT_EQ(h.size(), 2u);
    for (auto const& e : h)
        EXPECT_FALSE(contains(e.dump(), "secret street")) << e;
    // Bob's socket hears nothing of Alice's conversation.
    socket_client ws(gateway->port(), bob.cookie, 2);
    ASSERT_TRUE(ws.open());
    say(alice, "help");
    say(bob, "help");
    auto const pushed = ws.entries_until_gateway_reply();
    ASSERT_EQ(pushed.size(), 2u);
    EXPECT_EQ(pushed[0].at("seq"), 3);
    EXPECT_EQ(pushed[0].at("frame").at("text"), "help");

    // Without a cookie there is no history to read.
    browser stranger(gateway->port());
    EXPECT_TRUE(stranger.history().empty());
    EXPECT_EQ(stranger.last_status, 401);
}

TEST_F(webchat, a_forged_cookie_gets_401_and_changes_nothing)
{
    browser b(gateway->port());
    b.session();
    say(b, "/start");
    auto const before = b.history();

    // Another session id under this session's MAC, and a MAC of the right shape.
    browser forger(gateway->port());
    auto const value = b.cookie.substr(b.cookie.find('=') + 1);
    auto const id = value.substr(0, value.find('.'));
    std::string other_id = id;
    other_id[0] = other_id[0] == 'a' ? 'b' : 'a';
    for (auto const& forged : {"pg_chat_web=" + other_id + value.substr(id.size()),
                               "pg_chat_web=" + id + value.substr(id.size(), 12) + std::string(64, 'f'),
                               std::string("pg_chat_web=garbage")}) {
        forger.cookie = forged;
        auto const r = forger.post_text("f1", "/start");
        EXPECT_EQ(r.status, 401) << forged;
        EXPECT_TRUE(forger.history().empty());
        EXPECT_EQ(forger.last_status, 401);
        socket_client ws(gateway->port(), forged, 0);
        EXPECT_FALSE(ws.open());
        EXPECT_EQ(ws.refused_status(), 401);
    }
    EXPECT_EQ(b.history(), before);
    // A session call with a forged cookie starts a new session, not the forged one.
    auto const fresh = forger.session();
    EXPECT_EQ(fresh.at("new"), true);
    EXPECT_FALSE(contains(forger.cookie, other_id));
}

TEST_F(webchat, cross_origin_posts_and_sockets_are_refused)
{
    browser b(gateway->port());
    b.session();
    auto const evil = b.post({{"id", "x1"}, {"text", "/start"}}, {{"Origin", "http://evil.example"}});
    EXPECT_EQ(evil.status, 401);
    EXPECT_TRUE(contains(evil.body, "Origin")) << evil.body;
    EXPECT_TRUE(b.history().empty());

    socket_client ws(gateway->port(), b.cookie, 0, "http://evil.example");
    EXPECT_FALSE(ws.open());
    EXPECT_EQ(ws.refused_status(), 403);

    // The page's own origin is fine (the test client's Host header is "127.0.0.1").
    auto const own = b.post({{"id", "x2"}, {"text", "/start"}}, {{"Origin", "http://127.0.0.1"}});
    EXPECT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(b.history_of_at_least(2).size(), 2u);
}

TEST_F(webchat, the_page_and_its_assets_are_served_with_a_strict_policy)
{
    auto const page = http_get(gateway->port(), "/");
    ASSERT_EQ(page.status, 200);
    EXPECT_TRUE(contains(page.header("Content-Type"), "text/html"));
    EXPECT_TRUE(contains(page.header("Content-Security-Policy"), "default-src 'self'"));
    EXPECT_TRUE(contains(page.body, "data-testid=\"message-list\"")) << page.body;
    EXPECT_TRUE(contains(page.body, "/web/chat/chat.js"));
    EXPECT_FALSE(contains(page.body, "<script>"));  // no inline script: the policy would block it
    auto const script = http_get(gateway->port(), "/web/chat/chat.js");
    EXPECT_EQ(script.status, 200);
    EXPECT_TRUE(contains(script.header("Content-Type"), "javascript"));
    EXPECT_FALSE(contains(script.body, "innerHTML"));
    EXPECT_EQ(http_get(gateway->port(), "/web/chat/chat.css").status, 200);

    // The JSON calls carry the same headers and are never cached.
    auto const r = http_request(gateway->port(), "GET", "/chat/web/session", "", {});
    EXPECT_EQ(r.header("Cache-Control"), "no-store");
    EXPECT_TRUE(contains(r.header("Content-Security-Policy"), "default-src 'self'"));
    EXPECT_EQ(http_get(gateway->port(), "/chat/nope/session").status, 404);
    EXPECT_EQ(http_get(gateway->port(), "/chat/telegram/session").status, 404);
    // Counted like every other route.
    auto const metrics = http_get(gateway->port(), "/metrics").body;
    EXPECT_TRUE(contains(metrics, "pg_http_requests_total{route=\"chat\",code=\"404\"} 2")) << metrics;
}

// ---- limits on what one client and one session may send (issue 15, item 4) ----

// What became of each message sent on a socket: refused with an error frame
// naming it, or stored (its citizen entry comes back). Reads until every id is
// accounted for; the reads are bounded by the socket's timeout.
struct socket_outcome {
    std::map<std::string, json> refused;  // id -> the error frame
    std::set<std::string> stored;
};

socket_outcome send_and_account(socket_client& ws, std::vector<std::string> const& ids)
{
    for (auto const& id : ids)
        ws.send({{"id", id}, {"text", "message " + id}});
    socket_outcome out;
    while (out.refused.size() + out.stored.size() < ids.size()) {
        auto const f = ws.next();
        if (f.is_null())
            break;
        if (f.at("type") == "error" && f.contains("id"))
            out.refused[f.at("id")] = f;
        else if (f.at("type") == "entry" && f.at("entry").at("from") == "citizen")
            out.stored.insert(f.at("entry").at("frame").value("id", ""));
    }
    return out;
}

std::vector<std::string> numbered(std::string const& prefix, int n)
{
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i)
        ids.push_back(prefix + std::to_string(i));
    return ids;
}

TEST_F(webchat, socket_messages_take_tokens_from_the_same_bucket_as_http_posts)
{
    auto c = web_config(data.path());
    // A bucket of 6: the session call and the upgrade take 2; 1 a second comes back.
    c["server"]["rate_limit"] = {{"per_second", 1}, {"burst", 6}, {"session_per_minute", 0}};
    gateway = std::make_unique<gateway_process>(c);
    gateway->start();
    browser b(gateway->port());
    b.session();
    socket_client ws(gateway->port(), b.cookie, 0);
    ASSERT_TRUE(ws.open()) << ws.refused_status();

    auto const ids = numbered("flood-", 20);
    auto const out = send_and_account(ws, ids);
    ASSERT_EQ(out.refused.size() + out.stored.size(), ids.size()) << gateway->log();
    ASSERT_FALSE(out.refused.empty()) << "all " << out.stored.size() << " socket messages were stored";
    EXPECT_LE(out.stored.size(), 10u);
    for (auto const& [id, frame] : out.refused) {
        EXPECT_EQ(frame.at("error"), "too many requests") << frame;
        EXPECT_GE(frame.at("retry_after").get<int>(), 1) << frame;
    }
    // Nothing refused was stored: the history (read once the bucket has a token again) has only the others.
    json h;
    eventually([&] { return !(h = b.history()).empty(); });
    std::set<std::string> in_history;
    for (auto const& e : h)
        if (e.at("from") == "citizen")
            in_history.insert(e.at("frame").value("id", ""));
    EXPECT_EQ(in_history, out.stored);
    auto const metrics = http_get(gateway->port(), "/metrics").body;
    EXPECT_TRUE(contains(metrics, "pg_webchat_messages_refused_total{channel=\"web\",reason=\"rate_limit\"} " +
                                      std::to_string(out.refused.size())))
        << metrics;
}

TEST_F(webchat, one_session_may_send_only_so_many_messages_however_it_sends_them)
{
    auto c = web_config(data.path());
    c["server"]["rate_limit"] = {{"per_second", 0}, {"session_per_minute", 1}, {"session_burst", 4}};
    gateway = std::make_unique<gateway_process>(c);
    gateway->start();
    browser b(gateway->port());
    b.session();
    socket_client ws(gateway->port(), b.cookie, 0);
    ASSERT_TRUE(ws.open()) << ws.refused_status();

    auto const ids = numbered("s-", 8);
    auto const out = send_and_account(ws, ids);
    ASSERT_EQ(out.refused.size() + out.stored.size(), ids.size()) << gateway->log();
    ASSERT_FALSE(out.refused.empty()) << "all " << out.stored.size() << " socket messages were stored";
    EXPECT_GE(out.stored.size(), 4u);  // the burst
    for (auto const& [id, frame] : out.refused)
        EXPECT_EQ(frame.at("error"), "too many messages") << frame;

    // A post of the same session is over the same limit; another session is not.
    auto const posted = b.post_text("s-post", "one more");
    EXPECT_EQ(posted.status, 429) << posted.body;
    EXPECT_FALSE(posted.header("Retry-After").empty());
    browser other(gateway->port());
    other.session();
    EXPECT_EQ(other.post_text("o-1", "/start").status, 200);

    std::set<std::string> in_history;
    for (auto const& e : b.history())
        if (e.at("from") == "citizen")
            in_history.insert(e.at("frame").value("id", ""));
    EXPECT_EQ(in_history, out.stored);
}

TEST_F(webchat, a_conversation_keeps_only_its_newest_entries)
{
    auto c = web_config(data.path());
    c["storage"]["webchat_history_max"] = 10;
    c["server"]["rate_limit"] = {{"per_second", 0}, {"session_per_minute", 0}};
    gateway = std::make_unique<gateway_process>(c);
    gateway->start();
    browser b(gateway->port());
    b.session();
    // Each message and its reply: two entries. Eight of them make 16 or more.
    for (int i = 0; i < 8; ++i)
        ASSERT_EQ(b.post_text("h" + std::to_string(i), "/start").status, 200);
    json h;
    eventually([&] {
        h = b.history();
        return !h.empty() && h.back().at("seq").get<std::uint64_t>() >= 16;
    });
    ASSERT_FALSE(h.empty());
    auto const last = h.back().at("seq").get<std::uint64_t>();
    ASSERT_GE(last, 16u) << gateway->log();
    ASSERT_EQ(h.size(), 10u) << h.dump();
    for (std::size_t i = 0; i < h.size(); ++i)
        EXPECT_EQ(h[i].at("seq").get<std::uint64_t>(), last - 9 + i);
}

// ---- cookies, hosts, HEAD and directories (issue 15, item 10) ----

TEST_F(webchat, the_session_cookie_is_secure_behind_https_or_when_configured)
{
    auto const plain = http_request(gateway->port(), "GET", "/chat/web/session", "", {});
    EXPECT_FALSE(contains(plain.header("Set-Cookie"), "Secure")) << plain.header("Set-Cookie");
    auto const proxied =
        http_request(gateway->port(), "GET", "/chat/web/session", "", {{"X-Forwarded-Proto", "https"}});
    EXPECT_TRUE(contains(proxied.header("Set-Cookie"), "; Secure")) << proxied.header("Set-Cookie");

    gateway->terminate();
    auto c = web_config(data.path());
    c["channels"].back()["secure_cookie"] = true;
    gateway = std::make_unique<gateway_process>(c);
    gateway->start();
    auto const configured = http_request(gateway->port(), "GET", "/chat/web/session", "", {});
    EXPECT_TRUE(contains(configured.header("Set-Cookie"), "; Secure")) << configured.header("Set-Cookie");
}

TEST_F(webchat, requests_for_a_host_not_allowed_get_421_and_change_nothing)
{
    auto const port = gateway->port();
    headers const evil{{"Host", "rebound.example:" + std::to_string(port)}};
    // Pages, web chat calls and the console.
    for (std::string const target : {"/", "/web/chat/chat.js", "/chat/web/session", "/chat/web/history", "/public",
                                     "/public/api/figures"})
        EXPECT_EQ(http_request(port, "GET", target, "", evil).status, 421) << target;
    auto const session = http_request(port, "GET", "/chat/web/session", "", evil);
    EXPECT_TRUE(session.header("Set-Cookie").empty());

    // A citizen's real session, used from a page served under the other name:
    // a post and a socket are refused and nothing is stored.
    browser b(port);
    b.session();
    auto h = b.jar();
    h.insert(h.end(), evil.begin(), evil.end());
    h.emplace_back("Origin", "http://rebound.example:" + std::to_string(port));
    auto const posted = http_post(port, "/webhook/web", json{{"id", "r1"}, {"text", "/start"}}.dump(), h);
    EXPECT_EQ(posted.status, 421) << posted.body;
    socket_client ws(port, b.cookie, 0, "http://rebound.example:" + std::to_string(port),
                     "rebound.example:" + std::to_string(port));
    EXPECT_FALSE(ws.open());
    EXPECT_EQ(ws.refused_status(), 421);
    EXPECT_TRUE(b.history().empty());

    // The names it listens on pass, with or without a port; probes are not checked.
    for (auto const& host : {std::string("127.0.0.1"), "127.0.0.1:" + std::to_string(port), std::string("localhost:1"),
                             std::string("LOCALHOST")})
        EXPECT_EQ(http_request(port, "GET", "/", "", {{"Host", host}}).status, 200) << host;
    EXPECT_EQ(http_request(port, "GET", "/healthz", "", evil).status, 200);

    // A configured list replaces the defaults.
    gateway->terminate();
    auto c = web_config(data.path());
    c["server"]["allowed_hosts"] = {"petitions.example.org"};
    gateway = std::make_unique<gateway_process>(c);
    gateway->start();
    EXPECT_EQ(http_request(gateway->port(), "GET", "/", "", {{"Host", "petitions.example.org:443"}}).status, 200);
    EXPECT_EQ(http_request(gateway->port(), "GET", "/", "", {}).status, 421);
}

// The raw answer to one request on its own connection, read to the end: a HEAD
// answer's body, if any, is whatever follows the head.
std::string raw_exchange(unsigned short port, std::string const& request)
{
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    timeval tv{15, 0};
    ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    net::write(socket, net::buffer(request));
    std::string out;
    char buf[4096];
    boost::system::error_code ec;
    while (auto n = socket.read_some(net::buffer(buf), ec))
        out.append(buf, n);
    return out;
}

TEST_F(webchat, head_answers_the_headers_of_get_without_a_body)
{
    auto const port = gateway->port();
    for (std::string const target : {"/", "/web/chat/chat.js", "/chat/web/session", "/healthz"}) {
        auto const get = http_request(port, "GET", target, "", {});
        ASSERT_EQ(get.status, 200) << target;
        auto const raw = raw_exchange(port, "HEAD " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        auto const end = raw.find("\r\n\r\n");
        ASSERT_NE(end, std::string::npos) << raw;
        EXPECT_TRUE(raw.starts_with("HTTP/1.1 200")) << target << ": " << raw.substr(0, end);
        EXPECT_EQ(raw.size(), end + 4) << target << ": a body after the head: " << raw.substr(end + 4, 80);
        std::smatch m;
        auto const head = raw.substr(0, end);
        ASSERT_TRUE(std::regex_search(head, m, std::regex("Content-Length: (\\d+)", std::regex::icase))) << head;
        EXPECT_EQ(std::stoul(m[1]), get.body.size()) << target;
    }
}

TEST_F(webchat, a_directory_under_web_is_not_found)
{
    auto const port = gateway->port();
    for (std::string const target : {"/web/chat", "/web/staff", "/web/chat/", "/web/nothing-here.js"}) {
        auto const r = http_get(port, target);
        EXPECT_EQ(r.status, 404) << target << " answered " << r.status << " with " << r.body.size() << " bytes";
    }
    EXPECT_EQ(http_get(port, "/web/chat/chat.js").status, 200);
}

}  // namespace
}  // namespace pg::testing
