#include "tests/support/fake_twilio.hpp"

#include "tests/support/base64.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

namespace pg::testing::twilio {

// ================================================================ primitives

namespace {

// The form Twilio's servers read: '+' a space, %XX a byte; nullopt when broken.
std::optional<fields> form_decode(std::string const& body)
{
    auto part = [](std::string const& s) -> std::optional<std::string> {
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '+') {
                out += ' ';
            } else if (s[i] == '%') {
                if (i + 2 >= s.size())
                    return std::nullopt;
                unsigned v = 0;
                if (std::sscanf(s.substr(i + 1, 2).c_str(), "%2x", &v) != 1 || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
                    !std::isxdigit(static_cast<unsigned char>(s[i + 2])))
                    return std::nullopt;
                out += static_cast<char>(v);
                i += 2;
            } else {
                out += s[i];
            }
        }
        return out;
    };
    fields out;
    std::size_t start = 0;
    while (start <= body.size()) {
        auto end = body.find('&', start);
        if (end == std::string::npos)
            end = body.size();
        auto const piece = body.substr(start, end - start);
        start = end + 1;
        if (piece.empty())
            continue;
        auto const eq = piece.find('=');
        auto k = part(piece.substr(0, eq));
        auto v = part(eq == std::string::npos ? std::string() : piece.substr(eq + 1));
        if (!k || !v)
            return std::nullopt;
        out.emplace_back(*k, *v);
    }
    return out;
}

std::string value_of(fields const& f, std::string const& name)
{
    for (auto const& [k, v] : f)
        if (k == name)
            return v;
    return {};
}

bool has(fields const& f, std::string const& name)
{
    return std::any_of(f.begin(), f.end(), [&](auto const& p) { return p.first == name; });
}

bool e164(std::string const& s)
{
    return s.size() >= 3 && s.size() <= 16 && s[0] == '+' && s[1] != '0' &&
           std::all_of(s.begin() + 1, s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::vector<char32_t> code_points(std::string_view s)
{
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + n > s.size())
            n = s.size() - i;
        char32_t cp = n == 1 ? c : c & (0xFF >> (n + 1));
        for (std::size_t k = 1; k < n; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back(cp);
        i += n;
    }
    return out;
}

std::size_t utf16_units(std::string_view s)
{
    std::size_t n = 0;
    for (auto cp : code_points(s))
        n += cp > 0xFFFF ? 2 : 1;
    return n;
}

}  // namespace

std::size_t count_segments(std::string_view utf8)
{
    // GSM 03.38: the default alphabet, and the characters that need an escape.
    static auto const basic = [] {
        auto v = code_points("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
                             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
        return std::set<char32_t>(v.begin(), v.end());
    }();
    static auto const escaped = [] {
        auto v = code_points("\f^{}\\[~]|€");
        return std::set<char32_t>(v.begin(), v.end());
    }();
    std::size_t septets = 0;
    bool gsm = true;
    for (auto cp : code_points(utf8)) {
        if (basic.contains(cp))
            septets += 1;
        else if (escaped.contains(cp))
            septets += 2;
        else
            gsm = false;
    }
    if (gsm)
        return septets <= 160 ? 1 : (septets + 152) / 153;
    auto const units = utf16_units(utf8);
    return units <= 70 ? 1 : (units + 66) / 67;
}

std::string form_encode(fields const& f)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (auto const& [k, v] : f) {
        if (!out.empty())
            out += '&';
        for (auto const* s : {&k, &v}) {
            for (unsigned char c : *s) {
                if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
                    out += static_cast<char>(c);
                else if (c == ' ')
                    out += '+';
                else
                    out += {'%', hex[c >> 4], hex[c & 0xF]};
            }
            if (s == &k)
                out += '=';
        }
    }
    return out;
}

std::string signature(std::string const& auth_token, std::string const& url, fields const& f)
{
    auto sorted = f;
    std::sort(sorted.begin(), sorted.end());
    std::string data = url;
    for (auto const& [k, v] : sorted)
        data += k + v;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
         reinterpret_cast<unsigned char const*>(data.data()), data.size(), digest, &len);
    return base64(std::string(reinterpret_cast<char const*>(digest), len));
}

std::string message_sid(std::uint64_t n)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "SM%016llx%016llx", 0x5eedULL, static_cast<unsigned long long>(n));
    return buf;
}

