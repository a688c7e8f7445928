#pragma once
// Scripted platform faults for any adapter's integration tests: "the next 3
// sendMessage to chat 42: reset, hang, 500". A fault_plan is a fake_platform
// script; requests no rule matches get the fallback (by default the Bot API's
// 200 {"ok":true,...}).
#include "tests/support/fake_platform.hpp"

#include <nlohmann/json.hpp>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pg::testing {

namespace fault {

inline scripted_reply status(int code, std::string body = R"({"ok":false,"error_code":500,"description":"Internal Server Error"})")
{
    return {code, std::move(body), {}};
}
inline scripted_reply server_error() { return status(500); }
inline scripted_reply bad_gateway() { return status(502, "<html><body>502 Bad Gateway</body></html>"); }
// Telegram's flood control: the wait is in the body and in Retry-After.
inline scripted_reply too_many(int retry_after)
{
    auto const s = std::to_string(retry_after);
    return {429,
            R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )" + s +
                R"(","parameters":{"retry_after":)" + s + "}}",
            {{"Retry-After", s}}};
}
inline scripted_reply reset()
{
    scripted_reply r;
    r.close_without_answer = true;
    r.reset = true;
    return r;
}
inline scripted_reply hang()
{
    scripted_reply r;
    r.hang = true;
    return r;
}
inline scripted_reply slow(std::chrono::milliseconds delay, scripted_reply r = {})
{
    r.delay = delay;
    return r;
}
inline scripted_reply trickle(std::chrono::milliseconds per_byte, scripted_reply r = {})
{
    r.trickle = per_byte;
    return r;
}
inline scripted_reply malformed_json() { return status(200, R"({"ok":true,"result":{"message_id":)"); }
inline scripted_reply not_ok() { return status(200, R"({"ok":false,"error_code":500,"description":"Internal error"})"); }

}  // namespace fault

// What a request is, as a rule sees it.
struct call_view {
    std::string method;  // last path segment: sendMessage, chat.postMessage
    std::string chat;    // Telegram chat_id or Slack channel, as text; "" if none
};

inline call_view view_of(recorded_request const& r)
{
    call_view v{r.target.substr(r.target.rfind('/') + 1), {}};
    auto const body = nlohmann::json::parse(r.body, nullptr, false);
    if (body.is_object()) {
        for (auto const* key : {"chat_id", "channel"})
            if (auto it = body.find(key); it != body.end()) {
                v.chat = it->is_string() ? it->get<std::string>() : it->dump();
                break;
            }
    }
    return v;
}

class fault_plan {
public:
    // Requests matching (method, chat) — empty means any — get these outcomes, one each, in order.
    fault_plan& next(std::string method, std::string chat, std::vector<scripted_reply> outcomes)
    {
        std::lock_guard lock(state_->mutex);
        state_->rules.push_back({std::move(method), std::move(chat), {outcomes.begin(), outcomes.end()}, {}});
        return *this;
    }
    // Every matching request gets this outcome, for as long as the plan lives.
    fault_plan& always(std::string method, std::string chat, scripted_reply outcome)
    {
        std::lock_guard lock(state_->mutex);
        state_->rules.push_back({std::move(method), std::move(chat), {}, std::move(outcome)});
        return *this;
    }
    fault_plan& otherwise(fake_platform::script s)
    {
        std::lock_guard lock(state_->mutex);
        state_->fallback = std::move(s);
        return *this;
    }

    fake_platform::script script() const
    {
        return [state = state_](recorded_request const& r, std::size_t index) {
            auto const v = view_of(r);
            std::lock_guard lock(state->mutex);
            for (auto& rule : state->rules) {
                if ((!rule.method.empty() && rule.method != v.method) || (!rule.chat.empty() && rule.chat != v.chat))
                    continue;
                if (rule.forever)
                    return *rule.forever;
                if (rule.queue.empty())
                    continue;
                auto out = std::move(rule.queue.front());
                rule.queue.pop_front();
                return out;
            }
            return state->fallback ? state->fallback(r, index) : scripted_reply{};
        };
    }

private:
    struct rule {
        std::string method;
        std::string chat;
        std::deque<scripted_reply> queue;
        std::optional<scripted_reply> forever;
    };
    struct state {
        std::mutex mutex;
        std::vector<rule> rules;
        fake_platform::script fallback;
    };
    std::shared_ptr<state> state_ = std::make_shared<state>();
};

}  // namespace pg::testing
