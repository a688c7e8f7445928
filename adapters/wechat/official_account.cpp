// WeChat Official Account (citizens) on the platform contract: config read and
// checked once in make(), then pushes in, customer-service and template messages
// out, the access_token and the custom menu.
#include "adapters/wechat/official_account.hpp"

#include "adapters/common/reply_window.hpp"
#include "adapters/common/options.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/placeholders.hpp"
#include "adapters/common/utf8.hpp"
#include "adapters/wechat/wechat.hpp"
#include "model/json_writer.hpp"
#include "model/petition.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::adapters::wechat {
namespace {

using model::delivery;
using model::delivery_verdict;
using nlohmann::json;

// ---- Config ----

// WeChat's custom-menu limits (自定义菜单创建接口).
constexpr std::size_t max_top_buttons = 3;
constexpr std::size_t max_sub_buttons = 5;
constexpr std::size_t max_top_name_bytes = 16;
constexpr std::size_t max_sub_name_bytes = 60;
constexpr std::size_t max_key_bytes = 128;
constexpr std::size_t max_url_bytes = 1024;

struct menu_button {
    std::string name;
    std::string type;  // click, view; empty for a button that opens sub_buttons
    std::string key;   // click: comes back as the CLICK event's EventKey
    std::string url;   // view
    std::vector<menu_button> sub_buttons;
};

struct status_template {
    std::string template_id;
    std::string url;  // optional: where tapping the message leads
    std::vector<std::pair<std::string, std::string>> data;  // field -> text with placeholders
};

struct account {
    std::string channel_id;
    std::string app_id;
    std::string app_secret;
    secrets s;
    std::map<std::string, status_template, std::less<>> templates;  // by status name
    std::vector<menu_button> menu;                                   // empty: nothing to publish
};

bool has_space(std::string_view s)
{
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

bool is_web_url(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

// A string option; absent reads as "". Config has checked the shapes already;
// make() checks again so a platform built another way fails as clearly.
std::string string_option(json const& options, std::string_view key, bool required)
{
    auto const v = json_read::find(options, key);
    if (v == nullptr || (v->is_string() && v->get_ref<std::string const&>().empty())) {
        if (required)
            refuse(std::string(key), "missing");
        return {};
    }
    if (!v->is_string())
        refuse(std::string(key), "expected a string");
    return v->get<std::string>();
}

std::optional<aes_key> key_option(json const& options, std::string_view key)
{
    auto const text = string_option(options, key, false);
    if (text.empty())
        return std::nullopt;
    auto k = parse_encoding_aes_key(text);
    if (!k)
        refuse(std::string(key), k.error().detail);  // names what is wrong, never the key
    return *k;
}

status_template read_template(json const& t, std::string const& path)
{
    if (!t.is_object())
        refuse(path, "expected an object {\"template_id\", \"url\", \"data\"}");
    refuse_unknown_keys(t, path, {"template_id", "url", "data"});
    status_template out;
    auto const id = json_read::find(t, "template_id");
    if (id == nullptr || !id->is_string() || blank(id->get_ref<std::string const&>()))
        refuse(path + ".template_id", id == nullptr ? "missing" : "expected the template's id from the console");
    out.template_id = id->get<std::string>();
    if (has_space(out.template_id))
        refuse(path + ".template_id", "contains white space");
    if (auto const url = json_read::find(t, "url")) {
        if (!url->is_string() || !is_web_url(url->get_ref<std::string const&>()))
            refuse(path + ".url", "expected an http:// or https:// address");
        out.url = url->get<std::string>();
    }
    auto const data = json_read::find(t, "data");
    if (data == nullptr || !data->is_object() || data->empty())
        refuse(path + ".data", data == nullptr ? "missing" : "expected an object of fields, e.g. {\"keyword1\": \"{tracking}\"}");
    for (auto const& [field, pattern] : data->items()) {
        auto const field_path = path + ".data." + field;
        bool const plain_name = !field.empty() && std::all_of(field.begin(), field.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '_';
        });
        if (!plain_name)
            refuse(field_path, "a field name is letters, digits and '_', as the template names it");
        if (!pattern.is_string())
            refuse(field_path, "expected a string");
        auto const checked = fill_placeholders(pattern.get_ref<std::string const&>(), {});
        if (!checked)
            refuse(field_path, checked.error().detail);
        out.data.emplace_back(field, pattern.get<std::string>());
    }
    return out;
}

std::string text_field(json const& b, std::string const& path, std::string_view key, std::size_t max_bytes)
{
    auto const v = json_read::find(b, key);
    auto const where = path + "." + std::string(key);
    if (v == nullptr)
        refuse(where, "missing");
    if (!v->is_string() || blank(v->get_ref<std::string const&>()))
        refuse(where, "expected a non-empty string");
    auto const& s = v->get_ref<std::string const&>();
    if (s.size() > max_bytes)
        refuse(where, "longer than " + std::to_string(max_bytes) + " bytes");
    if (!valid_utf8(s))
        refuse(where, "not UTF-8");
    return s;
}

menu_button read_button(json const& b, std::string const& path, bool top)
{
    if (!b.is_object())
        refuse(path, "expected an object");
    if (top)
        refuse_unknown_keys(b, path, {"name", "type", "key", "url", "sub_button"});
    else
        refuse_unknown_keys(b, path, {"name", "type", "key", "url"});
    menu_button out;
    out.name = text_field(b, path, "name", top ? max_top_name_bytes : max_sub_name_bytes);
    if (auto const subs = json_read::find(b, "sub_button")) {
        // A button that opens a list does nothing itself.
        if (!subs->is_array() || subs->empty() || subs->size() > max_sub_buttons)
            refuse(path + ".sub_button", "expected 1 to " + std::to_string(max_sub_buttons) + " buttons");
        for (auto const k : {"type", "key", "url"})
            if (b.contains(k))
                refuse(path + "." + k, "a button with sub_button has no " + std::string(k));
        for (std::size_t i = 0; i < subs->size(); ++i)
            out.sub_buttons.push_back(read_button((*subs)[i], path + ".sub_button[" + std::to_string(i) + "]", false));
        return out;
    }
    out.type = text_field(b, path, "type", 16);
    if (out.type == "click") {
        out.key = text_field(b, path, "key", max_key_bytes);
        if (b.contains("url"))
            refuse(path + ".url", "only a view button has a url");
    } else if (out.type == "view") {
        out.url = text_field(b, path, "url", max_url_bytes);
        if (!is_web_url(out.url))
            refuse(path + ".url", "expected an http:// or https:// address");
        if (b.contains("key"))
            refuse(path + ".key", "only a click button has a key");
    } else {
        refuse(path + ".type", "expected \"click\" or \"view\"");
    }
    return out;
}

std::vector<menu_button> read_menu(json const& options)
{
    std::vector<menu_button> out;
    auto const m = json_read::find(options, "menu");
    if (m == nullptr)
        return out;
    if (!m->is_object())
        refuse("menu", "expected an object {\"button\": [...]}");
    refuse_unknown_keys(*m, "menu", {"button"});
    auto const buttons = json_read::find(*m, "button");
    if (buttons == nullptr)
        refuse("menu.button", "missing");
    if (!buttons->is_array() || buttons->empty() || buttons->size() > max_top_buttons)
        refuse("menu.button", "expected 1 to " + std::to_string(max_top_buttons) + " buttons");
    for (std::size_t i = 0; i < buttons->size(); ++i)
        out.push_back(read_button((*buttons)[i], "menu.button[" + std::to_string(i) + "]", true));
    return out;
}

// ---- Calls ----

// Query values here are the AppID, the AppSecret and access tokens: encoded
// anyway, so no value can add a parameter.
std::string query_value(std::string_view s)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

model::api_call post(std::string_view path, std::string_view credential, std::string body)
{
    model::api_call call;
    call.path = std::string(path) + "?access_token=" + query_value(credential);
    call.body = std::move(body);
    return call;
}

// WeChat refuses empty content; a lone ellipsis keeps the message deliverable.
constexpr std::string_view blank_text_stand_in = "\u2026";

std::string content_of(std::string_view text)
{
    auto const cut = utf8_prefix_bytes(text, max_text_bytes);
    return blank(cut) ? std::string(blank_text_stand_in) : std::string(cut);
}

void write_button(model::json_writer& w, menu_button const& b)
{
    w.begin_object().key("name").str(b.name);
    if (!b.sub_buttons.empty()) {
        w.key("sub_button").begin_array();
        for (auto const& sub : b.sub_buttons)
            write_button(w, sub);
        w.end_array();
    } else {
        w.key("type").str(b.type);
        if (b.type == "click")
            w.key("key").str(b.key);
        else
            w.key("url").str(b.url);
    }
    w.end_object();
}

// ---- Answers ----

// An API answer: errcode absent or 0 is success.
struct answer {
    bool is_json = false;
    std::optional<std::int64_t> errcode;
    bool errcode_unreadable = false;
    json body;
};

answer read_answer(std::string_view body)
{
    answer a;
    if (parse_json_body(body, a.body) || !a.body.is_object())
        return a;
    a.is_json = true;
    json_read rd;
    a.errcode = rd.get<std::int64_t>(a.body, "", "errcode");
    a.errcode_unreadable = !rd.ok();
    return a;
}

// What an errcode means, in our words: WeChat's errmsg is left out of reasons.
std::string describe(std::int64_t errcode)
{
    std::string out = "errcode " + std::to_string(errcode);
    switch (errcode) {
    case -1: return out + " (system busy)";
    case 40001: return out + " (access_token invalid, or AppSecret wrong)";
    case 40003: return out + " (not an openid of this account)";
    case 40013: return out + " (AppID invalid)";
    case 40014: return out + " (access_token invalid)";
    case 40125: return out + " (AppSecret invalid)";
    case 40164: return out + " (this server's IP is not on the account's whitelist)";
    case 41001: return out + " (access_token missing)";
    case 42001: return out + " (access_token expired)";
    case 43004: return out + " (the user does not follow the account)";
    case 45002: return out + " (content too long)";
    case 45009: return out + " (daily API quota reached)";
    case 45015: return out + " (outside the 48-hour window)";
    case 45047: return out + " (customer-service message quota reached)";
    default: return out;
    }
}

delivery_verdict verdict(delivery d, std::string reason) { return {d, std::nullopt, std::move(reason), {}}; }

// ---- The platform ----

class official_account final : public platform {
public:
    explicit official_account(account a) : a_(std::move(a)) {}

    capabilities const& can() const override
    {
        static capabilities const c{.buttons = false,
                                    .threads = false,
                                    .thread_carries_text = false,
                                    .max_text = max_text_units,
                                    .reply_window = std::chrono::duration_cast<std::chrono::milliseconds>(reply_window),
                                    .local_delivery = false,
                                    .public_webhook = false};
        return c;
    }

    model::result<http_answer> verify_url(model::raw_request const& req, model::timestamp) const override
    {
        auto echostr = answer_url_check(req, a_.s);
        if (!echostr)
            return echostr.error();
        return http_answer{.body = std::move(*echostr)};
    }

    // Answered "success" once committed, never with a passive reply: WeChat gives up
    // after 5 seconds, so every reply goes out through the customer-service API.
    // WeChat's retries repeat the push, and citizen_event's dedupe key with it.
    model::result<webhook_input> parse(model::raw_request const& req, model::timestamp) const override
    {
        auto events = parse_citizen_push(req, a_.channel_id, a_.s);
        if (!events)
            return events.error();
        return webhook_input{std::move(*events), http_answer{.body = std::string(success_body)}};
    }

    std::optional<model::api_call> credential_call() const override
    {
        model::api_call call;
        call.method = "GET";
        call.path = "/cgi-bin/token?grant_type=client_credential&appid=" + query_value(a_.app_id) +
                    "&secret=" + query_value(a_.app_secret);
        call.content_type.clear();
        return call;
    }

    model::result<credential> read_credential(model::api_response const& r, model::timestamp now) const override
    {
        auto const failed = [](model::errc code, std::string why) {
            return model::failure{code, "access_token: " + std::move(why)};
        };
        if (r.status == 0)
            return failed(model::errc::malformed_body, "network");
        if (r.status != 200)
            return failed(model::errc::malformed_body, "HTTP " + std::to_string(r.status));
        auto const a = read_answer(r.body);
        if (!a.is_json)
            return failed(model::errc::malformed_body, "answer not a JSON object");
        if (a.errcode && *a.errcode != 0)
            return failed(model::errc::bad_signature, describe(*a.errcode));
        json_read rd;
        auto token = rd.need<std::string>(a.body, "", "access_token");
        auto const expires_in = rd.need<std::int64_t>(a.body, "", "expires_in");
        if (!rd.ok())
            return failed(model::errc::malformed_body, rd.error().detail);
        if (token->empty() || *expires_in <= 0)
            return failed(model::errc::malformed_body, token->empty() ? "access_token empty" : "expires_in not positive");
        return credential{std::move(*token), now + std::chrono::seconds{*expires_in}};
    }

    model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx) const override
    {
        switch (m.kind) {
        case model::message_kind::callback_ack:
            return model::api_call{.path = {}};  // a menu click has nothing to acknowledge
        case model::message_kind::open_thread:
            return model::failure{model::errc::unsupported_update, "open_thread: a citizen channel has no threads"};
        case model::message_kind::text:
        case model::message_kind::photo:
            break;
        }
        // Free messages only within 48 hours of the citizen's last action; the later of
        // what the message and the dispatcher know. Never heard of: outside.
        if (!inside_reply_window(std::max(m.heard_at, ctx.heard_at), ctx.now, reply_window))
            return render_template(m, ctx.credential);

        model::json_writer w;
        w.begin_object().key("touser").str(m.chat_id);
        if (m.kind == model::message_kind::photo) {
            // A customer-service image carries no caption.
            w.key("msgtype").str("image").key("image").begin_object().key("media_id").str(m.media_id).end_object();
        } else {
            // Buttons have no place here: the dialog numbers choices in the text (can().buttons).
            w.key("msgtype").str("text").key("text").begin_object().key("content").str(content_of(m.text)).end_object();
        }
        w.end_object();
        return post("/cgi-bin/message/custom/send", ctx.credential, w.take());
    }

    model::delivery_verdict interpret(model::api_response const& r, model::timestamp) const override
    {
        if (r.status == 0)  // no answer: connect, TLS or read failed or timed out
            return verdict(delivery::retry, "network");
        auto const http = "HTTP " + std::to_string(r.status);
        if (r.status >= 500 && r.status < 600)
            return verdict(delivery::retry, http);
        if (r.status == 429)
            return verdict(delivery::retry, http);
        if (r.status >= 400 && r.status < 500)
            return verdict(delivery::permanent, http);
        if (r.status != 200)  // WeChat answers 200; a proxy or a wrong api_base is in the way
            return verdict(delivery::retry, http + " (unexpected status)");
        auto const a = read_answer(r.body);
        if (!a.is_json || a.errcode_unreadable)
            return verdict(delivery::retry, http + ": answer not a JSON object with an integer errcode");
        auto const code = a.errcode.value_or(0);
        switch (code) {
        case 0:
            return verdict(delivery::ok, {});
        case 40001:
        case 40014:
        case 41001:
        case 42001:
            return verdict(delivery::refresh_credential, describe(code));
        case -1:
        case 45009:
        case 45047:
            return verdict(delivery::retry, describe(code));
        default:  // 45015, 43004, 40003, and whatever else WeChat refuses
            return verdict(delivery::permanent, describe(code));
        }
    }

    std::vector<model::api_call> setup_calls(std::string_view credential) const override
    {
        if (a_.menu.empty())
            return {};
        model::json_writer w;
        w.begin_object().key("button").begin_array();
        for (auto const& b : a_.menu)
            write_button(w, b);
        w.end_array().end_object();
        return {post("/cgi-bin/menu/create", credential, w.take())};
    }

private:
    // Past the window only a template message reaches the citizen, and only a
    // status push has one.
    model::result<model::api_call> render_template(model::outbound_message const& m, std::string_view credential) const
    {
        constexpr std::string_view outside = "outside the 48-hour window and ";
        if (m.notice_status.empty())
            return model::failure{model::errc::unsupported_update, std::string(outside) + "not a status push"};
        auto const t = a_.templates.find(m.notice_status);
        if (t == a_.templates.end())
            return model::failure{model::errc::unsupported_update,
                                  std::string(outside) + "no template for status " + m.notice_status};

        model::json_writer w;
        w.begin_object().key("touser").str(m.chat_id).key("template_id").str(t->second.template_id);
        if (!t->second.url.empty())
            w.key("url").str(t->second.url);
        // WeChat sends one message per openid and client_msg_id within 10 minutes: a retry
        // after a lost answer is not a second notice.
        if (!m.notice_tracking.empty())
            w.key("client_msg_id").str(m.notice_tracking + ":" + m.notice_status);
        w.key("data").begin_object();
        placeholder_values const values{m.text, m.notice_tracking, m.notice_status};
        for (auto const& [field, pattern] : t->second.data)
            w.key(field).begin_object().key("value").str(*fill_placeholders(pattern, values)).end_object();
        w.end_object().end_object();
        return post("/cgi-bin/message/template/send", credential, w.take());
    }

    account a_;
};

std::unique_ptr<platform const> make(channel_config const& c)
{
    account a;
    a.channel_id = c.id;
    a.app_id = string_option(c.options, "app_id", true);
    a.app_secret = string_option(c.options, "app_secret", true);
    a.s.token = string_option(c.options, "token", true);
    a.s.receive_id = a.app_id;
    // The console takes a Token of 3 to 32 characters; another never matches its signatures.
    if (a.s.token.size() < 3 || a.s.token.size() > 32)
        refuse("token", "expected 3 to 32 characters, as the console takes");
    a.s.key = key_option(c.options, "encoding_aes_key");
    a.s.previous_key = key_option(c.options, "previous_encoding_aes_key");
    if (a.s.previous_key && !a.s.key)
        refuse("previous_encoding_aes_key", "set without encoding_aes_key: a key change needs the new key too");
    a.templates = read_status_templates<status_template>(c.options, read_template);
    a.menu = read_menu(c.options);
    return std::make_unique<official_account const>(std::move(a));
}

constexpr std::array settings{
    setting{"app_id", setting_kind::word, true},
    setting{"app_secret", setting_kind::secret_word, true},
    setting{"token", setting_kind::secret_word, true},
    setting{"encoding_aes_key", setting_kind::secret, false},
    setting{"previous_encoding_aes_key", setting_kind::secret, false},
    setting{"templates", setting_kind::object, false},
    setting{"menu", setting_kind::object, false},
};

}  // namespace

platform_kind official_account_kind()
{
    return {.name = "wechat",
            .default_api_base = "https://api.weixin.qq.com",
            .settings = settings,
            .make = &make,
            .example = R"({"app_id": "wx0123456789abcdef", "app_secret": "0123456789abcdef0123456789abcdef",
                          "token": "petition-token", "encoding_aes_key": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
                          "templates": {"accepted": {"template_id": "tmpl-accepted",
                                                     "data": {"keyword1": "{tracking}", "keyword2": "{status}"}}},
                          "menu": {"button": [{"name": "File", "type": "click", "key": "m:file"}]}})"};
}

}  // namespace pg::adapters::wechat
