// Web chat sessions: signed cookies, and the same-origin check.
#include "adapters/webchat/webchat.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/origin.hpp"
#include "adapters/common/secret.hpp"
#include "model/ascii.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace pg::adapters::webchat {
namespace {

// A cookie issued "in the future" by more than this is forged or from a broken clock.
constexpr std::int64_t future_skew_ms = 60'000;
constexpr std::size_t max_seconds_digits = 12;

bool is_lower_hex(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string mac(std::string_view session_id, std::string_view issued, std::string_view secret)
{
    std::string signed_part;
    signed_part.append(session_id).append(".").append(issued);
    return to_hex(hmac_sha256(secret, signed_part));
}

std::string_view trim(std::string_view s)
{
    auto const b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos)
        return {};
    auto const e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

// One cookie value -> the session id, when it is well-formed, signed and fresh.
std::optional<std::string> check(std::string_view value, std::string_view secret, model::timestamp now)
{
    auto const first = value.find('.');
    auto const second = first == std::string_view::npos ? first : value.find('.', first + 1);
    if (second == std::string_view::npos)
        return std::nullopt;
    auto const id = value.substr(0, first);
    auto const issued = value.substr(first + 1, second - first - 1);
    auto const got = value.substr(second + 1);
    if (id.size() != 2 * session_id_bytes || !is_lower_hex(id) || issued.empty() ||
        issued.size() > max_seconds_digits || got.size() != 64)
        return std::nullopt;
    std::int64_t seconds = 0;
    auto const [end, ec] = std::from_chars(issued.data(), issued.data() + issued.size(), seconds);
    if (ec != std::errc{} || end != issued.data() + issued.size() || seconds < 0)
        return std::nullopt;
    // The MAC first, in constant time; the age only matters for a genuine cookie.
    if (!same_secret(got, mac(id, issued, secret)))
        return std::nullopt;
    auto const age_ms = model::to_millis(now) - seconds * 1000;
    if (age_ms > std::chrono::duration_cast<std::chrono::milliseconds>(session_max_age).count() ||
        age_ms < -future_skew_ms)
        return std::nullopt;
    return std::string(id);
}

using model::iequals_ascii;

}  // namespace

std::string cookie_name(std::string_view channel_id)
{
    return "pg_chat_" + std::string(channel_id);
}

std::string new_session_id(std::string_view random)
{
    return to_hex(random);
}

std::string cookie_value(std::string_view session_id, model::timestamp issued, std::string_view secret)
{
    auto const seconds = std::to_string(model::to_millis(issued) / 1000);
    return std::string(session_id) + "." + seconds + "." + mac(session_id, seconds, secret);
}

std::string set_cookie(std::string_view channel_id, std::string_view value, bool secure)
{
    return cookie_name(channel_id) + "=" + std::string(value) + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
           std::to_string(session_max_age.count()) + (secure ? "; Secure" : "");
}

std::optional<std::string> verify_session(std::string_view cookie_header, std::string_view channel_id,
                                          std::string_view secret, model::timestamp now)
{
    if (secret.empty())  // fail closed
        return std::nullopt;
    auto const name = cookie_name(channel_id);
    // "a=1; pg_chat_web=...; b=2" (RFC 6265 section 5.4: pairs joined by "; ").
    for (std::size_t start = 0; start <= cookie_header.size();) {
        auto end = cookie_header.find(';', start);
        if (end == std::string_view::npos)
            end = cookie_header.size();
        auto const pair = trim(cookie_header.substr(start, end - start));
        auto const eq = pair.find('=');
        if (eq != std::string_view::npos && trim(pair.substr(0, eq)) == name) {
            auto value = trim(pair.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                value = value.substr(1, value.size() - 2);
            if (auto id = check(value, secret, now))
                return id;
        }
        start = end + 1;
    }
    return std::nullopt;
}

bool cross_origin(model::raw_request const& req)
{
    bool present = false;
    for (auto const& [k, v] : req.headers)
        present = present || iequals_ascii(k, "Origin");
    if (!present)
        return false;  // not a browser's cross-site request: curl, tests, same-origin GETs
    // Another site, or "null" (a sandboxed frame, a file:// page), or no Host to compare with.
    return !same_origin(req.header("Origin"), req.header("Host"));
}

}  // namespace pg::adapters::webchat
