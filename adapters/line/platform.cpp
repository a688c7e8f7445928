// LINE on the platform contract: settings read and checked once in make().
#include "adapters/line/line.hpp"

#include "adapters/common/options.hpp"
#include "adapters/common/json_read.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace pg::adapters::line {
namespace {

using nlohmann::json;

// A required string without white space. Config has checked the shape already;
// make() checks again so a platform built another way fails as clearly.
std::string word_option(json const& options, std::string_view key)
{
    auto const v = json_read::find(options, key);
    if (v == nullptr)
        refuse(std::string(key), "missing");
    if (!v->is_string())
        refuse(std::string(key), "expected a string");
    auto const& s = v->get_ref<std::string const&>();
    if (s.empty() || std::any_of(s.begin(), s.end(), [](unsigned char c) { return c <= ' '; }))
        refuse(std::string(key), "expected a non-empty string without white space");
    return s;
}

class bot final : public platform {
public:
    explicit bot(settings s) : s_(std::move(s)) {}

    capabilities const& can() const override
    {
        // Quick replies are buttons (13 at most, see render.cpp); no threads; no reply
        // window: a push reaches a friend at any time.
        static capabilities const c{.buttons = true, .max_buttons = 13, .threads = false,
                                    .thread_carries_text = false, .max_text = max_text_units};
        return c;
    }
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp) const override
    {
        return parse_webhook(req, s_);
    }
    model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx) const override
    {
        return line::render(m, ctx, s_);
    }
    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        return line::interpret(r, now, s_);
    }

private:
    settings s_;
};

bool is_hex32(std::string_view s)
{
    return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
}

std::unique_ptr<platform const> make(channel_config const& c)
{
    settings s;
    s.channel_id = c.id;
    s.channel_secret = word_option(c.options, "channel_secret");
    // The console shows the secret as 32 hex digits; the much longer access token is
    // the usual thing pasted here by mistake, and then no webhook would ever verify.
    if (!is_hex32(s.channel_secret))
        refuse("channel_secret", "expected the channel secret (32 hexadecimal digits, Basic settings), "
                                 "not the channel access token");
    s.access_token = word_option(c.options, "access_token");
    if (s.access_token == s.channel_secret)
        refuse("access_token", "is the channel secret: expected the channel access token (Messaging API tab)");
    if (auto const v = json_read::find(c.options, "reply_token_seconds")) {
        bool const integer = v->is_number_integer() && !(v->is_number_unsigned() && v->get<std::uint64_t>() > 60);
        auto const n = integer ? v->get<std::int64_t>() : 0;
        if (n < 1 || n > max_reply_token_seconds)
            refuse("reply_token_seconds", "expected an integer from 1 to " + std::to_string(max_reply_token_seconds) +
                                              " (seconds after the event a reply token is still used)");
        s.reply_token_lifetime = std::chrono::seconds{n};
    }
    return std::make_unique<bot const>(std::move(s));
}

constexpr std::array settings_list{
    setting{"channel_secret", setting_kind::secret_word, true},
    setting{"access_token", setting_kind::secret_word, true},
    setting{"reply_token_seconds", setting_kind::number, false},
};

}  // namespace

platform_kind kind()
{
    return {.name = "line",
            .default_api_base = "https://api.line.me",
            .settings = settings_list,
            .make = &make,
            .example = R"({"channel_secret": "0123456789abcdef0123456789abcdef",
                          "access_token": "line-channel-access-token-0123456789", "reply_token_seconds": 50})"};
}

}  // namespace pg::adapters::line
