#pragma once
// A platform's reply window (WeChat 48 hours, WhatsApp 24): free text reaches a
// person only this long after they last wrote. One rule for the platforms, the
// notification planner and the gateway's text cutting.
#include "model/time.hpp"

#include <chrono>

namespace pg::adapters {

// Free text may go now: no window, or the person wrote less than `window` ago.
// Never heard from (a zero time) is outside.
inline bool inside_reply_window(model::timestamp heard_at, model::timestamp now, std::chrono::milliseconds window)
{
    if (window.count() == 0)
        return true;
    return heard_at != model::timestamp{} && now - heard_at < window;
}

}  // namespace pg::adapters
