#pragma once
// Real-shaped Telegram updates for driving the gateway as a citizen would.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace pg::testing::tg {

// The secret the test gateway's Telegram channel is configured with
// (gateway_process.cpp), and the header that carries it on every webhook.
inline constexpr char const* webhook_secret = "test-secret";
inline std::vector<std::pair<std::string, std::string>> const secret_header{
    {"X-Telegram-Bot-Api-Secret-Token", webhook_secret}};

inline nlohmann::json user(std::int64_t id, std::string const& lang = "en")
{
    return {{"id", id}, {"is_bot", false}, {"first_name", "Test"}, {"language_code", lang}};
}

inline nlohmann::json private_chat(std::int64_t id)
{
    return {{"id", id}, {"first_name", "Test"}, {"type", "private"}};
}

inline nlohmann::json message_base(std::int64_t update_id, std::int64_t chat_id, std::string const& lang)
{
    return {{"update_id", update_id},
            {"message", {{"message_id", update_id % 100000 + 1}, {"from", user(chat_id, lang)},
                         {"chat", private_chat(chat_id)}, {"date", 1'764'000'000}}}};
}

inline std::string text(std::int64_t update_id, std::int64_t chat_id, std::string const& text,
                        std::string const& lang = "en")
{
    auto u = message_base(update_id, chat_id, lang);
    u["message"]["text"] = text;
    if (!text.empty() && text[0] == '/')
        u["message"]["entities"] = {{{"offset", 0}, {"length", text.find(' ') == std::string::npos ? text.size() : text.find(' ')},
                                     {"type", "bot_command"}}};
    return u.dump();
}

inline std::string button(std::int64_t update_id, std::int64_t chat_id, std::string const& data)
{
    nlohmann::json u{{"update_id", update_id},
                     {"callback_query", {{"id", "cb" + std::to_string(update_id)}, {"from", user(chat_id)},
                                         {"message", {{"message_id", 1}, {"chat", private_chat(chat_id)}, {"date", 1'764'000'000}, {"text", "menu"}}},
                                         {"chat_instance", "42"}, {"data", data}}}};
    return u.dump();
}

inline std::string location(std::int64_t update_id, std::int64_t chat_id, double lat, double lon)
{
    auto u = message_base(update_id, chat_id, "en");
    u["message"]["location"] = {{"latitude", lat}, {"longitude", lon}};
    return u.dump();
}

// A photo as Telegram sends it: every size, smallest first; the gateway keeps the largest.
inline std::string photo(std::int64_t update_id, std::int64_t chat_id, std::string const& large_file_id)
{
    auto u = message_base(update_id, chat_id, "en");
    u["message"]["photo"] = {
        {{"file_id", large_file_id + "-small"}, {"file_unique_id", "AQADs"}, {"width", 90}, {"height", 67}, {"file_size", 1200}},
        {{"file_id", large_file_id}, {"file_unique_id", "AQADl"}, {"width", 1280}, {"height", 960}, {"file_size", 98000}}};
    return u.dump();
}

inline std::string sticker(std::int64_t update_id, std::int64_t chat_id)
{
    auto u = message_base(update_id, chat_id, "en");
    u["message"]["sticker"] = {{"file_id", "CAACAgIAAxkBAAIB"}, {"file_unique_id", "AgADBAAD"}, {"width", 512},
                               {"height", 512}, {"is_animated", false}, {"is_video", false}, {"type", "regular"}};
    return u.dump();
}

// A staff member writes in a forum topic of the staff supergroup. Telegram repeats
// the topic's name in the topic's creation message, which the message replies to.
inline std::string topic_message(std::int64_t update_id, std::int64_t group_id, std::int64_t thread_id,
                                 std::int64_t staff_user, std::string const& text,
                                 std::string const& topic_name = "x")
{
    nlohmann::json u{{"update_id", update_id},
                     {"message", {{"message_id", update_id % 100000 + 500}, {"message_thread_id", thread_id},
                                  {"is_topic_message", true},
                                  {"from", {{"id", staff_user}, {"is_bot", false}, {"first_name", "Li"}, {"last_name", "Wei"}}},
                                  {"chat", {{"id", group_id}, {"title", "City staff"}, {"type", "supergroup"}, {"is_forum", true}}},
                                  {"date", 1'764'000'000},
                                  {"reply_to_message", {{"message_id", thread_id}, {"date", 1'764'000'000},
                                                        {"chat", {{"id", group_id}, {"type", "supergroup"}}},
                                                        {"forum_topic_created", {{"name", topic_name}, {"icon_color", 7322096}}}}},
                                  {"text", text}}}};
    return u.dump();
}

}  // namespace pg::testing::tg
