#pragma once
// The WhatsApp Business Platform (Cloud API) for citizens, on the platform
// contract: the GET check (hub.challenge), signed webhooks (X-Hub-Signature-256)
// with messages and delivery statuses, free-form messages (text, reply buttons,
// lists, images) inside the 24-hour customer-service window and a message
// template per status push past it.
//
// The Graph API version is pinned in the default api_base
// ("https://graph.facebook.com/v21.0"): requests name no version of their own,
// so an upgrade is one config value (Meta retires a version about two years on).
//
// Its own config keys (see kind().settings):
//   phone_number_id   the business number's id (digits), from WhatsApp Manager / API Setup; the webhook
//                     routes by it, and messages are sent from it: POST /<phone_number_id>/messages
//   access_token      a system-user token with whatsapp_business_messaging, sent as a Bearer token;
//                     it does not expire on its own, so no credential is fetched
//   app_secret        the Meta app's secret (not the access token): it signs every webhook
//   verify_token      the "Verify token" typed into the app's webhook settings, for the GET check
//   templates         per status: {"name": "petition_status", "language": "en_US",
//                     "parameters": ["{tracking}", "{status}", "{text}"]}: an approved template and
//                     its body parameters, filled as WeChat's template fields are
//
// Who a citizen is: the business-scoped user id (BSUID, "US.1349..."), when the
// webhook carries one, is the chat id; else the wa_id (the phone number).
// A user who adopts a username may have their phone number withheld, while the
// BSUID stays and is accepted as a recipient, so it is the key that lasts. The
// phone number is not kept anywhere else in an event. (A conversation that began
// under a wa_id continues under the BSUID once Meta sends one: a new dialog.)
#include "adapters/platform.hpp"

#include <chrono>
#include <cstddef>

namespace pg::adapters::whatsapp {

// Free-form messages reach a user this long after they last wrote; past it, templates only.
inline constexpr std::chrono::hours reply_window{24};
// A text message's body: at most 4096 characters.
inline constexpr std::size_t max_text_units = 4096;
// An interactive message's body: at most 1024 characters.
inline constexpr std::size_t max_interactive_body_units = 1024;
// Reply buttons: at most 3, titles at most 20 characters.
inline constexpr std::size_t max_reply_buttons = 3;
inline constexpr std::size_t max_button_title_units = 20;
// A list message: at most 10 rows, titles at most 24 characters, descriptions 72.
inline constexpr std::size_t max_list_rows = 10;
inline constexpr std::size_t max_row_title_units = 24;
inline constexpr std::size_t max_row_description_units = 72;

platform_kind kind();

}  // namespace pg::adapters::whatsapp
