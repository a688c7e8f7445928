#include "gateway/unit_runner.hpp"

#include "adapters/common/reply_window.hpp"
#include "dialog/citizen_flow.hpp"
#include "dialog/input.hpp"
#include "dialog/staff_commands.hpp"
#include "dialog/tracking.hpp"
#include "gateway/channel.hpp"
#include "gateway/log.hpp"
#include "gateway/metrics.hpp"
#include "model/chain.hpp"

#include <algorithm>

namespace pg::gateway {
namespace {

// The duplicate offer looks among this many of a category's newest open
// petitions: it runs on every filing, so its cost must not grow with the
// store (a nearby one filed before them is not offered).
constexpr std::size_t duplicate_pool = 100;

class store_lookup final : public dialog::petition_lookup {
public:
    explicit store_lookup(storage::store& s) : store_(s) {}
    std::optional<model::petition> petition(std::string_view tracking) const override
    {
        return store_.petition(tracking);
    }
    std::vector<model::timeline_event> timeline(std::string_view tracking) const override
    {
        return store_.timeline(tracking);
    }
    std::optional<model::link_code> link_code(std::string_view code) const override { return store_.link_code(code); }
    std::vector<model::petition> recent_open(std::string_view category, model::timestamp since) const override
    {
        storage::petition_filter f;
        f.open_only = true;
        f.category = std::string(category);
        f.from = since;
        f.limit = duplicate_pool;
        return store_.petitions(f);
    }

private:
    storage::store& store_;
};

std::string_view kind_name(model::event_kind k)
{
    switch (k) {
    case model::event_kind::text: return "text";
    case model::event_kind::button: return "button";
    case model::event_kind::location: return "location";
    case model::event_kind::photo: return "photo";
    case model::event_kind::unsupported: return "unsupported";
    case model::event_kind::ignored: return "ignored";
    case model::event_kind::challenge: return "challenge";
    case model::event_kind::receipt: return "receipt";
    }
    return "other";
}

// The chats of `chats` (staff chats or supervisors) that serve `department`.
std::vector<config::staff_chat const*> serving(std::vector<config::staff_chat> const& chats,
                                               std::string_view department)
{
    std::vector<config::staff_chat const*> out;
    for (auto const& c : chats)
        if (c.departments.empty() ||
            std::find(c.departments.begin(), c.departments.end(), department) != c.departments.end())
            out.push_back(&c);
    return out;
}

model::outbound_message message_to(std::string const& channel, std::string const& chat, std::string text)
{
    model::outbound_message m;
    m.channel_id = channel;
    m.chat_id = chat;
    m.text = std::move(text);
    return m;
}

}  // namespace

unit_runner::unit_runner(storage::store& store, config::settings const& s, channel_table const& channels,
                         metrics& m)
    : store_(store), settings_(s), channels_(channels), metrics_(m), vocabulary_(s.dialog)
{
    for (auto const& d : s.staff.departments)
        department_ids_.push_back(d.id);
    if (department_ids_.empty())  // no list configured: the departments the categories route to
        for (auto const& c : s.dialog.citizen.categories)
            if (std::find(department_ids_.begin(), department_ids_.end(), c.department) == department_ids_.end())
                department_ids_.push_back(c.department);
}

dialog::calendar unit_runner::calendar() const
{
    auto const& d = settings_.deadlines;
    return dialog::calendar{d.working_days, d.holidays, d.make_up_days, d.zone};
}

unit_runner::petition_locks unit_runner::lock_petitions(std::vector<std::string_view> const& trackings)
{
    return store_.lock(storage::lock_space::petition, trackings);
}

bool unit_runner::is_staff_chat(std::string_view channel_id, std::string_view chat_id) const
{
    if (auto const* ch = channels_.find(channel_id); ch && ch->can().staff_only)
        return true;
    return std::any_of(settings_.staff.chats.begin(), settings_.staff.chats.end(),
                       [&](auto const& c) { return c.channel == channel_id && c.chat == chat_id; });
}

// When the person each message goes to last wrote: platforms with a reply
// window (WeChat's 48 hours) choose free text or a template by it. The unit's
// own conversation is its next state; any other is read as stored.
void unit_runner::stamp_heard(storage::unit_of_work& work)
{
    for (auto& m : work.outbox) {
        auto const* ch = channels_.find(m.channel_id);
        if (!ch || ch->can().reply_window.count() == 0)
            continue;
        auto const& next = work.conversation;
        if (next && next->channel_id == m.channel_id && next->chat_id == m.chat_id)
            m.heard_at = next->updated_at;
        else if (auto const stored = store_.conversation(m.channel_id, m.chat_id))
            m.heard_at = stored->updated_at;
    }
}

unit_runner::petition_locks unit_runner::seal_timeline(storage::unit_of_work& work, model::timestamp now)
{
    std::vector<std::string_view> trackings;
    for (auto const& [tracking, e] : work.timeline)
        if (std::find(trackings.begin(), trackings.end(), tracking) == trackings.end())
            trackings.push_back(tracking);
    // Taken after the unit's petition locks, never before.
    auto held = store_.lock(storage::lock_space::chain, trackings);

    for (auto tracking : trackings) {
        auto const before = store_.timeline(tracking);
        std::vector<model::timeline_event*> fresh;
        model::timeline_event const* stage = nullptr;  // the status the receipts confirm
        for (auto& [t, e] : work.timeline)
            if (t == tracking) {
                fresh.push_back(&e);
                if (e.kind == model::entry_kind::transition)
                    stage = &e;
            }
        std::optional<model::timestamp> last_at;
        if (!before.empty())
            last_at = before.back().at;
        model::seal(tracking, model::chain_head(tracking, before), last_at, fresh);
        if (!stage)
            continue;  // no status reached here (a push re-routed, a receipt): its message has its receipt

        std::string language;
        for (auto const& p : work.petitions)
            if (p.tracking == tracking)
                language = p.language;
        std::vector<model::identity> told;  // one receipt per chat: the status text, not the rating prompt after it
        for (auto& m : work.outbox) {
            if (m.notice_tracking != tracking || m.kind != model::message_kind::text)
                continue;
            model::identity const to{m.channel_id, m.chat_id};
            if (std::find(told.begin(), told.end(), to) != told.end())
                continue;
            told.push_back(to);
            auto const& lang = language.empty() ? m.language : language;
            m.text += "\n\n" + dialog::receipt_line(stage->at, tracking, stage->to, stage->digest, lang,
                                                     petition_ctx(now, m.channel_id));
        }
    }
    return held;
}

// A text longer than its platform carries becomes several messages, the
// buttons on the last (WeChat's customer-service texts are shorter than
// Telegram's; SMS counts segments). A status push past its chat's reply window
// stays whole: it goes as one template.
void unit_runner::fit_texts(storage::unit_of_work& work, model::timestamp now) const
{
    std::vector<model::outbound_message> fitted;
    fitted.reserve(work.outbox.size());
    for (auto& m : work.outbox) {
        auto const* ch = channels_.find(m.channel_id);
        bool const as_template = ch && !m.notice_status.empty() &&
                                 !adapters::inside_reply_window(m.heard_at, now, ch->can().reply_window);
        if (!ch || m.kind != model::message_kind::text || as_template) {
            fitted.push_back(std::move(m));
            continue;
        }
        auto pieces = ch->platform->fit_text(m.text);
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            auto piece = m;
            piece.text = std::move(pieces[i]);
            if (i + 1 < pieces.size())
                piece.buttons.clear();
            if (i > 0)
                piece.reply_token.clear();  // answers once
            fitted.push_back(std::move(piece));
        }
    }
    work.outbox = std::move(fitted);
}

