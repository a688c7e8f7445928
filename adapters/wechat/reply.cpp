// Passive replies: the XML a push is answered with, in its HTTP response.
#include "adapters/wechat/wechat.hpp"

#include "adapters/common/utf8.hpp"

namespace pg::adapters::wechat {
namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD

// XML 1.0 cannot carry C0 controls other than tab, LF and CR, nor U+FFFE and U+FFFF;
// invalid UTF-8 cannot be carried at all. Each becomes U+FFFD.
void append_xml_chars(std::string& out, std::string_view valid)
{
    for (std::size_t i = 0; i < valid.size(); ++i) {
        auto const c = static_cast<unsigned char>(valid[i]);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            out += replacement;
        } else if (c == 0xEF && valid.substr(i, 3) >= "\xEF\xBF\xBE" && valid.substr(i, 3) <= "\xEF\xBF\xBF") {
            out += replacement;
            i += 2;
        } else {
            out += valid[i];
        }
    }
}

std::string xml_text(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        auto const bad = first_invalid_utf8(s);
        append_xml_chars(out, s.substr(0, bad.value_or(s.size())));
        if (!bad)
            break;
        out += replacement;
        s.remove_prefix(*bad + 1);
    }
    return out;
}

}  // namespace

std::string cdata(std::string_view text)
{
    // "]]>" ends a section: close it after "]]" and open a new one for ">".
    std::string out = "<![CDATA[";
    for (;;) {
        auto const end = text.find("]]>");
        if (end == std::string_view::npos)
            break;
        out += text.substr(0, end + 2);
        out += "]]><![CDATA[";
        text.remove_prefix(end + 2);
    }
    out += text;
    out += "]]>";
    return out;
}

std::string render_text_reply(callback_message const& m, std::string_view content, std::int64_t now_seconds)
{
    // The user's openid and the account's id come from a verified push; they go
    // through the same cleaning as the text all the same.
    return "<xml><ToUserName>" + cdata(xml_text(m.from_user_name)) + "</ToUserName><FromUserName>" +
           cdata(xml_text(m.to_user_name)) + "</FromUserName><CreateTime>" + std::to_string(now_seconds) +
           "</CreateTime><MsgType><![CDATA[text]]></MsgType><Content>" + cdata(xml_text(content)) +
           "</Content></xml>";
}

std::string render_envelope(reply_envelope const& e)
{
    return "<xml><Encrypt>" + cdata(e.encrypt) + "</Encrypt><MsgSignature>" + cdata(e.msg_signature) +
           "</MsgSignature><TimeStamp>" + xml_text(e.timestamp) + "</TimeStamp><Nonce>" +
           cdata(xml_text(e.nonce)) + "</Nonce></xml>";
}

}  // namespace pg::adapters::wechat
