#pragma once
// What the fuzz targets share: an invariant check that stops the run with a
// message libFuzzer keeps beside the crashing input, and small helpers.
#include "adapters/common/utf8.hpp"

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

}  // namespace pg::fuzz
