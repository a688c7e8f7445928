#pragma once
// What a citizen filing a petition over Telegram sends and gets back, and the
// check of one chat's deliveries: shared by the tests that kill things under
// load (crash_loop_test, multi_node_test).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <regex>
#include <string>
#include <vector>

namespace pg::testing {

inline std::regex const& tracking_pattern()
{
    static std::regex const re("[0-9A-Z]{4}-[0-9A-Z]{4}");
    return re;
}

inline std::string tracking_in(std::string const& text)
{
    std::smatch m;
    return std::regex_search(text, m, tracking_pattern()) ? m.str() : std::string{};
}

// Texts differ between citizens only in the tracking number, receipts' seals and the citizen's own tag.
inline std::string normalized(std::string text, std::int64_t chat)
{
    // "2026-12-05 13:30 UTC" or, in a configured zone, "2026-12-05 21:30 (UTC+08:00)".
    static std::regex const minute("[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2} "
                                   "(UTC|\\(UTC[+-][0-9]{2}:[0-9]{2}\\))");
    text = std::regex_replace(text, tracking_pattern(), "####-####");
    text = std::regex_replace(text, minute, "<time>");
    static std::regex const check_code("check code [0-9a-f]{16}");  // a receipt's seal differs per petition
    text = std::regex_replace(text, check_code, "check code <seal>");
    auto const tag = "C" + std::to_string(chat);
    for (auto at = text.find(tag); at != std::string::npos; at = text.find(tag, at))
        text.replace(at, tag.size(), "C#");
    return text;
}

inline std::string description_of(std::int64_t chat)
{
    return "A pothole near house C" + std::to_string(chat) + " is 30 cm wide and has been growing for two weeks.";
}

// What a citizen writes, one update each, to file a petition with the demo flow.
inline std::vector<std::string> petition_steps(std::int64_t chat)
{
    return {"/start", "1", "1", "Main Street, house C" + std::to_string(chat), description_of(chat),
            "skip",   "skip", "no photos", "send"};
}

inline int env_int(char const* name, int fallback)
{
    auto const* v = std::getenv(name);
    return v && *v ? std::atoi(v) : fallback;
}

// One message as the fake platform received it. A run is what lies between two
// kills (of the gateway, a node or the database). The run that sent a message
// is known within bounds: a message read just after a kill may have been sent
// just before it.
struct sent_text {
    std::string text;
    int earliest_run = 0;
    int latest_run = 0;
    std::chrono::steady_clock::time_point at{};  // when the fake read it, for a failure's report
};

// Checks one chat's deliveries against the expected replies: each expected text
// at least once, first deliveries in order, a repeat only when a kill lies
// between it and the first delivery, nothing else. Returns the number of repeats.
inline std::size_t check_chat(std::string const& who, std::vector<std::string> const& want,
                              std::vector<sent_text> const& got)
{
    std::map<std::string, int> first_run;
    std::size_t next = 0, duplicates = 0;
    for (auto const& m : got) {
        auto const at = std::find(want.begin(), want.end(), m.text);
        if (at == want.end()) {
            ADD_FAILURE() << who << ": unexpected message (processed twice, or a wrong reply): " << m.text;
            continue;
        }
        auto const index = static_cast<std::size_t>(at - want.begin());
        if (index == next) {
            first_run[m.text] = m.earliest_run;
            ++next;
        } else if (index < next) {
            ++duplicates;
            EXPECT_GT(m.latest_run, first_run[m.text]) << who << ": sent twice within one run: " << m.text;
        } else {
            ADD_FAILURE() << who << ": out of order: got reply " << index << " before reply " << next;
        }
    }
    EXPECT_EQ(next, want.size()) << who << ": only " << next << " of " << want.size() << " replies delivered";
    return duplicates;
}

}  // namespace pg::testing
