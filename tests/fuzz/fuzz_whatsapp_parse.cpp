// WhatsApp Cloud API webhooks against hostile bytes: the input is a notification
// body, signed correctly with the app secret, then as a GET check's query and as
// the body of a Graph API answer.
//
// - parse never throws. A correctly signed body is accepted or refused with
//   malformed_body; the same body with one byte of the signature changed, or
//   without it, is refused as bad_signature before it is looked at.
// - What it accepts are events of this channel, "wa:<channel>:" dedupe keys, private
//   chats with a chat id, every string valid UTF-8, details short; photos carry
//   their media id, locations their point in range, receipts their message id and
//   state.
// - Each accepted text or button event answered inside the window renders to a
//   JSON body for /<phone_number_id>/messages.
// - verify_url never throws and echoes only digits; interpret never throws, and
//   only an ok verdict names a sent id.
#include "adapters/common/hmac.hpp"
#include "adapters/whatsapp/whatsapp.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
using fuzz::check;
using fuzz::valid_utf8;

std::string const channel = "whatsapp";
std::string const number = "106540352242922";
std::string const app_secret = "fuzz-app-secret";
model::timestamp const now = model::from_millis(1'780'000'000'000);

std::unique_ptr<adapters::platform const> const& platform()
{
    static auto const options = nlohmann::json{{"phone_number_id", number},
                                               {"access_token", "fuzz-token"},
                                               {"app_secret", app_secret},
                                               {"verify_token", "fuzz-verify"},
                                               {"templates", {{"accepted", {{"name", "petition_status"},
                                                                            {"parameters", {"{text}"}}}}}}};
    static auto const p = adapters::whatsapp::kind().make({channel, "https://graph.facebook.com/v21.0", options});
    return p;
}

model::raw_request request(std::string body, std::string signature)
{
    model::raw_request r;
    r.method = "POST";
    r.target = "/webhook/" + channel;
    r.headers = {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", std::move(signature)}};
    r.body = std::move(body);
    return r;
}

void check_event(model::inbound_event const& ev)
{
    using model::event_kind;
    check(ev.channel_id == channel, "event.channel_id is the channel");
    check(ev.dedupe_key.starts_with("wa:" + channel + ":") && ev.dedupe_key.size() > channel.size() + 4,
          "event.dedupe_key", ev.dedupe_key);
    check(ev.chat == model::chat_kind::private_chat, "a citizen's chat is private");
    check(!ev.message_id.empty(), "every event names its message");
    for (auto const* s : {&ev.dedupe_key, &ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.message_id, &ev.user_name})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    check(ev.detail.size() <= 64, "event.detail stays short", ev.detail);
    if (ev.kind != event_kind::receipt)
        check(!ev.chat_id.empty() && ev.chat_id == ev.user_id, "a message names its sender");
    if (ev.kind == event_kind::photo)
        check(ev.photo_ids.size() == 1 && !ev.photo_ids[0].empty(), "a photo event carries its media id");
    if (ev.kind == event_kind::location) {
        check(ev.location.has_value(), "a location event carries its point");
        check(std::abs(ev.location->latitude) <= 90 && std::abs(ev.location->longitude) <= 180, "a point in range");
    }
    if (ev.kind == event_kind::receipt)
        check(!ev.text.empty() && ev.text.size() <= 32, "a receipt names its state", ev.text);
}

void check_render(model::inbound_event const& ev)
{
    if (ev.kind != model::event_kind::text && ev.kind != model::event_kind::button)
        return;
    model::outbound_message m;
    m.channel_id = channel;
    m.chat_id = ev.chat_id;
    m.text = ev.text;
    m.heard_at = now;
    m.buttons = {{{ev.text, ev.text}}};
    auto const call = platform()->render(m, {.now = now, .heard_at = now});
    check(bool(call), "a reply inside the window renders", call ? "" : call.error().detail);
    check(call->path == "/" + number + "/messages", "the path names our number", call->path);
    auto const body = nlohmann::json::parse(call->body, nullptr, false);
    check(!body.is_discarded() && body.is_object(), "the body is a JSON object", call->body);
}

void check_answer(std::string_view data)
{
    for (int status : {0, 200, 400, 401, 429, 500}) {
        auto const v = platform()->interpret({status, std::string(data), std::string(data.substr(0, 8))}, now);
        check(v.outcome != model::delivery::refresh_credential, "no credential to refresh");
        check(v.sent_id.empty() || v.outcome == model::delivery::ok, "only ok names a sent id");
        check(valid_utf8(v.reason), "the reason is valid UTF-8", v.reason);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const body(reinterpret_cast<char const*>(data), size);
    auto const signature = "sha256=" + adapters::to_hex(adapters::hmac_sha256(app_secret, body));

    auto const in = platform()->parse(request(body, signature), now);
    if (in) {
        check(in->answer.status == 200 && in->answer.body.empty(), "an accepted notification gets an empty 200");
        for (auto const& ev : in->events) {
            check_event(ev);
            check_render(ev);
        }
    } else {
        check(in.error().code == model::errc::malformed_body, "a signed body is read or malformed", in.error().detail);
    }

    auto forged = signature;
    forged.back() = forged.back() == '0' ? '1' : '0';
    auto const refused = platform()->parse(request(body, forged), now);
    check(!refused && refused.error().code == model::errc::bad_signature, "a forged signature is refused");
    auto const unsigned_body = platform()->parse(request(body, ""), now);
    check(!unsigned_body && unsigned_body.error().code == model::errc::bad_signature, "no signature is refused");

    model::raw_request const get{"GET", "/webhook/whatsapp?" + body, {}, {}};
    if (auto const ok = platform()->verify_url(get, now)) {
        check(!ok->body.empty() && ok->body.find_first_not_of("0123456789") == std::string::npos,
              "only digits are echoed", ok->body);
    }
    check_answer(body);
    return 0;
}
