#pragma once
// WeChat Official Account (citizens) as a platform: the URL check, safe-mode
// pushes answered "success" at once, replies through the customer-service API
// inside the 48-hour window and template messages for status pushes past it,
// the access_token it needs, and the custom menu it publishes.
//
// Its own config keys (see official_account_kind().settings):
//   app_id, app_secret, token           the console's AppID, AppSecret and Token
//   encoding_aes_key                    43 characters: safe mode; absent or "": plain mode
//   previous_encoding_aes_key           tried as well while a new key rolls out
//   templates                           per status: {"template_id", "url"?, "data": {field: "text with
//                                       {text} {tracking} {status}"}}
//   menu                                WeChat's own menu body: {"button": [...]}, click and view buttons
#include "adapters/platform.hpp"

#include <chrono>
#include <cstddef>
#include <string_view>

namespace pg::adapters::wechat {

// The customer-service API's reply window after a citizen's last action.
inline constexpr std::chrono::hours reply_window{48};
// A text message's content: at most 2048 bytes of UTF-8 (errcode 45002 beyond).
inline constexpr std::size_t max_text_bytes = 2048;
// The same limit in the UTF-16 units capabilities::max_text counts: a unit costs at
// most 3 bytes (CJK), so this many always fit.
inline constexpr std::size_t max_text_units = max_text_bytes / 3;

platform_kind official_account_kind();

}  // namespace pg::adapters::wechat
