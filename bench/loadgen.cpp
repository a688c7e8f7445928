// pg-loadgen: plays N Telegram private chats against the gateway's webhook, each
// walking the whole filing dialog in order, over C keep-alive connections,
// closed loop. It hosts the fake Bot API itself and checks every reply: per
// chat, the number of sendMessage calls and their order and texts. A missing,
// doubled or out-of-order reply fails the run (exit 1), it does not slow it.
//
// Phases: (1) mix walk: chat i takes (i mod 8) steps, so the measured window
// mixes all steps evenly; (2) --warmup seconds of unmeasured steady load;
// (3) --duration seconds measured; (4) in-flight requests finish, then every
// reply owed is awaited (bounded by --drain), then 300 ms more for late extras.
//
// --raw: the same requests and bodies, no dialog order, no fake API and no
// reply checks: for measuring a plain HTTP server (bench/nginx-ceiling).
//
// Human lines go to stderr; the last line on stdout is one JSON object.
#include "bench/loadgen/dialog_script.hpp"
#include "bench/loadgen/fake_api.hpp"
#include "bench/loadgen/proc_stats.hpp"
#include "bench/loadgen/webhook_client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace net = boost::asio;
using namespace pg::bench;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr char usage[] =
    "Usage: pg-loadgen --target http://127.0.0.1:PORT/webhook/telegram --secret S [options]\n"
    "  --target URL         a gateway's webhook; repeat it for several nodes: connection i\n"
    "                       posts to the (i mod n)-th, so a chat's updates reach any node\n"
    "  --secret S           X-Telegram-Bot-Api-Secret-Token the gateway expects\n"
    "  --token T            bot token the gateway puts in API paths (123456:BENCH-TOKEN)\n"
    "  --api-port P         port of the fake Bot API on 127.0.0.1 (38081; 0: any, see --ready-file)\n"
    "  --chats N            distinct private chats (10000)\n"
    "  --connections C      keep-alive webhook connections (16)\n"
    "  --duration S         measured seconds (15)\n"
    "  --warmup S           unmeasured seconds of steady load after the mix walk (3)\n"
    "  --gateway-pid PID    report the gateway's CPU seconds and peak RSS from /proc\n"
    "  --locale FILE        locale the reply texts are checked against (config/demo/locales/en.json)\n"
    "  --raw                plain POSTs of the same bodies: no fake API, no order, no checks\n"
    "  --timeout S          a request without an answer after S seconds fails the run (30)\n"
    "  --drain S            after the window, wait up to S seconds for owed replies (20)\n"
    "  --mix-limit S        the mix walk must finish within S seconds (300)\n"
    "  --rate R             after the mix walk, start requests at R per second (paced, not\n"
    "                       closed loop); latency is counted from each request's scheduled\n"
    "                       start, so a server falling behind shows as latency (0: closed loop)\n"
    "  --chat-base ID       first chat id (700000000)\n"
    "  --first-update-id N  first update_id (1)\n"
    "  --ready-file FILE    write the fake API's port here once it listens\n"
    "  --inject KIND:N      self-test of the checks: every N-th sendMessage is doubled (the fake API\n"
    "                       answers 502 after seeing it) or dropped (200, never seen); the run must fail\n";

struct options {
    std::vector<std::string> targets;
    std::string secret;
    std::string token = "123456:BENCH-TOKEN";
    std::uint16_t api_port = 38081;
    std::uint32_t chats = 10000;
    std::uint32_t connections = 16;
    double duration = 15;
    double warmup = 3;
    int gateway_pid = 0;
    std::string locale = "config/demo/locales/en.json";
    bool raw = false;
    double timeout = 30;
    double drain = 20;
    double mix_limit = 300;
    double rate = 0;
    std::int64_t chat_base = 700'000'000;
    std::uint64_t first_update_id = 1;
    std::string ready_file;
    fake_api::fault inject = fake_api::fault::none;
    std::uint64_t inject_every = 0;
};

