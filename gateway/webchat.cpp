#include "gateway/webchat.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/origin.hpp"
#include "adapters/webchat/webchat.hpp"
#include "gateway/blocking.hpp"
#include "gateway/channel.hpp"
#include "gateway/console_sessions.hpp"
#include "gateway/http_write.hpp"
#include "gateway/kept_secret.hpp"
#include "gateway/lanes.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/static_files.hpp"
#include "gateway/unit_runner.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <deque>
#include <filesystem>
#include <optional>
#include <stdexcept>

namespace pg::gateway {
namespace {

namespace wc = adapters::webchat;
namespace websocket = beast::websocket;
using json = nlohmann::json;

constexpr std::size_t history_page = 500;         // entries per history answer
constexpr std::size_t socket_page = 200;          // entries per store read for a socket
constexpr std::size_t socket_message_max = 16 * 1024;  // bytes: a message with 4096 emoji fits
// Error frames waiting for a client that sends but does not read: past this
// many, the socket is closed rather than the queue grown.
constexpr std::size_t unread_errors_max = 32;

// "/chat/web/history" -> {"web", "history"}; nullopt for anything else.
std::optional<std::pair<std::string_view, std::string_view>> split_chat_target(std::string_view target)
{
    if (!target.starts_with("/chat/"))
        return std::nullopt;
    auto const rest = target.substr(6);
    auto const slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0)
        return std::nullopt;
    return std::pair{rest.substr(0, slash), rest.substr(slash + 1)};
}

// after=N from the query; 0 when absent, nullopt when not a number.
std::optional<std::uint64_t> after_param(std::string_view target)
{
    auto const q = target.find('?');
    if (q == std::string_view::npos)
        return 0;
    auto query = target.substr(q + 1);
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        if (pair.starts_with("after=")) {
            auto const digits = pair.substr(6);
            std::uint64_t n = 0;
            auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
            if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size())
                return std::nullopt;
            return n;
        }
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    }
    return 0;
}

// The headers a web chat parse looks at, from the request that carried them.
model::raw_request session_headers(request const& req)
{
    model::raw_request raw;
    raw.method = "POST";
    raw.target = std::string(req.target());
    for (auto const& f : req)
        if (f.name() == http::field::cookie || f.name() == http::field::host || f.name() == http::field::origin)
            raw.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return raw;
}

// {"seq":N,"at":ms,"from":"citizen","frame":{...}}: the frame is JSON we wrote.
std::string entry_json(storage::history_entry const& e)
{
    return R"({"seq":)" + std::to_string(e.seq) + R"(,"at":)" + std::to_string(model::to_millis(e.at)) +
           R"(,"from":)" + json(e.from).dump() + R"(,"frame":)" + (e.frame.empty() ? "{}" : e.frame) + "}";
}

response json_reply(http::status status, std::string body, unsigned version)
{
    response res{status, version};
    res.set(http::field::content_type, "application/json");
    add_page_security_headers(res);
    res.set(http::field::cache_control, "no-store");  // a conversation is never cached
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response json_error(http::status status, std::string const& message, unsigned version)
{
    return json_reply(status, json{{"error", message}}.dump(), version);
}

// One of the web chat channel's own settings (adapters/webchat/platform.cpp).
template <class T>
T option(channel const& ch, char const* key, T fallback)
{
    return ch.settings.options ? ch.settings.options->value(key, fallback) : fallback;
}

}  // namespace

void provide_session_secrets(std::vector<config::channel_settings>& channels, std::string const& data_dir)
{
    std::string key;
    for (auto& c : channels) {
        if (c.type != adapters::webchat::type_name || !c.options || !c.options->value("session_secret", "").empty())
            continue;
        if (key.empty())
            key = read_or_make_key(std::filesystem::path(data_dir) / webchat_secret_file,
                                   "every web chat session then starts over");
        // One key per channel: a cookie of one channel means nothing on another.
        auto options = *c.options;
        options["session_secret"] = adapters::to_hex(adapters::hmac_sha256(key, "webchat-session:" + c.id));
        c.options = std::make_shared<nlohmann::json const>(std::move(options));
    }
}

