#pragma once
// The real petition-gateway binary, started on a config written for the test,
// with a temporary data directory that survives restarts within the test.
#include "tests/support/eventually.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <sys/types.h>

namespace pg::testing {

class temp_dir {
public:
    temp_dir();
    ~temp_dir();
    std::filesystem::path const& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A config close to the demo's, pointed at the fake platform, with short timeouts.
// With PG_GATEWAY_BACKEND=postgresql it stores in a fresh schema on PG_TEST_DSN.
nlohmann::json test_config(std::string const& api_base, std::filesystem::path const& data_dir);
// Whether test_config's gateways store in PostgreSQL (PG_GATEWAY_BACKEND=postgresql).
bool gateway_on_postgresql();

class gateway_process {
public:
    explicit gateway_process(nlohmann::json config);
    ~gateway_process();  // SIGKILL if still running

    // Starts the binary and waits (bounded) until it logs that it listens.
    void start();
    unsigned short port() const { return port_; }
    void kill_hard();           // SIGKILL, no chance to flush
    int terminate();            // SIGTERM; returns the exit status
    bool running() const { return pid_ > 0; }
    std::string log() const;    // everything it wrote to stderr so far
    std::filesystem::path const& config_path() const { return config_path_; }
    // The binary runs with at most `n` open descriptors (RLIMIT_NOFILE); set before start().
    void limit_open_files(unsigned n) { open_files_ = n; }

private:
    temp_dir dir_;
    std::filesystem::path config_path_;
    std::filesystem::path log_path_;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
    unsigned open_files_ = 0;  // 0: inherited
};

// Runs a shell command to completion; its exit status (-1: it did not exit) and stdout.
struct command_result { int status; std::string output; };
command_result run_command(std::string const& command);
// Runs the binary with arguments to completion; exit status and output (stdout and stderr).
command_result run_gateway(std::string const& args);

// The value of one series in /metrics' Prometheus text, or 0 when it is not there yet.
double metric_value(std::string const& metrics_text, std::string const& series);

struct http_result {
    int status = 0;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // as received, in order
    // The first header of that name (case-insensitive), or "".
    std::string header(std::string_view name) const;
};
http_result http_post(unsigned short port, std::string const& target, std::string const& body,
                      std::vector<std::pair<std::string, std::string>> const& headers = {});
http_result http_get(unsigned short port, std::string const& target);
// From another loopback address (127.0.0.2, ...): a second client as the server sees it.
http_result http_get_from(std::string const& source_address, unsigned short port, std::string const& target);
http_result http_request(unsigned short port, std::string const& method, std::string const& target,
                         std::string const& body, std::vector<std::pair<std::string, std::string>> const& headers);
// The same, from the local address `from` (say "127.0.0.2"): another client to the gateway.
http_result http_request_from(std::string const& from, unsigned short port, std::string const& method,
                              std::string const& target, std::string const& body,
                              std::vector<std::pair<std::string, std::string>> const& headers);

}  // namespace pg::testing
