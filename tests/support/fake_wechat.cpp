#include "tests/support/fake_wechat.hpp"

#include "tests/support/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

namespace pg::testing::wx {

// ================================================================ primitives

namespace {

std::string aes_key_of(std::string const& encoding_aes_key)
{
    auto k = unbase64(encoding_aes_key + "=");
    if (encoding_aes_key.size() != 43 || !k || k->size() != 32)
        throw std::invalid_argument("fake_wechat: an EncodingAESKey is 43 base64 characters");
    return *k;
}

// AES-256-CBC with the cipher's padding off (WXBizMsgCrypt pads by hand); IV = key[0:16].
std::optional<std::string> aes_cbc(std::string const& key, std::string const& in, bool encrypting)
{
    auto const* k = reinterpret_cast<unsigned char const*>(key.data());
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    if (!ctx || EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, k, k, encrypting ? 1 : 0) != 1)
        return std::nullopt;
    EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
    std::string out(in.size() + 32, '\0');
    int n = 0, tail = 0;
    if (EVP_CipherUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                         reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size())) != 1 ||
        EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &tail) != 1)
        return std::nullopt;
    out.resize(static_cast<std::size_t>(n + tail));
    return out;
}

std::string cdata(std::string const& v)
{
    // "]]>" cannot stand inside one CDATA section: close it and open another.
    std::string out = "<![CDATA[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v.compare(i, 3, "]]>") == 0) {
            out += "]]]]><![CDATA[>";
            i += 2;
        } else {
            out += v[i];
        }
    }
    return out + "]]>";
}

std::string random_bytes(std::size_t n)
{
    static std::mutex m;
    static std::mt19937_64 gen{std::random_device{}()};
    std::lock_guard lock(m);
    std::string out(n, '\0');
    for (auto& c : out)
        c = static_cast<char>(gen() & 0xff);
    return out;
}

std::string fresh_nonce()
{
    auto const r = random_bytes(4);
    std::uint32_t v = 0;
    for (unsigned char c : r)
        v = v << 8 | c;
    return std::to_string(v % 1'000'000'000u + 1);
}

// The text of <tag> in a flat XML envelope, CDATA or not; nullopt when absent.
std::optional<std::string> tag_text(std::string const& xml, std::string const& tag)
{
    auto const open = "<" + tag + ">", close = "</" + tag + ">";
    auto const b = xml.find(open);
    if (b == std::string::npos)
        return std::nullopt;
    auto const e = xml.find(close, b);
    if (e == std::string::npos)
        return std::nullopt;
    auto v = xml.substr(b + open.size(), e - b - open.size());
    if (v.starts_with("<![CDATA[") && v.ends_with("]]>"))
        v = v.substr(9, v.size() - 12);
    return v;
}

}  // namespace

std::string sorted_sha1(std::vector<std::string> parts)
{
    std::sort(parts.begin(), parts.end());
    std::string joined;
    for (auto const& p : parts)
        joined += p;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_Digest(joined.data(), joined.size(), md, &len, EVP_sha1(), nullptr);
    static char const digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < len; ++i) {
        hex += digits[md[i] >> 4];
        hex += digits[md[i] & 0xf];
    }
    return hex;
}

std::string encrypt(std::string const& encoding_aes_key, std::string const& message, std::string const& receive_id,
                    std::string const& random16)
{
    if (random16.size() != 16)
        throw std::invalid_argument("fake_wechat: encrypt wants 16 random bytes");
    auto const n = static_cast<std::uint32_t>(message.size());
    std::string plain = random16;
    for (int shift : {24, 16, 8, 0})
        plain += static_cast<char>((n >> shift) & 0xff);
    plain += message;
    plain += receive_id;
    std::size_t const pad = 32 - plain.size() % 32;  // 1..32: a whole block when aligned
    plain.append(pad, static_cast<char>(pad));
    return base64(*aes_cbc(aes_key_of(encoding_aes_key), plain, true));
}

