#include "bench/loadgen/dialog_script.hpp"

#include "bench/loadgen/http_wire.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <stdexcept>

namespace pg::bench {
namespace {

// Replies of one cycle, in order: the locale key each one starts with.
constexpr std::array<char const*, replies_per_cycle> reply_keys = {
    "menu.prompt", "category.prompt", "location.prompt", "description.prompt", "since.prompt", "outcome.prompt",
    "photos.prompt", "confirm.prompt", "filed", "menu.prompt", "track.list",
};
constexpr std::array<unsigned, steps_per_cycle> replies_per_step = {1, 1, 1, 1, 1, 1, 1, 1, 2, 1};
constexpr std::array<std::string_view, steps_per_cycle> step_names = {
    "/start", "file", "category", "location", "description", "skip", "skip", "no photos", "send", "track",
};
constexpr unsigned first_contact_reply = 0;  // may carry the welcome and privacy notes first
constexpr unsigned since_reply = 4;          // the description's length note comes first
constexpr unsigned filed_reply = 8;
constexpr unsigned track_reply = 10;

constexpr std::array<std::string_view, 6> streets = {
    "Main Street", "Oak Avenue", "Station Road", "Market Square", "River Lane", "Hill Road",
};
// 20..1000 characters with the suffix added below: always a valid description.
constexpr std::array<std::string_view, 6> problems = {
    "There is a deep pothole in the middle of the lane that has already damaged several cars.",
    "The street lamp in front of the building has been off for two weeks and the corner is dark at night.",
    "Rubbish bins have not been emptied for ten days and the smell is spreading to the playground nearby.",
    "Water is leaking from a broken pipe under the pavement and the sidewalk is flooded every morning.",
    "The benches in the park are broken and the grass has not been cut since spring.",
    "Cars drive very fast past the school; we ask for a pedestrian crossing before the entrance.",
};

std::string clip_for_report(std::string_view s)
{
    std::string out;
    append_json_escaped(out, s.substr(0, 90));
    return out;
}

}  // namespace

dialog_script dialog_script::from_locale_file(std::string const& path)
{
    std::ifstream in(path);
    if (!in)
        throw std::runtime_error(path + ": cannot open");
    nlohmann::json j;
    try {
        in >> j;
    } catch (nlohmann::json::exception const& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    dialog_script s;
    for (std::size_t i = 0; i < reply_keys.size(); ++i) {
        auto const* texts = j.contains("texts") ? &j["texts"] : nullptr;
        if (!texts || !texts->contains(reply_keys[i]) || !(*texts)[reply_keys[i]].is_string())
            throw std::runtime_error(path + ": texts." + reply_keys[i] + ": missing");
        auto const full = (*texts)[reply_keys[i]].get<std::string>();
        s.markers_[i] = full.substr(0, full.find('{'));  // the fixed part before the first placeholder
        if (s.markers_[i].size() < 8)
            throw std::runtime_error(path + ": texts." + reply_keys[i] + ": too little fixed text to check");
    }
    return s;
}

void dialog_script::text_of_step(chat const& c, std::string& out) const
{
    auto const i = c.index;
    auto const k = c.cycle;
    switch (c.pos) {
    case 0: out += "/start"; return;
    case 1: out += "1"; return;  // "File a request" by its number
    case 2: out += std::to_string((i + k) % 6 + 1); return;
    case 3:
        out += std::to_string(i % 180 + 1 + k % 50);
        out += ' ';
        out += streets[(i + k) % streets.size()];
        out += ", district ";
        out += std::to_string(i % 12 + 1);
        out += ", door ";  // a place of each chat's own: a shared one would offer another's petition to follow
        out += std::to_string(i);
        return;
    case 4:
        out += problems[(i + 2 * k) % problems.size()];
        out += " Reported by chat ";
        out += std::to_string(i);
        out += ", visit ";
        out += std::to_string(k + 1);
        out += '.';
        return;
    case 5:
    case 6: out += "skip"; return;  // since when, what outcome
    case 7: out += "no photos"; return;
    case 8: out += "send"; return;
    default: out += "track"; return;
    }
}

unsigned dialog_script::replies_of_step(unsigned pos) { return replies_per_step[pos % steps_per_cycle]; }
std::string_view dialog_script::step_name(unsigned pos) { return step_names[pos % steps_per_cycle]; }

void dialog_script::advance(chat& c)
{
    if (++c.pos == steps_per_cycle) {
        c.pos = 0;
        ++c.cycle;
    }
}

std::string dialog_script::check(chat& c, std::string_view text) const
{
    auto const n = c.received;
    if (n >= c.expected)
        return "extra reply #" + std::to_string(n + 1) + " (" + std::to_string(c.expected) +
               " owed): \"" + clip_for_report(text) + "\"";
    auto const slot = static_cast<unsigned>(n % replies_per_cycle);
    auto const& marker = markers_[slot];
    bool const fits = slot == first_contact_reply || slot == since_reply
                          ? text.find(marker) != std::string_view::npos
                          : text.starts_with(marker);
    std::string problem;
    if (!fits) {
        problem = "reply #" + std::to_string(n + 1) + " should start with \"" + clip_for_report(marker) +
                  "\", got \"" + clip_for_report(text) + "\"";
    } else if (slot == filed_reply) {
        auto rest = text.substr(marker.size());
        c.tracking = std::string(rest.substr(0, rest.find('\n')));
        if (c.tracking.empty() || c.tracking.size() > 32)
            problem = "reply #" + std::to_string(n + 1) + ": no tracking number in \"" + clip_for_report(text) + "\"";
    } else if (slot == track_reply && (c.tracking.empty() || text.find(c.tracking) == std::string_view::npos)) {
        problem = "reply #" + std::to_string(n + 1) + ": the list lacks the number just filed (" + c.tracking +
                  "): \"" + clip_for_report(text) + "\"";
    }
    ++c.received;
    return problem;
}

void write_update_json(std::string& out, std::uint64_t update_id, chat const& c, std::int64_t unix_date,
                       std::string_view text, bool command)
{
    auto const id = std::to_string(c.id);
    auto const name = "Citizen" + std::to_string(c.index);
    out += "{\"update_id\":";
    out += std::to_string(update_id);
    out += ",\"message\":{\"message_id\":";
    out += std::to_string(c.message_id);
    out += ",\"from\":{\"id\":";
    out += id;
    out += ",\"is_bot\":false,\"first_name\":\"";
    out += name;
    out += "\",\"language_code\":\"en\"},\"chat\":{\"id\":";
    out += id;
    out += ",\"first_name\":\"";
    out += name;
    out += "\",\"type\":\"private\"},\"date\":";
    out += std::to_string(unix_date);
    out += ",\"text\":\"";
    append_json_escaped(out, text);
    out += '"';
    if (command) {
        auto const end = text.find(' ');
        out += ",\"entities\":[{\"offset\":0,\"length\":";
        out += std::to_string(end == std::string_view::npos ? text.size() : end);
        out += ",\"type\":\"bot_command\"}]";
    }
    out += "}}";
}

}  // namespace pg::bench
