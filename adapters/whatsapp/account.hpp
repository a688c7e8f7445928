#pragma once
// Inside the WhatsApp adapter: the channel's settings as make() read them, and
// the pieces platform.cpp puts together. Not for use outside adapters/whatsapp/.
#include "adapters/platform.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace pg::adapters::whatsapp {

// An approved message template for one status push.
struct status_template {
    std::string name;                     // as approved in WhatsApp Manager
    std::string language;                 // the approved translation's code: "en_US"
    std::vector<std::string> parameters;  // body parameters {{1}}, {{2}}, ... with placeholders
};

struct account {
    std::string channel_id;
    std::string phone_number_id;
    std::string access_token;  // secret
    std::string app_secret;    // secret
    std::string verify_token;  // secret
    std::map<std::string, status_template, std::less<>> templates;  // by status name
};

// make(): throws bad_setting naming the key.
account read_account(channel_config const& c);

// verify.cpp: the GET check.
model::result<http_answer> answer_url_check(model::raw_request const& req, account const& a);

// parse.cpp: the signature over the raw body, then every change for our number.
model::result<webhook_input> parse_notification(model::raw_request const& req, account const& a);

// render.cpp
model::result<model::api_call> render_message(model::outbound_message const& m, send_context const& ctx,
                                              account const& a);

// interpret.cpp
model::delivery_verdict interpret_answer(model::api_response const& r, model::timestamp now);

}  // namespace pg::adapters::whatsapp