std::optional<std::string> decrypt(std::string const& encoding_aes_key, std::string const& base64_ciphertext,
                                   std::string const& receive_id)
{
    auto const ct = unbase64(base64_ciphertext);
    if (!ct || ct->empty() || ct->size() % 32 != 0)
        return std::nullopt;
    auto plain = aes_cbc(aes_key_of(encoding_aes_key), *ct, false);
    if (!plain || plain->empty())
        return std::nullopt;
    auto const pad = static_cast<unsigned char>(plain->back());
    if (pad == 0 || pad > 32 || pad > plain->size())
        return std::nullopt;
    for (std::size_t i = plain->size() - pad; i < plain->size(); ++i)
        if (static_cast<unsigned char>((*plain)[i]) != pad)
            return std::nullopt;
    plain->resize(plain->size() - pad);
    if (plain->size() < 20)
        return std::nullopt;
    std::uint32_t n = 0;
    for (int i = 16; i < 20; ++i)
        n = n << 8 | static_cast<unsigned char>((*plain)[static_cast<std::size_t>(i)]);
    if (n > plain->size() - 20)
        return std::nullopt;
    if (plain->substr(20 + n) != receive_id)
        return std::nullopt;
    return plain->substr(20, n);
}

std::string url_encode(std::string_view s)
{
    static char const digits[] = "0123456789ABCDEF";
    std::string out;
    for (char ch : s) {
        auto const c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

// ================================================================ pushes

std::string message_xml(std::string const& to, std::string const& from, std::int64_t create_time,
                        std::string const& msg_type, std::vector<std::pair<std::string, std::string>> const& fields,
                        std::string const& agent_id)
{
    // The platforms write numbers bare and text in CDATA, one field a line.
    static std::set<std::string> const bare{"MsgId", "MsgID", "Location_X", "Location_Y", "Scale", "Latitude",
                                            "Longitude", "Precision", "AgentID"};
    std::string x = "<xml><ToUserName>" + cdata(to) + "</ToUserName>\n<FromUserName>" + cdata(from) +
                    "</FromUserName>\n<CreateTime>" + std::to_string(create_time) + "</CreateTime>\n<MsgType>" +
                    cdata(msg_type) + "</MsgType>\n";
    for (auto const& [k, v] : fields)
        x += "<" + k + ">" + (bare.contains(k) ? v : cdata(v)) + "</" + k + ">\n";
    if (!agent_id.empty())
        x += "<AgentID>" + agent_id + "</AgentID>\n";
    return x + "</xml>";
}

webhook_push wechat_push(wechat_account const& a, std::string const& openid, std::string const& inner_xml,
                         std::int64_t timestamp, std::optional<std::string> nonce)
{
    auto const ts = std::to_string(timestamp);
    auto const n = nonce ? *nonce : fresh_nonce();
    std::string target = a.path + "?signature=" + sorted_sha1({a.token, ts, n}) + "&timestamp=" + ts +
                         "&nonce=" + url_encode(n) + "&openid=" + url_encode(openid);
    if (!a.safe_mode)
        return {"POST", target, inner_xml};
    auto const ct = encrypt(a.encoding_aes_key, inner_xml, a.app_id, random_bytes(16));
    target += "&encrypt_type=aes&msg_signature=" + sorted_sha1({a.token, ts, n, ct});
    return {"POST", target,
            "<xml><ToUserName>" + cdata(a.original_id) + "</ToUserName><Encrypt>" + cdata(ct) + "</Encrypt></xml>"};
}

webhook_push wechat_text_push(wechat_account const& a, std::string const& openid, std::string const& text,
                              std::string const& msg_id, std::int64_t create_time)
{
    return wechat_push(a, openid,
                       message_xml(a.original_id, openid, create_time, "text", {{"Content", text}, {"MsgId", msg_id}}),
                       create_time);
}

webhook_push wechat_event_push(wechat_account const& a, std::string const& openid, std::string const& event,
                               std::string const& event_key, std::int64_t create_time)
{
    return wechat_push(a, openid,
                       message_xml(a.original_id, openid, create_time, "event",
                                   {{"Event", event}, {"EventKey", event_key}}),
                       create_time);
}

webhook_push wechat_image_push(wechat_account const& a, std::string const& openid, std::string const& pic_url,
                               std::string const& media_id, std::string const& msg_id, std::int64_t create_time)
{
    return wechat_push(a, openid,
                       message_xml(a.original_id, openid, create_time, "image",
                                   {{"PicUrl", pic_url}, {"MsgId", msg_id}, {"MediaId", media_id}}),
                       create_time);
}

webhook_push wechat_location_push(wechat_account const& a, std::string const& openid, double latitude,
                                  double longitude, std::string const& label, std::string const& msg_id,
                                  std::int64_t create_time, int scale)
{
    auto number = [](double v) {
        std::ostringstream s;
        s.precision(9);
        s << v;
        return s.str();
    };
    return wechat_push(a, openid,
                       message_xml(a.original_id, openid, create_time, "location",
                                   {{"Location_X", number(latitude)}, {"Location_Y", number(longitude)},
                                    {"Scale", std::to_string(scale)}, {"Label", label}, {"MsgId", msg_id}}),
                       create_time);
}

webhook_push wechat_voice_push(wechat_account const& a, std::string const& openid, std::string const& media_id,
                               std::string const& recognition, std::string const& msg_id, std::int64_t create_time,
                               std::string const& format)
{
    std::vector<std::pair<std::string, std::string>> fields{{"MediaId", media_id}, {"Format", format}};
    if (!recognition.empty())
        fields.emplace_back("Recognition", recognition);
    fields.emplace_back("MsgId", msg_id);
    return wechat_push(a, openid, message_xml(a.original_id, openid, create_time, "voice", fields), create_time);
}

webhook_push wechat_url_check(wechat_account const& a, std::string const& echostr, std::int64_t timestamp,
                              std::string const& nonce)
{
    auto const ts = std::to_string(timestamp);
    return {"GET",
            a.path + "?signature=" + sorted_sha1({a.token, ts, nonce}) + "&echostr=" + url_encode(echostr) +
                "&timestamp=" + ts + "&nonce=" + url_encode(nonce),
            ""};
}

webhook_push wecom_push(wecom_app const& a, std::string const& inner_xml, std::int64_t timestamp,
                        std::optional<std::string> nonce)
{
    auto const ts = std::to_string(timestamp);
    auto const n = nonce ? *nonce : fresh_nonce();
    auto const ct = encrypt(a.encoding_aes_key, inner_xml, a.corp_id, random_bytes(16));
    return {"POST",
            a.path + "?msg_signature=" + sorted_sha1({a.token, ts, n, ct}) + "&timestamp=" + ts +
                "&nonce=" + url_encode(n),
            "<xml><ToUserName>" + cdata(a.corp_id) + "</ToUserName><Encrypt>" + cdata(ct) + "</Encrypt><AgentID>" +
                cdata(a.agent_id) + "</AgentID></xml>"};
}

webhook_push wecom_text_push(wecom_app const& a, std::string const& user_id, std::string const& text,
                             std::string const& msg_id, std::int64_t create_time)
{
    return wecom_push(a,
                      message_xml(a.corp_id, user_id, create_time, "text", {{"Content", text}, {"MsgId", msg_id}},
                                  a.agent_id),
                      create_time);
}

webhook_push wecom_url_check(wecom_app const& a, std::string const& plain, std::int64_t timestamp,
                             std::string const& nonce)
{
    auto const ts = std::to_string(timestamp);
    auto const ct = encrypt(a.encoding_aes_key, plain, a.corp_id, random_bytes(16));
    return {"GET",
            a.path + "?msg_signature=" + sorted_sha1({a.token, ts, nonce, ct}) + "&timestamp=" + ts +
                "&nonce=" + url_encode(nonce) + "&echostr=" + url_encode(ct),
            ""};
}

http_result deliver(unsigned short gateway_port, webhook_push const& p)
{
    if (p.method == "GET")
        return http_get(gateway_port, p.target);
    return http_request(gateway_port, p.method, p.target, p.body, {{"Content-Type", "text/xml"}});
}

std::optional<std::string> open_passive_reply(std::string const& token, std::string const& encoding_aes_key,
                                              std::string const& receive_id, std::string const& body,
                                              std::string* why)
{
    auto fail = [why](std::string reason) -> std::optional<std::string> {
        if (why)
            *why = std::move(reason);
        return std::nullopt;
    };
    auto const ct = tag_text(body, "Encrypt");
    auto const sig = tag_text(body, "MsgSignature");
    auto const ts = tag_text(body, "TimeStamp");
    auto const nonce = tag_text(body, "Nonce");
    if (!ct || !sig || !ts || !nonce)
        return fail("not an Encrypt/MsgSignature/TimeStamp/Nonce envelope: " + body);
    if (*sig != sorted_sha1({token, *ts, *nonce, *ct}))
        return fail("MsgSignature does not match");
    auto plain = decrypt(encoding_aes_key, *ct, receive_id);
    if (!plain)
        return fail("Encrypt does not decrypt to a message for this receiveid");
    return plain;
}

// ================================================================ the APIs

namespace {

enum class token_state { valid, revoked, expired };

std::map<std::string, std::string> query_of(std::string const& target)
{
    std::map<std::string, std::string> q;
    auto const qm = target.find('?');
    if (qm == std::string::npos)
        return q;
    std::istringstream in(target.substr(qm + 1));
    std::string pair;
    while (std::getline(in, pair, '&')) {
        auto const eq = pair.find('=');
        auto const key = pair.substr(0, eq);
        std::string raw = eq == std::string::npos ? "" : pair.substr(eq + 1), value;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '%' && i + 2 < raw.size() && std::isxdigit(static_cast<unsigned char>(raw[i + 1])) &&
                std::isxdigit(static_cast<unsigned char>(raw[i + 2]))) {
                value += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                value += raw[i];
            }
        }
        q.emplace(key, value);
    }
    return q;
}

std::string error_body(int code, std::string const& msg)
{
    return nlohmann::json{{"errcode", code}, {"errmsg", msg}}.dump();
}

}  // namespace

