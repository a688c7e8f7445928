#include "gateway/metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace pg::gateway {
namespace {

struct family { std::string_view name, type, help; };

constexpr family families[] = {
    {"pg_http_requests_total", "counter", "HTTP requests answered, by route, channel and status code."},
    {"pg_webhook_rejected_total", "counter", "Webhook deliveries refused, by channel and reason."},
    {"pg_http_connections_rejected_total", "counter", "Connections or requests cut off, by reason."},
    {"pg_dialog_steps_total", "counter", "Citizen dialog steps run, by channel."},
    {"pg_events_ignored_total", "counter", "Inbound events acknowledged without a dialog step, by channel and kind."},
    {"pg_receipts_total", "counter", "Platform receipts for sent messages (sent, delivered, read, failed), by channel and state."},
    {"pg_notices_planned_total", "counter", "Status pushes planned, by the channel chosen (none: no chat could take it) and form."},
    {"pg_link_codes_total", "counter", "Link codes, by result (issued, redeemed)."},
    {"pg_opt_outs_total", "counter", "Chats that opted out or came back, by channel and state."},
    {"pg_commits_total", "counter", "Units of work, by result (committed, duplicate, conflict, failed)."},
    {"pg_petitions_filed_total", "counter", "Petitions filed, by channel."},
    {"pg_petitions_followed_total", "counter", "Citizens who followed a petition nearby instead of filing, by channel."},
    {"pg_outbox_sends_total", "counter", "Outbound API calls, by channel and verdict (ok, retry, permanent)."},
    {"pg_send_failures_total", "counter", "Outbound API calls that did not succeed, by channel."},
    {"pg_dead_letters_total", "counter", "Outbox entries given up on, by channel."},
    {"pg_staff_actions_total", "counter", "Staff actions on petitions, by action and result (applied, refused)."},
    {"pg_staff_refused_total", "counter", "Staff-chat messages not acted on, by channel and reason."},
    {"pg_staff_threads_adopted_total", "counter", "Staff topics created but never stored, taken up by their name, by channel."},
    {"pg_staff_api_requests_total", "counter", "Staff API requests, by result."},
    {"pg_console_logins_total", "counter", "Staff console logins, by result (ok, failed, locked)."},
    {"pg_console_refused_total", "counter", "Staff console requests refused, by reason (unauthenticated, csrf, cross_site)."},
    {"pg_webchat_messages_refused_total", "counter", "Web chat messages refused before parsing, by channel and reason (rate_limit, session_rate)."},
    {"pg_http_host_refused_total", "counter", "Page, web chat and console requests refused for a Host not in server.allowed_hosts."},
    {"pg_alerts_total", "counter", "Deadline reminders and escalations, by kind."},
    {"pg_deadline_checks_total", "counter", "Deadline checks run."},
    {"pg_retention_sweeps_total", "counter", "Retention sweeps run."},
    {"pg_erasures_total", "counter", "Petitions whose personal data was erased, by who asked (console, staff_api, retention)."},
    {"pg_wal_syncs_total", "counter", "WAL syncs for units written ahead of them (storage.sync on), by result."},
    {"pg_wal_sync_waiters_total", "counter", "Units and requests resumed by those syncs (divided by the syncs: the batch size)."},
    {"pg_outbox_depth", "gauge", "Outbox entries not yet delivered."},
    {"pg_outbox_claimed_total", "counter", "Outbox entries this node took over after their lease ran out."},
    {"pg_http_connections", "gauge", "Open inbound HTTP connections."},
};

void escape_into(std::string& out, std::string_view v)
{
    auto const special = [](char c) { return c == '\\' || c == '"' || c == '\n'; };
    if (std::none_of(v.begin(), v.end(), special)) {  // the usual label value
        out += v;
        return;
    }
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
}

}  // namespace

void metrics::key_into(std::string& out, std::string_view name, labels_t labels)
{
    out.assign(name);
    if (labels.size() == 0)
        return;
    out += '{';
    bool first = true;
    for (auto const& [l, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += l;
        out += "=\"";
        escape_into(out, v);
        out += '"';
    }
    out += '}';
}

void metrics::add(std::string_view name, labels_t labels, std::uint64_t n)
{
    thread_local std::string k;  // keeps its capacity: no allocation per update
    key_into(k, name, labels);
    {
        std::shared_lock lock(mutex_);
        if (auto it = counters_.find(k); it != counters_.end()) {
            it->second.fetch_add(n, std::memory_order_relaxed);
            return;
        }
    }
    std::unique_lock lock(mutex_);
    counters_.try_emplace(k).first->second.fetch_add(n, std::memory_order_relaxed);
}

void metrics::gauge(std::string_view name, std::function<double()> read)
{
    std::unique_lock lock(mutex_);
    gauges_.emplace_back(std::string(name), std::move(read));
}

std::uint64_t metrics::value(std::string_view name, labels_t labels) const
{
    std::string k;
    key_into(k, name, labels);
    std::shared_lock lock(mutex_);
    auto it = counters_.find(k);
    return it == counters_.end() ? 0 : it->second.load(std::memory_order_relaxed);
}

std::string metrics::render() const
{
    std::string out;
    std::shared_lock lock(mutex_);
    for (auto const& f : families) {
        out += "# HELP ";
        out += f.name;
        out += ' ';
        out += f.help;
        out += "\n# TYPE ";
        out += f.name;
        out += ' ';
        out += f.type;
        out += '\n';
        if (f.type == "gauge") {
            for (auto const& [n, read] : gauges_)
                if (n == f.name) {
                    char buf[64];
                    std::snprintf(buf, sizeof buf, " %.17g\n", read());
                    out += n;
                    out += buf;
                }
            continue;
        }
        // counters_ is sorted, so one family's series are adjacent.
        for (auto it = counters_.lower_bound(f.name); it != counters_.end(); ++it) {
            std::string_view const k = it->first;
            if (!k.starts_with(f.name) || (k.size() > f.name.size() && k[f.name.size()] != '{'))
                break;
            out += k;
            out += ' ';
            out += std::to_string(it->second.load(std::memory_order_relaxed));
            out += '\n';
        }
    }
    return out;
}

}  // namespace pg::gateway
