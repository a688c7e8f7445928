// Slack adapter against hostile bytes: the input is an Events API body, sent with
// a correct signature at a fixed `now`; then the body of a Web API answer.
//
// - parse_event never throws. A correctly signed body is accepted or refused with
//   malformed_body; the same body signed wrongly, or signed too long ago, is
//   refused as bad_signature before it is looked at.
// - What it accepts is one event: a challenge with no dedupe key, or an event with
//   "slack:<channel>:" keys, in a group chat, every string valid UTF-8.
// - A text event answered in its thread renders to a valid JSON body.
// - interpret never throws, and its verdict keeps its promises for every status.
#include "adapters/common/hmac.hpp"
#include "adapters/slack/slack.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace sl = pg::adapters::slack;
using fuzz::check;
using fuzz::valid_utf8;

constexpr std::string_view channel = "slack";
constexpr std::int64_t now_seconds = 1'700'000'000;
constexpr model::timestamp now{std::chrono::seconds{now_seconds}};
sl::secrets const secrets{"fuzz-signing-secret", "xoxb-fuzz-bot-token"};

model::raw_request request(std::string body, std::int64_t signed_at, std::string_view extra)
{
    auto const ts = std::to_string(signed_at);
    auto const signature =
        "v0=" + adapters::to_hex(adapters::hmac_sha256(secrets.signing_secret, "v0:" + ts + ":" + body + std::string(extra)));
    model::raw_request r;
    r.method = "POST";
    r.target = "/webhook/slack";
    r.headers = {{"Content-Type", "application/json"},
                 {"x-slack-request-timestamp", ts},
                 {"X-Slack-Signature", signature}};
    r.body = std::move(body);
    return r;
}

bool refused_as_forged(model::result<std::vector<model::inbound_event>> const& r)
{
    return !r && r.error().code == model::errc::bad_signature;
}

void check_event(model::inbound_event const& ev)
{
    check(ev.channel_id == channel, "event.channel_id is the channel it came in on", ev.channel_id);
    check(ev.chat == model::chat_kind::group, "Slack is the staff side: a group chat");
    for (auto const* s : {&ev.dedupe_key, &ev.chat_id, &ev.user_id, &ev.text, &ev.language, &ev.callback_id,
                          &ev.detail, &ev.thread_id, &ev.message_id, &ev.user_name})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    if (ev.kind == model::event_kind::challenge) {
        check(ev.dedupe_key.empty(), "a challenge has no dedupe key: nothing is stored");
        return;
    }
    check(ev.dedupe_key.starts_with("slack:slack:") && ev.dedupe_key.size() > 12, "event.dedupe_key", ev.dedupe_key);
    check(ev.kind == model::event_kind::text || ev.kind == model::event_kind::ignored,
          "a Slack event is text or ignored");
    if (ev.kind == model::event_kind::text) {
        check(!ev.chat_id.empty(), "a text event names its channel");
        check(!ev.message_id.empty(), "a text event names its message");
        check(ev.thread_id != ev.message_id, "a thread's parent is not a reply in it");
    }
}

void check_call(model::api_call const& call)
{
    if (call.path.empty())
        return;  // nothing to send
    check(valid_utf8(call.body), "render: body is valid UTF-8");
    auto const body = nlohmann::json::parse(call.body, nullptr, false);
    check(body.is_object(), "render: body is a JSON object", call.body);
    check(call.path.find(secrets.bot_token) == std::string::npos, "render: the bot token never goes in the path");
}

// The event answered in its thread, with buttons, as the staff side would answer.
void render_reply(model::inbound_event const& ev)
{
    model::outbound_message m;
    m.channel_id = ev.channel_id;
    m.chat_id = ev.chat_id.empty() ? "C0000000001" : ev.chat_id;
    m.thread_id = ev.thread_id.empty() ? ev.message_id : ev.thread_id;
    m.text = ev.text;
    auto const label = std::string(adapters::utf8_prefix_bytes(ev.text, 40));
    m.buttons = {{{label, "accept"}, {"<b>&amp;", "x"}}, {}};
    check_call(sl::render(m, secrets));

    m.kind = model::message_kind::open_thread;
    m.thread_id.clear();
    m.title = ev.user_name + ev.text;
    check_call(sl::render(m, secrets));
}

void interpret_as_answer(std::string const& body)
{
    auto const header = body.substr(0, body.find('\n'));
    for (int status : fuzz::answer_statuses)
        fuzz::check_verdict(sl::interpret({status, body, header}, now), status, now, secrets.bot_token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const body(reinterpret_cast<char const*>(data), size);
    std::string const channel_id(channel);

    check(refused_as_forged(sl::parse_event(request(body, now_seconds, "x"), channel_id, secrets, now)),
          "parse_event: a wrong signature is bad_signature");
    check(refused_as_forged(sl::parse_event(request(body, now_seconds - 301, ""), channel_id, secrets, now)),
          "parse_event: a signature older than five minutes is bad_signature");

    auto result = sl::parse_event(request(body, now_seconds - 10, ""), channel_id, secrets, now);
    if (result) {
        check(result->size() == 1, "parse_event: one delivery is one event");
        for (auto const& ev : *result) {
            check_event(ev);
            render_reply(ev);
        }
    } else {
        auto const& f = result.error();
        check(f.code == model::errc::malformed_body || f.code == model::errc::unsupported_update,
              "parse_event: a correctly signed request fails only on its body", f.detail);
        check(!f.detail.empty() && valid_utf8(f.detail), "parse_event: the failure names what is wrong", f.detail);
    }

    interpret_as_answer(body);
    return 0;
}