unit_result unit_runner::commit(storage::unit_of_work& work, std::string_view channel_id, bool filed,
                                model::timestamp now)
{
    stamp_heard(work);
    auto const chained = seal_timeline(work, now);
    fit_texts(work, now);
    if (!work.outbox.empty())  // this node's dispatcher sends them; others only once it stops renewing
        work.lease = storage::outbox_lease{settings_.server.node, now + settings_.outbox.lease};
    auto committed = store_.commit(work, write_ahead() ? storage::durability::on_sync : storage::durability::on_return);
    switch (committed.status) {
    case storage::commit_status::committed:
        metrics_.add("pg_commits_total", {{"result", "committed"}});
        if (filed)
            metrics_.add("pg_petitions_filed_total", {{"channel", channel_id}});
        break;
    case storage::commit_status::duplicate:
        metrics_.add("pg_commits_total", {{"result", "duplicate"}});
        break;
    case storage::commit_status::conflict:
        metrics_.add("pg_commits_total", {{"result", "conflict"}});
        break;
    case storage::commit_status::failed:
        metrics_.add("pg_commits_total", {{"result", "failed"}});
        break;
    }
    if (committed.status == storage::commit_status::committed && on_history_)
        for (auto const& h : work.history)
            on_history_(h.channel_id, h.chat_id);
    bool const unsynced = write_ahead() && committed.status != storage::commit_status::failed;
    return {committed.status, std::move(committed.queued), std::move(committed.error), false, unsynced};
}

