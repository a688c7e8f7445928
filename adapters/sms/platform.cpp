// SMS (Twilio) on the platform contract: config read and checked once in make(),
// then signed form posts in and the Messages REST API out.
#include "adapters/common/options.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/retry_after.hpp"
#include "adapters/common/utf8.hpp"
#include "adapters/sms/segments.hpp"
#include "adapters/sms/sms.hpp"
#include "model/password_hash.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace pg::adapters::sms {
namespace {

using model::delivery;
using model::delivery_verdict;
using nlohmann::json;

// ---- Config

struct account {
    std::string channel_id;
    std::string account_sid;
    std::string auth_token;
    std::string previous_auth_token;
    std::string from;                   // E.164; or
    std::string messaging_service_sid;  // MG...
    std::string public_url;
    std::size_t max_segments = default_max_segments;
};

// A string option; absent or "" reads as "". Config has checked the shapes;
// make() checks again so a platform built another way fails as clearly.
std::string string_option(json const& options, std::string_view key, bool required)
{
    auto const v = json_read::find(options, key);
    if (v == nullptr || (v->is_string() && v->get_ref<std::string const&>().empty())) {
        if (required)
            refuse(std::string(key), "missing");
        return {};
    }
    if (!v->is_string())
        refuse(std::string(key), "expected a string");
    if (blank(v->get_ref<std::string const&>()))
        refuse(std::string(key), "blank");
    return v->get<std::string>();
}

bool all_hex(std::string_view s)
{
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isxdigit(c); });
}

// Twilio's SIDs: two letters and 32 hex digits.
bool is_sid(std::string_view s, std::string_view prefix)
{
    return s.size() == 34 && s.starts_with(prefix) && all_hex(s.substr(2));
}

// E.164: '+', a country code that does not start with 0, at most 15 digits in all.
bool is_e164(std::string_view s)
{
    return s.size() >= 3 && s.size() <= 16 && s[0] == '+' && s[1] >= '1' && s[1] <= '9' &&
           std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The shape of a URL Twilio can call: http(s)://host[:port][/path][?query], no
// fragment (Twilio drops it), no white space. The path is not compared with the
// channel id: a proxy in front may map another path to /webhook/<id>.
std::optional<std::string> url_problem(std::string_view url)
{
    std::size_t scheme_end = 0;
    if (url.starts_with("https://"))
        scheme_end = 8;
    else if (url.starts_with("http://"))
        scheme_end = 7;
    else
        return "expected the webhook URL as set in Twilio's console: https://host[:port]/webhook/<channel id>";
    if (std::any_of(url.begin(), url.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7F; }))
        return "contains white space or control characters";
    if (url.find('#') != std::string_view::npos)
        return "has a fragment ('#'): Twilio does not send or sign one";
    auto const authority_end = std::min(url.find_first_of("/?", scheme_end), url.size());
    auto const authority = url.substr(scheme_end, authority_end - scheme_end);
    auto const colon = authority.rfind(':');
    auto const host = colon == std::string_view::npos || authority.find(']', colon) != std::string_view::npos
                          ? authority
                          : authority.substr(0, colon);
    if (host.empty())
        return "has no host";
    if (host.size() != authority.size()) {
        auto const port = authority.substr(host.size() + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c); }))
            return "the port is not a number";
    }
    return std::nullopt;
}

std::size_t segments_option(json const& options)
{
    auto const v = json_read::find(options, "max_segments");
    if (v == nullptr)
        return default_max_segments;
    if (!v->is_number_integer())
        refuse("max_segments", "expected an integer from 1 to " + std::to_string(most_segments));
    auto const n = v->get<std::int64_t>();
    if (n < 1 || n > static_cast<std::int64_t>(most_segments))
        refuse("max_segments", "expected 1 to " + std::to_string(most_segments) + " (segments per message)");
    return static_cast<std::size_t>(n);
}

// ---- Calls

// Twilio refuses an empty Body (21602).
constexpr std::string_view blank_text_stand_in = "...";

// Bytes that are not UTF-8 become U+FFFD: Twilio would refuse or garble them.
std::string as_utf8(std::string_view s)
{
    std::string out;
    while (auto const bad = first_invalid_utf8(s)) {
        out += s.substr(0, *bad);
        out += "\uFFFD";
        s.remove_prefix(*bad + 1);
    }
    out += s;
    return out;
}

