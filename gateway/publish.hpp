#pragma once
// `petition-gateway publish CHANNEL --config FILE`: sets the platform side up
// from config (WeChat's custom menu): fetches the channel's credential if it
// needs one and makes the platform's setup calls, saying what each one did.
#include "config/settings.hpp"

#include <string>

namespace pg::gateway {

// 0: every call accepted; 1: a call or the credential failed; 2: no such
// channel, or nothing to publish on it.
int publish_command(config::settings const& s, std::string const& channel_id);

}  // namespace pg::gateway
