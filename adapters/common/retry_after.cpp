#include "adapters/common/retry_after.hpp"

#include <algorithm>
#include <charconv>

namespace pg::adapters {

std::optional<std::int64_t> retry_after_seconds(std::string_view v)
{
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
        v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
        v.remove_suffix(1);
    std::int64_t seconds = 0;
    auto const [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
    if (v.empty() || ec != std::errc{} || end != v.data() + v.size())
        return std::nullopt;
    return std::clamp(seconds, std::int64_t{0}, max_retry_after_seconds);
}

}  // namespace pg::adapters
