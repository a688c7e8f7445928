// WeChat / WeCom callbacks against hostile bytes: the input is a callback body
// (plain XML or an encrypted envelope), then the same bytes as a ciphertext, a
// message to encrypt and a request target.
//
// - parse_message and parse_envelope never throw; they accept or refuse with
//   malformed_body, and what they accept keeps the limits: valid UTF-8, fields
//   within max_field_bytes, CreateTime in range, MsgId digits.
// - An accepted message becomes one citizen event naming this channel and its
//   openid; its text reply renders to XML that parses back to the same text
//   (when nothing needed replacing).
// - decrypt never throws on any ciphertext, and encrypt/decrypt round-trip the input.
// - open_push, with the body's own msg_signature, reaches the same verdict as decrypt.
#include "adapters/wechat/wechat.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using namespace pg;
namespace wx = pg::adapters::wechat;
using fuzz::check;
using fuzz::valid_utf8;

std::string const channel = "wechat";
std::string const app = "wx0123456789abcdef";
std::string const token = "fuzz-token";
wx::aes_key const key = *wx::parse_encoding_aes_key("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");
std::string const random16 = "0123456789abcdef";

void check_message(wx::callback_message const& m)
{
    for (auto const* s : {&m.to_user_name, &m.from_user_name, &m.msg_type, &m.msg_id, &m.content, &m.pic_url,
                          &m.media_id, &m.format, &m.recognition, &m.thumb_media_id, &m.scale, &m.label, &m.title,
                          &m.description, &m.url, &m.event, &m.event_key, &m.ticket, &m.agent_id}) {
        check(valid_utf8(*s), "fields are valid UTF-8", *s);
        check(s->size() <= wx::max_field_bytes, "fields within max_field_bytes");
    }
    check(valid_utf8(m.encrypt), "Encrypt is valid UTF-8");
    check(m.create_time >= 0 && m.create_time <= 253'402'300'799, "CreateTime in range");
    check(m.msg_id.size() <= 20, "MsgId at most 20 digits", m.msg_id);
    if (m.location) {
        check(m.location->latitude >= -90 && m.location->latitude <= 90, "latitude in range");
        check(m.location->longitude >= -180 && m.location->longitude <= 180, "longitude in range");
    }
}

void check_event(model::inbound_event const& ev, wx::callback_message const& m)
{
    check(ev.channel_id == channel, "event.channel_id is the channel");
    check(ev.dedupe_key.starts_with("wx:" + channel + ":") && ev.dedupe_key.size() > channel.size() + 4,
          "event.dedupe_key", ev.dedupe_key);
    check(!ev.chat_id.empty() && ev.chat_id == m.from_user_name, "the chat is the openid");
    for (auto const* s : {&ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.message_id})
        check(valid_utf8(*s), "event strings are valid UTF-8", *s);
    check(ev.detail.size() <= 32, "event.detail stays short", ev.detail);
    if (ev.kind == model::event_kind::photo)
        check(ev.photo_ids.size() == 1 && !ev.photo_ids[0].empty(), "a photo event carries its MediaId");
    if (ev.kind == model::event_kind::location)
        check(ev.location.has_value(), "a location event carries its point");
}

void check_reply(wx::callback_message const& m, std::string const& text)
{
    auto const xml = wx::render_text_reply(m, text, 1'700'000'000);
    check(valid_utf8(xml), "reply: valid UTF-8");
    if (text.empty() || text.size() > wx::max_field_bytes / 3)
        return;  // a text reply needs its text; replacements may triple it
    auto back = wx::parse_message(xml);
    check(bool(back), "reply: parses back", back ? "" : back.error().detail);
    // Nothing replaced and no CR (XML reads CR LF as LF): the very same text.
    if (xml.find(wx::cdata(text)) != std::string::npos && text.find('\r') == std::string::npos)
        check(back->content == text, "reply: reads back the same text");
}

void check_decrypt(std::string_view ciphertext)
{
    auto plain = wx::decrypt(key, ciphertext, app);
    if (plain)
        check(plain->size() + 20 + app.size() <= ciphertext.size(), "decrypt: the message is shorter than its cipher");
    else
        check(!plain.error().detail.empty() && valid_utf8(plain.error().detail), "decrypt: names what is wrong");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    std::string const body(reinterpret_cast<char const*>(data), size);

    auto m = wx::parse_message(body);
    if (m) {
        check_message(*m);
        check_event(wx::citizen_event(*m, channel), *m);
        check_reply(*m, m->content);
    } else {
        check(m.error().code == model::errc::malformed_body, "parse_message: fails with malformed_body");
        check(!m.error().detail.empty() && valid_utf8(m.error().detail), "parse_message: names what is wrong");
    }

    auto envelope = wx::parse_envelope(body);
    if (envelope) {
        check_message(*envelope);
        check_decrypt(envelope->encrypt);
        // Signed as the platform would: open_push then agrees with decrypt.
        auto const sig = wx::msg_signature(token, "1700000000", "n", envelope->encrypt);
        model::raw_request req{"POST", "/webhook/wecom?msg_signature=" + sig + "&timestamp=1700000000&nonce=n", {},
                               body};
        auto opened = wx::open_push(req, {token, key, std::nullopt, app}, wx::push_mode::wecom);
        auto direct = wx::decrypt(key, envelope->encrypt, app);
        check(bool(opened) == bool(direct), "open_push: a signed push decrypts as decrypt does");
        if (opened && direct)
            check(*opened == *direct, "open_push: the same message");
    }

    check_decrypt(body);
    auto back = wx::decrypt(key, wx::encrypt(key, body, app, random16), app);
    check(back && *back == body, "encrypt then decrypt gives the input back");

    (void)wx::query_param(body, "echostr");
    (void)wx::cdata(body);
    return 0;
}
