#include "tests/support/fake_line.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <cctype>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <regex>
#include <set>
#include <stdexcept>

namespace pg::testing::line {

// ================================================================ webhooks

std::string sign(std::string const& secret, std::string const& body)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<unsigned char const*>(body.data()), body.size(), mac, &n) == nullptr)
        throw std::runtime_error("fake_line: HMAC failed");
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int const len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(len));
    return out;
}

namespace {

nlohmann::json common(event_base const& b, std::string const& type)
{
    nlohmann::json e{{"type", type},
                     {"mode", "active"},
                     {"timestamp", b.timestamp_ms},
                     {"source", {{"type", "user"}, {"userId", b.user_id}}},
                     {"webhookEventId", b.webhook_event_id},
                     {"deliveryContext", {{"isRedelivery", b.redelivery}}}};
    if (!b.reply_token.empty())
        e["replyToken"] = b.reply_token;
    return e;
}

std::uint64_t next_message_id()
{
    static std::atomic<std::uint64_t> id{468'789'577'898'262'530};
    return id++;
}

}  // namespace

nlohmann::json text_event(event_base const& b, std::string const& text)
{
    auto e = common(b, "message");
    e["message"] = {{"type", "text"}, {"id", std::to_string(next_message_id())}, {"quoteToken", "q" + b.webhook_event_id},
                    {"text", text}};
    return e;
}

nlohmann::json postback_event(event_base const& b, std::string const& data)
{
    auto e = common(b, "postback");
    e["postback"] = {{"data", data}};
    return e;
}

nlohmann::json follow_event(event_base const& b)
{
    auto e = common(b, "follow");
    e["follow"] = {{"isUnblocked", false}};
    return e;
}

nlohmann::json image_event(event_base const& b, std::string const& message_id)
{
    auto e = common(b, "message");
    e["message"] = {{"type", "image"}, {"id", message_id}, {"quoteToken", "q" + b.webhook_event_id},
                    {"contentProvider", {{"type", "line"}}}};
    return e;
}

nlohmann::json location_event(event_base const& b, double latitude, double longitude, std::string const& title,
                              std::string const& address)
{
    auto e = common(b, "message");
    e["message"] = {{"type", "location"}, {"id", std::to_string(next_message_id())}, {"title", title},
                    {"address", address}, {"latitude", latitude}, {"longitude", longitude}};
    return e;
}

nlohmann::json bare_event(event_base const& b, std::string const& type) { return common(b, type); }

webhook signed_webhook(channel const& c, std::vector<nlohmann::json> const& events)
{
    auto const body = nlohmann::json{{"destination", c.bot_user_id}, {"events", events}}.dump();
    return {c.path, body, sign(c.secret, body)};
}

http_result deliver(unsigned short gateway_port, webhook const& w)
{
    return http_request(gateway_port, "POST", w.target, w.body,
                        {{"Content-Type", "application/json; charset=utf-8"}, {"X-Line-Signature", w.signature}});
}

std::string new_event_id()
{
    static char const alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    static std::mutex m;
    static std::mt19937_64 gen{std::random_device{}()};
    std::lock_guard lock(m);
    std::string id = "01";
    while (id.size() < 26)
        id += alphabet[gen() % 32];
    return id;
}

// ================================================================ the API

namespace {

constexpr char const* reply_target = "/v2/bot/message/reply";
constexpr char const* push_target = "/v2/bot/message/push";

std::string message_body(std::string const& message) { return nlohmann::json{{"message", message}}.dump(); }

// LINE's validation answer: one error, named by its property.
std::string validation_error(std::string const& property, std::string const& message)
{
    return nlohmann::json{{"message", "The request body has 1 error(s)"},
                          {"details", {{{"message", message}, {"property", property}}}}}
        .dump();
}

// UTF-16 units of valid UTF-8 (the bodies were parsed as JSON, so they are).
std::size_t utf16_units(std::string const& s)
{
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto const c = static_cast<unsigned char>(s[i]);
        std::size_t const len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        n += len == 4 ? 2 : 1;
        i += len;
    }
    return n;
}

std::string header_of(recorded_request const& r, std::string name)
{
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    for (auto const& [k, v] : r.headers) {
        std::string key = k;
        std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
        if (key == name)
            return v;
    }
    return {};
}

bool string_of(nlohmann::json const& o, char const* key, std::size_t min, std::size_t max)
{
    if (!o.contains(key) || !o[key].is_string())
        return min == 0 && !o.contains(key);
    auto const n = utf16_units(o[key].get<std::string>());
    return n >= min && n <= max;
}

// The first property LINE would refuse in a messages array, with its words; "" when fine.
std::pair<std::string, std::string> check_messages(nlohmann::json const& body)
{
    if (!body.contains("messages") || !body["messages"].is_array())
        return {"messages", "Must not be null"};
    auto const& ms = body["messages"];
    if (ms.empty() || ms.size() > 5)
        return {"messages", "Size must be between 1 and 5"};
    for (std::size_t i = 0; i < ms.size(); ++i) {
        auto const p = "messages[" + std::to_string(i) + "]";
        auto const& m = ms[i];
        if (!m.is_object() || m.value("type", "") != "text")
            return {p + ".type", "Only text messages are expected from the gateway"};
        if (!m.contains("text") || !m["text"].is_string() || m["text"].get<std::string>().empty())
            return {p + ".text", "Must not be empty"};
        if (utf16_units(m["text"].get<std::string>()) > 5000)
            return {p + ".text", "Length must be between 0 and 5000"};
        if (!m.contains("quickReply"))
            continue;
        auto const& q = m["quickReply"];
        if (!q.is_object() || !q.contains("items") || !q["items"].is_array() || q["items"].empty() ||
            q["items"].size() > 13)
            return {p + ".quickReply.items", "Size must be between 1 and 13"};
        for (std::size_t k = 0; k < q["items"].size(); ++k) {
            auto const ip = p + ".quickReply.items[" + std::to_string(k) + "]";
            auto const& item = q["items"][k];
            if (!item.is_object() || item.value("type", "") != "action" || !item.contains("action") ||
                !item["action"].is_object())
                return {ip, "Must be an action item"};
            auto const& a = item["action"];
            auto const type = a.value("type", "");
            if (!string_of(a, "label", 1, 20))
                return {ip + ".action.label", "Length must be between 1 and 20"};
            if (type == "postback") {
                if (!string_of(a, "data", 1, 300))
                    return {ip + ".action.data", "Length must be between 1 and 300"};
                if (!string_of(a, "displayText", 0, 300))
                    return {ip + ".action.displayText", "Length must be between 0 and 300"};
            } else if (type != "location") {
                return {ip + ".action.type", "Not an action the gateway sends"};
            }
        }
    }
    return {};
}

}  // namespace

