// The LINE platform against hostile bytes, through the platform contract: the
// input is a webhook body (signed here as LINE signs it, so every input reaches the
// JSON and the event mapping), then the same bytes unsigned, as the API's answer
// to a send, as a message text, a button and a chat id.
//
// - parse never throws. An unsigned or wrongly signed body is bad_signature. A
//   signed one is refused only as malformed_body naming what is wrong, or becomes
//   one event per LINE event, answered with an empty 200: each of this channel,
//   deduplicated by "line:<channel>:<webhookEventId>", a one-to-one chat keyed by
//   its user, and a reply token only on events we answer.
// - interpret keeps every adapter's verdict promises (fuzz_check.hpp), takes a 409
//   as sent, and never quotes the access token or the channel secret.
// - render sends JSON LINE takes: a reply or a push with a v4-shaped retry key, one
//   text message of 1..5000 UTF-16 units, at most 13 quick replies, labels of 1..20.
#include "adapters/common/utf8.hpp"
#include "adapters/line/line.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace line = pg::adapters::line;
using fuzz::check;
using fuzz::valid_utf8;
using json = nlohmann::json;

std::string const channel = "line";
std::string const secret = "8c570fa6dd201bb328f1c1eac23a96d8";
std::string const token = "fuzz-line-access-token-7f3a91c2";
model::timestamp const now = model::from_millis(1'764'328'500'000);

adapters::platform const& platform()
{
    static json const options = {{"channel_secret", secret}, {"access_token", token}};
    static auto const p = line::kind().make({channel, "https://api.line.me", options});
    return *p;
}

model::raw_request post(std::string const& body, std::string sig)
{
    return {"POST", "/webhook/line", {{"Content-Type", "application/json"}, {"X-Line-Signature", std::move(sig)}}, body};
}

void check_event(model::inbound_event const& ev)
{
    using model::event_kind;
    check(ev.channel_id == channel, "event.channel_id is the channel");
    check(ev.dedupe_key.starts_with("line:" + channel + ":") && ev.dedupe_key.size() > channel.size() + 6,
          "event.dedupe_key", ev.dedupe_key);
    for (auto const* s : {&ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.message_id, &ev.reply_token,
                          &ev.dedupe_key})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    if (ev.kind == event_kind::ignored) {
        check(ev.reply_token.empty(), "ignored: no reply token");
        check(!ev.detail.empty() && ev.detail.size() <= 32, "ignored: a short detail", ev.detail);
        return;
    }
    check(ev.chat == model::chat_kind::private_chat, "acted on: only one-to-one chats");
    check(!ev.chat_id.empty() && ev.chat_id == ev.user_id, "the chat is the user", ev.chat_id);
    switch (ev.kind) {
    case event_kind::text:
    case event_kind::button:
        break;
    case event_kind::photo:
        check(ev.photo_ids.size() == 1 && ev.photo_ids[0] == ev.message_id && !ev.message_id.empty(),
              "a photo is its message id");
        break;
    case event_kind::location:
        check(ev.location && ev.location->latitude >= -90 && ev.location->latitude <= 90 &&
                  ev.location->longitude >= -180 && ev.location->longitude <= 180,
              "a location in range");
        break;
    case event_kind::unsupported:
        check(!ev.detail.empty() && ev.detail.size() <= 32, "unsupported: a short detail", ev.detail);
        break;
    default:
        fuzz::fail("an event kind LINE does not produce");
    }
}

void check_parse(std::string const& body)
{
    auto in = platform().parse(post(body, line::signature(secret, body)), now);
    if (!in) {
        check(in.error().code == model::errc::malformed_body, "parse: a signed body fails only as malformed_body",
              in.error().detail);
        check(!in.error().detail.empty() && valid_utf8(in.error().detail), "parse: names what is wrong");
        check(in.error().detail.size() <= 200, "parse: a short reason", in.error().detail);
    } else {
        check(in->answer.status == 200 && in->answer.body.empty(), "parse: answered with an empty 200");
        for (auto const& ev : in->events)
            check_event(ev);
    }
    for (auto const& sig : {std::string(), line::signature("0123456789abcdef0123456789abcdef", body), body}) {
        auto refused = platform().parse(post(body, sig), now);
        check(!refused && refused.error().code == model::errc::bad_signature, "parse: a wrong signature is refused");
    }
}

void check_answers(std::string const& body)
{
    for (int status : fuzz::answer_statuses) {
        auto const v = platform().interpret({status, body, body.substr(0, 16)}, now);
        fuzz::check_verdict(v, status, now, token);
        check(v.reason.find(secret) == std::string::npos, "interpret: never quotes the channel secret");
        check(valid_utf8(v.sent_id), "interpret: sent_id is valid UTF-8");
    }
    auto const conflict = platform().interpret({409, body, {}}, now);
    check(conflict.outcome == model::delivery::ok, "interpret: 409 means sent before");
}

void check_call(model::api_call const& call)
{
    check(call.path == line::reply_path || call.path == line::push_path, "render: reply or push", call.path);
    bool keyed = false;
    for (auto const& [k, v] : call.headers)
        if (k == line::retry_key_header) {
            keyed = true;
            check(v.size() == 36 && v[14] == '4', "render: a v4-shaped retry key", v);
        }
    check(keyed == (call.path == line::push_path), "render: a retry key exactly on a push");
    auto const body = json::parse(call.body, nullptr, false);
    check(!body.is_discarded() && body.is_object(), "render: a JSON object", call.body);
    auto const& messages = body.at("messages");
    check(messages.is_array() && messages.size() == 1, "render: one message");
    auto const& m = messages.at(0);
    check(m.at("type") == "text", "render: a text message");
    auto const text = m.at("text").get<std::string>();
    check(!text.empty() && adapters::utf16_length(text) <= line::max_text_units, "render: text of 1..5000 units");
    if (!m.contains("quickReply"))
        return;
    auto const& items = m.at("quickReply").at("items");
    check(items.is_array() && !items.empty() && items.size() <= line::max_quick_replies, "render: 1..13 quick replies");
    for (auto const& item : items) {
        auto const label = item.at("action").at("label").get<std::string>();
        check(!label.empty() && adapters::utf16_length(label) <= line::max_label_units, "render: a label of 1..20",
              label);
    }
}

void check_render(std::string const& input)
{
    model::outbound_message m;
    m.channel_id = channel;
    m.chat_id = "U4af4980629a1b2c3d4e5f6a7b8c9d0e1";
    m.text = input;
    m.reply_token = "38ef843bde154d9b91c21320ffd17a0f";
    m.reply_token_at = now;
    m.location_label = input.substr(0, input.size() / 3);
    // As many buttons as the input has bytes, up to 20: both sides of the 13 limit.
    for (std::size_t i = 0; i < input.size() && i < 20; ++i)
        m.buttons.push_back({{input.substr(i), input.substr(0, i + 1)}});
    for (std::uint32_t attempt : {0u, 1u}) {
        auto call = platform().render(m, {now, {}, {}, attempt, input.size()});
        check(bool(call), "render: any text renders", call ? "" : call.error().detail);
        check_call(*call);
    }
    m.chat_id = input;
    auto pushed = platform().render(m, {now, {}, {}, 1, 7});
    if (input.empty()) {
        check(!pushed, "render: no push without a chat");
        return;
    }
    check(bool(pushed), "render: a push to any chat id renders");
    if (valid_utf8(input))
        check(json::parse(pushed->body).at("to") == input, "render: a push goes to the chat");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const input(reinterpret_cast<char const*>(data), size);
    check_parse(input);
    check_answers(input);
    check_render(input);
    return 0;
}