unit_result unit_runner::run(model::inbound_event const& ev, model::timestamp now)
{
    // Another node changed the conversation between this unit's read and its
    // commit: the unit runs again on what is stored now. Past a few tries it
    // fails, and the platform's retry comes later.
    constexpr int tries = 4;
    for (int tried = 1;; ++tried) {
        auto r = run_once(ev, now);
        if (r.status != storage::commit_status::conflict)
            return r;
        if (tried == tries) {
            r.status = storage::commit_status::failed;
            r.error = "conversation: changed by another unit " + std::to_string(tries) + " times in a row";
            return r;
        }
    }
}

unit_result unit_runner::run_once(model::inbound_event const& ev, model::timestamp now)
{
    // A redelivery is answered without running the dialog again.
    // (The first may not be synced yet: the answer waits for a sync as well.)
    if (store_.seen(ev.dedupe_key)) {
        metrics_.add("pg_commits_total", {{"result", "duplicate"}});
        return {storage::commit_status::duplicate, {}, {}, false, write_ahead()};
    }

    storage::unit_of_work work;
    bool filed = false;
    petition_locks held;  // released after the commit: a concurrent change waits and reads this one
    bool const citizen_chat = ev.chat == model::chat_kind::private_chat && !ev.chat_id.empty();
    if (ev.kind == model::event_kind::receipt) {
        work = receipt_step(ev, now);
    } else if (is_staff_chat(ev.channel_id, ev.chat_id) && !ev.from_bot) {
        work = staff_step(ev, now, held);
    } else if (citizen_chat && ev.kind != model::event_kind::ignored && !ev.from_bot) {
        work = citizen_step(ev, now, filed, held);
    } else {
        // Group chatter, channel posts, service updates: recorded (so a
        // redelivery stays a duplicate) and otherwise dropped. A button press
        // is still acknowledged so the client stops its spinner.
        work.dedupe_key = ev.dedupe_key;
        metrics_.add("pg_events_ignored_total", {{"channel", ev.channel_id}, {"kind", kind_name(ev.kind)}});
        if (citizen_chat && ev.detail == model::opted_out)
            note_reachable(ev, false, work);
        if (!ev.callback_id.empty()) {
            auto ack = message_to(ev.channel_id, ev.chat_id, {});
            ack.kind = model::message_kind::callback_ack;
            ack.callback_id = ev.callback_id;
            work.outbox.push_back(std::move(ack));
        }
    }
    give_reply_token(ev, now, work);
    return commit(work, ev.channel_id, filed, now);
}

// The platform's one-time handle for answering an event (LINE's reply token)
// goes with the first message back to the event's own chat.
void unit_runner::give_reply_token(model::inbound_event const& ev, model::timestamp now,
                                   storage::unit_of_work& work) const
{
    if (ev.reply_token.empty())
        return;
    for (auto& m : work.outbox)
        if (m.kind == model::message_kind::text && m.channel_id == ev.channel_id && m.chat_id == ev.chat_id) {
            m.reply_token = ev.reply_token;
            m.reply_token_at = now;
            return;
        }
}

bool unit_runner::has_buttons(std::string_view channel_id) const
{
    auto const* ch = channels_.find(channel_id);
    return !ch || ch->can().buttons;
}

dialog::petition_context unit_runner::petition_ctx(model::timestamp now, std::string_view citizen_channel) const
{
    dialog::petition_context ctx{now, settings_.dialog, settings_.staff.language, calendar(),
                                 settings_.staff.plain_reply};
    ctx.buttons = has_buttons(citizen_channel);  // what the citizen is told goes there
    ctx.max_transfers = settings_.staff.max_transfers;
    return ctx;
}