struct fake_wechat_api::state {
    mutable std::mutex mutex;
    std::map<std::string, token_state> wechat_tokens, wecom_tokens;
    std::string wechat_current, wecom_current;
    std::size_t wechat_fetches = 0, wecom_fetches = 0;
    std::set<std::string> outside_window, unknown_members;
    std::map<std::string, std::size_t> quota_used;  // accepted custom sends per openid since its window opened
    std::deque<std::pair<std::string, int>> scripted_failures;
    std::vector<sent_message> custom, templated, wecom, appchat;
    std::vector<api_call> calls;
    std::uint64_t next_token = 1;
    std::uint64_t next_msgid = 3'147'483'648;  // past 2^31: a client must not keep it in an int32
};

namespace {

// Each handler answers {errcode, body}; errcode 0 is success.
struct answer {
    int errcode = 0;
    std::string body;
};

answer fail(int code, std::string const& msg) { return {code, error_body(code, msg)}; }

}  // namespace

fake_wechat_api::fake_wechat_api(api_credentials c) : creds_(std::move(c)), state_(std::make_unique<state>())
{
    platform_.set_script([this](recorded_request const& req, std::size_t) {
        auto& s = *state_;
        std::lock_guard lock(s.mutex);
        auto const qm = req.target.find('?');
        auto const path = req.target.substr(0, qm);
        auto const q = query_of(req.target);
        auto param = [&q](std::string const& k) -> std::optional<std::string> {
            auto it = q.find(k);
            return it == q.end() ? std::nullopt : std::optional<std::string>(it->second);
        };
        auto const token = param("access_token").value_or("");

        bool const wechat_token_path = path == "/cgi-bin/token";
        bool const wecom_token_path = path == "/cgi-bin/gettoken";
        bool const wecom_path = wecom_token_path || path == "/cgi-bin/message/send" || path == "/cgi-bin/appchat/send";
        bool const known = wechat_token_path || wecom_path || path == "/cgi-bin/stable_token" ||
                           path == "/cgi-bin/message/custom/send" || path == "/cgi-bin/message/custom/typing" ||
                           path == "/cgi-bin/message/template/send" || path == "/cgi-bin/menu/create";

        auto issue = [&](std::map<std::string, token_state>& tokens, std::string& current, std::size_t& fetches,
                         char const* prefix) {
            if (creds_.new_token_revokes_old)
                for (auto& [t, st] : tokens)
                    if (st == token_state::valid)
                        st = token_state::revoked;
            current = prefix + std::to_string(s.next_token++) + "-" + std::to_string(random_bytes(4)[0] & 0x7f);
            tokens[current] = token_state::valid;
            ++fetches;
            return answer{0, nlohmann::json{{"access_token", current}, {"expires_in", creds_.expires_in}}.dump()};
        };
        // WeChat answers 40001 for a token it does not know, WeCom 40014; both 42001 once expired.
        auto check_token = [&](std::map<std::string, token_state> const& tokens, int invalid) -> std::optional<answer> {
            if (token.empty())
                return fail(41001, "access_token missing");
            auto it = tokens.find(token);
            if (it == tokens.end() || it->second == token_state::revoked)
                return fail(invalid, invalid == 40001 ? "invalid credential, access_token is invalid or not latest"
                                                      : "invalid access_token");
            if (it->second == token_state::expired)
                return fail(42001, "access_token expired");
            return std::nullopt;
        };
        auto parse_body = [&](nlohmann::json& into) -> std::optional<answer> {
            if (req.body.empty())
                return fail(44002, "empty post data");
            into = nlohmann::json::parse(req.body, nullptr, false);
            if (into.is_discarded() || !into.is_object())
                return fail(47001, "data format error");
            return std::nullopt;
        };
        // A field that must be a string when present (the real API refuses a number where text belongs).
        auto text_field = [](nlohmann::json const& j, char const* k, std::string& out) {
            if (!j.contains(k))
                return true;
            if (!j[k].is_string())
                return false;
            out = j[k].get<std::string>();
            return true;
        };
        auto msgid = [&] { return s.next_msgid++; };

        auto handle = [&]() -> answer {
            if (!known)
                return {-1, ""};
            for (auto it = s.scripted_failures.begin(); it != s.scripted_failures.end(); ++it)
                if (path.starts_with(it->first)) {
                    auto const code = it->second;
                    s.scripted_failures.erase(it);
                    return fail(code, "scripted");
                }
            bool const is_get = wechat_token_path || wecom_token_path;
            if (is_get && req.method != "GET")
                return fail(43001, "require GET method");
            if (!is_get && req.method != "POST")
                return fail(43002, "require POST method");

            if (wechat_token_path) {
                if (param("grant_type") != "client_credential")
                    return fail(40002, "invalid grant_type");
                if (!param("appid") || param("appid")->empty())
                    return fail(41002, "appid missing");
                if (*param("appid") != creds_.app_id)
                    return fail(40013, "invalid appid");
                if (!param("secret") || param("secret")->empty())
                    return fail(41004, "appsecret missing");
                if (*param("secret") != creds_.app_secret)
                    return fail(40125, "invalid appsecret");
                return issue(s.wechat_tokens, s.wechat_current, s.wechat_fetches, "wx-token-");
            }
            if (wecom_token_path) {
                if (!param("corpid") || param("corpid")->empty())
                    return fail(41002, "corpid missing");
                if (*param("corpid") != creds_.corp_id)
                    return fail(40013, "invalid corpid");
                if (!param("corpsecret") || param("corpsecret")->empty())
                    return fail(41004, "corpsecret missing");
                if (*param("corpsecret") != creds_.corp_secret)
                    return fail(40001, "invalid credential");
                return issue(s.wecom_tokens, s.wecom_current, s.wecom_fetches, "wecom-token-");
            }
            if (path == "/cgi-bin/stable_token") {
                // The JSON twin of /cgi-bin/token: the current token again while it is valid,
                // a new one when forced or when there is none.
                nlohmann::json j;
                if (auto bad = parse_body(j))
                    return *bad;
                if (j.value("grant_type", "") != "client_credential")
                    return fail(40002, "invalid grant_type");
                if (j.value("appid", "") != creds_.app_id)
                    return fail(40013, "invalid appid");
                if (j.value("secret", "") != creds_.app_secret)
                    return fail(40125, "invalid appsecret");
                auto const cur = s.wechat_tokens.find(s.wechat_current);
                bool const force = j.contains("force_refresh") && j["force_refresh"] == true;
                if (!force && cur != s.wechat_tokens.end() && cur->second == token_state::valid) {
                    ++s.wechat_fetches;
                    return {0, nlohmann::json{{"access_token", s.wechat_current},
                                              {"expires_in", creds_.expires_in}}.dump()};
                }
                return issue(s.wechat_tokens, s.wechat_current, s.wechat_fetches, "wx-token-");
            }
            if (auto bad = check_token(wecom_path ? s.wecom_tokens : s.wechat_tokens, wecom_path ? 40014 : 40001))
                return *bad;
            nlohmann::json j;
            if (auto bad = parse_body(j))
                return *bad;

            sent_message m;
            m.path = path;
            m.body = j;
            if (!text_field(j, "touser", m.touser) || !text_field(j, "msgtype", m.msgtype) ||
                !text_field(j, "toparty", m.toparty) || !text_field(j, "totag", m.totag) ||
                !text_field(j, "chatid", m.chatid) || !text_field(j, "template_id", m.template_id) ||
                !text_field(j, "url", m.url))
                return fail(47001, "data format error");
            // The message's own object ("text": {...}) must be there for its msgtype.
            auto content_of = [&]() -> std::optional<answer> {
                if (m.msgtype.empty())
                    return fail(40008, "invalid message type");
                if (!j.contains(m.msgtype) || !j[m.msgtype].is_object())
                    return fail(47001, "data format error");
                auto const& o = j[m.msgtype];
                if (m.msgtype == "text" || m.msgtype == "markdown") {
                    if (o.contains("content") && !o["content"].is_string())
                        return fail(47001, "data format error");
                    m.content = o.value("content", "");
                    if (m.content.empty())
                        return fail(44004, "empty content");
                }
                return std::nullopt;
            };

            if (path == "/cgi-bin/message/custom/send") {
                static std::set<std::string> const types{"text", "image", "voice", "video", "music", "news",
                                                         "mpnews", "mpnewsarticle", "msgmenu", "wxcard",
                                                         "miniprogrampage"};
                if (m.touser.empty())
                    return fail(40003, "invalid openid");
                if (!m.msgtype.empty() && !types.contains(m.msgtype))
                    return fail(40008, "invalid message type");
                if (auto bad = content_of())
                    return *bad;
                if (s.outside_window.contains(m.touser))
                    return fail(45015, "response out of time limit or subscription is canceled");
                if (creds_.custom_quota > 0 && s.quota_used[m.touser] >= creds_.custom_quota)
                    return fail(45047, "out of response count limit");
                ++s.quota_used[m.touser];
                s.custom.push_back(m);
                return {0, error_body(0, "ok")};
            }
            if (path == "/cgi-bin/message/custom/typing") {
                std::string command;
                if (!text_field(j, "command", command))
                    return fail(47001, "data format error");
                if (m.touser.empty())
                    return fail(40003, "invalid openid");
                if (command != "Typing" && command != "CancelTyping")
                    return fail(47001, "data format error");
                if (s.outside_window.contains(m.touser))
                    return fail(45015, "response out of time limit or subscription is canceled");
                return {0, error_body(0, "ok")};
            }
            if (path == "/cgi-bin/message/template/send") {
                if (m.touser.empty())
                    return fail(40003, "invalid openid");
                if (m.template_id.empty())
                    return fail(40037, "invalid template_id");
                if (j.contains("data")) {
                    if (!j["data"].is_object())
                        return fail(47001, "data format error");
                    for (auto const& [k, v] : j["data"].items())
                        if (!v.is_object() || !v.contains("value") || !v["value"].is_string())
                            return fail(47001, "data format error");
                    m.data = j["data"];
                }
                if (j.contains("client_msg_id") && !j["client_msg_id"].is_string())
                    return fail(47001, "data format error");
                m.msgtype = "template";
                auto const id = msgid();
                m.msgid = std::to_string(id);
                s.templated.push_back(m);
                return {0, nlohmann::json{{"errcode", 0}, {"errmsg", "ok"}, {"msgid", id}}.dump()};
            }
            if (path == "/cgi-bin/menu/create") {
                if (!j.contains("button") || !j["button"].is_array() || j["button"].empty() ||
                    j["button"].size() > 3)
                    return fail(40016, "invalid button size");
                return {0, error_body(0, "ok")};
            }
            if (path == "/cgi-bin/message/send") {
                if (!j.contains("agentid"))
                    return fail(41011, "missing agentid");
                auto const& agent = j["agentid"];
                bool const same_agent = (agent.is_number_integer() && agent.get<std::int64_t>() == creds_.agent_id) ||
                                        (agent.is_string() && agent.get<std::string>() == std::to_string(creds_.agent_id));
                if (!same_agent)
                    return fail(40056, "invalid agentid");
                if (auto bad = content_of())
                    return *bad;
                // Members the corp does not have are listed back, not refused, unless no one is left.
                std::string valid, invalid;
                std::istringstream users(m.touser);
                for (std::string u; std::getline(users, u, '|');)
                    (s.unknown_members.contains(u) ? invalid : valid) += (u + "|");
                if (!invalid.empty())
                    invalid.pop_back();
                if (valid.empty() && m.toparty.empty() && m.totag.empty())
                    return fail(81013, "user & party & tag all invalid");
                auto const id = "wecom-msg-" + std::to_string(msgid());
                m.msgid = id;
                s.wecom.push_back(m);
                return {0, nlohmann::json{{"errcode", 0}, {"errmsg", "ok"}, {"invaliduser", invalid},
                                          {"invalidparty", ""}, {"invalidtag", ""}, {"unlicenseduser", ""},
                                          {"msgid", id}}.dump()};
            }
            // /cgi-bin/appchat/send
            if (m.chatid.empty())
                return fail(86001, "invalid chatid");
            if (auto bad = content_of())
                return *bad;
            s.appchat.push_back(m);
            return {0, error_body(0, "ok")};
        };

        answer a;
        try {
            a = handle();
        } catch (nlohmann::json::exception const&) {  // a field of the wrong type, read with value()
            a = fail(47001, "data format error");
        }
        s.calls.push_back({path, token, a.errcode, req.body});
        scripted_reply r;
        if (!known) {
            r.status = 404;
            r.body = "not a WeChat or WeCom API path";
            return r;
        }
        r.body = a.body;  // HTTP 200 whatever the errcode, as both APIs answer
        return r;
    });
}

