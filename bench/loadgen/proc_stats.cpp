#include "bench/loadgen/proc_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

namespace pg::bench {

std::optional<double> cpu_seconds(int pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!in || !std::getline(in, line))
        return std::nullopt;
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    auto const close = line.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream rest(line.substr(close + 2));
    std::vector<std::string> f;
    for (std::string w; rest >> w && f.size() < 13;)
        f.push_back(w);
    if (f.size() < 13)
        return std::nullopt;
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the ')'.
    auto const ticks = std::stod(f[11]) + std::stod(f[12]);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::optional<std::uint64_t> status_kib(int pid, std::string const& field)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(field + ":")) {
            std::istringstream v(line.substr(field.size() + 1));
            std::uint64_t kib = 0;
            if (v >> kib)
                return kib;
        }
    return std::nullopt;
}

double self_cpu_seconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto const sec = [](timeval const& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

machine_ticks read_machine_ticks()
{
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;
    machine_ticks t;
    std::uint64_t v = 0;
    for (int i = 0; i < 10 && in >> v; ++i) {
        if (i == 3 || i == 4)
            t.idle += v;
        if (i < 8)  // guest time is already counted in user
            t.total += v;
    }
    return t;
}

double busy_fraction(machine_ticks const& a, machine_ticks const& b)
{
    if (b.total <= a.total)
        return 0;
    return 1.0 - double(b.idle - a.idle) / double(b.total - a.total);
}

unsigned online_cpus()
{
    auto const n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? unsigned(n) : 1;
}

double load_average()
{
    std::ifstream in("/proc/loadavg");
    double v = 0;
    in >> v;
    return v;
}

}  // namespace pg::bench