// Buttons should not come (can().buttons is false: the dialog numbers choices),
// but if they do, they are numbered lines, and a typed number is the press.
std::string body_of(model::outbound_message const& m)
{
    std::string body = as_utf8(m.text);
    std::size_t n = 0;
    for (auto const& row : m.buttons)
        for (auto const& b : row)
            body += (body.empty() ? "" : "\n") + std::to_string(++n) + ". " + as_utf8(b.label);
    if (blank(body))
        return std::string(blank_text_stand_in);
    return std::string(utf8_prefix_utf16(body, max_body_chars));
}

// ---- Answers

delivery_verdict verdict(delivery d, std::string reason) { return {d, std::nullopt, std::move(reason), {}, {}}; }

// Twilio's error body: {"code": 21610, "message": "...", "more_info": "...", "status": 400}.
// The message is left out of reasons: it often quotes the phone number.
std::optional<std::int64_t> error_code(std::string_view body)
{
    json j;
    if (parse_json_body(body, j) || !j.is_object())
        return std::nullopt;
    json_read rd;
    return rd.get<std::int64_t>(j, "", "code");
}

std::string describe(std::int64_t code)
{
    auto const c = "code " + std::to_string(code);
    switch (code) {
    case 21610: return "recipient opted out (" + c + ": the citizen texted STOP; START undoes it)";
    case 21211: return "not a valid phone number (" + c + ")";
    case 21614: return "not a mobile number (" + c + ")";
    case 21408: return "no permission to send to that region (" + c + ")";
    case 21606: return "from is not a number of this account that can send SMS (" + c + ")";
    case 21612: return "cannot route between these numbers (" + c + ")";
    case 21617: return "Body too long (" + c + ")";
    case 20003: return "authentication failed: check account_sid and auth_token (" + c + ")";
    case 20404: return "account or resource not found: check account_sid (" + c + ")";
    default: return c;
    }
}

// ---- The platform

class sms_platform final : public platform {
public:
    explicit sms_platform(account a)
        : a_(std::move(a)), hook_{a_.channel_id, a_.auth_token, a_.previous_auth_token, a_.public_url},
          authorization_("Basic " + model::to_base64(a_.account_sid + ":" + a_.auth_token))
    {
    }

    capabilities const& can() const override
    {
        static capabilities const c{.buttons = false,
                                    .threads = false,
                                    .thread_carries_text = false,
                                    .max_text = max_body_chars,
                                    .reply_window = std::chrono::milliseconds{0},
                                    .local_delivery = false,
                                    .paid_per_message = true,  // a status push comes here last
                                    .staff_only = false,
                                    .public_webhook = false};
        return c;
    }

    // Twilio can be told to GET its webhook (everything in the query); we take POST only.
    model::result<http_answer> verify_url(model::raw_request const&, model::timestamp) const override
    {
        return model::failure{model::errc::malformed_body,
                              "SMS webhooks are POST only: set the number's messaging webhook to HTTP POST in "
                              "Twilio's console"};
    }