fields inbound_sms(account const& a, std::string const& from, std::string const& body, std::string const& sid,
                   std::vector<std::pair<std::string, std::string>> const& media)
{
    fields f{{"ToCountry", "US"}, {"ToState", "CA"}, {"SmsMessageSid", sid}, {"NumMedia", std::to_string(media.size())},
             {"ToCity", "SAN FRANCISCO"}, {"FromZip", "94105"}, {"SmsSid", sid}, {"FromState", "CA"},
             {"SmsStatus", "received"}, {"FromCity", "SAN FRANCISCO"}, {"Body", body}, {"FromCountry", "US"},
             {"To", a.from}, {"ToZip", "94105"}, {"NumSegments", std::to_string(count_segments(body))},
             {"MessageSid", sid}, {"AccountSid", a.account_sid}, {"From", from}, {"ApiVersion", "2010-04-01"}};
    for (std::size_t i = 0; i < media.size(); ++i) {
        f.emplace_back("MediaContentType" + std::to_string(i), media[i].second);
        f.emplace_back("MediaUrl" + std::to_string(i), media[i].first);
    }
    return f;
}

fields status_callback(account const& a, std::string const& sid, std::string const& status, std::string const& to,
                       std::string const& error_code)
{
    fields f{{"SmsSid", sid}, {"SmsStatus", status}, {"MessageStatus", status}, {"To", to},
             {"MessageSid", sid}, {"AccountSid", a.account_sid}, {"From", a.from}, {"ApiVersion", "2010-04-01"}};
    if (!error_code.empty())
        f.emplace_back("ErrorCode", error_code);
    return f;
}

http_result post_signed(unsigned short port, std::string const& path, std::string const& auth_token,
                        std::string const& public_url, fields const& f, std::string const& signature_override)
{
    auto const sig = signature_override.empty() ? signature(auth_token, public_url, f) : signature_override;
    return http_request(port, "POST", path, form_encode(f),
                        {{"Content-Type", "application/x-www-form-urlencoded"}, {"X-Twilio-Signature", sig},
                         {"I-Twilio-Idempotency-Token", "idem-" + value_of(f, "MessageSid")},
                         {"User-Agent", "TwilioProxy/1.1"}});
}

// ================================================================ the API

struct fake_twilio_api::state {
    mutable std::mutex mutex;
    std::deque<std::pair<int, int>> failures;  // code, retry-after seconds
    std::set<std::string> opted_out;
    std::vector<sent_sms> sent;
    std::vector<api_call> calls;
    std::uint64_t next_sid = 1;
};

namespace {

struct answer {
    int status;
    int code;
    std::string message;
    int retry_after = 0;
};

std::string error_body(answer const& a)
{
    return nlohmann::json{{"code", a.code},
                          {"message", a.message},
                          {"more_info", "https://www.twilio.com/docs/errors/" + std::to_string(a.code)},
                          {"status", a.status}}
        .dump();
}

}  // namespace

