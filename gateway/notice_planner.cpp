#include "gateway/notice_planner.hpp"

#include "adapters/common/reply_window.hpp"

#include <algorithm>

namespace pg::gateway {

notice_plan plan_notice(model::outbound_message const& push, model::citizen const& who,
                        std::function<model::timestamp(model::identity const&)> const& heard,
                        channel_table const& channels, model::timestamp now,
                        std::span<model::identity const> exclude)
{
    struct candidate {
        model::identity to;
        model::timestamp heard_at;
        int rank;  // 0 chosen, 1 filed from, 2 other, 3 paid
    };
    model::identity const filed_from{push.channel_id, push.chat_id};
    std::vector<candidate> order;
    auto consider = [&](model::identity const& i) {
        if (std::any_of(order.begin(), order.end(), [&](auto const& c) { return c.to == i; }))
            return;
        int rank = 2;
        if (who.preferred && *who.preferred == i)
            rank = 0;
        else if (i == filed_from)
            rank = 1;
        if (auto const* ch = channels.find(i.channel_id); ch && ch->can().paid_per_message)
            rank = 3;
        order.push_back({i, heard(i), rank});
    };
    if (who.preferred)
        consider(*who.preferred);
    consider(filed_from);
    for (auto const& i : who.identities)
        consider(i);
    std::stable_sort(order.begin(), order.end(), [](candidate const& a, candidate const& b) {
        return a.rank != b.rank ? a.rank < b.rank : (a.rank == 2 && a.heard_at > b.heard_at);
    });

    notice_plan plan;
    for (auto const& c : order) {
        if (std::find(exclude.begin(), exclude.end(), c.to) != exclude.end())
            continue;  // tried already: its failure is on the timeline
        auto const* ch = channels.find(c.to.channel_id);
        if (!ch || ch->can().staff_only) {
            plan.passed.push_back(c.to.channel_id + ": not a citizen channel now");
            continue;
        }
        if (!model::reachable(who, c.to)) {
            plan.passed.push_back(c.to.channel_id + ": opted out or failing");
            continue;
        }
        auto m = push;
        m.channel_id = c.to.channel_id;
        m.chat_id = c.to.chat_id;
        m.thread_id.clear();
        m.reply_token.clear();
        m.heard_at = c.heard_at;
        if (!(c.to == filed_from) && !ch->can().buttons)
            m.buttons.clear();  // the text already asks for a typed answer
        bool const inside = adapters::inside_reply_window(c.heard_at, now, ch->can().reply_window);
        if (auto const call = ch->platform->render(m, {now, {}, c.heard_at}); !call) {
            plan.passed.push_back(c.to.channel_id + ": " + call.error().detail);
            continue;
        }
        plan.message = std::move(m);
        plan.form = inside ? "text" : "template";
        return plan;
    }
    return plan;
}

std::string describe(notice_plan const& plan)
{
    std::string out = plan.message ? plan.message->channel_id + " (" + plan.form + ")" : "not sent: no chat can take it";
    for (std::size_t i = 0; i < plan.passed.size(); ++i)
        out += (i == 0 ? "; passed over " : ", ") + plan.passed[i];
    return out;
}

}  // namespace pg::gateway