template <class T>
bool parse_number(std::string_view s, T& out)
{
    auto const [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

bool parse_seconds(std::string_view s, double& out)
{
    try {
        std::size_t used = 0;
        out = std::stod(std::string(s), &used);
        return used == s.size() && out >= 0;
    } catch (std::exception const&) {
        return false;
    }
}

std::optional<options> parse_options(int argc, char** argv)
{
    options o;
    for (int i = 1; i < argc; ++i) {
        std::string_view const a = argv[i];
        if (a == "--help" || a == "-h") {
            std::fputs(usage, stdout);
            std::exit(0);
        }
        if (a == "--raw") {
            o.raw = true;
            continue;
        }
        if (i + 1 >= argc) {
            std::fprintf(stderr, "pg-loadgen: %s needs a value\n", argv[i]);
            return std::nullopt;
        }
        std::string_view const v = argv[++i];
        bool ok = true;
        if (a == "--target") o.targets.emplace_back(v);
        else if (a == "--secret") o.secret = v;
        else if (a == "--token") o.token = v;
        else if (a == "--api-port") ok = parse_number(v, o.api_port);
        else if (a == "--chats") ok = parse_number(v, o.chats) && o.chats > 0;
        else if (a == "--connections") ok = parse_number(v, o.connections) && o.connections > 0 && o.connections <= 4096;
        else if (a == "--duration") ok = parse_seconds(v, o.duration) && o.duration > 0;
        else if (a == "--warmup") ok = parse_seconds(v, o.warmup);
        else if (a == "--gateway-pid") ok = parse_number(v, o.gateway_pid);
        else if (a == "--locale") o.locale = v;
        else if (a == "--timeout") ok = parse_seconds(v, o.timeout) && o.timeout > 0;
        else if (a == "--drain") ok = parse_seconds(v, o.drain);
        else if (a == "--mix-limit") ok = parse_seconds(v, o.mix_limit);
        else if (a == "--rate") ok = parse_seconds(v, o.rate);
        else if (a == "--chat-base") ok = parse_number(v, o.chat_base);
        else if (a == "--first-update-id") ok = parse_number(v, o.first_update_id);
        else if (a == "--ready-file") o.ready_file = v;
        else if (a == "--inject") {
            auto const colon = v.find(':');
            auto const kind = v.substr(0, colon);
            o.inject = kind == "doubled" ? fake_api::fault::doubled
                     : kind == "dropped" ? fake_api::fault::dropped
                                         : fake_api::fault::none;
            ok = o.inject != fake_api::fault::none && colon != std::string_view::npos &&
                 parse_number(v.substr(colon + 1), o.inject_every) && o.inject_every > 0;
        }
        else {
            std::fprintf(stderr, "pg-loadgen: unknown option %s\n\n%s", argv[i - 1], usage);
            return std::nullopt;
        }
        if (!ok) {
            std::fprintf(stderr, "pg-loadgen: bad value for %s: %s\n", argv[i - 1], argv[i]);
            return std::nullopt;
        }
    }
    if (o.targets.empty() || (o.secret.empty() && !o.raw)) {
        std::fprintf(stderr, "pg-loadgen: --target and --secret are required\n\n%s", usage);
        return std::nullopt;
    }
    return o;
}

// Only loopback targets: "http://127.0.0.1:8080/webhook/telegram" (or localhost).
std::optional<webhook_target> parse_target(std::string_view url, options const& o)
{
    if (!url.starts_with("http://"))
        return std::nullopt;
    url.remove_prefix(7);
    auto const slash = url.find('/');
    auto const authority = url.substr(0, slash);
    auto const path = slash == std::string_view::npos ? std::string_view{"/"} : url.substr(slash);
    auto const colon = authority.rfind(':');
    auto const host = authority.substr(0, colon);
    std::uint16_t port = 80;
    if (colon != std::string_view::npos && !parse_number(authority.substr(colon + 1), port))
        return std::nullopt;
    if (host != "127.0.0.1" && host != "localhost")
        return std::nullopt;
    webhook_target t;
    t.endpoint = {net::ip::make_address("127.0.0.1"), port};
    t.head = "POST " + std::string(path) + " HTTP/1.1\r\nHost: " + std::string(authority) +
             "\r\nUser-Agent: pg-loadgen\r\nContent-Type: application/json\r\n";
    if (!o.secret.empty())
        t.head += "X-Telegram-Bot-Api-Secret-Token: " + o.secret + "\r\n";
    t.head += "Content-Length: ";
    return t;
}

double percentile_ms(std::vector<std::uint32_t> const& sorted, double p)
{
    if (sorted.empty())
        return 0;
    auto k = static_cast<std::size_t>(std::ceil(p / 100.0 * double(sorted.size())));
    k = std::clamp<std::size_t>(k, 1, sorted.size()) - 1;
    return sorted[k] / 1000.0;
}

double round2(double x) { return std::round(x * 100.0) / 100.0; }

class driver final : public webhook_driver {
public:
    driver(net::io_context& ioc, options const& o, std::vector<webhook_target> const& targets,
           dialog_script const* script)
        : ioc_(ioc), o_(o), targets_(targets), script_(script), tick_(ioc), phase_timer_(ioc), pace_timer_(ioc)
    {
        chats_.resize(o.chats);
        for (std::uint32_t i = 0; i < o.chats; ++i) {
            chats_[i].index = i;
            chats_[i].id = o.chat_base + i;
            chats_[i].warmup = o.raw ? 0 : i % steps_per_cycle;
        }
        next_update_id_ = o.first_update_id;
        conn_chat_.assign(o.connections, none);
        conn_scheduled_.assign(o.connections, {});
        conn_waiting_.assign(o.connections, false);
        if (o.rate > 0)
            interval_ = std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / o.rate));
        latencies_.reserve(static_cast<std::size_t>(o.duration * 40'000));
    }

    void start()
    {
        for (std::size_t i = 0; i < o_.connections; ++i)
            clients_.push_back(std::make_unique<webhook_client>(ioc_, i, targets_[i % targets_.size()], *this));
        watchdog();
        phase_started_ = clock_type::now();
        if (o_.raw) {
            start_steady();
        } else {
            phase_ = phase::mix;
            for (auto const& c : chats_)
                if (c.warmup > 0)
                    queue_.push_back(c.index);
            std::fprintf(stderr, "mix walk: %zu chats take 1..%u steps each\n", queue_.size(), steps_per_cycle - 1);
            if (queue_.empty())
                net::post(ioc_, [this] { start_steady(); });
            phase_timer_.expires_after(seconds(o_.mix_limit));
            phase_timer_.async_wait([this](boost::system::error_code ec) {
                if (!ec && phase_ == phase::mix) {
                    fatal("the mix walk did not finish within --mix-limit");
                }
            });
        }
        for (auto& c : clients_)
            c->start();
    }

    // The fake API saw a sendMessage.
    void on_reply(std::int64_t chat_id, std::string_view text)
    {
        ++replies_received_;
        if (phase_ == phase::measure)
            ++replies_in_window_;
        auto const idx = chat_id - o_.chat_base;
        if (idx < 0 || idx >= std::int64_t(chats_.size())) {
            ++unknown_chat_replies_;
            sample("reply to unknown chat " + std::to_string(chat_id));
            return;
        }
        auto& c = chats_[std::size_t(idx)];
        if (c.broken) {
            ++ignored_replies_;
            return;
        }
        bool const extra = c.received >= c.expected;
        auto problem = script_->check(c, text);
        if (!problem.empty()) {
            ++(extra ? extra_replies_ : bad_replies_);
            sample("chat " + std::to_string(c.id) + ": " + problem);
        }
    }

    bool next_request(std::size_t conn, std::string& body) override
    {
        if (phase_ == phase::stopping || phase_ == phase::draining || phase_ == phase::done || queue_.empty())
            return false;
        if (paced() && !take_slot(conn))
            return false;
        auto const idx = queue_.front();
        queue_.pop_front();
        auto& c = chats_[idx];
        c.in_flight = true;
        conn_chat_[conn] = idx;
        ++in_flight_;
        ++c.message_id;
        text_.clear();
        script_text(c, text_);
        auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        write_update_json(body, next_update_id_++, c, now, text_, dialog_script::is_command(c));
        if (!o_.raw)
            c.expected += dialog_script::replies_of_step(c.pos);  // before sending: replies may beat the 200
        return true;
    }

    void on_answer(std::size_t conn, int status, std::uint64_t micros) override
    {
        auto& c = release(conn);
        ++statuses_[status];
        if (phase_ == phase::mix || phase_ == phase::warmup)
            ++warmup_requests_;
        if (paced())  // from the scheduled start: a server falling behind shows up as latency
            micros = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                                    clock_type::now() - conn_scheduled_[conn]).count());
        if (phase_ == phase::measure) {
            ++window_statuses_[status];
            latencies_.push_back(static_cast<std::uint32_t>(std::min<std::uint64_t>(micros, UINT32_MAX)));
        }
        if (status == 200 || o_.raw) {
            dialog_script::advance(c);
        } else {
            c.broken = true;
            sample("chat " + std::to_string(c.id) + " step " + std::string(dialog_script::step_name(c.pos)) +
                   ": HTTP " + std::to_string(status));
        }
        requeue(c);
        after_request();
    }

    void on_failure(std::size_t conn, std::string const& what) override
    {
        auto& c = release(conn);
        ++failures_;
        sample("chat " + std::to_string(c.id) + ": " + what);
        if (o_.raw) {
            dialog_script::advance(c);
            requeue(c);
        } else {
            c.broken = true;  // processed or not: unknown, so its replies cannot be checked
        }
        after_request();
    }

    int report(fake_api const* api);

private:
    enum class phase { mix, warmup, measure, stopping, draining, done };
    static constexpr std::uint32_t none = UINT32_MAX;

    static clock_type::duration seconds(double s)
    {
        return std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
    }

    void script_text(chat const& c, std::string& out) const
    {
        if (script_)
            script_->text_of_step(c, out);
    }

    chat& release(std::size_t conn)
    {
        auto& c = chats_[conn_chat_[conn]];
        conn_chat_[conn] = none;
        c.in_flight = false;
        --in_flight_;
        return c;
    }

    void requeue(chat& c)
    {
        if (c.broken)
            return;
        if (phase_ == phase::mix) {
            if (c.warmup > 0 && --c.warmup > 0)
                queue_.push_back(c.index);
            return;
        }
        queue_.push_back(c.index);
    }

    void after_request()
    {
        if (phase_ == phase::mix && queue_.empty() && in_flight_ == 0)
            net::post(ioc_, [this] { start_steady(); });
        if (phase_ == phase::stopping && in_flight_ == 0)
            net::post(ioc_, [this] { start_drain(); });
    }

    bool paced() const { return o_.rate > 0 && phase_ != phase::mix; }

    // Paced mode: a request may start at its slot of the schedule, no sooner.
    // Connections that come early wait in line for the pace timer.
    bool take_slot(std::size_t conn)
    {
        auto const now = clock_type::now();
        if (now < next_slot_) {
            if (!conn_waiting_[conn]) {
                conn_waiting_[conn] = true;
                waiting_.push_back(conn);
            }
            arm_pace_timer();
            return false;
        }
        conn_scheduled_[conn] = next_slot_;
        next_slot_ += interval_;
        return true;
    }

    void arm_pace_timer()
    {
        if (pace_armed_ || waiting_.empty())
            return;
        pace_armed_ = true;
        pace_timer_.expires_at(next_slot_);
        pace_timer_.async_wait([this](boost::system::error_code ec) {
            pace_armed_ = false;
            if (ec || phase_ == phase::done)
                return;
            auto const conn = waiting_.front();
            waiting_.pop_front();
            conn_waiting_[conn] = false;
            clients_[conn]->resume();
            arm_pace_timer();
        });
    }

    void start_steady()
    {
        if (phase_ != phase::mix && !o_.raw)
            return;
        phase_timer_.cancel();
        mix_seconds_ = std::chrono::duration<double>(clock_type::now() - phase_started_).count();
        if (!o_.raw)
            std::fprintf(stderr, "mix walk: %llu requests in %.1f s; steady warm-up %.1f s\n",
                         static_cast<unsigned long long>(warmup_requests_), mix_seconds_, o_.warmup);
        phase_ = phase::warmup;
        next_slot_ = clock_type::now();
        queue_.clear();
        for (auto const& c : chats_)
            if (!c.broken && !c.in_flight)
                queue_.push_back(c.index);
        for (auto& cl : clients_)
            cl->resume();
        phase_timer_.expires_after(seconds(o_.warmup));
        phase_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec)
                start_window();
        });
    }

    void start_window()
    {
        phase_ = phase::measure;
        window_start_ = clock_type::now();
        machine0_ = read_machine_ticks();
        self_cpu0_ = self_cpu_seconds();
        load0_ = load_average();
        if (o_.gateway_pid)
            gateway_cpu0_ = cpu_seconds(o_.gateway_pid);
        phase_timer_.expires_after(seconds(o_.duration));
        phase_timer_.async_wait([this](boost::system::error_code ec) {
            if (!ec)
                end_window();
        });
    }

    void end_window()
    {
        window_end_ = clock_type::now();
        machine1_ = read_machine_ticks();
        self_cpu1_ = self_cpu_seconds();
        load1_ = load_average();
        if (o_.gateway_pid)
            gateway_cpu1_ = cpu_seconds(o_.gateway_pid);
        phase_ = phase::stopping;
        if (in_flight_ == 0)
            start_drain();
    }

    // Every reply owed is awaited; then a short linger catches late doubles.
    void start_drain()
    {
        if (phase_ != phase::stopping)
            return;
        phase_ = phase::draining;
        drain_started_ = clock_type::now();
        poll_drain();
    }

    std::uint64_t owed() const
    {
        std::uint64_t n = 0;
        for (auto const& c : chats_)
            if (!c.broken && c.expected > c.received)
                n += c.expected - c.received;
        return n;
    }

    void poll_drain()
    {
        auto const waited = clock_type::now() - drain_started_;
        if (!o_.raw && owed() > 0 && waited < seconds(o_.drain)) {
            phase_timer_.expires_after(milliseconds{20});
            phase_timer_.async_wait([this](boost::system::error_code ec) {
                if (!ec)
                    poll_drain();
            });
            return;
        }
        drain_seconds_ = std::chrono::duration<double>(waited).count();
        phase_timer_.expires_after(milliseconds{o_.raw ? 0 : 300});
        phase_timer_.async_wait([this](boost::system::error_code) { finish(); });
    }

    void finish()
    {
        phase_ = phase::done;
        tick_.cancel();
        phase_timer_.cancel();
        pace_timer_.cancel();
        for (auto& c : clients_)
            c->close();
        ioc_.stop();
    }

    void fatal(std::string const& why)
    {
        sample(why);
        fatal_ = true;
        window_end_ = clock_type::now();
        finish();
    }

    void watchdog()
    {
        tick_.expires_after(milliseconds{250});
        tick_.async_wait([this](boost::system::error_code ec) {
            if (ec || phase_ == phase::done)
                return;
            auto const now = clock_type::now();
            for (auto& c : clients_)
                if (c->busy() && now - c->busy_since() > seconds(o_.timeout))
                    c->abort();
            watchdog();
        });
    }

    void sample(std::string s)
    {
        ++problems_;
        if (samples_.size() < 8)
            samples_.push_back(std::move(s));
    }

    net::io_context& ioc_;
    options const& o_;
    std::vector<webhook_target> const& targets_;
    dialog_script const* script_;
    net::steady_timer tick_;
    net::steady_timer phase_timer_;
    net::steady_timer pace_timer_;
    std::vector<std::unique_ptr<webhook_client>> clients_;

    std::vector<chat> chats_;
    std::deque<std::uint32_t> queue_;  // chats waiting for a connection, FIFO: two updates of one chat
                                       // are about `chats` requests apart, never in flight together
    std::vector<std::uint32_t> conn_chat_;
    // Paced mode (--rate): the schedule, and connections waiting for their slot.
    clock_type::duration interval_{};
    clock_type::time_point next_slot_{};
    std::vector<clock_type::time_point> conn_scheduled_;
    std::vector<bool> conn_waiting_;
    std::deque<std::size_t> waiting_;
    bool pace_armed_ = false;
    std::uint64_t next_update_id_ = 1;
    std::size_t in_flight_ = 0;
    std::string text_;
    phase phase_ = phase::mix;

    clock_type::time_point phase_started_{}, window_start_{}, window_end_{}, drain_started_{};
    double mix_seconds_ = 0, drain_seconds_ = 0;
    machine_ticks machine0_{}, machine1_{};
    double self_cpu0_ = 0, self_cpu1_ = 0, load0_ = 0, load1_ = 0;
    std::optional<double> gateway_cpu0_, gateway_cpu1_;

    std::vector<std::uint32_t> latencies_;  // microseconds, measured window only
    std::map<int, std::uint64_t> statuses_, window_statuses_;
    std::uint64_t warmup_requests_ = 0;
    std::uint64_t failures_ = 0;
    std::uint64_t replies_received_ = 0, replies_in_window_ = 0;
    std::uint64_t bad_replies_ = 0, extra_replies_ = 0, unknown_chat_replies_ = 0, ignored_replies_ = 0;
    std::uint64_t problems_ = 0;
    std::vector<std::string> samples_;
    bool fatal_ = false;
};

