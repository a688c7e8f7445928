#include "tests/support/fake_whatsapp.hpp"

#include "tests/support/fake_wechat.hpp"  // wx::url_encode
#include "tests/support/slack_events.hpp" // slack::hex_hmac_sha256

#include <deque>
#include <mutex>
#include <set>

namespace pg::testing::wa {

using json = nlohmann::json;

// ================================================================ the API

namespace {

struct scripted_error {
    std::int64_t code;
    int status;
    std::string retry_after;
};

// Characters as Meta counts them: code points.
std::size_t chars(std::string const& s)
{
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xC0) != 0x80;
    return n;
}

// A request Meta would refuse: why, for error_data.details.
struct refusal {
    std::string details;
};

std::string const* string_at(json const& obj, char const* key)
{
    if (!obj.is_object())
        return nullptr;
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? &it->get_ref<std::string const&>() : nullptr;
}

std::optional<refusal> need_text(json const& obj, char const* key, std::string const& where, std::size_t max,
                                 std::string* out = nullptr)
{
    auto const* s = string_at(obj, key);
    if (s == nullptr || s->empty())
        return refusal{where + ": missing or not a string"};
    if (chars(*s) > max)
        return refusal{where + ": longer than " + std::to_string(max) + " characters"};
    if (out != nullptr)
        *out = *s;
    return std::nullopt;
}

std::optional<refusal> check_interactive(json const& i, sent_message& m)
{
    if (!i.is_object())
        return refusal{"interactive: expected an object"};
    auto const* type = string_at(i, "type");
    if (type == nullptr || (*type != "button" && *type != "list"))
        return refusal{"interactive.type: expected button or list"};
    m.interactive_type = *type;
    if (auto r = need_text(i.value("body", json::object()), "text", "interactive.body.text", 1024, &m.text))
        return r;
    auto const action = i.value("action", json::object());
    if (*type == "button") {
        auto const buttons = action.value("buttons", json::array());
        if (!buttons.is_array() || buttons.empty() || buttons.size() > 3)
            return refusal{"interactive.action.buttons: expected 1 to 3 buttons"};
        std::set<std::string> titles, ids;
        for (auto const& b : buttons) {
            if (string_at(b, "type") == nullptr || *string_at(b, "type") != "reply")
                return refusal{"interactive.action.buttons[].type: expected reply"};
            auto const reply = b.value("reply", json::object());
            std::string id, title;
            if (auto r = need_text(reply, "id", "interactive.action.buttons[].reply.id", 256, &id))
                return r;
            if (auto r = need_text(reply, "title", "interactive.action.buttons[].reply.title", 20, &title))
                return r;
            if (!titles.insert(title).second || !ids.insert(id).second)
                return refusal{"interactive.action.buttons: titles and ids must be unique"};
            m.choices.emplace_back(id, title);
        }
        return std::nullopt;
    }
    if (auto r = need_text(action, "button", "interactive.action.button", 20))
        return r;
    auto const sections = action.value("sections", json::array());
    if (!sections.is_array() || sections.empty() || sections.size() > 10)
        return refusal{"interactive.action.sections: expected 1 to 10 sections"};
    std::set<std::string> ids;
    for (auto const& s : sections) {
        if (sections.size() > 1)
            if (auto r = need_text(s, "title", "interactive.action.sections[].title", 24))
                return r;
        auto const rows = s.value("rows", json::array());
        if (!rows.is_array() || rows.empty())
            return refusal{"interactive.action.sections[].rows: expected rows"};
        for (auto const& row : rows) {
            std::string id, title;
            if (auto r = need_text(row, "id", "rows[].id", 200, &id))
                return r;
            if (auto r = need_text(row, "title", "rows[].title", 24, &title))
                return r;
            if (row.contains("description"))
                if (auto r = need_text(row, "description", "rows[].description", 72))
                    return r;
            if (!ids.insert(id).second)
                return refusal{"rows[].id: must be unique"};
            m.choices.emplace_back(id, title);
        }
    }
    if (m.choices.size() > 10)
        return refusal{"interactive.action.sections: more than 10 rows"};
    return std::nullopt;
}

std::optional<refusal> check_template(json const& t, sent_message& m)
{
    if (auto r = need_text(t, "name", "template.name", 512, &m.template_name))
        return r;
    if (auto r = need_text(t.value("language", json::object()), "code", "template.language.code", 16,
                           &m.template_language))
        return r;
    if (!t.contains("components"))
        return std::nullopt;
    auto const& components = t["components"];
    if (!components.is_array())
        return refusal{"template.components: expected an array"};
    for (auto const& c : components) {
        if (string_at(c, "type") == nullptr || *string_at(c, "type") != "body")
            continue;
        for (auto const& p : c.value("parameters", json::array())) {
            if (string_at(p, "type") == nullptr || *string_at(p, "type") != "text")
                return refusal{"template.components[].parameters[].type: expected text"};
            std::string text;
            if (auto r = need_text(p, "text", "template.components[].parameters[].text", 1024, &text))
                return r;
            if (text.find_first_of("\n\t") != std::string::npos || text.find("     ") != std::string::npos)
                return refusal{"template parameter: no new lines, tabs or more than 4 consecutive spaces"};
            m.template_parameters.push_back(text);
        }
    }
    return std::nullopt;
}

// Checks one send as Meta would; fills `m` from it.
std::optional<refusal> check_send(json const& b, sent_message& m)
{
    if (!b.is_object())
        return refusal{"body: expected a JSON object"};
    if (auto const* p = string_at(b, "messaging_product"); p == nullptr || *p != "whatsapp")
        return refusal{"messaging_product: expected whatsapp"};
    if (auto const* rt = string_at(b, "recipient_type"); b.contains("recipient_type") && (rt == nullptr || *rt != "individual"))
        return refusal{"recipient_type: expected individual"};
    if (auto r = need_text(b, "to", "to", 64, &m.to))
        return r;
    auto const* type = string_at(b, "type");
    m.type = type == nullptr ? "text" : *type;  // Meta's default
    if (m.type == "text") {
        auto const text = b.value("text", json::object());
        if (text.contains("preview_url") && !text["preview_url"].is_boolean())
            return refusal{"text.preview_url: expected a boolean"};
        return need_text(text, "body", "text.body", 4096, &m.text);
    }
    if (m.type == "interactive")
        return check_interactive(b.value("interactive", json::object()), m);
    if (m.type == "template")
        return check_template(b.value("template", json::object()), m);
    if (m.type == "image") {
        auto const image = b.value("image", json::object());
        if (string_at(image, "id") == nullptr && string_at(image, "link") == nullptr)
            return refusal{"image: needs an id or a link"};
        m.media_id = string_at(image, "id") ? *string_at(image, "id") : "";
        if (image.contains("caption"))
            if (auto r = need_text(image, "caption", "image.caption", 1024, &m.text))
                return r;
        return std::nullopt;
    }
    return refusal{"type: " + m.type + " is not a type this fake knows"};
}

std::string error_body(std::int64_t code, std::string const& message, std::string const& details = {})
{
    json e{{"message", message}, {"type", "OAuthException"}, {"code", code},
           {"fbtrace_id", "AbCdEfGhIjK"}};
    if (!details.empty())
        e["error_data"] = {{"messaging_product", "whatsapp"}, {"details", details}};
    return json{{"error", e}}.dump();
}

}  // namespace