// One open WebSocket. Everything here runs on the socket's strand.
struct webchat::socket_session {
    explicit socket_session(beast::tcp_stream s) : ws(std::move(s)), wake(ws.get_executor()) {}

    websocket::stream<beast::tcp_stream> ws;
    net::steady_timer wake;            // the writer sleeps on it; notify() cancels it
    std::string channel_id;
    std::string chat_id;
    model::raw_request headers;        // of the upgrade: messages sent on the socket carry its cookie
    source_admission admit;            // the client's per-address bucket
    std::uint64_t cursor = 0;          // the last seq sent
    bool dirty = true;                 // the history may have grown since the writer last read it
    bool closing = false;
    std::deque<std::string> control;   // frames to send before the next entries (errors)

    std::string key() const { return channel_id + '\n' + chat_id; }
    void poke()
    {
        dirty = true;
        wake.cancel();
    }
};

webchat::webchat(channel_table& channels, storage::store& store, net::thread_pool& pool, lanes& lanes,
                 unit_runner& runner, metrics& m, config::server_settings const& server,
                 clock_fn clock)
    : channels_(channels),
      store_(store),
      pool_(pool),
      lanes_(lanes),
      runner_(runner),
      metrics_(m),
      server_(server),
      clock_(std::move(clock))
{
    auto const& r = server.rate_limit;
    if (r.session_per_minute > 0)
        session_limiter_ = std::make_unique<rate_limiter>(
            rate_limit{r.session_per_minute / 60.0, double(r.session_burst), r.max_sources});
    channels_.deliver_locally(adapters::webchat::type_name,
                              [this](model::outbox_entry const& e, std::string const& body) { return deliver(e, body); });
}

webchat::~webchat() = default;

model::delivery_verdict webchat::deliver(model::outbox_entry const& e, std::string const& frame)
{
    auto const& m = e.message;
    storage::history_append const line{m.channel_id, m.chat_id, {0, clock_(), "gateway", frame}};
    model::delivery_verdict v;
    switch (store_.deliver_to_history(e.seq, line)) {
    case storage::local_delivery::appended: notify(m.channel_id, m.chat_id); break;
    case storage::local_delivery::already_delivered: break;  // a replay after a crash: shown once
    case storage::local_delivery::failed:
        v.outcome = model::delivery::retry;
        v.reason = "history append failed";
        break;
    }
    return v;
}

std::optional<std::chrono::seconds> webchat::over_session_rate(std::string_view channel_id, std::string_view chat_id)
{
    if (!session_limiter_)
        return std::nullopt;
    auto const d = session_limiter_->take(std::string(channel_id) + '\n' + std::string(chat_id),
                                          std::chrono::steady_clock::now());
    if (d.allowed)
        return std::nullopt;
    metrics_.add("pg_webchat_messages_refused_total", {{"channel", channel_id}, {"reason", "session_rate"}});
    return d.retry_after;
}

void webchat::notify(std::string const& channel_id, std::string const& chat_id)
{
    std::vector<std::shared_ptr<socket_session>> targets;
    {
        std::lock_guard lock(mutex_);
        auto const [from, to] = live_.equal_range(channel_id + '\n' + chat_id);
        for (auto it = from; it != to; ++it)
            if (auto s = it->second.lock())
                targets.push_back(std::move(s));
    }
    for (auto& s : targets)
        net::post(s->ws.get_executor(), [s] { s->poke(); });
}

void webchat::stop()
{
    std::vector<std::shared_ptr<socket_session>> all;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto const& [key, weak] : live_)
            if (auto s = weak.lock())
                all.push_back(std::move(s));
    }
    for (auto& s : all)
        net::post(s->ws.get_executor(), [s] {
            s->closing = true;
            s->wake.cancel();
        });
}