storage::unit_of_work unit_runner::citizen_step(model::inbound_event const& ev, model::timestamp now, bool& filed,
                                                petition_locks& held)
{
    auto state = store_.conversation(ev.channel_id, ev.chat_id);
    std::uint64_t const read = state ? state->events : 0;
    if (!state) {
        state.emplace();
        state->channel_id = ev.channel_id;
        state->chat_id = ev.chat_id;
    }

    store_lookup lookup(store_);
    std::uint64_t number = 0;
    dialog::context ctx{now, settings_.dialog, vocabulary_, lookup, [&] {
                            number = store_.next_petition_number();
                            return dialog::tracking_number(number, settings_.tracking_key);
                        }};
    ctx.cal = calendar();
    ctx.buttons = has_buttons(ev.channel_id);
    if (auto const* ch = channels_.find(ev.channel_id))
        ctx.max_buttons = ch->can().max_buttons;
    model::identity const here{ev.channel_id, ev.chat_id};
    auto const who = store_.citizen(ev.channel_id, ev.chat_id);
    for (auto const& i : who.identities)
        if (!(i == here)) {
            ctx.linked.push_back(i);
            if (auto const c = store_.conversation(i.channel_id, i.chat_id))
                ctx.linked_petitions.insert(ctx.linked_petitions.end(), c->petitions.begin(), c->petitions.end());
        }
    ctx.new_link_code = [this] { return new_link_code(); };
    auto out = dialog::step(*state, ev, ctx);
    metrics_.add("pg_dialog_steps_total", {{"channel", ev.channel_id}});

    storage::unit_of_work work;
    work.dedupe_key = ev.dedupe_key;
    work.outbox = std::move(out.replies);
    if (out.link)
        link_chats(*out.link, here, who, work);
    else if (!model::reachable(who, here))
        note_reachable(ev, true, work);  // writing again takes an opt-out back
    if (out.filed) {
        filed = true;
        out.filed->number = number;
        for (auto& e : out.timeline)
            work.timeline.emplace_back(out.filed->tracking, std::move(e));
        open_threads(*out.filed, {}, now, work);
        work.petitions.push_back(std::move(*out.filed));
    }

    // The citizen acting on an own petition: added information, a rating, "not resolved".
    dialog::actor const citizen{model::actor_kind::citizen, ev.user_id, {}, ev.channel_id};
    std::vector<std::string_view> trackings;
    for (auto const& req : out.requests)
        trackings.push_back(req.tracking);
    if (out.follow)
        trackings.push_back(*out.follow);
    held = lock_petitions(trackings);
    if (out.follow)
        follow_petition(*out.follow, here, out.next.language, now,
                        work);
    for (auto const& req : out.requests) {
        auto p = store_.petition(req.tracking);
        if (!p || std::find(who.identities.begin(), who.identities.end(),
                            model::identity{p->channel_id, p->chat_id}) == who.identities.end())
            continue;  // not theirs: the dialog only offers their own, so this is a stale button
        auto const previous = p->department;
        apply_outcome(dialog::apply_citizen(*p, req, citizen, petition_ctx(now, p->channel_id)), previous, now, work);
    }
    work.conversation = std::move(out.next);
    work.conversation_read = read;
    // A web chat keeps its own history: what the citizen sent goes in with the step.
    if (auto const* ch = channels_.find(ev.channel_id); ch && ch->can().local_delivery)
        work.history.push_back({ev.channel_id, ev.chat_id, {0, now, "citizen", ch->platform->history_frame(ev)}});
    return work;
}

bool unit_runner::may_act(model::petition const& p, model::inbound_event const& ev) const
{
    for (auto const& d : settings_.staff.departments)
        if (d.id == p.department && !d.staff_user_ids.empty())
            return std::find(d.staff_user_ids.begin(), d.staff_user_ids.end(), ev.user_id) !=
                   d.staff_user_ids.end();
    return true;  // no allow-list: membership of the staff chat is the authorization
}