struct fake_line_api::state {
    mutable std::mutex mutex;
    std::map<std::string, bool> reply_tokens;  // token -> still valid
    std::map<std::string, std::string> accepted_keys;  // retry key -> the message id it sent
    struct scripted {
        std::string prefix;
        int status = 0;  // 0: accept, then drop the answer
        std::string body;
    };
    std::deque<scripted> faults;
    std::vector<sent_message> sent;
    std::vector<api_call> calls;
    std::uint64_t next_token = 1;
    std::uint64_t next_id = 461'230'966'842'064'897;
};

fake_line_api::fake_line_api(api_settings s) : settings_(std::move(s)), state_(std::make_unique<state>())
{
    platform_.set_script([this](recorded_request const& req, std::size_t) {
        auto& st = *state_;
        std::lock_guard lock(st.mutex);
        auto const path = req.target.substr(0, req.target.find('?'));
        api_call call{path, 0, {}, header_of(req, "X-Line-Retry-Key"), {}, req.body};
        auto answer = [&](int status, std::string body) {
            call.status = status;
            call.answer = body;
            st.calls.push_back(call);
            return scripted_reply{status, std::move(body), {{"x-line-request-id", "fake-" + std::to_string(st.calls.size())}}};
        };

        bool const is_reply = path == reply_target, is_push = path == push_target;
        if (!is_reply && !is_push)
            return answer(404, message_body("Not found"));
        if (req.method != "POST")
            return answer(405, message_body("Method not allowed"));

        bool drop_answer = false;
        for (auto it = st.faults.begin(); it != st.faults.end(); ++it)
            if (path.starts_with(it->prefix)) {
                auto const f = *it;
                st.faults.erase(it);
                if (f.status != 0)
                    return answer(f.status, f.body);
                drop_answer = true;
                break;
            }

        if (header_of(req, "Authorization") != "Bearer " + settings_.access_token)
            return answer(401, message_body("Authentication failed. Confirm that the access token in the "
                                            "authorization header is valid."));
        if (!header_of(req, "Content-Type").starts_with("application/json"))
            return answer(400, message_body("The content type, 'application/json', is required."));
        auto const body = nlohmann::json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object())
            return answer(400, message_body("The request body could not be parsed as JSON"));

        sent_message m;
        if (is_reply) {
            m.endpoint = "reply";
            if (!body.contains("replyToken") || !body["replyToken"].is_string())
                return answer(400, validation_error("replyToken", "Must not be null"));
            m.reply_token = call.reply_token = body["replyToken"].get<std::string>();
        } else {
            m.endpoint = "push";
            static std::regex const chat_id("[UCR][0-9a-f]{32}");
            if (!body.contains("to") || !body["to"].is_string() || !std::regex_match(body["to"].get<std::string>(), chat_id))
                return answer(400, message_body("The property, 'to', in the request body is invalid (line: -, column: -)"));
            m.to = body["to"].get<std::string>();
            m.retry_key = call.retry_key;
            static std::regex const uuid("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
            if (m.retry_key.empty() && settings_.require_retry_key)
                return answer(400, message_body("fake_line: X-Line-Retry-Key is required by this test"));
            if (!m.retry_key.empty() && !std::regex_match(m.retry_key, uuid))
                return answer(400, message_body("The retry key must be a UUID"));
        }
        if (auto const [property, words] = check_messages(body); !property.empty())
            return answer(400, validation_error(property, words));
        if (is_reply) {
            auto const t = st.reply_tokens.find(m.reply_token);
            if (t == st.reply_tokens.end() || !t->second)
                return answer(400, message_body("Invalid reply token"));
            t->second = false;  // once
        } else if (auto const k = st.accepted_keys.find(m.retry_key); !m.retry_key.empty() && k != st.accepted_keys.end()) {
            return answer(409, nlohmann::json{{"message", "The retry key is already accepted"},
                                              {"sentMessages", {{{"id", k->second}, {"quoteToken", "q" + k->second}}}}}
                                   .dump());
        }

        m.messages = body["messages"];
        m.text = m.messages[0]["text"].get<std::string>();
        m.id = std::to_string(st.next_id++);
        if (!m.retry_key.empty())
            st.accepted_keys[m.retry_key] = m.id;
        st.sent.push_back(m);
        auto r = answer(200, nlohmann::json{{"sentMessages", {{{"id", m.id}, {"quoteToken", "q" + m.id}}}}}.dump());
        if (drop_answer) {
            st.calls.back().status = 0;  // the sender never hears it
            r.close_without_answer = true;
        }
        return r;
    });
}