bool webchat::add(std::shared_ptr<socket_session> const& s)
{
    std::lock_guard lock(mutex_);
    if (stopping_)
        return false;
    live_.emplace(s->key(), s);
    return true;
}

void webchat::remove(socket_session const* s)
{
    std::lock_guard lock(mutex_);
    auto const [from, to] = live_.equal_range(s->key());
    for (auto it = from; it != to;) {
        auto const held = it->second.lock();
        if (!held || held.get() == s)
            it = live_.erase(it);
        else
            ++it;
    }
}

net::awaitable<response> webchat::handle(request const& req, std::string_view target)
{
    auto const version = req.version();
    auto done = [&](response res) {
        metrics_.add("pg_http_requests_total", {{"route", "webchat"}, {"code", std::to_string(res.result_int())}});
        return res;
    };
    auto const parts = split_chat_target(target);
    auto const* ch = parts ? channels_.find(parts->first) : nullptr;
    if (!ch || ch->settings.type != adapters::webchat::type_name)
        co_return done(json_error(http::status::not_found, "no such web chat", version));
    if (req.method() != http::verb::get)
        co_return done(json_error(http::status::method_not_allowed, "GET only", version));
    auto const& id = ch->settings.id;
    auto const secret = option(*ch, "session_secret", std::string());
    auto const now = clock_();
    auto const cookie = req[http::field::cookie];
    auto session = wc::verify_session(std::string_view(cookie.data(), cookie.size()), id, secret, now);

    if (parts->second == "session") {
        bool const fresh = !session;
        if (fresh)
            session = wc::new_session_id(random_bytes(wc::session_id_bytes));
        json body{{"channel", id},
                  {"new", fresh},
                  {"post", "/webhook/" + id},
                  {"history", "/chat/" + id + "/history"},
                  {"socket", "/chat/" + id + "/ws"},
                  {"limits", {{"text", wc::max_text_units}}}};
        auto res = json_reply(http::status::ok, body.dump(), version);
        // Re-issued on every visit: a citizen who keeps coming back never expires.
        bool const secure = option(*ch, "secure_cookie", false) || adapters::forwarded_https(req["X-Forwarded-Proto"]);
        res.set(http::field::set_cookie, wc::set_cookie(id, wc::cookie_value(*session, now, secret), secure));
        co_return done(std::move(res));
    }
    if (parts->second == "history") {
        if (!session)
            co_return done(json_error(http::status::unauthorized, "no session: GET /chat/" + id + "/session first",
                                      version));
        auto const after = after_param(req.target());
        if (!after)
            co_return done(json_error(http::status::bad_request, "after: expected a whole number", version));
        auto entries = co_await run_blocking(pool_.get_executor(), [&]() -> std::optional<std::vector<storage::history_entry>> {
            try {
                return store_.history(id, *session, *after, history_page + 1);
            } catch (storage::unavailable const& e) {
                log::error("history_read_failed", {{"channel", id}, {"error", e.what()}});
                return std::nullopt;
            }
        });
        if (!entries)
            co_return done(json_error(http::status::service_unavailable, "storage unavailable", version));
        bool const more = entries->size() > history_page;
        if (more)
            entries->pop_back();
        std::string body = R"({"entries":[)";
        for (std::size_t i = 0; i < entries->size(); ++i)
            body += (i ? "," : "") + entry_json((*entries)[i]);
        body += std::string(R"(],"more":)") + (more ? "true" : "false") + "}";
        co_return done(json_reply(http::status::ok, std::move(body), version));
    }
    if (parts->second == "ws")
        co_return done(json_error(http::status::upgrade_required, "a WebSocket upgrade is expected here", version));
    co_return done(json_error(http::status::not_found, "not found", version));
}