int driver::report(fake_api const* api)
{
    std::sort(latencies_.begin(), latencies_.end());
    double const window_s = std::max(1e-9, std::chrono::duration<double>(window_end_ - window_start_).count());
    std::uint64_t const in_window = latencies_.size();
    double sum = 0;
    for (auto v : latencies_)
        sum += v;

    std::uint64_t expected = 0, received = 0, missing = 0, broken = 0;
    for (auto const& c : chats_) {
        if (c.broken) {
            ++broken;
            continue;
        }
        expected += c.expected;
        received += std::min(c.received, c.expected);
        missing += c.expected > c.received ? c.expected - c.received : 0;
    }
    std::uint64_t non_200 = 0;
    for (auto const& [s, n] : statuses_)
        if (s != 200)
            non_200 += n;

    auto const ncpu = online_cpus();
    double const busy = busy_fraction(machine0_, machine1_);
    double const loadgen_pct = 100.0 * (self_cpu1_ - self_cpu0_) / window_s;
    nlohmann::ordered_json r;
    r["mode"] = o_.raw ? "raw" : "dialog";
    r["rps"] = round2(double(in_window) / window_s);
    r["p50_ms"] = round2(percentile_ms(latencies_, 50));
    r["p90_ms"] = round2(percentile_ms(latencies_, 90));
    r["p99_ms"] = round2(percentile_ms(latencies_, 99));
    r["p999_ms"] = round2(percentile_ms(latencies_, 99.9));
    r["max_ms"] = round2(latencies_.empty() ? 0 : latencies_.back() / 1000.0);
    r["mean_ms"] = round2(in_window ? sum / double(in_window) / 1000.0 : 0);
    r["requests_in_window"] = in_window;
    r["window_s"] = round2(window_s);
    nlohmann::ordered_json st = nlohmann::ordered_json::object();
    for (auto const& [s, n] : statuses_)
        st[std::to_string(s)] = n;
    r["status"] = st;
    r["connection_failures"] = failures_;
    if (!o_.raw) {
        r["replies_expected"] = expected;
        r["replies_received"] = received;
        r["replies_missing"] = missing;
        r["replies_extra"] = extra_replies_;
        r["replies_out_of_order"] = bad_replies_;
        r["replies_unknown_chat"] = unknown_chat_replies_;
        r["replies_in_window"] = replies_in_window_;
        r["chats_broken"] = broken;
        if (api) {
            auto const& k = api->counters();
            r["api_calls"] = k.calls;
            r["api_send_message"] = k.send_message;
            r["api_answer_callback_query"] = k.answer_callback_query;
            r["api_other_methods"] = k.other_methods;
            r["api_rejected"] = k.rejected;
            if (k.injected)
                r["api_faults_injected"] = k.injected;
            r["api_connections"] = k.connections;
        }
        r["drain_s"] = round2(drain_seconds_);
    }
    if (o_.gateway_pid) {
        auto const now_cpu = cpu_seconds(o_.gateway_pid);
        if (gateway_cpu0_ && gateway_cpu1_) {
            double const cpu = *gateway_cpu1_ - *gateway_cpu0_;
            r["gateway_cpu_s"] = round2(cpu);
            r["gateway_cpu_pct"] = round2(100.0 * cpu / window_s);
            r["gateway_cpu_us_per_req"] = round2(in_window ? cpu * 1e6 / double(in_window) : 0);
        }
        if (now_cpu)
            r["gateway_cpu_total_s"] = round2(*now_cpu);
        if (auto hwm = status_kib(o_.gateway_pid, "VmHWM"))
            r["gateway_rss_peak_mib"] = round2(double(*hwm) / 1024.0);
        if (auto rss = status_kib(o_.gateway_pid, "VmRSS"))
            r["gateway_rss_mib"] = round2(double(*rss) / 1024.0);
    }
    r["loadgen_cpu_pct"] = round2(loadgen_pct);
    r["machine_busy_pct"] = round2(100.0 * busy);
    if (o_.gateway_pid && gateway_cpu0_ && gateway_cpu1_)
        r["other_cpu_pct"] = round2(std::max(0.0, 100.0 * busy * ncpu - r["gateway_cpu_pct"].get<double>() -
                                                      loadgen_pct));
    r["cpus"] = ncpu;
    r["loadavg_1m_start"] = load0_;
    r["loadavg_1m_end"] = load1_;
    r["warmup_requests"] = warmup_requests_;
    r["mix_walk_s"] = round2(mix_seconds_);
    r["chats"] = o_.chats;
    r["connections"] = o_.connections;
    r["duration_s"] = o_.duration;
    r["rate"] = o_.rate;
    r["samples"] = samples_;
    bool const ok = !fatal_ && in_window > 0 && non_200 == 0 && failures_ == 0 &&
                    (o_.raw || (missing == 0 && extra_replies_ == 0 && bad_replies_ == 0 &&
                                unknown_chat_replies_ == 0 && broken == 0 &&
                                (!api || api->counters().rejected == 0)));
    r["ok"] = ok;

    std::fprintf(stderr, "measured %.1f s: %.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms\n",
                 window_s, double(in_window) / window_s, percentile_ms(latencies_, 50), percentile_ms(latencies_, 99),
                 percentile_ms(latencies_, 99.9), latencies_.empty() ? 0.0 : latencies_.back() / 1000.0);
    std::fprintf(stderr, "statuses %s, connection failures %llu\n", st.dump().c_str(),
                 static_cast<unsigned long long>(failures_));
    if (!o_.raw)
        std::fprintf(stderr,
                     "replies received %llu / expected %llu (missing %llu, extra %llu, out of order %llu, "
                     "unknown chat %llu); %llu chats broken\n",
                     static_cast<unsigned long long>(received), static_cast<unsigned long long>(expected),
                     static_cast<unsigned long long>(missing), static_cast<unsigned long long>(extra_replies_),
                     static_cast<unsigned long long>(bad_replies_),
                     static_cast<unsigned long long>(unknown_chat_replies_), static_cast<unsigned long long>(broken));
    if (r.contains("gateway_cpu_pct"))
        std::fprintf(stderr, "gateway CPU %.1f%% (%.1f us/request), peak RSS %.1f MiB; loadgen CPU %.1f%%\n",
                     r["gateway_cpu_pct"].get<double>(), r["gateway_cpu_us_per_req"].get<double>(),
                     r.value("gateway_rss_peak_mib", 0.0), loadgen_pct);
    std::fprintf(stderr, "machine %.0f%% busy of %u cores; load average %.2f -> %.2f\n", 100.0 * busy, ncpu, load0_,
                 load1_);
    for (auto const& s : samples_)
        std::fprintf(stderr, "  problem: %s\n", s.c_str());
    std::fprintf(stderr, "%s\n", ok ? "RESULT: ok" : "RESULT: FAILED");
    std::printf("%s\n", r.dump().c_str());
    std::fflush(stdout);
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    auto const o = parse_options(argc, argv);
    if (!o)
        return 2;
    std::vector<webhook_target> targets;
    for (auto const& url : o->targets) {
        auto t = parse_target(url, *o);
        if (!t) {
            std::fprintf(stderr, "pg-loadgen: --target %s: must be http://127.0.0.1:PORT/path (loopback only)\n",
                         url.c_str());
            return 2;
        }
        targets.push_back(std::move(*t));
    }
    std::optional<dialog_script> script;
    try {
        script = dialog_script::from_locale_file(o->locale);
    } catch (std::exception const& e) {
        std::fprintf(stderr, "pg-loadgen: %s\n", e.what());
        return 2;
    }

    net::io_context ioc(1);
    driver d(ioc, *o, targets, &*script);
    std::unique_ptr<fake_api> api;
    if (!o->raw) {
        try {
            api = std::make_unique<fake_api>(ioc, o->api_port, o->token,
                                             [&d](std::int64_t chat, std::string_view text) { d.on_reply(chat, text); });
        } catch (std::exception const& e) {
            std::fprintf(stderr, "pg-loadgen: fake API on 127.0.0.1:%u: %s\n", unsigned(o->api_port), e.what());
            return 2;
        }
        api->inject(o->inject, o->inject_every);
        api->start();
        std::fprintf(stderr, "fake Bot API on 127.0.0.1:%u\n", unsigned(api->port()));
        if (!o->ready_file.empty())
            std::ofstream(o->ready_file) << api->port() << "\n";
    }
    std::fprintf(stderr, "%s: %u chats, %u connections, warm-up %.1f s, measure %.1f s -> %s%s\n",
                 o->raw ? "raw" : "dialog", o->chats, o->connections, o->warmup, o->duration, o->targets[0].c_str(),
                 o->targets.size() > 1 ? " and the other nodes" : "");
    d.start();
    ioc.run();
    if (api)
        api->stop();
    return d.report(api.get());
}
