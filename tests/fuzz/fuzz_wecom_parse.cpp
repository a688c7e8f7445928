// The WeCom platform against hostile bytes, through the platform contract: the
// input is a member's decrypted push (encrypted and signed here as WeCom would,
// so every input reaches the XML and the event mapping), then the same bytes as
// WeCom's answer to a send and to gettoken, as a chat id, as a message text and
// as a URL check's query. fuzz_wechat_parse covers the crypto and the XML alone.
//
// - parse never throws; a signed push becomes exactly one event of this channel,
//   its chat "user:<UserID>", text only for text (or recognised voice) of our
//   AgentID, else ignored with a short detail; it is answered with an empty 200.
//   A refusal is malformed_body (the signature is good) naming what is wrong.
// - interpret keeps every adapter's verdict promises (fuzz_check.hpp) and never
//   quotes the access_token; read_credential never quotes corp_secret.
// - render either refuses a chat id ("chat id: ...") or sends to exactly one
//   recipient field, with a content of at most 2048 bytes, valid UTF-8.
#include "adapters/wecom/wecom.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace wx = pg::adapters::wechat;
namespace wecom = pg::adapters::wecom;
using fuzz::check;
using fuzz::valid_utf8;
using json = nlohmann::json;

std::string const channel = "staff_wecom";
std::string const corp = "ww0123456789abcdef";
std::string const token = "fuzz-token";
std::string const secret = "fuzz-corp-secret-7f3a";
std::string const access_token = "fuzz-access-token-91c2";
char const* const encoding_aes_key = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
model::timestamp const now = model::from_millis(1'764'328'500'000);

adapters::platform const& platform()
{
    static json const options = {{"corp_id", corp},
                                 {"corp_secret", secret},
                                 {"agent_id", 1000002},
                                 {"token", token},
                                 {"encoding_aes_key", encoding_aes_key}};
    static auto const p = wecom::wecom_kind().make({channel, "https://qyapi.weixin.qq.com", options});
    return *p;
}

void check_push(std::string const& xml)
{
    static auto const key = *wx::parse_encoding_aes_key(encoding_aes_key);
    auto const ct = wx::encrypt(key, xml, corp, "0123456789abcdef");
    model::raw_request req{"POST",
                           "/webhook/" + channel + "?msg_signature=" + wx::msg_signature(token, "1764328600", "n", ct) +
                               "&timestamp=1764328600&nonce=n",
                           {},
                           "<xml><ToUserName><![CDATA[" + corp + "]]></ToUserName><Encrypt><![CDATA[" + ct +
                               "]]></Encrypt></xml>"};
    auto in = platform().parse(req, now);
    if (!in) {
        check(in.error().code == model::errc::malformed_body, "parse: a signed push fails only as malformed_body",
              in.error().detail);
        check(!in.error().detail.empty() && valid_utf8(in.error().detail), "parse: names what is wrong");
        return;
    }
    check(in->answer.status == 200 && in->answer.body.empty(), "parse: answered with an empty 200");
    check(in->events.size() == 1, "parse: one event per push");
    auto const& ev = in->events[0];
    check(ev.channel_id == channel, "event.channel_id is the channel");
    check(ev.dedupe_key.starts_with("wecom:" + channel + ":") && ev.dedupe_key.size() > channel.size() + 7,
          "event.dedupe_key", ev.dedupe_key);
    check(ev.chat_id == "user:" + ev.user_id && !ev.user_id.empty(), "the chat is user:<UserID>", ev.chat_id);
    check(ev.user_name == ev.user_id, "the name is the UserID");
    check(ev.chat == model::chat_kind::private_chat, "a member's chat is private");
    check(ev.kind == model::event_kind::text || ev.kind == model::event_kind::ignored, "text or ignored");
    if (ev.kind == model::event_kind::ignored)
        check(ev.text.empty() && !ev.detail.empty() && ev.detail.size() <= 32, "ignored: a short detail, no text",
              ev.detail);
    if (ev.kind == model::event_kind::text) {
        // A reply goes back to the member who wrote, and to no one else.
        model::outbound_message reply;
        reply.chat_id = ev.chat_id;
        reply.text = "ok";
        auto call = platform().render(reply, {now, access_token, {}});
        check(bool(call), "a member's chat renders", call ? "" : call.error().detail);
        check(json::parse(call->body).value("touser", "") == ev.user_id, "a reply goes to the member only");
    }
    for (auto const* s : {&ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.message_id, &ev.dedupe_key})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
}

void check_answers(std::string const& body)
{
    for (int status : fuzz::answer_statuses) {
        model::api_response r{status, body, body.substr(0, 32)};
        auto const v = platform().interpret(r, now);
        fuzz::check_verdict(v, status, now, access_token);
        if (v.outcome == model::delivery::ok)
            check(v.reason.empty() || v.reason == "some recipients invalid", "ok: no recipient named", v.reason);

        auto c = platform().read_credential(r, now);
        if (c) {
            check(status == 200 && !c->value.empty(), "gettoken: a token only from a 200");
            check(c->expires_at > now, "gettoken: the token outlives now");
        } else {
            check(c.error().detail.starts_with("gettoken: "), "gettoken: names the call", c.error().detail);
            check(c.error().detail.find(secret) == std::string::npos, "gettoken: never quotes corp_secret");
            check(c.error().detail.size() <= 64, "gettoken: a short reason", c.error().detail);
        }
    }
}

void check_render(std::string const& input)
{
    adapters::send_context const ctx{now, access_token, {}};
    model::outbound_message m;
    m.channel_id = channel;
    m.chat_id = input;
    m.text = "PG-2026-0042: accepted";
    auto call = platform().render(m, ctx);
    if (!call) {
        check(call.error().detail.starts_with("chat id: "), "render: refuses a chat id", call.error().detail);
    } else {
        check(call->path.starts_with("/cgi-bin/message/send?access_token=") ||
                  call->path.starts_with("/cgi-bin/appchat/send?access_token="),
              "render: message/send or appchat/send", call->path);
        auto const body = json::parse(call->body);
        int fields = 0;
        for (auto const* f : {"touser", "toparty", "totag", "chatid"})
            fields += body.contains(f);
        check(fields == 1, "render: one recipient field", call->body);
    }

    m.chat_id = "user:zhangsan";
    m.text = input;
    call = platform().render(m, ctx);
    if (input.empty()) {
        check(!call, "render: an empty text is refused");
        return;
    }
    check(bool(call), "render: any text to a member renders");
    auto const content = json::parse(call->body)["text"]["content"].get<std::string>();
    check(valid_utf8(content), "render: content is valid UTF-8");
    if (valid_utf8(input))
        check(content.size() <= wecom::max_content_bytes, "render: content within 2048 bytes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const input(reinterpret_cast<char const*>(data), size);
    check_push(input);
    check_answers(input);
    check_render(input);

    auto url = platform().verify_url({"GET", "/webhook/" + channel + "?" + input, {}, {}}, now);
    if (url)
        check(url->status == 200, "verify_url: a 200 when it answers");
    return 0;
}