storage::unit_of_work unit_runner::staff_step(model::inbound_event const& ev, model::timestamp now,
                                              petition_locks& held)
{
    storage::unit_of_work work;
    work.dedupe_key = ev.dedupe_key;
    auto refuse = [&](std::string_view reason) {
        // Logged without content: staff messages may quote the citizen.
        metrics_.add("pg_staff_refused_total", {{"channel", ev.channel_id}, {"reason", reason}});
        log::info("staff_message_ignored", {{"channel", ev.channel_id}, {"reason", reason}});
        return work;
    };
    auto reply_here = [&](std::string text) {
        auto m = message_to(ev.channel_id, ev.chat_id, std::move(text));
        m.thread_id = ev.thread_id;
        work.outbox.push_back(std::move(m));
    };
    // Which petition: the thread's, or on a platform without threads (WeCom)
    // the tracking number the message starts with.
    auto const* ch = channels_.find(ev.channel_id);
    bool const threads = ch && ch->can().threads;
    if (threads && ev.thread_id.empty())
        return refuse("outside_thread");
    if (ev.kind != model::event_kind::text)
        return refuse("not_text");
    std::optional<std::string> tracking;
    dialog::parsed_staff_text parsed;
    if (threads) {
        tracking = store_.petition_of_thread(ev.channel_id, ev.chat_id, ev.thread_id);
        if (!tracking)
            tracking = adopt_thread(ev, now, work);
        if (!tracking)
            return refuse("unknown_thread");
        parsed = dialog::parse_staff_text(ev.text, department_ids_, settings_.dialog, settings_.staff.language);
    } else {
        auto addressed =
            dialog::parse_addressed_staff_text(ev.text, department_ids_, settings_.dialog, settings_.staff.language);
        if (addressed.tracking.empty()) {
            reply_here(addressed.parsed.error);
            return work;
        }
        tracking = std::move(addressed.tracking);
        parsed = std::move(addressed.parsed);
    }

    held = lock_petitions({*tracking});
    auto p = store_.petition(*tracking);
    if (!p && !threads) {  // a mistyped number: say how to write one
        reply_here(dialog::parse_addressed_staff_text("", {}, settings_.dialog, settings_.staff.language).parsed.error);
        return work;
    }
    if (!p)
        return refuse("unknown_petition");
    if (!may_act(*p, ev))
        return refuse("not_allowed");

    if (parsed.what == dialog::parsed_staff_text::kind::invalid) {
        reply_here(parsed.error);
        return work;
    }
    if (parsed.what == dialog::parsed_staff_text::kind::plain) {
        // By default an internal note: staff talk among themselves in the thread,
        // and only a command reaches the citizen.
        parsed.command.action = settings_.staff.plain_reply;
        parsed.command.text = ev.text;
    }

    // Written in a supervisors' chat: the coordinating office.
    bool const supervisor = std::any_of(settings_.staff.supervisors.begin(), settings_.staff.supervisors.end(),
                                        [&](config::staff_chat const& c) {
                                            return c.channel == ev.channel_id && c.chat == ev.chat_id;
                                        });
    dialog::actor const who{model::actor_kind::staff, ev.user_id, ev.user_name, ev.channel_id, supervisor};
    auto const previous = p->department;
    auto out = dialog::apply_staff(*p, parsed.command, who, petition_ctx(now, p->channel_id));
    metrics_.add("pg_staff_actions_total", {{"action", model::to_string(parsed.command.action)},
                                            {"result", out.applied ? "applied" : "refused"}});
    if (!out.applied) {
        reply_here(out.staff_text);  // only where it was asked
        return work;
    }
    apply_outcome(std::move(out), previous, now, work);
    return work;
}

unit_result unit_runner::staff_action(std::string const& tracking, model::staff_command const& cmd,
                                      dialog::actor const& who, model::timestamp now,
                                      std::function<bool(model::petition const&)> const& in_scope)
{
    auto const lock = lock_petitions({tracking});
    auto p = store_.petition(tracking);
    if (!p)
        return {storage::commit_status::failed, {}, "no petition " + tracking, true};
    if (in_scope && !in_scope(*p))
        return {storage::commit_status::failed, {}, "petition " + tracking + " is not in your departments", true};
    auto const previous = p->department;
    auto out = dialog::apply_staff(*p, cmd, who, petition_ctx(now, p->channel_id));
    metrics_.add("pg_staff_actions_total",
                 {{"action", model::to_string(cmd.action)}, {"result", out.applied ? "applied" : "refused"}});
    if (!out.applied)
        return {storage::commit_status::failed, {}, out.staff_text, true};
    storage::unit_of_work work;
    // API calls carry no platform id. Under the petition's lock the timeline
    // length names this action's place in the petition's history.
    work.dedupe_key = "api:" + tracking + ":" + std::to_string(store_.timeline(tracking).size()) + ":" +
                      std::string(model::to_string(cmd.action));
    apply_outcome(std::move(out), previous, now, work);
    return commit(work, who.channel_id, false, now);
}