fake_wechat_api::~fake_wechat_api() = default;

void fake_wechat_api::revoke_tokens()
{
    std::lock_guard lock(state_->mutex);
    for (auto* tokens : {&state_->wechat_tokens, &state_->wecom_tokens})
        for (auto& [t, st] : *tokens)
            st = token_state::revoked;
}

void fake_wechat_api::expire_tokens()
{
    std::lock_guard lock(state_->mutex);
    for (auto* tokens : {&state_->wechat_tokens, &state_->wecom_tokens})
        for (auto& [t, st] : *tokens)
            if (st == token_state::valid)
                st = token_state::expired;
}

void fake_wechat_api::set_outside_window(std::string const& openid, bool outside)
{
    std::lock_guard lock(state_->mutex);
    if (outside)
        state_->outside_window.insert(openid);
    else
        state_->outside_window.erase(openid);
    state_->quota_used.erase(openid);  // either way a new window starts with a full quota
}

void fake_wechat_api::user_wrote(std::string const& openid)
{
    std::lock_guard lock(state_->mutex);
    state_->outside_window.erase(openid);
    state_->quota_used.erase(openid);
}

void fake_wechat_api::set_unknown_member(std::string const& user_id, bool unknown)
{
    std::lock_guard lock(state_->mutex);
    if (unknown)
        state_->unknown_members.insert(user_id);
    else
        state_->unknown_members.erase(user_id);
}