struct fake_graph_api::state {
    mutable std::mutex mutex;
    std::deque<scripted_error> scripted;
    std::vector<sent_message> sent;
    std::vector<api_call> calls;
    std::uint64_t next_wamid = 1;
};

fake_graph_api::fake_graph_api(graph_account a) : account_(std::move(a)), state_(std::make_unique<state>())
{
    platform_.set_script([this](recorded_request const& req, std::size_t) {
        auto& s = *state_;
        std::lock_guard lock(s.mutex);
        api_call call{req.target, 200, 0, {}};
        auto answer = [&](int status, std::int64_t code, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
            call.status = status;
            call.code = code;
            s.calls.push_back(call);
            return scripted_reply{status, std::move(body), std::move(headers)};
        };
        if (req.method != "POST" || req.target != "/" + account_.phone_number_id + "/messages")
            return answer(404, 100, error_body(100, "Unsupported post request."));
        std::string auth;
        for (auto const& [k, v] : req.headers)
            if (k.size() == 13 && std::equal(k.begin(), k.end(), "authorization", [](char x, char y) {
                    return std::tolower(static_cast<unsigned char>(x)) == y;
                }))
                auth = v;
        if (auth != "Bearer " + account_.access_token)
            return answer(401, 190, error_body(190, "Invalid OAuth access token - Cannot parse access token"));

        json body;
        try {
            body = json::parse(req.body);
        } catch (json::exception const&) {
            return answer(400, 100, error_body(100, "Invalid parameter", "body: not JSON"));
        }
        if (body.is_object() && body.contains("to") && body["to"].is_string())
            call.to = body["to"].get<std::string>();
        if (!s.scripted.empty()) {
            auto const e = s.scripted.front();
            s.scripted.pop_front();
            std::vector<std::pair<std::string, std::string>> headers;
            if (!e.retry_after.empty())
                headers.emplace_back("Retry-After", e.retry_after);
            int const status = e.status != 0 ? e.status : e.code == 190 ? 401 : 400;
            return answer(status, e.code, error_body(e.code, "scripted", "scripted by the test"), headers);
        }
        sent_message m;
        std::optional<refusal> wrong;
        try {
            wrong = check_send(body, m);
        } catch (json::exception const&) {  // value() on something that is not an object
            wrong = refusal{"a field of the wrong type"};
        }
        if (wrong)
            return answer(400, 100, error_body(100, "Invalid parameter", wrong->details));
        m.wamid = "wamid." + std::to_string(s.next_wamid++);
        m.body = body;
        json const ok{{"messaging_product", "whatsapp"},
                      {"contacts", {{{"input", m.to}, {"wa_id", m.to}}}},
                      {"messages", {{{"id", m.wamid}}}}};
        s.sent.push_back(std::move(m));
        return answer(200, 0, ok.dump());
    });
}

