#include "model/chain.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace pg::model {
namespace {

// Length-prefixed, so no two different field lists hash the same bytes.
void field(std::string& out, std::string_view value)
{
    out += std::to_string(value.size());
    out += ':';
    out += value;
}

std::vector<std::string> links_of(std::string_view tracking, std::vector<timeline_event> const& events)
{
    std::vector<std::string> links;
    links.reserve(events.size());
    std::string previous;
    for (auto const& e : events) {
        previous = chain_link(previous, tracking, e);
        links.push_back(previous);
    }
    return links;
}

}  // namespace

std::string sha256_hex(std::string_view bytes)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int n = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &n, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");  // only when OpenSSL itself is broken
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (unsigned int i = 0; i < n; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

std::string content_digest(timeline_event const& e)
{
    if (!e.erased_content.empty())
        return e.erased_content;
    std::string bytes;
    field(bytes, e.actor_id);
    field(bytes, e.note);
    return sha256_hex(bytes);
}

std::string chain_link(std::string_view previous, std::string_view tracking, timeline_event const& e)
{
    std::string bytes = "pg-timeline-v1\n";
    field(bytes, previous);
    field(bytes, tracking);
    field(bytes, std::to_string(to_millis(e.at)));
    field(bytes, to_string(e.kind));
    field(bytes, to_string(e.to));
    field(bytes, to_string(e.actor));
    field(bytes, e.channel_id);
    field(bytes, e.department);
    field(bytes, e.actor_name);
    field(bytes, content_digest(e));
    return sha256_hex(bytes);
}

void seal(std::string_view tracking, std::string previous, std::optional<timestamp> last_at,
          std::vector<timeline_event*> const& fresh)
{
    for (auto* e : fresh) {
        if (last_at && e->at < *last_at)
            e->at = *last_at;
        e->digest = chain_link(previous, tracking, *e);
        previous = e->digest;
        last_at = e->at;
    }
}

std::string chain_head(std::string_view tracking, std::vector<timeline_event> const& events)
{
    if (events.empty())
        return {};
    if (!events.back().digest.empty())
        return events.back().digest;
    return links_of(tracking, events).back();
}

std::string short_digest(std::string_view digest) { return std::string(digest.substr(0, 16)); }

timeline_event erased(timeline_event e)
{
    e.erased_content = content_digest(e);
    e.note.clear();
    if (e.actor == actor_kind::citizen)
        e.actor_id.clear();  // an official's id stays: it is no citizen's data
    return e;
}

chain_check verify_chain(std::string_view tracking, std::vector<timeline_event> const& events,
                         std::string_view receipt)
{
    chain_check out;
    out.entries = events.size();
    auto const links = links_of(tracking, events);
    bool seen_sealed = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        auto const& e = events[i];
        if (!e.digest.empty()) {
            seen_sealed = true;
            ++out.sealed;
        }
        if (!out.broken_at) {
            if (!e.digest.empty() && e.digest != links[i]) {
                out.broken_at = i;
                out.reason = "its digest does not match its content and the entry before it";
            } else if (e.digest.empty() && seen_sealed) {
                out.broken_at = i;
                out.reason = "it carries no digest, yet an entry before it was sealed";
            } else if (i > 0 && e.at < events[i - 1].at) {
                out.broken_at = i;
                out.reason = "it is dated before the entry before it";
            }
        }
        if (!out.receipt_at && receipt.size() >= 16 && links[i].starts_with(receipt))
            out.receipt_at = i;
    }
    if (!links.empty())
        out.head = links.back();
    return out;
}

std::vector<day_head> day_heads(std::vector<chained_timeline> timelines, timestamp now, zone const& z, int days)
{
    std::sort(timelines.begin(), timelines.end(),
              [](auto const& a, auto const& b) { return a.tracking < b.tracking; });
    std::vector<std::vector<std::string>> links;
    links.reserve(timelines.size());
    for (auto const& t : timelines)
        links.push_back(links_of(t.tracking, *t.events));

    auto const today = std::chrono::floor<std::chrono::days>(z.to_local(now));
    std::vector<day_head> out;
    for (int back = 1; back <= days; ++back) {
        auto const day = today - std::chrono::days{back};
        day_head h;
        h.day = format_day(day);
        h.ends_at = z.start_of(day + std::chrono::days{1});
        std::string bytes = "pg-day-v1\n";
        field(bytes, h.day);
        for (std::size_t i = 0; i < timelines.size(); ++i) {
            auto const& events = *timelines[i].events;
            // Entries are in time order: those before the end are a prefix.
            auto const before = std::partition_point(events.begin(), events.end(),
                                                     [&](timeline_event const& e) { return e.at < h.ends_at; });
            if (before == events.begin())
                continue;
            ++h.petitions;
            field(bytes, timelines[i].tracking);
            field(bytes, links[i][static_cast<std::size_t>(before - events.begin()) - 1]);
        }
        h.digest = sha256_hex(bytes);
        out.push_back(std::move(h));
    }
    return out;
}

}  // namespace pg::model