fake_line_api::~fake_line_api() = default;

std::string fake_line_api::issue_reply_token()
{
    std::lock_guard lock(state_->mutex);
    // 32 hex digits, as LINE's: a counter (unique) and a random part.
    static std::mt19937_64 gen{std::random_device{}()};
    char token[33];
    std::snprintf(token, sizeof token, "%016llx%016llx", static_cast<unsigned long long>(state_->next_token++),
                  static_cast<unsigned long long>(gen()));
    state_->reply_tokens[token] = true;
    return token;
}

void fake_line_api::expire_reply_tokens()
{
    std::lock_guard lock(state_->mutex);
    for (auto& [t, valid] : state_->reply_tokens)
        valid = false;
}

void fake_line_api::fail_next(std::string const& path_prefix, int status, std::string body)
{
    std::lock_guard lock(state_->mutex);
    state_->faults.push_back({path_prefix, status, std::move(body)});
}

void fake_line_api::drop_answer_next(std::string const& path_prefix)
{
    std::lock_guard lock(state_->mutex);
    state_->faults.push_back({path_prefix, 0, {}});
}

std::vector<sent_message> fake_line_api::sent() const
{
    std::lock_guard lock(state_->mutex);
    return state_->sent;
}

std::vector<sent_message> fake_line_api::replies() const
{
    std::vector<sent_message> out;
    for (auto& m : sent())
        if (m.endpoint == "reply")
            out.push_back(m);
    return out;
}

std::vector<sent_message> fake_line_api::pushes() const
{
    std::vector<sent_message> out;
    for (auto& m : sent())
        if (m.endpoint == "push")
            out.push_back(m);
    return out;
}

std::vector<api_call> fake_line_api::calls() const
{
    std::lock_guard lock(state_->mutex);
    return state_->calls;
}

bool fake_line_api::wait_until(std::function<bool(fake_line_api const&)> const& pred,
                               std::chrono::milliseconds limit) const
{
    return platform_.wait_until([&](auto const&) { return pred(*this); }, limit);
}

bool fake_line_api::wait_for_sent(std::size_t n, std::chrono::milliseconds limit) const
{
    return wait_until([n](auto const& f) { return f.sent().size() >= n; }, limit);
}

}  // namespace pg::testing::line
