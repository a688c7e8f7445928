// Twilio's SMS webhook against hostile bytes: the input is a form body, then the
// same bytes as a text to send and as the API's answer.
//
// - decode_form never throws; what it accepts encodes and decodes back the same.
// - Unsigned, any body is bad_signature. Signed (over the decoded fields, as Twilio
//   signs), it is never bad_signature: one event naming this channel, with
//   valid UTF-8 and a dedupe key of its own, or a malformed_body / unsupported_update
//   that names what is wrong in valid UTF-8.
// - fit_text cuts any text into pieces that join back to it, each within
//   max_segments; render's Body is valid UTF-8 and at most 1600 UTF-16 units.
// - interpret keeps the verdict promises of fuzz_check.hpp for every status.
#include "adapters/common/utf8.hpp"
#include "adapters/sms/segments.hpp"
#include "adapters/sms/sms.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace pg;
namespace sms = pg::adapters::sms;
using fuzz::check;
using fuzz::valid_utf8;

std::string const token = "0123456789abcdef0123456789abcdef";
std::string const url = "https://fuzz.example.org/webhook/fuzz";
model::timestamp const now = model::from_millis(1'780'000'000'000);

std::unique_ptr<adapters::platform const> const& platform()
{
    static auto const p = sms::kind().make({"fuzz", "https://api.twilio.com",
                                            nlohmann::json{{"account_sid", "AC0123456789abcdef0123456789abcdef"},
                                                           {"auth_token", token},
                                                           {"from", "+15005550006"},
                                                           {"public_url", url},
                                                           {"max_segments", 2}}});
    return p;
}

model::raw_request post(std::string const& body, std::string const& signature)
{
    model::raw_request r{"POST", "/webhook/fuzz", {{"Content-Type", "application/x-www-form-urlencoded"}}, body};
    if (!signature.empty())
        r.headers.emplace_back("X-Twilio-Signature", signature);
    return r;
}

void check_failure(model::failure const& f, char const* where)
{
    check(!f.detail.empty() && valid_utf8(f.detail), where, f.detail);
    check(f.detail.size() <= 512, "failure details stay short", f.detail);
}

void check_webhook(std::string const& body)
{
    auto const& p = *platform();
    auto unsigned_ = p.parse(post(body, ""), now);
    check(!unsigned_ && unsigned_.error().code == model::errc::bad_signature, "unsigned: bad_signature");

    auto const fields = sms::decode_form(body);
    if (!fields) {
        check(fields.error().code == model::errc::malformed_body, "decode_form: malformed_body");
        check_failure(fields.error(), "decode_form: names what is wrong");
        auto const out = p.parse(post(body, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="), now);
        check(!out && out.error().code == model::errc::malformed_body, "a broken form with a signature: malformed_body");
        return;
    }
    std::string again;
    for (auto const& [k, v] : *fields)
        again += (again.empty() ? "" : "&") + sms::form_encode(k) + "=" + sms::form_encode(v);
    auto const back = sms::decode_form(again);
    check(back && *back == *fields, "form_encode then decode_form gives the fields back");

    auto const out = p.parse(post(body, sms::twilio_signature(token, url, *fields)), now);
    if (!out) {
        check(out.error().code == model::errc::malformed_body || out.error().code == model::errc::unsupported_update,
              "signed: malformed_body or unsupported_update, never bad_signature", out.error().detail);
        check_failure(out.error(), "signed: names what is wrong");
        return;
    }
    check(out->events.size() == 1, "one event per webhook");
    check(out->answer.status == 200 && out->answer.body == sms::empty_twiml, "answered with empty TwiML");
    auto const& ev = out->events.front();
    check(ev.channel_id == "fuzz", "event.channel_id is the channel");
    check(ev.dedupe_key.starts_with("sms:fuzz:") && ev.dedupe_key.size() > 9, "event.dedupe_key", ev.dedupe_key);
    for (auto const* s : {&ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.message_id})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    for (auto const& id : ev.photo_ids)
        check(!id.empty() && valid_utf8(id), "photo ids are media URLs");
    if (ev.kind != model::event_kind::receipt)
        check(!ev.chat_id.empty() && ev.chat_id == ev.user_id, "a message's chat and user are its sender");
}

void check_text(std::string const& text)
{
    auto const& p = *platform();
    std::string joined;
    for (auto const& piece : p.fit_text(text)) {
        joined += piece;
        auto const n = sms::count_segments(piece);
        check(n.segments <= 2, "fit_text: each piece within max_segments", piece);
        check(adapters::utf16_length(piece) <= sms::max_body_chars, "fit_text: within 1600 units");
    }
    check(joined == text, "fit_text: the pieces join back to the text");

    model::outbound_message m;
    m.chat_id = "+15551234567";
    m.text = text;
    auto const call = p.render(m, {now});
    check(bool(call), "render: a text always renders");
    auto const f = sms::decode_form(call->body);
    check(bool(f), "render: the body is a form");
    auto const* b = sms::form_value(*f, "Body");
    check(b && !b->empty() && valid_utf8(*b), "render: Body is non-empty UTF-8");
    check(adapters::utf16_length(*b) <= sms::max_body_chars, "render: Body within 1600 units");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const input(reinterpret_cast<char const*>(data), size);
    check_webhook(input);
    check_text(input);
    auto const header = input.substr(0, input.find('\n'));
    for (int status : fuzz::answer_statuses)
        fuzz::check_verdict(platform()->interpret({status, input, header}, now), status, now, token);
    return 0;
}
