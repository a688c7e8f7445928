#include "tests/support/gateway_process.hpp"

#include "storage/postgres_migrations.hpp"
#include "tests/support/postgres_scratch.hpp"
#include "tests/support/telegram_updates.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace pg::testing {

namespace fs = std::filesystem;
namespace net = boost::asio;
namespace http = boost::beast::http;

temp_dir::temp_dir()
{
    static std::atomic<int> counter{0};
    std::random_device rd;
    path_ = fs::temp_directory_path() /
            ("pg-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" + std::to_string(rd()));
    fs::create_directories(path_);
}

temp_dir::~temp_dir()
{
    std::error_code ec;
    fs::remove_all(path_, ec);
}

bool gateway_on_postgresql()
{
    char const* backend = std::getenv("PG_GATEWAY_BACKEND");
    return backend && std::string_view(backend) == "postgresql";
}

namespace {

// With PG_GATEWAY_BACKEND=postgresql (and PG_TEST_DSN), each test's gateway
// stores in a migrated schema of its own on that server; the schemas go with
// the test process.
std::optional<nlohmann::json> postgres_storage()
{
    if (!gateway_on_postgresql())
        return std::nullopt;
    auto const base = postgres_test_dsn();
    if (base.empty())
        throw std::runtime_error("PG_GATEWAY_BACKEND=postgresql needs PG_TEST_DSN (scripts/pg-test-server run ...)");
    static std::mutex m;
    static std::vector<std::unique_ptr<postgres_scratch>> schemas;
    auto scratch = std::make_unique<postgres_scratch>(base);
    std::string report;
    storage::migrate_postgres(scratch->dsn(), report);
    nlohmann::json storage = {{"backend", "postgresql"}, {"postgresql", {{"dsn", scratch->dsn()}, {"pool_size", 8}}}};
    std::lock_guard lock(m);
    schemas.push_back(std::move(scratch));
    return storage;
}

}  // namespace

nlohmann::json test_config(std::string const& api_base, fs::path const& data_dir)
{
    std::string const demo = PG_SOURCE_DIR "/config/demo";
    nlohmann::json storage = {{"path", data_dir.string()}, {"sync", true}};
    if (auto pg = postgres_storage())
        storage.update(*pg);
    return {
        {"server", {{"listen", "127.0.0.1"}, {"port", 0}, {"header_timeout_ms", 500}, {"read_timeout_ms", 2000},
                    {"idle_timeout_ms", 5000}, {"body_limit", 65536},
                    // eventually() polls 100 times a second; http_hardening_test turns the limit on.
                    {"rate_limit", {{"per_second", 0}}}}},
        {"storage", storage},
        {"outbox", {{"base_backoff_ms", 20}, {"max_backoff_ms", 200}, {"max_attempts", 50}, {"request_timeout_ms", 2000}}},
        {"log", {{"level", "info"}}},
        {"tracking", {{"key", "test-key"}}},
        {"dialog", {{"flow", demo + "/flows/citizen.json"},
                    {"locales", {demo + "/locales/en.json", demo + "/locales/zh-CN.json"}}}},
        {"channels", {{{"id", "telegram"}, {"type", "telegram"}, {"api_base", api_base},
                       {"bot_token", "123456:TEST-TOKEN"}, {"webhook_secret", tg::webhook_secret}}}},
    };
}

gateway_process::gateway_process(nlohmann::json config)
{
    // Over PostgreSQL a web chat's session key must be configured (every node
    // needs the same); on RocksDB the tests leave it to the gateway to make.
    if (gateway_on_postgresql() && config.contains("channels"))
        for (auto& c : config["channels"])
            if (c.value("type", "") == "webchat" && !c.contains("session_secret"))
                c["session_secret"] = "5e55109c0ffee5e55109c0ffee5e55109c0ffee5e55109c0ffee5e55109c0ffee";
    config_path_ = dir_.path() / "config.json";
    log_path_ = dir_.path() / "gateway.log";
    std::ofstream(config_path_) << config.dump(2);
}

gateway_process::~gateway_process()
{
    if (pid_ > 0)
        kill_hard();
}