net::awaitable<void> webchat::upgrade(beast::tcp_stream stream, request req, source_admission admit)
{
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    auto refuse = [&](http::status status, std::string const& why) -> net::awaitable<void> {
        metrics_.add("pg_http_requests_total", {{"route", "webchat_ws"}, {"code", std::to_string(int(status))}});
        auto res = json_error(status, why, req.version());
        res.keep_alive(false);
        stream.expires_after(server_.read_timeout);
        co_await write_message(stream, res);
        boost::system::error_code ignored;
        stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    };

    auto const parts = split_chat_target(target);
    auto const* ch = parts && parts->second == "ws" ? channels_.find(parts->first) : nullptr;
    if (!ch || ch->settings.type != adapters::webchat::type_name) {
        co_await refuse(http::status::not_found, "no such web chat socket");
        co_return;
    }
    // Another site's name resolving to us (DNS rebinding) makes Origin and Host agree.
    if (!adapters::host_allowed(req[http::field::host], server_.allowed_hosts)) {
        co_await refuse(http::status::misdirected_request, "Host is not one this gateway serves");
        co_return;
    }
    auto headers = session_headers(req);
    // A page of another site may open a socket to us with the citizen's cookie
    // (SameSite aside): the Origin check is what stops it.
    if (wc::cross_origin(headers)) {
        co_await refuse(http::status::forbidden, "Origin does not match Host");
        co_return;
    }
    auto session = wc::verify_session(headers.header("Cookie"), ch->settings.id, option(*ch, "session_secret", std::string()), clock_());
    if (!session) {
        co_await refuse(http::status::unauthorized, "no session: GET /chat/" + ch->settings.id + "/session first");
        co_return;
    }
    bool stopping = false;
    {
        std::lock_guard lock(mutex_);
        stopping = stopping_;
    }
    if (stopping) {
        co_await refuse(http::status::service_unavailable, "shutting down");
        co_return;
    }

    stream.expires_never();  // the WebSocket's own timeouts take over
    auto s = std::make_shared<socket_session>(std::move(stream));
    s->channel_id = ch->settings.id;
    s->chat_id = std::move(*session);
    s->headers = std::move(headers);
    s->admit = std::move(admit);
    // Idle: a ping at half the idle timeout, closed when the client does not answer.
    websocket::stream_base::timeout t{};
    t.handshake_timeout = server_.header_timeout;
    t.idle_timeout = server_.idle_timeout;
    t.keep_alive_pings = true;
    s->ws.set_option(t);
    s->ws.read_message_max(socket_message_max);
    auto [ec] = co_await s->ws.async_accept(req, use_tuple);
    metrics_.add("pg_http_requests_total", {{"route", "webchat_ws"}, {"code", ec ? "400" : "101"}});
    if (ec)
        co_return;
    ++sockets_;
    co_await serve_socket(s);
    --sockets_;
}

net::awaitable<void> webchat::serve_socket(std::shared_ptr<socket_session> s)
{
    beast::flat_buffer buffer;
    // The page says where it is: {"after": N}, the last seq it has drawn.
    auto [ec, n] = co_await s->ws.async_read(buffer, use_tuple);
    if (ec)
        co_return;
    auto const hello = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    auto const after = hello.is_object() ? hello.find("after") : hello.end();
    if (!hello.is_object() || after == hello.end() || !after->is_number_unsigned()) {
        co_await s->ws.async_close(websocket::close_reason(websocket::close_code::policy_error, "expected {\"after\": N}"),
                                   use_tuple);
        co_return;
    }
    s->cursor = after->get<std::uint64_t>();
    if (!add(s)) {  // stop() ran while this one was opening
        co_await s->ws.async_close(websocket::close_code::going_away, use_tuple);
        co_return;
    }
    net::co_spawn(s->ws.get_executor(), write_loop(s), net::detached);

    for (;;) {
        auto [rec, rn] = co_await s->ws.async_read(buffer, use_tuple);
        if (rec)
            break;
        auto const text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        if (!co_await accept_message(s, text))
            break;
    }
    remove(s.get());
    s->closing = true;
    s->wake.cancel();
}

