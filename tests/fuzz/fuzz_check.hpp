#pragma once
// What the fuzz targets share: an invariant check that stops the run with a
// message libFuzzer keeps beside the crashing input, and small helpers.
#include "adapters/common/utf8.hpp"
#include "model/message.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace pg::fuzz {

// A broken invariant is a bug in the code under test: abort(), so libFuzzer
// saves the input as a crash. Unlike assert(), this stays in every build type.
[[noreturn]] inline void fail(char const* what, std::string_view detail = {})
{
    std::fprintf(stderr, "\n*** invariant broken: %s%s%.*s\n", what, detail.empty() ? "" : ": ",
                 static_cast<int>(detail.size()), detail.data());
    std::abort();
}

inline void check(bool ok, char const* what, std::string_view detail = {})
{
    if (!ok)
        fail(what, detail);
}

inline bool valid_utf8(std::string_view s) { return adapters::valid_utf8(s); }

// Statuses an adapter's interpret() is fed with each input as the answer body.
constexpr int answer_statuses[] = {0, 200, 201, 302, 400, 401, 403, 404, 429, 500, 502, 599, 700, -1};

// The promises every adapter's verdict keeps, whatever the platform answered.
inline void check_verdict(model::delivery_verdict const& v, int status, model::timestamp now,
                          std::string_view bot_token)
{
    check(valid_utf8(v.reason), "interpret: reason is valid UTF-8", v.reason);
    check(v.reason.size() <= 1024, "interpret: reason stays short", v.reason);
    check(v.reason.find(bot_token) == std::string_view::npos, "interpret: reason never quotes the bot token");
    check(valid_utf8(v.created_thread), "interpret: created_thread is valid UTF-8");
    if (v.not_before) {
        check(v.outcome == model::delivery::retry, "interpret: not_before only on retry");
        check(*v.not_before >= now && *v.not_before <= now + std::chrono::days{8},
              "interpret: not_before within a week from now");
    }
    if (status == 429)
        check(v.outcome == model::delivery::retry && v.not_before.has_value(), "interpret: 429 retries later");
    if (status == 0 || (status >= 500 && status < 600))
        check(v.outcome == model::delivery::retry, "interpret: no answer and 5xx retry");
    if (v.outcome == model::delivery::ok)
        check(status >= 200 && status < 300, "interpret: ok only for 2xx");
    if (!v.created_thread.empty())
        check(v.outcome == model::delivery::ok, "interpret: a created thread only on ok");
}

}  // namespace pg::fuzz
