#pragma once
// Where a status push goes, and in what form. A citizen may have linked several
// chats (model/citizen.hpp); the push goes to the first of them, in this order,
// that can take it now: the chat they chose ("notify here"); the chat the
// petition came from; their other chats, the one they wrote from last first;
// and last, chats on channels that cost money per message (SMS), only when no
// other can take it. "Can take it": the channel is configured and delivers to
// people, the chat has not opted out or failed for good, and the platform would
// not refuse the message now (render() is asked, so a chat past its reply window
// with no template for this status is passed over). Pure: no storage, no clock.
#include "gateway/channel.hpp"
#include "model/citizen.hpp"
#include "model/message.hpp"
#include "model/time.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace pg::gateway {

struct notice_plan {
    std::optional<model::outbound_message> message;  // re-addressed to the chosen chat; none: no chat can take it
    std::string form;                                // "text", or "template" outside the chat's reply window
    std::vector<std::string> passed;                 // why earlier chats were passed over (channel ids, no personal data)
};

// `heard(chat)`: when the citizen last wrote from that chat (zero: never).
// `exclude`: chats already tried for this push.
notice_plan plan_notice(model::outbound_message const& push, model::citizen const& who,
                        std::function<model::timestamp(model::identity const&)> const& heard,
                        channel_table const& channels, model::timestamp now,
                        std::span<model::identity const> exclude = {});

// The timeline line that records a plan: where it went and how, or that nothing could take it.
std::string describe(notice_plan const& plan);

}  // namespace pg::gateway
