#pragma once
// Counters and gauges for GET /metrics, in Prometheus text format.
// Thread-safe. An update of a series that exists takes a shared lock and an
// atomic add, and allocates nothing: every request makes several.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace pg::gateway {

class metrics {
public:
    // name must be one of the families below; labels like {{"channel","telegram"},{"code","200"}}.
    void add(std::string_view name, std::initializer_list<std::pair<std::string_view, std::string_view>> labels,
             std::uint64_t n = 1);
    // Gauges read at scrape time (outbox depth, connections).
    void gauge(std::string_view name, std::function<double()> read);

    std::uint64_t value(std::string_view name,
                        std::initializer_list<std::pair<std::string_view, std::string_view>> labels) const;
    std::string render() const;

private:
    using labels_t = std::initializer_list<std::pair<std::string_view, std::string_view>>;
    static void key_into(std::string& out, std::string_view name, labels_t labels);

    mutable std::shared_mutex mutex_;
    std::map<std::string, std::atomic<std::uint64_t>, std::less<>> counters_;  // "name{labels}" -> value
    std::vector<std::pair<std::string, std::function<double()>>> gauges_;
};

}  // namespace pg::gateway
