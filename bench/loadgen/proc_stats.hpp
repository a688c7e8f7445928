#pragma once
// What /proc says about a process and the machine: CPU seconds, peak and
// current RSS, busy ticks, load average. Absent values are nullopt (the
// process exited, or there is no /proc).
#include <cstdint>
#include <optional>
#include <string>

namespace pg::bench {

// utime + stime of `pid`, in seconds.
std::optional<double> cpu_seconds(int pid);
// A "Vm..." line of /proc/<pid>/status ("VmHWM", "VmRSS"), in KiB.
std::optional<std::uint64_t> status_kib(int pid, std::string const& field);
// This process's own user + system CPU seconds.
double self_cpu_seconds();

struct machine_ticks {
    std::uint64_t idle = 0;   // idle + iowait
    std::uint64_t total = 0;
};
machine_ticks read_machine_ticks();
// Fraction of all cores busy between two samples, 0..1.
double busy_fraction(machine_ticks const& a, machine_ticks const& b);
unsigned online_cpus();
// The 1-minute load average.
double load_average();

}  // namespace pg::bench
