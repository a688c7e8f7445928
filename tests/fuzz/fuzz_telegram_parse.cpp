// Telegram adapter against hostile bytes: the input is a webhook body (with the
// right secret header), then the body of a Bot API answer.
//
// - parse_update reads exactly what parse_update_nlohmann reads (its fast path
//   agrees with the reference on every input).
// - parse_update never throws; it accepts or refuses with malformed_body, and a
//   request without the secret header is refused before the body is looked at.
// - What it accepts is one event naming this channel, every string valid UTF-8.
// - Each accepted event, echoed back as a reply with a button (and acknowledged
//   when it was a button press), renders to a valid JSON body within Telegram's limits.
// - interpret never throws, and its verdict keeps its promises for every status.
#include "adapters/telegram/telegram.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace tg = pg::adapters::telegram;
using fuzz::check;
using fuzz::valid_utf8;

constexpr std::string_view channel = "telegram";
constexpr model::timestamp now{std::chrono::milliseconds{1'700'000'000'000}};
// A token of the real shape (digits, a colon, 30 or more URL-safe characters; here 36): that shape
// is what interpret scrubs from the platform's words, and what the check holds it to.
tg::secrets const secrets{"fuzz-webhook-secret", "123456789:AAFuzzBotToken_0123456789-abcdefghij"};

model::raw_request request(std::string body, bool with_secret)
{
    model::raw_request r;
    r.method = "POST";
    r.target = "/webhook/telegram";
    r.headers.emplace_back("Content-Type", "application/json");
    if (with_secret)
        r.headers.emplace_back("x-telegram-bot-api-secret-token", secrets.webhook_secret);
    r.body = std::move(body);
    return r;
}

void check_event(model::inbound_event const& ev)
{
    check(ev.channel_id == channel, "event.channel_id is the channel it came in on", ev.channel_id);
    check(ev.dedupe_key.starts_with("tg:telegram:") && ev.dedupe_key.size() > 12, "event.dedupe_key", ev.dedupe_key);
    for (auto const* s : {&ev.chat_id, &ev.user_id, &ev.text, &ev.language, &ev.callback_id, &ev.detail,
                          &ev.thread_id, &ev.message_id, &ev.user_name})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    for (auto const& id : ev.photo_ids)
        check(valid_utf8(id), "photo ids are valid UTF-8", id);
    if (ev.kind == model::event_kind::photo)
        check(!ev.photo_ids.empty(), "a photo event carries a photo id");
    if (ev.kind != model::event_kind::ignored && ev.kind != model::event_kind::unsupported)
        check(!ev.chat_id.empty(), "an event the dialog acts on names its chat");
}

void check_call(model::api_call const& call, std::size_t max_text_units)
{
    check(call.path.starts_with("/bot" + secrets.bot_token + "/"), "render: the path carries the bot token", call.path);
    check(valid_utf8(call.body), "render: body is valid UTF-8");
    auto const body = nlohmann::json::parse(call.body, nullptr, false);
    check(body.is_object(), "render: body is a JSON object", call.body);
    if (auto it = body.find("text"); it != body.end()) {
        check(it->is_string(), "render: text is a string");
        auto const units = adapters::utf16_length(it->get_ref<std::string const&>());
        check(units <= max_text_units, "render: text within Telegram's limit", std::to_string(units));
    }
}

// An event echoed back to its chat, the way the dialog would answer it.
void render_reply(model::inbound_event const& ev)
{
    model::outbound_message m;
    m.channel_id = ev.channel_id;
    m.chat_id = ev.chat_id.empty() ? "1" : ev.chat_id;
    m.thread_id = ev.thread_id;
    m.text = ev.text + " " + ev.detail;
    auto const label = std::string(adapters::utf8_prefix_bytes(ev.text, 32));
    m.buttons = {{{label, "b:" + std::string(adapters::utf8_prefix_bytes(ev.text, 60))}}, {}};
    if (ev.kind == model::event_kind::location)
        m.location_label = ev.text.empty() ? "Share location" : ev.text;
    check_call(tg::render(m, secrets), 4096);

    if (!ev.callback_id.empty()) {
        model::outbound_message ack;
        ack.kind = model::message_kind::callback_ack;
        ack.channel_id = ev.channel_id;
        ack.chat_id = m.chat_id;
        ack.callback_id = ev.callback_id;
        ack.text = ev.text;
        check_call(tg::render(ack, secrets), 200);
    }
}

void interpret_as_answer(std::string const& body)
{
    // The Retry-After header, when a 429 body does not say: the input's first line.
    auto const header = body.substr(0, body.find('\n'));
    for (int status : fuzz::answer_statuses)
        fuzz::check_verdict(tg::interpret({status, body, header}, now), status, now, secrets.bot_token);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const body(reinterpret_cast<char const*>(data), size);

    auto const unsigned_result = tg::parse_update(request(body, false), std::string(channel), secrets);
    check(!unsigned_result && unsigned_result.error().code == model::errc::bad_signature,
          "parse_update: no secret header is bad_signature");

    auto result = tg::parse_update(request(body, true), std::string(channel), secrets);
    auto const reference = tg::parse_update_nlohmann(request(body, true), std::string(channel), secrets);
    check(bool(result) == bool(reference), "parse_update: simdjson and nlohmann accept the same bodies");
    if (result && reference)
        check(result.value() == reference.value(), "parse_update: simdjson and nlohmann read the same event");
    if (!result && !reference)
        check(result.error().detail == reference.error().detail, "parse_update: the same failure",
              result.error().detail + " | " + reference.error().detail);
    if (result) {
        check(result->size() == 1, "parse_update: one update is one event");
        for (auto const& ev : *result) {
            check_event(ev);
            render_reply(ev);
        }
    } else {
        auto const& f = result.error();
        check(f.code == model::errc::malformed_body || f.code == model::errc::unsupported_update,
              "parse_update: a signed request fails only on its body", f.detail);
        check(!f.detail.empty() && valid_utf8(f.detail), "parse_update: the failure names what is wrong", f.detail);
    }

    interpret_as_answer(body);
    return 0;
}
