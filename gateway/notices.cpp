// unit_runner, continued: a citizen's linked chats (model/citizen.hpp) and the
// status pushes that go to them (gateway/notice_planner.hpp), with the
// platforms' receipts for those pushes.
#include "gateway/channel.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "gateway/notice_planner.hpp"
#include "gateway/unit_runner.hpp"

#include <algorithm>
#include <random>

namespace pg::gateway {
namespace {

void add_once(std::vector<model::identity>& v, model::identity const& i)
{
    if (std::find(v.begin(), v.end(), i) == v.end())
        v.push_back(i);
}

model::timeline_event notice_line(model::petition const& p, std::string_view channel_id, std::string note,
                                  model::timestamp now)
{
    model::timeline_event e;
    e.at = now;
    e.kind = model::entry_kind::notice;
    e.to = p.current;
    e.actor = model::actor_kind::system;
    e.channel_id = std::string(channel_id);
    e.department = p.department;
    e.note = std::move(note);
    return e;
}

}  // namespace

std::string unit_runner::new_link_code() const
{
    // Six digits, unpredictable: whoever guesses a live code joins that citizen's chats.
    thread_local std::mt19937 digits{std::random_device{}()};
    std::uniform_int_distribution<int> pick(0, 999999);
    for (int tries = 0;; ++tries) {
        auto code = std::to_string(pick(digits));
        code.insert(0, 6 - code.size(), '0');
        if (tries >= 8 || !store_.link_code(code))
            return code;
    }
}

void unit_runner::link_chats(dialog::link_request const& r, model::identity const& here, model::citizen who,
                             storage::unit_of_work& work)
{
    using kind = dialog::link_request::kind;
    switch (r.what) {
    case kind::issue:
        work.link_codes.push_back(r.code);
        metrics_.add("pg_link_codes_total", {{"result", "issued"}});
        return;
    case kind::prefer_here:
        who.preferred = here;
        std::erase(who.unreachable, here);
        work.citizens.push_back(std::move(who));
        return;
    case kind::redeem: {
        // Both citizens become one: every chat of either, the other's choices kept.
        auto other = store_.citizen(r.code.issued_to.channel_id, r.code.issued_to.chat_id);
        for (auto const& i : who.identities)
            add_once(other.identities, i);
        for (auto const& i : who.unreachable)
            add_once(other.unreachable, i);
        std::erase(other.unreachable, here);
        if (!other.preferred)
            other.preferred = who.preferred;
        work.citizens.push_back(std::move(other));
        work.used_link_codes.push_back(r.code.code);
        metrics_.add("pg_link_codes_total", {{"result", "redeemed"}});
        return;
    }
    }
}

void unit_runner::note_reachable(model::inbound_event const& ev, bool reachable, storage::unit_of_work& work)
{
    model::identity const here{ev.channel_id, ev.chat_id};
    auto who = store_.citizen(ev.channel_id, ev.chat_id);
    if (reachable)
        std::erase(who.unreachable, here);
    else
        add_once(who.unreachable, here);
    work.citizens.push_back(std::move(who));
    metrics_.add("pg_opt_outs_total", {{"channel", ev.channel_id}, {"state", reachable ? "back" : "out"}});
}

void unit_runner::plan_push(model::outbound_message push, model::timestamp now,
                            std::vector<model::identity> const& tried, storage::unit_of_work& work,
                            std::optional<model::identity> follower) const
{
    // The unit's own writes come first: the petition's next state, a citizen
    // record it changes, a conversation it moves.
    std::optional<model::petition> p;
    for (auto const& q : work.petitions)
        if (q.tracking == push.notice_tracking)
            p = q;
    if (!p)
        p = store_.petition(push.notice_tracking);
    if (!p)
        return;
    auto const citizen_of = [&](model::identity const& i) {
        model::citizen c = store_.citizen(i.channel_id, i.chat_id);
        for (auto const& w : work.citizens)
            if (std::find(w.identities.begin(), w.identities.end(), i) != w.identities.end())
                c = w;
        return c;
    };
    auto const holds = [](model::citizen const& c, model::identity const& i) {
        return std::find(c.identities.begin(), c.identities.end(), i) != c.identities.end();
    };
    model::identity to{p->channel_id, p->chat_id};
    model::citizen who = citizen_of(to);
    // Planned again after a failure: a follower's copy stays the follower's.
    if (!follower && !tried.empty() && !holds(who, tried.front()))
        for (auto const& f : p->followers)
            if (holds(citizen_of(f), tried.front()))
                follower = f;
    if (follower) {
        to = *follower;
        who = citizen_of(to);
    }
    auto heard = [&](model::identity const& i) {
        auto const& next = work.conversation;
        if (next && next->channel_id == i.channel_id && next->chat_id == i.chat_id)
            return next->updated_at;
        auto const c = store_.conversation(i.channel_id, i.chat_id);
        return c ? c->updated_at : model::timestamp{};
    };
    // Addressed to the chat the petition came from; the planner may choose another.
    push.channel_id = to.channel_id;
    push.chat_id = to.chat_id;
    auto plan = plan_notice(push, who, heard, channels_, now, tried);
    auto const chosen = plan.message ? plan.message->channel_id : std::string{};
    work.timeline.emplace_back(p->tracking, notice_line(*p, chosen, describe(plan), now));
    metrics_.add("pg_notices_planned_total",
                 {{"channel", chosen.empty() ? "none" : chosen}, {"form", plan.message ? plan.form : "none"}});
    if (plan.message)
        work.outbox.push_back(std::move(*plan.message));
}

storage::unit_of_work unit_runner::receipt_step(model::inbound_event const& ev, model::timestamp now)
{
    storage::unit_of_work work;
    work.dedupe_key = ev.dedupe_key;
    auto sent = store_.sent_notice(ev.channel_id, ev.message_id);
    metrics_.add("pg_receipts_total", {{"channel", ev.channel_id}, {"state", ev.text}});
    // Not a status push (a dialog reply), or older news than what is known.
    if (!sent || !model::further(ev.text, sent->state))
        return work;
    sent->state = ev.text;
    sent->at = now;
    work.sent_notices.push_back(*sent);
    auto const p = store_.petition(sent->tracking);
    if (!p)
        return work;
    auto note = "receipt: " + ev.text;
    if (!ev.detail.empty())
        note += " (" + ev.detail + ")";
    work.timeline.emplace_back(p->tracking, notice_line(*p, ev.channel_id, std::move(note), now));
    if (!model::failed_state(ev.text))
        return work;
    // The push did not reach the person here: this chat is failing, and the
    // push goes to their next chat, if one can take it.
    auto who = store_.citizen(sent->to.channel_id, sent->to.chat_id);
    add_once(who.unreachable, sent->to);
    work.citizens.push_back(std::move(who));
    model::outbound_message push;
    push.text = sent->text;
    push.language = sent->language;
    push.notice_tracking = sent->tracking;
    push.notice_status = sent->status;
    plan_push(std::move(push), now, {sent->to}, work);
    return work;
}

unit_result unit_runner::notice_failed(model::outbound_message const& push, std::string_view reason,
                                       model::timestamp now)
{
    storage::unit_of_work work;
    // Once per failed push, however often the failure is reported.
    work.dedupe_key = "notice-failed:" + push.channel_id + ":" + push.chat_id + ":" + push.notice_tracking + ":" +
                      push.notice_status + ":" + std::to_string(model::to_millis(push.heard_at));
    if (auto const p = store_.petition(push.notice_tracking))
        work.timeline.emplace_back(p->tracking, notice_line(*p, push.channel_id, "failed: " + std::string(reason), now));
    plan_push(push, now, {{push.channel_id, push.chat_id}}, work);
    return commit(work, push.channel_id, false, now);
}

}  // namespace pg::gateway