unit_result unit_runner::erase_personal_data(std::string const& tracking, std::string const& reason,
                                             dialog::actor const& who, model::timestamp now,
                                             std::function<bool(model::petition const&)> const& in_scope)
{
    auto const lock = lock_petitions({tracking});
    auto p = store_.petition(tracking);
    if (!p)
        return {storage::commit_status::failed, {}, "no petition " + tracking, true};
    if (in_scope && !in_scope(*p))
        return {storage::commit_status::failed, {}, "petition " + tracking + " is not in your departments", true};
    if (p->erased_at)
        return {storage::commit_status::failed, {},
                "petition " + tracking + ": its personal data was erased on " + model::format_iso8601(*p->erased_at),
                true};
    storage::unit_of_work work;
    work.dedupe_key = "erase:" + tracking;
    work.petitions.push_back(model::without_personal_data(*p, now));
    work.erased_timelines.push_back(tracking);
    auto out = dialog::erasure(*p, reason, who, petition_ctx(now, p->channel_id));
    work.timeline.emplace_back(tracking, std::move(out.entry));
    post_to_threads(*p, out.staff_text, work);
    metrics_.add("pg_erasures_total", {{"by", who.channel_id}});
    return commit(work, who.channel_id, false, now);
}

unit_runner::retention_report unit_runner::apply_retention(model::timestamp now)
{
    auto const& r = settings_.retention;
    auto const before = [&](unsigned days) -> std::optional<model::timestamp> {
        if (days == 0)
            return std::nullopt;
        return now - std::chrono::days{days};
    };
    retention_report report;
    report.removed = store_.forget({before(r.dedupe_days), before(r.conversation_days), before(r.audit_days)});
    auto const closed_before = before(r.closed_petition_days);
    if (!closed_before)
        return report;
    dialog::actor const retention{model::actor_kind::system, "", "", "retention"};
    auto const reason = "retention: closed for more than " + std::to_string(r.closed_petition_days) + " days";
    for (auto const ended : {model::status::closed, model::status::rejected}) {
        storage::petition_filter f;
        f.status = ended;
        f.limit = std::numeric_limits<std::size_t>::max();
        for (auto const& p : store_.petitions(f)) {
            if (p.erased_at)
                continue;
            auto const timeline = store_.timeline(p.tracking);
            if (timeline.empty() || timeline.back().at >= *closed_before)
                continue;
            auto u = erase_personal_data(p.tracking, reason, retention, now);
            if (u.status == storage::commit_status::committed)
                ++report.petitions_erased;
            report.units.push_back(std::move(u));
        }
    }
    return report;
}

std::vector<unit_result> unit_runner::check_deadlines(model::timestamp now)
{
    std::vector<unit_result> results;
    storage::petition_filter open;
    open.open_only = true;
    open.limit = std::numeric_limits<std::size_t>::max();
    std::size_t unreadable = 0;
    std::string last_error;
    for (auto const& listed : store_.petitions(open)) {
        auto const lock = lock_petitions({listed.tracking});
        std::optional<model::petition> p;
        std::vector<model::timeline_event> timeline;
        try {
            p = store_.petition(listed.tracking);
            if (p)
                timeline = store_.timeline(p->tracking);
        } catch (storage::unavailable const& e) {
            // Skipped until the next check; the alerts of the others (some
            // already committed) still go out.
            ++unreadable;
            last_error = e.what();
            continue;
        }
        if (!p)
            continue;
        auto const alerts = dialog::due_alerts(*p, timeline, settings_.deadlines.remind_before, petition_ctx(now));
        for (auto const& alert : alerts) {
            storage::unit_of_work work;
            // One alert per petition, kind and deadline, even if two checks overlap;
            // a reopening or a transfer sets new deadlines, which get alerts of their own.
            work.dedupe_key = "alert:" + p->tracking + ":" + std::string(model::to_string(alert.kind)) + ":" +
                              alert.entry.note + ":" + std::to_string(model::to_millis(alert.due));
            work.timeline.emplace_back(p->tracking, alert.entry);
            post_to_threads(*p, alert.staff_text, work);
            if (alert.kind == model::entry_kind::escalation)
                for (auto const* sup : serving(settings_.staff.supervisors, p->department))
                    work.outbox.push_back(message_to(sup->channel, sup->chat, alert.staff_text));
            metrics_.add("pg_alerts_total", {{"kind", model::to_string(alert.kind)}});
            results.push_back(commit(work, "deadlines", false, now));
        }
    }
    if (unreadable > 0)
        log::error("deadline_check_failed", {{"unreadable_petitions", static_cast<long long>(unreadable)},
                                             {"error", last_error}});
    return results;
}