fake_twilio_api::fake_twilio_api(account a) : account_(std::move(a)), state_(std::make_unique<state>())
{
    platform_.set_script([this](recorded_request const& req, std::size_t) {
        auto& s = *state_;
        std::lock_guard lock(s.mutex);
        auto const path = req.target.substr(0, req.target.find('?'));
        std::string auth;
        std::string content_type;
        for (auto const& [k, v] : req.headers) {
            std::string lower(k);
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            if (lower == "authorization")
                auth = v;
            else if (lower == "content-type")
                content_type = v;
        }
        sent_sms m;
        auto handle = [&]() -> std::optional<answer> {
            if (path != "/2010-04-01/Accounts/" + account_.account_sid + "/Messages.json" || req.method != "POST")
                return answer{404, 20404, "The requested resource was not found"};
            auto const decoded = auth.starts_with("Basic ") ? unbase64(auth.substr(6)) : std::nullopt;
            if (!decoded || *decoded != account_.account_sid + ":" + account_.auth_token)
                return answer{401, 20003, "Authenticate"};
            if (!s.failures.empty()) {
                auto const [code, wait] = s.failures.front();
                s.failures.pop_front();
                if (code == 500)
                    return answer{500, 20500, "Internal Server Error", wait};
                if (code == 20429)
                    return answer{429, 20429, "Too Many Requests", wait};
                return answer{400, code, "scripted", wait};
            }
            if (!content_type.starts_with("application/x-www-form-urlencoded"))
                return answer{400, 20001, "Content-Type must be application/x-www-form-urlencoded"};
            auto const f = form_decode(req.body);
            if (!f)
                return answer{400, 20001, "Could not decode the form"};
            m.to = value_of(*f, "To");
            m.from = value_of(*f, "From");
            m.messaging_service_sid = value_of(*f, "MessagingServiceSid");
            m.body = value_of(*f, "Body");
            m.status_callback = value_of(*f, "StatusCallback");
            if (m.to.empty())
                return answer{400, 21604, "A 'To' phone number is required."};
            if (!e164(m.to))
                return answer{400, 21211, "The 'To' number " + m.to + " is not a valid phone number."};
            if (m.from.empty() && m.messaging_service_sid.empty())
                return answer{400, 21603, "A 'From' phone number is required."};
            if (!m.from.empty() && m.from != account_.from)
                return answer{400, 21606, "The From phone number " + m.from + " is not a valid, SMS-capable inbound phone number or short code for your account."};
            if (!has(*f, "Body") || m.body.empty())
                return answer{400, 21602, "Message body is required."};
            if (utf16_units(m.body) > 1600)
                return answer{400, 21617, "The concatenated message body exceeds the 1600 character limit."};
            if (s.opted_out.contains(m.to))
                return answer{400, 21610, "Attempt to send to unsubscribed recipient " + m.to};
            return std::nullopt;
        };
        auto const refused = handle();
        scripted_reply r;
        if (refused) {
            r.status = refused->status;
            r.body = error_body(*refused);
            if (refused->retry_after > 0)
                r.headers.emplace_back("Retry-After", std::to_string(refused->retry_after));
            s.calls.push_back({req.method, path, r.status, refused->code, req.body});
            return r;
        }
        m.sid = message_sid(s.next_sid++);
        m.num_segments = count_segments(m.body);
        s.sent.push_back(m);
        r.status = 201;
        r.body = nlohmann::json{{"account_sid", account_.account_sid},
                                {"api_version", "2010-04-01"},
                                {"body", m.body},
                                {"direction", "outbound-api"},
                                {"error_code", nullptr},
                                {"error_message", nullptr},
                                {"from", m.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.from)},
                                {"messaging_service_sid", m.messaging_service_sid.empty()
                                                              ? nlohmann::json(nullptr)
                                                              : nlohmann::json(m.messaging_service_sid)},
                                {"num_media", "0"},
                                {"num_segments", std::to_string(m.num_segments)},
                                {"sid", m.sid},
                                {"status", "queued"},
                                {"to", m.to},
                                {"uri", "/2010-04-01/Accounts/" + account_.account_sid + "/Messages/" + m.sid + ".json"}}
                     .dump();
        r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
        s.calls.push_back({req.method, path, r.status, 0, req.body});
        return r;
    });
}

fake_twilio_api::~fake_twilio_api() = default;

void fake_twilio_api::fail_next(int code, int retry_after_seconds)
{
    std::lock_guard lock(state_->mutex);
    state_->failures.emplace_back(code, retry_after_seconds);
}

void fake_twilio_api::opt_out(std::string const& number, bool out)
{
    std::lock_guard lock(state_->mutex);
    if (out)
        state_->opted_out.insert(number);
    else
        state_->opted_out.erase(number);
}

std::vector<sent_sms> fake_twilio_api::sent() const
{
    std::lock_guard lock(state_->mutex);
    return state_->sent;
}

std::vector<sent_sms> fake_twilio_api::sent_to(std::string const& number) const
{
    std::vector<sent_sms> out;
    for (auto const& m : sent())
        if (m.to == number)
            out.push_back(m);
    return out;
}

std::vector<api_call> fake_twilio_api::calls() const
{
    std::lock_guard lock(state_->mutex);
    return state_->calls;
}

bool fake_twilio_api::wait_until(std::function<bool(fake_twilio_api const&)> const& pred,
                                 std::chrono::milliseconds limit) const
{
    return platform_.wait_until([&](auto const&) { return pred(*this); }, limit);
}

bool fake_twilio_api::wait_for_sent_to(std::string const& number, std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([&](auto const& f) { return f.sent_to(number).size() >= n; }, limit);
}

}  // namespace pg::testing::twilio
