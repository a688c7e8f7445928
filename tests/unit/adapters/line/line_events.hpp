#pragma once
// LINE webhook events as the platform writes them (developers.line.biz, Webhook
// event objects), for the adapter's unit tests, and the channel they are signed for.
// Signing uses line::signature, which signature_test.cpp checks against
// make_vectors.py's independent vectors.
#include "adapters/line/line.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace pg::adapters::line::test {

inline constexpr char const* secret = "8c570fa6dd201bb328f1c1eac23a96d8";
inline constexpr char const* token = "line-channel-access-token-0123456789/+=";
inline constexpr char const* citizen = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
inline constexpr std::int64_t t0_ms = 1'692'251'666'727;

inline settings channel()
{
    return {.channel_id = "line", .channel_secret = secret, .access_token = token};
}

inline nlohmann::json options()
{
    return {{"channel_secret", secret}, {"access_token", token}};
}

inline std::unique_ptr<platform const> make_with(nlohmann::json const& o)
{
    return kind().make({"line", "https://api.line.me", o});
}

// The common part of every event: a one-to-one chat with `citizen`, active mode.
inline nlohmann::json event(std::string type, std::string id = "01H810YECXQQZ37VAXPF6H9E6T",
                            std::string reply_token = "38ef843bde154d9b91c21320ffd17a0f")
{
    nlohmann::json e{{"type", std::move(type)},
                     {"mode", "active"},
                     {"timestamp", t0_ms},
                     {"source", {{"type", "user"}, {"userId", citizen}}},
                     {"webhookEventId", std::move(id)},
                     {"deliveryContext", {{"isRedelivery", false}}}};
    if (!reply_token.empty())
        e["replyToken"] = std::move(reply_token);
    return e;
}

inline nlohmann::json message_event(nlohmann::json message)
{
    auto e = event("message");
    e["message"] = std::move(message);
    return e;
}

inline nlohmann::json text_event(std::string text)
{
    return message_event({{"type", "text"}, {"id", "468789577898262530"}, {"quoteToken", "q3Plxr4AgKd"},
                          {"text", std::move(text)}});
}

inline std::string body_of(nlohmann::json events)
{
    return nlohmann::json{{"destination", "Uf1f0a9d2c6e3b4a5f6e7d8c9b0a1f2e3"}, {"events", std::move(events)}}.dump();
}

inline model::raw_request signed_request(std::string body, std::string const& with_secret = secret)
{
    auto const sig = signature(with_secret, body);
    return {"POST", "/webhook/line", {{"Content-Type", "application/json"}, {"X-Line-Signature", sig}}, std::move(body)};
}

}  // namespace pg::adapters::line::test