void fake_wechat_api::fail_next(std::string const& path_prefix, int errcode)
{
    std::lock_guard lock(state_->mutex);
    state_->scripted_failures.emplace_back(path_prefix, errcode);
}

std::size_t fake_wechat_api::token_fetches() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wechat_fetches;
}

std::size_t fake_wechat_api::wecom_token_fetches() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wecom_fetches;
}

std::string fake_wechat_api::current_token() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wechat_current;
}

std::string fake_wechat_api::current_wecom_token() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wecom_current;
}

std::vector<sent_message> fake_wechat_api::custom_sends() const
{
    std::lock_guard lock(state_->mutex);
    return state_->custom;
}

std::vector<sent_message> fake_wechat_api::template_sends() const
{
    std::lock_guard lock(state_->mutex);
    return state_->templated;
}

std::vector<sent_message> fake_wechat_api::wecom_sends() const
{
    std::lock_guard lock(state_->mutex);
    return state_->wecom;
}

std::vector<sent_message> fake_wechat_api::appchat_sends() const
{
    std::lock_guard lock(state_->mutex);
    return state_->appchat;
}

std::vector<api_call> fake_wechat_api::calls() const
{
    std::lock_guard lock(state_->mutex);
    return state_->calls;
}

bool fake_wechat_api::wait_until(std::function<bool(fake_wechat_api const&)> const& pred,
                                 std::chrono::milliseconds limit) const
{
    // The script records under the platform's lock, before it notifies: each request wakes this.
    return platform_.wait_until([&](auto const&) { return pred(*this); }, limit);
}

bool fake_wechat_api::wait_for_custom_sends(std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([n](auto const& f) { return f.custom_sends().size() >= n; }, limit);
}

bool fake_wechat_api::wait_for_template_sends(std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([n](auto const& f) { return f.template_sends().size() >= n; }, limit);
}

bool fake_wechat_api::wait_for_wecom_sends(std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([n](auto const& f) { return f.wecom_sends().size() >= n; }, limit);
}

}  // namespace pg::testing::wx
