// Web chat adapter against hostile bytes: the input is what the page posts, sent
// with a valid session cookie at a fixed `now`; the same bytes are also tried as a
// Cookie header and as an Origin header.
//
// - parse never throws. With a valid cookie and no Origin the body is accepted or
//   refused as malformed_body; the same body with a forged or expired cookie, or
//   from another site's page, is refused as bad_signature before it is looked at.
// - What it accepts is one private-chat event of the cookie's session, keyed
//   "web:<channel>:<session>:<id>", within the page's limits, every string valid UTF-8.
// - citizen_frame of it, and gateway_frame / render of a reply quoting it, are JSON.
// - A Cookie header the gateway did not sign never yields a session.
#include "adapters/common/utf8.hpp"
#include "adapters/webchat/webchat.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace wc = pg::adapters::webchat;
using fuzz::check;
using fuzz::valid_utf8;

constexpr std::string_view channel = "web";
constexpr model::timestamp now{std::chrono::seconds{1'700'000'000}};
wc::secrets const secrets{"fuzz-session-secret-0123456789abcdef"};
std::string const session = wc::new_session_id(std::string(wc::session_id_bytes, '\x5a'));

model::raw_request request(std::string body, std::string cookie, std::string origin = {})
{
    model::raw_request r;
    r.method = "POST";
    r.target = "/webhook/web";
    r.headers = {{"Host", "chat.example.org"}, {"Content-Type", "application/json"}, {"Cookie", std::move(cookie)}};
    if (!origin.empty())
        r.headers.emplace_back("Origin", std::move(origin));
    r.body = std::move(body);
    return r;
}

std::string cookie(model::timestamp issued, std::string_view secret)
{
    return wc::cookie_name(channel) + "=" + wc::cookie_value(session, issued, secret);
}

bool refused_as_forged(model::result<std::vector<model::inbound_event>> const& r)
{
    return !r && r.error().code == model::errc::bad_signature;
}

void check_json(std::string const& text, char const* what)
{
    check(valid_utf8(text), what, text);
    check(nlohmann::json::parse(text, nullptr, false).is_object(), what, text);
}

void check_event(model::inbound_event const& ev)
{
    check(ev.channel_id == channel, "event.channel_id is the channel it came in on", ev.channel_id);
    check(ev.chat == model::chat_kind::private_chat, "web chat is a private chat");
    check(ev.chat_id == session && ev.user_id == session, "the chat and the user are the cookie's session");
    check(ev.dedupe_key == "web:" + std::string(channel) + ":" + session + ":" + ev.message_id, "event.dedupe_key",
          ev.dedupe_key);
    check(!ev.message_id.empty() && ev.message_id.size() <= wc::max_client_id, "the client id is 1-64 bytes",
          ev.message_id);
    check(ev.language.size() <= wc::max_language, "the language tag is short", ev.language);
    for (auto const* s : {&ev.dedupe_key, &ev.text, &ev.language, &ev.message_id})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    switch (ev.kind) {
    case model::event_kind::text:
        check(adapters::utf16_length(ev.text) <= wc::max_text_units, "text within the page's limit");
        break;
    case model::event_kind::button:
        check(!ev.text.empty() && ev.text.size() <= wc::max_button_data, "button data within 1-64 bytes", ev.text);
        break;
    case model::event_kind::location:
        check(ev.location.has_value(), "a location event has a point");
        check(ev.location->latitude >= -90 && ev.location->latitude <= 90 && ev.location->longitude >= -180 &&
                  ev.location->longitude <= 180,
              "the point is on the globe");
        break;
    default: fuzz::fail("a web chat event is text, button or location");
    }
    check(ev.sent_at == now, "sent_at is the gateway's now");

    check_json(wc::citizen_frame(ev), "citizen_frame is a JSON object");
    model::outbound_message m;
    m.channel_id = ev.channel_id;
    m.chat_id = ev.chat_id;
    m.text = "You said: " + ev.text;
    m.buttons = {{{ev.text.substr(0, 40), ev.message_id}}, {}};
    m.location_label = ev.language;
    check_json(wc::gateway_frame(m), "gateway_frame is a JSON object");
    auto const call = wc::render(m);
    check(!call.path.empty(), "a text reply is delivered");
    check_json(call.body, "render: body is a JSON object");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const input(reinterpret_cast<char const*>(data), size);
    std::string const channel_id(channel);
    auto const good = cookie(now - std::chrono::seconds{10}, secrets.session_secret);

    check(refused_as_forged(wc::parse(request(input, cookie(now, "another-secret-0123456789abcdef")), channel_id,
                                      secrets, now)),
          "parse: a cookie signed with another secret is bad_signature");
    check(refused_as_forged(wc::parse(request(input, cookie(now - wc::session_max_age - std::chrono::seconds{1},
                                                            secrets.session_secret)),
                                      channel_id, secrets, now)),
          "parse: an expired cookie is bad_signature");
    check(refused_as_forged(wc::parse(request(input, good, "https://evil.example"), channel_id, secrets, now)),
          "parse: another site's page is bad_signature");

    auto result = wc::parse(request(input, good), channel_id, secrets, now);
    if (result) {
        check(result->size() == 1, "parse: one post is one event");
        for (auto const& ev : *result)
            check_event(ev);
    } else {
        auto const& f = result.error();
        check(f.code == model::errc::malformed_body, "parse: a signed post is accepted or malformed_body", f.detail);
        check(valid_utf8(f.detail), "parse: the refusal is valid UTF-8", f.detail);
    }

    // The bytes as the Cookie header: only a cookie the gateway signed names a session.
    auto const forged = wc::verify_session(input, channel, secrets.session_secret, now);
    check(!forged || input.find(*forged) != std::string::npos, "verify_session: a session comes only from a cookie naming it");
    // And as the Origin header: deciding never throws, and the page's own origin passes.
    (void)wc::cross_origin(request("{}", good, input));
    check(!wc::cross_origin(request("{}", good, "https://chat.example.org")), "cross_origin: the page's own origin");
    return 0;
}