std::vector<config::staff_chat const*> unit_runner::chats_serving(std::string_view department) const
{
    return serving(settings_.staff.chats, department);
}

// A topic the gateway created but never stored: it died between creating the
// topic and binding it, and opened another one after the restart. The topic's
// name is the one the gateway gives the petition's threads (tracking number
// first), and this chat serves the petition: then it leads there too, so what
// officials write in either topic counts.
std::optional<std::string> unit_runner::adopt_thread(model::inbound_event const& ev, model::timestamp now,
                                                     storage::unit_of_work& work)
{
    if (ev.thread_title.empty())
        return std::nullopt;
    auto const ctx = petition_ctx(now);
    std::string_view title = ev.thread_title;
    while (!title.empty()) {
        auto const space = title.find(' ');
        auto const word = title.substr(0, space);
        title = space == std::string_view::npos ? std::string_view{} : title.substr(space + 1);
        auto const tracking = dialog::normalize_tracking(word);
        auto const p = tracking ? store_.petition(*tracking) : std::nullopt;
        if (!p || dialog::thread_title(*p, ctx) != ev.thread_title)
            continue;
        auto const serving = chats_serving(p->department);
        bool const here = std::any_of(serving.begin(), serving.end(), [&](config::staff_chat const* c) {
            return c->channel == ev.channel_id && c->chat == ev.chat_id;
        });
        if (!here)
            return std::nullopt;
        work.thread_aliases.push_back({ev.channel_id, ev.chat_id, ev.thread_id, *tracking});
        log::info("staff_thread_adopted", {{"channel", ev.channel_id}});
        metrics_.add("pg_staff_threads_adopted_total", {{"channel", ev.channel_id}});
        return tracking;
    }
    return std::nullopt;
}

void unit_runner::open_threads(model::petition const& p, std::string_view previous_department, model::timestamp now,
                               storage::unit_of_work& work) const
{
    // A chat gets a thread when it starts serving the petition: at filing, or on
    // a transfer to a department it serves and the previous one did not.
    auto const before = chats_serving(previous_department);
    auto const ctx = petition_ctx(now);
    for (auto const* chat : chats_serving(p.department)) {
        if (!previous_department.empty() && std::find(before.begin(), before.end(), chat) != before.end())
            continue;
        auto const* ch = channels_.find(chat->channel);
        if (!ch)
            continue;
        if (!ch->can().threads) {  // WeCom: the card is a message of its own, naming the petition
            work.outbox.push_back(message_to(chat->channel, chat->chat, dialog::petition_card(p, ctx)));
            continue;
        }
        auto open = message_to(chat->channel, chat->chat, dialog::petition_card(p, ctx));
        open.kind = model::message_kind::open_thread;
        open.title = dialog::thread_title(p, ctx);
        open.thread_key = p.tracking;
        bool const card_in_thread = !ch->can().thread_carries_text;
        std::string card = card_in_thread ? open.text : std::string{};
        work.outbox.push_back(std::move(open));
        if (card_in_thread) {  // Telegram: the topic is only a name; the card is its first message
            auto m = message_to(chat->channel, chat->chat, std::move(card));
            m.thread_key = p.tracking;
            work.outbox.push_back(std::move(m));
        }
        post_photos(p, *chat, p.photo_ids, work);
    }
}

void unit_runner::post_photos(model::petition const& p, config::staff_chat const& chat,
                              std::vector<std::string> const& photo_ids, storage::unit_of_work& work) const
{
    // A file id is valid only for the bot that received it: on any other channel
    // the card's photo count is all the staff get.
    if (chat.channel != p.channel_id)
        return;
    for (auto const& id : photo_ids) {
        auto m = message_to(chat.channel, chat.chat, {});
        m.kind = model::message_kind::photo;
        m.media_id = id;
        m.thread_key = p.tracking;
        work.outbox.push_back(std::move(m));
    }
}

void unit_runner::post_to_threads(model::petition const& p, std::string const& text,
                                  storage::unit_of_work& work, std::vector<std::string> const& photo_ids) const
{
    if (text.empty())
        return;
    for (auto const* chat : chats_serving(p.department)) {
        auto const* ch = channels_.find(chat->channel);
        if (ch && !ch->can().threads) {  // no thread to say which petition: the text says it
            work.outbox.push_back(message_to(chat->channel, chat->chat, dialog::thread_title(p, petition_ctx(p.submitted_at)) + "\n" + text));
            continue;
        }
        auto m = message_to(chat->channel, chat->chat, text);
        m.thread_key = p.tracking;
        work.outbox.push_back(std::move(m));
        post_photos(p, *chat, photo_ids, work);
    }
}