std::string gateway_process::log() const
{
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void gateway_process::start()
{
    auto const offset = fs::exists(log_path_) ? fs::file_size(log_path_) : 0;
    pid_ = ::fork();
    if (pid_ < 0)
        throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        ::dup2(fd, 2);
        ::dup2(fd, 1);
        if (open_files_ > 0) {
            rlimit const limit{open_files_, open_files_};
            ::setrlimit(RLIMIT_NOFILE, &limit);
        }
        ::execl(PG_GATEWAY_BIN, PG_GATEWAY_BIN, "--config", config_path_.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Wait (bounded) for {"event":"listening",...,"port":N} in this run's part of the log.
    auto const deadline = std::chrono::steady_clock::now() + std::chrono::seconds{20};
    while (std::chrono::steady_clock::now() < deadline) {
        auto const text = log().substr(offset);
        if (auto at = text.find("\"event\":\"listening\""); at != std::string::npos) {
            auto const p = text.find("\"port\":", at);
            port_ = static_cast<unsigned short>(std::stoi(text.substr(p + 7)));
            return;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("gateway exited at start:\n" + text);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds{10});  // polling a log file: a bounded wait
    }
    throw std::runtime_error("gateway did not start listening within 20 s:\n" + log());
}

void gateway_process::kill_hard()
{
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

int gateway_process::terminate()
{
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}


command_result run_command(std::string const& command)
{
    FILE* p = ::popen(command.c_str(), "r");
    if (p == nullptr)
        return {-1, ""};
    std::string out;
    char buf[4096];
    while (auto n = std::fread(buf, 1, sizeof buf, p))
        out.append(buf, n);
    int const status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

command_result run_gateway(std::string const& args)
{
    return run_command(std::string(PG_GATEWAY_BIN) + " " + args + " 2>&1");
}

namespace {

http_result exchange(unsigned short port, http::request<http::string_body> req, std::string const& from = {})
{
    net::io_context ioc;
    net::ip::tcp::socket socket(ioc);
    if (!from.empty()) {  // another loopback address: to the gateway, another client
        socket.open(net::ip::tcp::v4());
        socket.bind({net::ip::make_address(from), 0});
    }
    socket.connect({net::ip::make_address("127.0.0.1"), port});
    if (req[http::field::host].empty())  // a test may send another Host
        req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    http::write(socket, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(socket, buffer, res, ec);
    if (ec)
        return {0, ec.message(), {}};
    http_result out{static_cast<int>(res.result_int()), res.body(), {}};
    for (auto const& f : res)
        out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    return out;
}

http::request<http::string_body> make_request(std::string const& method, std::string const& target,
                                              std::string const& body,
                                              std::vector<std::pair<std::string, std::string>> const& headers)
{
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    for (auto const& [k, v] : headers)
        req.set(k, v);
    if (!body.empty()) {
        if (req.find(http::field::content_type) == req.end())  // JSON unless the caller says (WeChat: text/xml)
            req.set(http::field::content_type, "application/json");
        req.body() = body;
    }
    return req;
}

}  // namespace

http_result http_post(unsigned short port, std::string const& target, std::string const& body,
                      std::vector<std::pair<std::string, std::string>> const& headers)
{
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/json");
    for (auto const& [k, v] : headers)
        req.set(k, v);
    req.body() = body;
    return exchange(port, std::move(req));
}

http_result http_request(unsigned short port, std::string const& method, std::string const& target,
                         std::string const& body, std::vector<std::pair<std::string, std::string>> const& headers)
{
    return exchange(port, make_request(method, target, body, headers));
}

std::string http_result::header(std::string_view name) const
{
    for (auto const& [k, v] : headers)
        if (boost::beast::iequals(k, name))
            return v;
    return {};
}

http_result http_get(unsigned short port, std::string const& target)
{
    return exchange(port, http::request<http::string_body>{http::verb::get, target, 11});
}

http_result http_request_from(std::string const& from, unsigned short port, std::string const& method,
                              std::string const& target, std::string const& body,
                              std::vector<std::pair<std::string, std::string>> const& headers)
{
    return exchange(port, make_request(method, target, body, headers), from);
}

http_result http_get_from(std::string const& source_address, unsigned short port, std::string const& target)
{
    return http_request_from(source_address, port, "GET", target, "", {});
}

double metric_value(std::string const& metrics_text, std::string const& series)
{
    auto const at = metrics_text.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stod(metrics_text.substr(at + series.size() + 2));
}

}  // namespace pg::testing