fake_graph_api::~fake_graph_api() = default;

void fake_graph_api::fail_next(std::int64_t code, int http_status, std::string retry_after)
{
    std::lock_guard lock(state_->mutex);
    state_->scripted.push_back({code, http_status, std::move(retry_after)});
}

std::vector<sent_message> fake_graph_api::sends() const
{
    std::lock_guard lock(state_->mutex);
    return state_->sent;
}

std::vector<sent_message> fake_graph_api::sends_to(std::string const& to) const
{
    std::vector<sent_message> out;
    for (auto& m : sends())
        if (m.to == to)
            out.push_back(std::move(m));
    return out;
}

std::vector<api_call> fake_graph_api::calls() const
{
    std::lock_guard lock(state_->mutex);
    return state_->calls;
}

bool fake_graph_api::wait_until(std::function<bool(fake_graph_api const&)> const& pred,
                                std::chrono::milliseconds limit) const
{
    return platform_.wait_until([&](auto const&) { return pred(*this); }, limit);
}

bool fake_graph_api::wait_for_sends_to(std::string const& to, std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([&](auto const& f) { return f.sends_to(to).size() >= n; }, limit);
}

// ================================================================ the webhooks

json change_value(business const& b, user const& u, json messages, json statuses)
{
    json contact{{"profile", {{"name", u.name}}}, {"wa_id", u.wa_id}};
    if (!u.user_id.empty())
        contact["user_id"] = u.user_id;
    json v{{"messaging_product", "whatsapp"},
           {"metadata", {{"display_phone_number", b.display_phone_number}, {"phone_number_id", b.phone_number_id}}}};
    if (!messages.is_null()) {
        v["contacts"] = json::array({contact});
        v["messages"] = std::move(messages);
    }
    if (!statuses.is_null())
        v["statuses"] = std::move(statuses);
    return v;
}

json message(user const& u, std::string const& wamid, std::string const& type, json content, std::int64_t timestamp)
{
    json m{{"from", u.wa_id}, {"id", wamid}, {"timestamp", std::to_string(timestamp)}, {"type", type}};
    m[type] = std::move(content);
    return m;
}

std::string notification(business const& b, std::vector<json> const& values)
{
    json changes = json::array();
    for (auto const& v : values)
        changes.push_back({{"value", v}, {"field", "messages"}});
    return meta_json({{"object", "whatsapp_business_account"},
                      {"entry", json::array({{{"id", b.waba_id}, {"changes", changes}}})}});
}

std::string text_notification(business const& b, user const& u, std::string const& wamid, std::string const& text,
                              std::int64_t timestamp)
{
    return notification(b, {change_value(b, u, json::array({message(u, wamid, "text", {{"body", text}}, timestamp)}))});
}

std::string reply_notification(business const& b, user const& u, std::string const& wamid, std::string const& id,
                               std::string const& title, std::int64_t timestamp, bool list)
{
    std::string const kind = list ? "list_reply" : "button_reply";
    auto m = message(u, wamid, "interactive", {{"type", kind}, {kind, {{"id", id}, {"title", title}}}}, timestamp);
    m["context"] = {{"from", b.display_phone_number}, {"id", "wamid.earlier"}};
    return notification(b, {change_value(b, u, json::array({m}))});
}

std::string status_notification(business const& b, user const& u, std::string const& our_wamid,
                                std::string const& status, std::int64_t timestamp, std::int64_t error_code)
{
    json st{{"id", our_wamid},
            {"status", status},
            {"timestamp", std::to_string(timestamp)},
            {"recipient_id", u.wa_id},
            {"pricing", {{"billable", true}, {"pricing_model", "PMP"}, {"category", "service"}}}};
    if (!u.user_id.empty())
        st["recipient_user_id"] = u.user_id;
    if (error_code != 0)
        st["errors"] = {{{"code", error_code}, {"title", "error"}, {"error_data", {{"details", "details"}}}}};
    return notification(b, {change_value(b, u, nullptr, json::array({st}))});
}

std::string meta_json(json const& j) { return j.dump(-1, ' ', true); }

std::string signature(std::string const& app_secret, std::string const& body)
{
    return "sha256=" + slack::hex_hmac_sha256(app_secret, body);
}

http_result deliver(unsigned short gateway_port, business const& b, std::string const& body)
{
    return deliver_signed(gateway_port, b, body, signature(b.app_secret, body));
}

http_result deliver_signed(unsigned short gateway_port, business const& b, std::string const& body,
                           std::string const& signature_header)
{
    return http_request(gateway_port, "POST", b.path, body,
                        {{"Content-Type", "application/json"}, {"X-Hub-Signature-256", signature_header}});
}

http_result verify(unsigned short gateway_port, business const& b, std::string const& challenge,
                   std::string const& verify_token)
{
    return http_get(gateway_port, b.path + "?hub.mode=subscribe&hub.challenge=" + wx::url_encode(challenge) +
                                      "&hub.verify_token=" + wx::url_encode(verify_token));
}

}  // namespace pg::testing::wa
