// WeCom self-built app: members' pushes in, app messages out.
#include "adapters/wecom/wecom.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/retry_after.hpp"
#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <charconv>

namespace pg::adapters::wecom {
namespace {

using json = nlohmann::json;
using model::delivery;
using model::delivery_verdict;
using model::event_kind;

constexpr std::string_view dedupe_prefix = "wecom:";

// A platform word (MsgType, Event) kept as a detail: short, so outside input cannot bloat logs.
std::string word(std::string_view s) { return std::string(utf8_prefix_bytes(s, 32)); }

std::optional<std::int64_t> integer(std::string_view s)
{
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

// A query value: everything but RFC 3986's unreserved characters percent-encoded.
std::string query_value(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        auto const u = static_cast<unsigned char>(c);
        if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '-' || c == '.' ||
            c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

// ---- Recipients ----

// Where a message goes: message/send's touser, toparty or totag, or appchat/send's chatid.
struct recipients {
    std::string_view field;  // "touser", "toparty", "totag", "chatid"
    std::string value;
};

constexpr std::string_view chat_id_forms =
    "expected \"user:<UserID>[|<UserID>...]\", \"party:<id>[|<id>...]\", \"tag:<id>[|<id>...]\" or "
    "\"chat:<chatid>\"";

model::failure bad_chat(std::string why)
{
    return {model::errc::malformed_body, "chat id: " + why + "; " + std::string(chat_id_forms)};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// A UserID is letters, digits and a few marks; anything that is not printable
// ASCII or is white space (or '|', the list separator) cannot be one.
bool is_user_char(char c) { return c > ' ' && c < 0x7f && c != '|'; }

// "a|b|c": each entry non-empty, of allowed characters, at most `max` of them
// (WeCom's limits: 1000 members, 100 departments or tags per message).
std::optional<std::string> check_list(std::string_view list, std::string_view what, bool (*allowed)(char),
                                      std::size_t max)
{
    std::size_t count = 0;
    while (true) {
        auto const bar = list.find('|');
        auto const entry = list.substr(0, bar);
        if (entry.empty())
            return "an empty " + std::string(what);
        for (char c : entry)
            if (!allowed(c))
                return "a " + std::string(what) + " with a character it cannot hold";
        if (++count > max)
            return "more than " + std::to_string(max) + " " + std::string(what) + "s";
        if (bar == std::string_view::npos)
            return std::nullopt;
        list.remove_prefix(bar + 1);
    }
}

model::result<recipients> read_chat_id(std::string_view chat_id)
{
    struct form {
        std::string_view prefix, field, what;
        bool (*allowed)(char);
        std::size_t max;
    };
    static constexpr form lists[] = {
        {"user:", "touser", "UserID", is_user_char, 1000},
        {"party:", "toparty", "department id", is_digit, 100},
        {"tag:", "totag", "tag id", is_digit, 100},
    };
    for (auto const& f : lists) {
        if (!chat_id.starts_with(f.prefix))
            continue;
        auto const list = chat_id.substr(f.prefix.size());
        if (auto why = check_list(list, f.what, f.allowed, f.max))
            return bad_chat(std::string(f.prefix) + " names " + *why);
        return recipients{f.field, std::string(list)};
    }
    if (chat_id.starts_with("chat:")) {
        // appchat's chatid: at most 32 letters and digits.
        auto const id = chat_id.substr(5);
        if (id.empty() || id.size() > 32 || !std::all_of(id.begin(), id.end(), is_alnum))
            return bad_chat("chat: needs a chatid of 1 to 32 letters and digits");
        return recipients{"chatid", std::string(id)};
    }
    return bad_chat("no known form");
}

// At most max_content_bytes, cut at a code point with "…" when longer.
std::string clipped(std::string_view text)
{
    if (text.size() <= max_content_bytes)
        return std::string(text);
    constexpr std::string_view ellipsis = "\u2026";
    return std::string(utf8_prefix_bytes(text, max_content_bytes - ellipsis.size())) + std::string(ellipsis);
}

// ---- WeCom's answers ----

// {"errcode":N,"errmsg":...}: the errcode, when the body is a JSON object that has one.
struct reply {
    bool is_json = false;
    std::optional<std::int64_t> errcode;
    json body;
};

reply read_reply(std::string_view text)
{
    reply r;
    if (parse_json_body(text, r.body) || !r.body.is_object())
        return r;
    r.is_json = true;
    json_read rd;
    r.errcode = rd.get<std::int64_t>(r.body, "", "errcode");
    return r;
}

std::string errcode_text(std::int64_t code) { return "errcode " + std::to_string(code); }

// The access_token was refused: invalid (40014, 40001), expired (42001) or missing (41001).
constexpr std::int64_t token_errors[] = {40001, 40014, 41001, 42001};
// Not now rather than never: system busy (-1), call frequency (45009) and concurrency (45033) limits.
constexpr std::int64_t transient_errors[] = {-1, 45009, 45033};

template <std::size_t N>
bool one_of(std::int64_t code, std::int64_t const (&set)[N])
{
    return std::find(std::begin(set), std::end(set), code) != std::end(set);
}

delivery_verdict verdict(delivery d, std::string reason) { return {d, std::nullopt, std::move(reason), {}}; }

// ---- Config ----

json const* option(json const& options, std::string_view key)
{
    auto it = options.find(key);
    return it == options.end() || it->is_null() ? nullptr : &*it;
}

std::string required_string(json const& options, std::string_view key)
{
    auto const* v = option(options, key);
    if (v == nullptr)
        throw bad_setting{std::string(key), "missing"};
    if (!v->is_string() || v->get_ref<std::string const&>().empty())
        throw bad_setting{std::string(key), "expected a non-empty string"};
    return v->get<std::string>();
}

std::unique_ptr<platform const> make(channel_config const& c)
{
    settings s;
    s.corp_id = required_string(c.options, "corp_id");
    s.corp_secret = required_string(c.options, "corp_secret");
    auto const* agent = option(c.options, "agent_id");
    if (agent == nullptr)
        throw bad_setting{"agent_id", "missing"};
    if (!agent->is_number_integer() || (agent->is_number_unsigned() && agent->get<std::uint64_t>() > INT64_MAX) ||
        agent->get<std::int64_t>() <= 0)
        throw bad_setting{"agent_id", "expected a positive integer (the app's AgentId)"};
    s.agent_id = agent->get<std::int64_t>();
    s.callback.token = required_string(c.options, "token");
    auto key = wechat::parse_encoding_aes_key(required_string(c.options, "encoding_aes_key"));
    if (!key)
        throw bad_setting{"encoding_aes_key", key.error().detail};
    s.callback.key = *key;
    s.callback.receive_id = s.corp_id;  // a self-built app's pushes carry the CorpID
    return std::make_unique<wecom_platform>(c.id, std::move(s));
}

constexpr setting wecom_settings[] = {
    {"corp_id", setting_kind::word, true},
    {"corp_secret", setting_kind::secret_word, true},
    {"agent_id", setting_kind::number, true},
    {"token", setting_kind::secret_word, true},
    {"encoding_aes_key", setting_kind::secret_word, true},
};

}  // namespace

model::inbound_event member_event(wechat::callback_message const& m, std::string const& channel_id,
                                  std::int64_t agent_id)
{
    model::inbound_event ev;
    ev.channel_id = channel_id;
    ev.chat_id = "user:" + m.from_user_name;  // a member talks 1:1 with the app
    ev.user_id = m.from_user_name;
    ev.user_name = m.from_user_name;  // the UserID is all a push says of its sender
    ev.chat = model::chat_kind::private_chat;
    ev.message_id = m.msg_id;
    ev.sent_at = model::from_millis(m.create_time * 1000);
    // Events carry no MsgId; WeCom's retries of one repeat all of these.
    ev.dedupe_key = std::string(dedupe_prefix) + channel_id + ":" +
                    (m.msg_id.empty() ? m.from_user_name + ":" + std::to_string(m.create_time) + ":" +
                                            (m.msg_type == "event" ? m.event : m.msg_type)
                                      : m.msg_id);

    std::string_view const type = m.msg_type;
    if (integer(m.agent_id) != agent_id) {
        // Another app of the same corp sharing this callback URL: real, but not ours to act on.
        ev.kind = event_kind::ignored;
        ev.detail = "another app's push";
    } else if (!std::all_of(m.from_user_name.begin(), m.from_user_name.end(), is_user_char)) {
        // WeCom's UserIDs are letters, digits and "_-@.": anything else (a '|' above all,
        // which would address a reply to several members) is not a member we can answer.
        ev.kind = event_kind::ignored;
        ev.detail = "UserID of unknown form";
    } else if (type == "text") {
        ev.kind = event_kind::text;
        ev.text = m.content;
    } else if (type == "voice" && !m.recognition.empty()) {
        ev.kind = event_kind::text;  // WeCom's speech recognition: the member said this
        ev.text = m.recognition;
    } else {
        // enter_agent, subscribe, menu clicks, ...; images, files, locations: staff
        // work in text commands.
        ev.kind = event_kind::ignored;
        ev.detail = word(type == "event" ? m.event : type);
    }
    return ev;
}

wecom_platform::wecom_platform(std::string channel_id, settings s) : channel_id_(std::move(channel_id)), s_(std::move(s))
{
}

capabilities const& wecom_platform::can() const
{
    static capabilities const c = [] {
        capabilities c;
        c.buttons = false;  // choices are numbered in the text; a typed number answers
        c.threads = false;  // one card and its updates per message, naming the tracking number
        c.staff_only = true;  // the organisation's own app: whoever writes is an official
        c.max_text = max_text_units;
        return c;
    }();
    return c;
}

model::result<http_answer> wecom_platform::verify_url(model::raw_request const& req, model::timestamp) const
{
    auto echo = wechat::answer_encrypted_url_check(req, s_.callback);
    if (!echo)
        return echo.error();
    return http_answer{200, "text/plain; charset=utf-8", std::move(*echo)};
}

model::result<webhook_input> wecom_platform::parse(model::raw_request const& req, model::timestamp) const
{
    auto xml = wechat::open_push(req, s_.callback, wechat::push_mode::wecom);
    if (!xml)
        return xml.error();
    auto m = wechat::parse_message(*xml);
    if (!m)
        return m.error();
    webhook_input in;
    in.events.push_back(member_event(*m, channel_id_, s_.agent_id));
    return in;  // an empty 200: nothing is said in a passive reply
}

std::optional<model::api_call> wecom_platform::credential_call() const
{
    model::api_call call;
    call.method = "GET";
    call.path = "/cgi-bin/gettoken?corpid=" + query_value(s_.corp_id) + "&corpsecret=" + query_value(s_.corp_secret);
    call.content_type.clear();
    return call;
}

model::result<credential> wecom_platform::read_credential(model::api_response const& r, model::timestamp now) const
{
    auto const fail = [](model::errc code, std::string why) { return model::failure{code, "gettoken: " + why}; };
    if (r.status != 200)
        return fail(model::errc::malformed_body, "HTTP " + std::to_string(r.status));
    auto const answer = read_reply(r.body);
    if (!answer.is_json)
        return fail(model::errc::malformed_body, "body not JSON");
    if (answer.errcode.value_or(0) != 0)  // 40013 a wrong corp_id, 40001 a wrong corp_secret, ...
        return fail(model::errc::bad_signature, errcode_text(*answer.errcode));
    json_read rd;
    auto token = rd.get<std::string>(answer.body, "", "access_token");
    auto expires_in = rd.get<std::int64_t>(answer.body, "", "expires_in");
    if (!token || token->empty())
        return fail(model::errc::malformed_body, "access_token missing");
    if (!expires_in || *expires_in <= 0)
        return fail(model::errc::malformed_body, "expires_in missing or not positive");
    // A week at most: a garbage lifetime must not keep a token past its real one for long.
    auto const seconds = std::min<std::int64_t>(*expires_in, 7 * 24 * 3600);
    return credential{std::move(*token), now + std::chrono::seconds{seconds}};
}

model::result<model::api_call> wecom_platform::render(model::outbound_message const& m, send_context const& ctx) const
{
    model::api_call call;
    // Nothing to acknowledge (no buttons); a file id from another platform means nothing here.
    if (m.kind == model::message_kind::callback_ack || m.kind == model::message_kind::photo) {
        call.path.clear();
        return call;
    }
    // text, and open_thread (never sent without threads) as a plain message.
    auto const& text = m.text.empty() && m.kind == model::message_kind::open_thread ? m.title : m.text;
    if (text.empty())
        return model::failure{model::errc::malformed_body, "text: empty (WeCom refuses an empty message)"};
    auto to = read_chat_id(m.chat_id);
    if (!to)
        return to.error();

    json body;
    if (to->field == "chatid") {
        call.path = "/cgi-bin/appchat/send?access_token=" + query_value(ctx.credential);
        body = {{"chatid", to->value}, {"msgtype", "text"}, {"text", {{"content", clipped(text)}}}, {"safe", 0}};
    } else {
        call.path = "/cgi-bin/message/send?access_token=" + query_value(ctx.credential);
        body = {{std::string(to->field), to->value},
                {"msgtype", "text"},
                {"agentid", s_.agent_id},
                {"text", {{"content", clipped(text)}}},
                {"safe", 0},
                {"enable_duplicate_check", 0}};
    }
    call.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    return call;
}

model::delivery_verdict wecom_platform::interpret(model::api_response const& r, model::timestamp now) const
{
    if (r.status == 0)  // the gateway's mark for no answer: connect, TLS or read failed or timed out
        return verdict(delivery::retry, "network");
    auto const http = "HTTP " + std::to_string(r.status);
    if (r.status == 429) {
        // WeCom reports its limits as errcodes; a 429 comes from a proxy in the way.
        // Retrying sooner than it asks is refused again: a floor, not a hint.
        auto const wait = retry_after_seconds(r.retry_after_header).value_or(1);
        return {delivery::retry, now + std::chrono::seconds{wait}, http + ": retry after " + std::to_string(wait) + " s",
                {}};
    }
    if (r.status >= 500 && r.status < 600)
        return verdict(delivery::retry, http);
    if (r.status >= 400 && r.status < 500)
        return verdict(delivery::permanent, http);
    if (r.status != 200)  // WeCom answers 200; a proxy or a wrong api_base is in the way
        return verdict(delivery::retry, http + " (unexpected status)");

    auto const answer = read_reply(r.body);
    if (!answer.is_json)
        return verdict(delivery::retry, http + ": body not JSON");
    if (!answer.errcode)
        return verdict(delivery::retry, http + ": no errcode");
    auto const code = *answer.errcode;
    if (code == 0) {
        // A 0 errcode with recipients listed as invalid: sent to the others. Never their ids.
        json_read rd;
        for (auto key : {"invaliduser", "invalidparty", "invalidtag", "unlicenseduser"})
            if (!rd.get<std::string>(answer.body, "", key).value_or("").empty())
                return verdict(delivery::ok, "some recipients invalid");
        return verdict(delivery::ok, {});
    }
    if (one_of(code, token_errors))
        return verdict(delivery::refresh_credential, errcode_text(code));
    if (one_of(code, transient_errors))
        return verdict(delivery::retry, errcode_text(code));
    return verdict(delivery::permanent, errcode_text(code));
}

adapters::platform_kind wecom_kind()
{
    return {"wecom", "https://qyapi.weixin.qq.com", wecom_settings, &make,
            R"({"corp_id": "ww0123456789abcdef", "corp_secret": "0123456789abcdef0123456789abcdef", "agent_id": 1000002,
                "token": "petition-token", "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"})"};
}

}  // namespace pg::adapters::wecom
