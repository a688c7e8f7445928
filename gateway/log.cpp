#include "gateway/log.hpp"

#include "model/time.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>

namespace pg::gateway::log {
namespace {

std::atomic<level> threshold{level::info};

constexpr std::string_view names[] = {"debug", "info", "warn", "error"};

}  // namespace

void set_level(level l) { threshold.store(l, std::memory_order_relaxed); }
bool enabled(level l) { return l >= threshold.load(std::memory_order_relaxed); }

bool parse_level(std::string_view name, level& out)
{
    for (int i = 0; i < 4; ++i)
        if (names[i] == name) {
            out = level(i);
            return true;
        }
    return false;
}

void write(level l, std::string_view event, std::initializer_list<field> fields)
{
    using namespace std::chrono;
    nlohmann::json line;
    line["ts"] = model::format_iso8601(time_point_cast<milliseconds>(system_clock::now()));
    line["level"] = names[int(l)];
    line["event"] = event;
    for (auto const& [k, v] : fields)
        std::visit([&, key = std::string(k)](auto const& x) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string_view>)
                line[key] = std::string(x);
            else
                line[key] = x;
        }, v);
    // Replace invalid UTF-8 rather than throw: a log line must never take the process down.
    auto const text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace pg::gateway::log