net::awaitable<void> webchat::write_loop(std::shared_ptr<socket_session> s)
{
    auto send = [&](std::string const& frame) -> net::awaitable<bool> {
        s->ws.text(true);
        auto [ec, n] = co_await s->ws.async_write(net::buffer(frame), use_tuple);
        co_return !ec;
    };
    while (!s->closing) {
        if (!s->control.empty()) {
            auto const frame = std::move(s->control.front());
            s->control.pop_front();
            if (!co_await send(frame))
                break;
            continue;
        }
        if (!s->dirty) {
            s->wake.expires_at(net::steady_timer::time_point::max());
            co_await s->wake.async_wait(use_tuple);
            continue;
        }
        s->dirty = false;
        auto entries = co_await run_blocking(pool_.get_executor(), [&]() -> std::optional<std::vector<storage::history_entry>> {
            try {
                return store_.history(s->channel_id, s->chat_id, s->cursor, socket_page);
            } catch (storage::unavailable const& e) {
                log::error("history_read_failed", {{"channel", s->channel_id}, {"error", e.what()}});
                return std::nullopt;
            }
        });
        if (!entries) {  // the page reconnects, or polls, and asks again
            s->closing = true;
            break;
        }
        bool sent = true;
        for (auto const& e : *entries) {
            if (!(sent = co_await send(R"({"type":"entry","entry":)" + entry_json(e) + "}")))
                break;
            s->cursor = e.seq;
        }
        if (!sent)
            break;
        if (entries->size() == socket_page)
            s->dirty = true;
    }
    if (s->ws.is_open())
        co_await s->ws.async_close(websocket::close_code::going_away, use_tuple);
}

// A message sent on the socket: the same body as a POST to /webhook/{channel},
// the same unit of work.
net::awaitable<bool> webchat::accept_message(std::shared_ptr<socket_session> const& s, std::string const& text)
{
    auto report = [&](std::string const& error, std::optional<std::chrono::seconds> retry_after = {}) {
        json frame{{"type", "error"}, {"error", error}};
        // The page resends a refused message under the same id: name it.
        auto const body = json::parse(text, nullptr, false);
        if (body.is_object() && body.contains("id") && body["id"].is_string())
            frame["id"] = body["id"];
        if (retry_after)
            frame["retry_after"] = retry_after->count();
        s->control.push_back(frame.dump());
        s->wake.cancel();
        return s->control.size() < unread_errors_max;
    };
    // Tokens first, before any parsing or storage: a message is a message, good or bad.
    if (auto const d = s->admit(); !d.allowed) {
        metrics_.add("pg_webchat_messages_refused_total", {{"channel", s->channel_id}, {"reason", "rate_limit"}});
        co_return report("too many requests", d.retry_after);
    }
    if (auto const wait = over_session_rate(s->channel_id, s->chat_id))
        co_return report("too many messages", *wait);

    auto const* ch = channels_.find(s->channel_id);
    auto raw = s->headers;
    raw.body = text;
    auto parsed = ch->platform->parse(raw, clock_());
    if (!parsed) {
        metrics_.add("pg_webhook_rejected_total", {{"channel", s->channel_id}, {"reason", "socket_message"}});
        co_return report(parsed.error().detail);
    }
    for (auto const& ev : parsed->events) {
        auto const now = clock_();
        auto r = co_await lanes_.run(unit_runner::lane_key(ev), [&] {
            try {
                return runner_.run(ev, now);
            } catch (std::exception const& e) {  // nothing was committed: the page may send it again
                return unit_result{storage::commit_status::failed, {}, std::string("exception: ") + e.what()};
            }
        });
        if (r.status == storage::commit_status::failed) {
            log::error("commit_failed", {{"channel", s->channel_id}, {"error", r.error}});
            co_return report("storage unavailable");
        }
    }
    co_return true;
}

}  // namespace pg::gateway
