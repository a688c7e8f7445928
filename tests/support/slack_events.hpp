#pragma once
// Signed Slack Events API deliveries, as Slack sends them.
#include <nlohmann/json.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pg::testing::slack {

inline std::string hex_hmac_sha256(std::string const& key, std::string const& data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<unsigned char const*>(data.data()),
         data.size(), mac, &len);
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += digits[mac[i] >> 4];
        out += digits[mac[i] & 15];
    }
    return out;
}

// X-Slack-Request-Timestamp and X-Slack-Signature for `body` at Unix second `ts`.
inline std::vector<std::pair<std::string, std::string>> signed_headers(std::string const& secret,
                                                                       std::string const& body, std::int64_t ts)
{
    auto const t = std::to_string(ts);
    return {{"X-Slack-Request-Timestamp", t}, {"X-Slack-Signature", "v0=" + hex_hmac_sha256(secret, "v0:" + t + ":" + body)}};
}

inline std::string thread_reply(std::string const& event_id, std::string const& channel, std::string const& user,
                                std::string const& thread_ts, std::string const& ts, std::string const& text)
{
    nlohmann::json e{{"token", "legacy"},
                     {"team_id", "T0001"},
                     {"api_app_id", "A0001"},
                     {"type", "event_callback"},
                     {"event_id", event_id},
                     {"event_time", 1764000000},
                     {"authorizations", {{{"team_id", "T0001"}, {"user_id", "UBOT"}, {"is_bot", true}}}},
                     {"event", {{"type", "message"}, {"channel", channel}, {"user", user}, {"text", text},
                                {"ts", ts}, {"thread_ts", thread_ts}, {"channel_type", "channel"}}}};
    return e.dump();
}

}  // namespace pg::testing::slack
