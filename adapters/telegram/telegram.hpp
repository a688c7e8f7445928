#pragma once
// Telegram Bot API: verify + parse a webhook update, render an outbound message,
// interpret the API's answer. Pure: secrets and time come in as arguments.
#include "adapters/platform.hpp"
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/raw_request.hpp"
#include "model/result.hpp"

#include <string>
#include <vector>

namespace pg::adapters::telegram {

struct secrets {
    std::string webhook_secret;  // X-Telegram-Bot-Api-Secret-Token
    std::string bot_token;       // goes in the API path only
};

// Checks X-Telegram-Bot-Api-Secret-Token in constant time (bad_signature), then
// parses the body (malformed_body on broken JSON, invalid UTF-8 or no update_id).
// An update of a kind the gateway does not act on yields one event of kind
// `ignored` (so its update_id is still recorded) or `unsupported` (private-chat
// media worth a hint).
model::result<std::vector<model::inbound_event>> parse_update(model::raw_request const& req,
                                                               std::string const& channel_id, secrets const& s);

// parse_update without its fast path (simdjson): every body through nlohmann.
// The two agree on every input; the fuzz target and the tests hold them to it.
model::result<std::vector<model::inbound_event>> parse_update_nlohmann(model::raw_request const& req,
                                                                       std::string const& channel_id,
                                                                       secrets const& s);

// sendMessage (with inline keyboard / location reply keyboard) or answerCallbackQuery.
model::api_call render(model::outbound_message const& m, secrets const& s);

// 2xx + ok:true -> ok; 429 -> retry no sooner than retry_after; 5xx / network -> retry;
// other 4xx (blocked, chat not found) -> permanent.
model::delivery_verdict interpret(model::api_response const& r, model::timestamp now);

// Its registration on the platform contract (platform.cpp).
platform_kind kind();

}  // namespace pg::adapters::telegram