void unit_runner::apply_outcome(dialog::petition_outcome&& out, std::string_view previous_department,
                                model::timestamp now, storage::unit_of_work& work) const
{
    if (!out.applied) {
        for (auto& m : out.to_citizen)
            work.outbox.push_back(std::move(m));
        return;
    }
    for (auto& e : out.timeline)
        work.timeline.emplace_back(out.next.tracking, std::move(e));
    std::vector<model::outbound_message> pushes;  // planned once the petition's next state is in the unit
    for (auto& m : out.to_citizen) {
        if (m.notice_status.empty())
            work.outbox.push_back(std::move(m));
        else
            pushes.push_back(std::move(m));
    }
    if (out.next.department != previous_department)
        open_threads(out.next, previous_department, now, work);
    post_to_threads(out.next, out.staff_text, work, out.staff_photos);
    if (!out.supervisor_text.empty()) {
        for (auto const* sup : serving(settings_.staff.supervisors, out.next.department))
            work.outbox.push_back(message_to(sup->channel, sup->chat, out.supervisor_text));
        metrics_.add("pg_alerts_total", {{"kind", "escalation"}});
    }
    auto const followers = out.next.followers;
    auto const tracking = out.next.tracking;
    work.petitions.push_back(std::move(out.next));
    for (auto& m : pushes)
        plan_push(std::move(m), now, {}, work);
    // Followers hear of each status change as the filer does, without the rating question.
    if (pushes.empty() || out.follower_text.empty())
        return;
    for (auto const& f : followers) {
        auto m = message_to(f.channel_id, f.chat_id, out.follower_text);
        m.notice_tracking = tracking;
        m.notice_status = pushes.front().notice_status;
        m.language = pushes.front().language;
        plan_push(std::move(m), now, {}, work, f);
    }
}

// A citizen follows another's petition (the dialog's duplicate offer): recorded
// on the petition, noted on its timeline and in its staff threads, and an
// answer it already has is sent to them at once.
void unit_runner::follow_petition(std::string const& tracking, model::identity const& follower,
                                  std::string const& language, model::timestamp now, storage::unit_of_work& work)
{
    auto p = store_.petition(tracking);
    if (!p || !model::is_open(p->current) || (p->channel_id == follower.channel_id && p->chat_id == follower.chat_id))
        return;
    if (std::find(p->followers.begin(), p->followers.end(), follower) != p->followers.end())
        return;
    p->followers.push_back(follower);
    auto const followed = dialog::follow(*p, store_.timeline(tracking), language, petition_ctx(now, follower.channel_id));
    work.timeline.emplace_back(tracking, followed.entry);
    post_to_threads(*p, followed.staff_text, work);
    metrics_.add("pg_petitions_followed_total", {{"channel", follower.channel_id}});
    if (!followed.answer.empty()) {
        auto m = message_to(follower.channel_id, follower.chat_id, followed.answer);
        m.language = language;
        work.outbox.push_back(std::move(m));
    }
    work.petitions.push_back(std::move(*p));
}

unit_result unit_runner::file_external(model::petition& draft, dialog::actor const& who, model::timestamp now)
{
    auto const cal = calendar();
    auto const days = dialog::deadline_days_for(settings_.dialog.citizen, draft.category);
    draft.number = store_.next_petition_number();
    draft.tracking = dialog::tracking_number(draft.number, settings_.tracking_key);
    draft.current = model::status::submitted;
    draft.submitted_at = now;
    draft.response_due_at = dialog::add_days(now, days.response, cal);
    draft.deadline_at = dialog::add_days(now, days.answer, cal);

    model::timeline_event e;
    e.at = now;
    e.to = model::status::submitted;
    e.actor = who.kind;
    e.actor_id = who.id;
    e.actor_name = who.name;
    e.channel_id = who.channel_id;
    e.department = draft.department;
    e.note = "submitted";

    storage::unit_of_work work;
    work.dedupe_key = "filed:" + draft.channel_id + ":" + draft.tracking;  // a new number: never a duplicate
    work.timeline.emplace_back(draft.tracking, std::move(e));
    open_threads(draft, {}, now, work);
    work.petitions.push_back(draft);
    return commit(work, draft.channel_id, true, now);
}

}  // namespace pg::gateway
