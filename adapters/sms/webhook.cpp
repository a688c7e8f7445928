// Twilio's webhook: a signed form post carrying an inbound message or a status
// callback for one we sent.
#include "adapters/common/utf8.hpp"
#include "adapters/sms/sms.hpp"
#include "model/ascii.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace pg::adapters::sms {
namespace {

model::failure malformed(std::string detail) { return {model::errc::malformed_body, std::move(detail)}; }

std::string_view trimmed(std::string_view s)
{
    auto const first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

template <std::size_t N>
bool one_of(std::string_view body, std::array<std::string_view, N> const& words)
{
    auto const word = trimmed(body);
    for (auto const w : words)
        if (model::iequals_ascii(word, w))
            return true;
    return false;
}

std::string field(form_fields const& f, std::string_view name)
{
    auto const v = form_value(f, name);
    return v ? *v : std::string();
}

// MessageSid, or the legacy names older callbacks still repeat it under.
std::string message_sid(form_fields const& f)
{
    for (auto const name : {"MessageSid", "SmsMessageSid", "SmsSid"})
        if (auto const v = form_value(f, name); v && !v->empty())
            return *v;
    return {};
}

bool form_content_type(std::string_view header)
{
    auto const media = trimmed(header.substr(0, header.find(';')));
    return model::iequals_ascii(media, "application/x-www-form-urlencoded");
}

// Twilio sends UTF-8; a value that is not cannot be stored or shown.
std::optional<model::failure> check_utf8(form_fields const& f)
{
    for (auto const& [name, value] : f)
        if (!valid_utf8(name) || !valid_utf8(value))
            return malformed("form field " + shown_name(name) + ": not UTF-8");
    return std::nullopt;
}

model::inbound_event receipt(form_fields const& f, std::string const& channel_id, std::string sid)
{
    model::inbound_event ev;
    ev.kind = model::event_kind::receipt;
    ev.channel_id = channel_id;
    ev.chat_id = field(f, "To");  // whom we sent it to: the conversation it belongs to
    ev.message_id = std::move(sid);
    ev.text = field(f, "MessageStatus");
    ev.detail = field(f, "ErrorCode");
    ev.dedupe_key = "sms:" + channel_id + ":" + ev.message_id + ":" + ev.text;
    return ev;
}

}  // namespace

bool opt_out_word(std::string_view body)
{
    static constexpr std::array<std::string_view, 8> words{"STOP",   "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                                           "END",    "QUIT",    "REVOKE",      "OPTOUT"};
    return one_of(body, words);
}

bool opt_in_word(std::string_view body)
{
    static constexpr std::array<std::string_view, 3> words{"START", "UNSTOP", "YES"};
    return one_of(body, words);
}

model::result<model::inbound_event> event_of(form_fields const& f, std::string const& channel_id)
{
    auto sid = message_sid(f);
    if (form_value(f, "MessageStatus")) {
        if (sid.empty())
            return malformed("MessageSid: missing");
        if (field(f, "MessageStatus").empty())
            return malformed("MessageStatus: empty");
        return receipt(f, channel_id, std::move(sid));
    }
    if (!form_value(f, "Body") && field(f, "SmsStatus") != "received")
        return model::failure{model::errc::unsupported_update, "neither a message (Body) nor a status callback (MessageStatus)"};
    if (sid.empty())
        return malformed("MessageSid: missing");
    model::inbound_event ev;
    ev.channel_id = channel_id;
    ev.chat_id = field(f, "From");
    if (ev.chat_id.empty())
        return malformed("From: missing");
    ev.user_id = ev.chat_id;  // a phone number: personal data, never logged
    ev.message_id = sid;
    ev.dedupe_key = "sms:" + channel_id + ":" + sid;
    ev.text = field(f, "Body");

    if (opt_out_word(ev.text) || opt_in_word(ev.text)) {
        // Twilio has answered and (un)blocked the number itself; we record it.
        ev.kind = model::event_kind::ignored;
        ev.detail = opt_out_word(ev.text) ? std::string(model::opted_out) : "opt_in";
        return ev;
    }

    std::size_t media = 0;
    if (auto const n = form_value(f, "NumMedia"); n && !n->empty()) {
        auto const [end, ec] = std::from_chars(n->data(), n->data() + n->size(), media);
        if (ec != std::errc{} || end != n->data() + n->size() || media > 10)
            return malformed("NumMedia: expected a count of 0 to 10");
    }
    for (std::size_t i = 0; i < media; ++i) {
        auto const url = field(f, "MediaUrl" + std::to_string(i));
        if (url.empty())
            return malformed("MediaUrl" + std::to_string(i) + ": missing (NumMedia is " + std::to_string(media) + ")");
        if (field(f, "MediaContentType" + std::to_string(i)).starts_with("image/"))
            ev.photo_ids.push_back(url);
    }
    if (!ev.photo_ids.empty())
        ev.kind = model::event_kind::photo;
    else if (media > 0) {
        ev.kind = model::event_kind::unsupported;  // audio, video, a vCard...: the dialog says what it reads
        ev.detail = "media";
    }
    return ev;
}

model::result<webhook_input> parse_webhook(model::raw_request const& req, webhook_settings const& s)
{
    auto const signature = req.header("X-Twilio-Signature");
    if (signature.empty())
        return model::failure{model::errc::bad_signature, "X-Twilio-Signature: missing"};
    if (req.method != "POST")
        return malformed("method: SMS webhooks are POST only: set the messaging webhook to HTTP POST in Twilio's console");
    if (!form_content_type(req.header("Content-Type")))
        return malformed("Content-Type: expected application/x-www-form-urlencoded");
    auto fields = decode_form(req.body);
    if (!fields)
        return fields.error();
    bool const signed_ok = signature_matches(signature, s.auth_token, s.public_url, *fields) ||
                           (!s.previous_auth_token.empty() &&
                            signature_matches(signature, s.previous_auth_token, s.public_url, *fields));
    if (!signed_ok)
        return model::failure{model::errc::bad_signature,
                              "X-Twilio-Signature: does not match (is public_url exactly the webhook URL set in "
                              "Twilio's console, and auth_token the account's current one?)"};
    if (auto bad = check_utf8(*fields))
        return *bad;
    auto ev = event_of(*fields, s.channel_id);
    if (!ev)
        return ev.error();
    webhook_input out;
    out.events.push_back(std::move(*ev));
    out.answer = http_answer{200, "text/xml", std::string(empty_twiml)};
    return out;
}

}  // namespace pg::adapters::sms