    // Answered with an empty <Response/> once committed: see sms.hpp for why.
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp) const override
    {
        return parse_webhook(req, hook_);
    }

    // Pieces within max_segments. split_to_fit cuts after a line break in a piece's
    // second half; where there is none, this ends the piece after a space in its
    // second half, so no word is split between two SMS.
    std::vector<std::string> fit_text(std::string_view text) const override
    {
        auto const max = a_.max_segments;
        return split_to_fit(text, [max](std::string_view rest) {
            auto const fit = longest_prefix_within(rest, max);
            if (fit.size() == rest.size())
                return fit;
            auto const half = fit.size() / 2;
            if (auto const line = fit.rfind('\n'); line != std::string_view::npos && line + 1 > half)
                return fit;  // split_to_fit cuts there
            if (auto const space = fit.rfind(' '); space != std::string_view::npos && space + 1 > half)
                return fit.substr(0, space + 1);
            return fit;
        });
    }

    model::result<model::api_call> render(model::outbound_message const& m, send_context const&) const override
    {
        switch (m.kind) {
        case model::message_kind::callback_ack:  // no buttons, nothing to acknowledge
        case model::message_kind::photo:         // a citizen's MMS is not sent back
            return model::api_call{.path = {}};
        case model::message_kind::open_thread:
            return model::failure{model::errc::unsupported_update, "open_thread: a citizen channel has no threads"};
        case model::message_kind::text:
            break;
        }
        std::string body = "To=" + form_encode(m.chat_id);
        if (!a_.from.empty())
            body += "&From=" + form_encode(a_.from);
        else
            body += "&MessagingServiceSid=" + form_encode(a_.messaging_service_sid);
        body += "&Body=" + form_encode(body_of(m));
        body += "&StatusCallback=" + form_encode(a_.public_url);  // receipts come back to the same webhook
        model::api_call call;
        call.path = "/2010-04-01/Accounts/" + a_.account_sid + "/Messages.json";
        call.content_type = "application/x-www-form-urlencoded";
        call.headers.emplace_back("Authorization", authorization_);
        call.body = std::move(body);
        return call;
    }

    model::delivery_verdict interpret(model::api_response const& r, model::timestamp now) const override
    {
        if (r.status == 0)  // no answer: connect, TLS or read failed or timed out
            return verdict(delivery::retry, "network");
        auto const http = "HTTP " + std::to_string(r.status);
        // Retry-After is a floor for the next attempt; a 429 without one waits a second
        // (Twilio queues per number, about a segment a second on a long code).
        auto const later = [&](std::string reason, std::optional<std::int64_t> fallback) {
            auto v = verdict(delivery::retry, std::move(reason));
            if (auto const s = retry_after_seconds(r.retry_after_header).value_or(fallback.value_or(-1)); s >= 0)
                v.not_before = now + std::chrono::seconds{s};
            return v;
        };
        if (r.status == 200 || r.status == 201) {
            json j;
            if (parse_json_body(r.body, j) || !j.is_object())
                return verdict(delivery::retry, http + ": answer not a JSON object");
            json_read rd;
            auto sid = rd.get<std::string>(j, "", "sid");
            if (!sid || sid->empty())
                return verdict(delivery::retry, http + ": answer without a sid");
            auto v = verdict(delivery::ok, {});
            v.sent_id = std::move(*sid);
            return v;
        }
        auto const code = error_code(r.body);
        if (r.status == 429 || code == 20429)
            return later(http + (code ? ", " + describe(*code) : std::string()) + " (too many requests)", 1);
        if (r.status >= 500 && r.status < 600)
            return later(http + (code ? ", " + describe(*code) : std::string()), std::nullopt);
        if (r.status >= 400 && r.status < 500)
            return verdict(delivery::permanent, code ? describe(*code) + ", " + http : http);
        return verdict(delivery::retry, http + " (unexpected status)");  // a proxy or a wrong api_base
    }

private:
    account a_;
    webhook_settings hook_;
    std::string authorization_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    account a;
    a.channel_id = c.id;
    a.account_sid = string_option(c.options, "account_sid", true);
    if (!is_sid(a.account_sid, "AC"))
        refuse("account_sid", "expected \"AC\" and 32 hex digits, as the console shows it");
    a.auth_token = string_option(c.options, "auth_token", true);
    a.previous_auth_token = string_option(c.options, "previous_auth_token", false);
    if (!a.previous_auth_token.empty() && a.previous_auth_token == a.auth_token)
        refuse("previous_auth_token", "the same as auth_token: leave it out, or set the token before the rotation");
    a.from = string_option(c.options, "from", false);
    a.messaging_service_sid = string_option(c.options, "messaging_service_sid", false);
    if (a.from.empty() && a.messaging_service_sid.empty())
        refuse("from", "missing: set from (the sending number, E.164) or messaging_service_sid");
    if (!a.from.empty() && !a.messaging_service_sid.empty())
        refuse("messaging_service_sid", "set together with from: set one of them, not both");
    if (!a.from.empty() && !is_e164(a.from))
        refuse("from", "expected an E.164 number: '+', country code and number, digits only (\"+15005550006\")");
    if (!a.messaging_service_sid.empty() && !is_sid(a.messaging_service_sid, "MG"))
        refuse("messaging_service_sid", "expected \"MG\" and 32 hex digits");
    a.public_url = string_option(c.options, "public_url", true);
    if (auto const why = url_problem(a.public_url))
        refuse("public_url", *why);
    a.max_segments = segments_option(c.options);
    return std::make_unique<sms_platform const>(std::move(a));
}

constexpr std::array settings{
    setting{"account_sid", setting_kind::word, true},
    setting{"auth_token", setting_kind::secret_word, true},
    setting{"previous_auth_token", setting_kind::secret, false},
    setting{"from", setting_kind::word, false},
    setting{"messaging_service_sid", setting_kind::word, false},
    setting{"public_url", setting_kind::text, true},
    setting{"max_segments", setting_kind::number, false},
};

}  // namespace

platform_kind kind()
{
    return {.name = "sms",
            .default_api_base = "https://api.twilio.com",
            .settings = settings,
            .make = &make,
            .example = R"({"account_sid": "AC0123456789abcdef0123456789abcdef",
                          "auth_token": "0123456789abcdef0123456789abcdef", "from": "+15005550006",
                          "public_url": "https://petitions.example.org/webhook/sms", "max_segments": 3})"};
}

}  // namespace pg::adapters::sms
