#pragma once
// One inbound event (or one staff API call, or one deadline alert) -> one unit
// of work: load what it touches, run the pure dialog or lifecycle, commit
// everything in one batch. Synchronous; the gateway runs it on a lane (see
// lanes.hpp). With storage.sync on, the batch is written ahead of its WAL sync:
// nothing may act on a result before its sync (lanes and wal_syncer::settle
// wait for it).
#include "config/settings.hpp"
#include "dialog/citizen_flow.hpp"
#include "dialog/petition_flow.hpp"
#include "model/event.hpp"
#include "model/staff.hpp"
#include "storage/store.hpp"

#include <array>
#include <functional>
#include <mutex>
#include <string>

namespace pg::gateway {

class channel_table;
class metrics;

struct unit_result {
    storage::commit_status status = storage::commit_status::failed;
    std::vector<model::outbox_entry> queued;  // to hand to the dispatcher
    std::string error;                        // failed: for the log; refused: for the API caller
    bool refused = false;                     // a staff action the lifecycle refused (nothing changed)
    bool unsynced = false;                    // written (or found) ahead of its WAL sync: settle it first
};

class unit_runner {
public:
    unit_runner(storage::store& store, config::settings const& s, channel_table const& channels, metrics& m);

    unit_result run(model::inbound_event const& ev, model::timestamp now);

    // A staff action from the HTTP API; `who.channel_id` is "staff_api".
    // `in_scope`, when given, is asked under the petition's lock whether this
    // official may act on it (a department-limited console account); false: refused.
    unit_result staff_action(std::string const& tracking, model::staff_command const& cmd, dialog::actor const& who,
                             model::timestamp now,
                             std::function<bool(model::petition const&)> const& in_scope = {});

    // Erases a petition's personal data (on the citizen's request, or by
    // retention): its text, place, photos, the citizen's identity and every
    // timeline note go; its status, times and departments stay for the figures,
    // and its chain still verifies. An `erasure` entry records who and why.
    unit_result erase_personal_data(std::string const& tracking, std::string const& reason, dialog::actor const& who,
                                    model::timestamp now,
                                    std::function<bool(model::petition const&)> const& in_scope = {});

    // Retention (config `retention`): forgets old dedupe keys, idle
    // conversations and old audit entries, and erases the personal data of
    // petitions closed or rejected longer ago than closed_petition_days.
    struct retention_report {
        storage::retention_counts removed;
        std::size_t petitions_erased = 0;
        std::vector<unit_result> units;  // the erasures' (their staff threads hear of them)
    };
    retention_report apply_retention(model::timestamp now);

    // A petition filed from outside the chats (Open311): `draft` carries what
    // was asked (channel, category, department, place, description, contact);
    // this gives it its number, tracking number, status and deadlines, the
    // timeline's "submitted" entry by `who`, and the staff threads of its
    // department, in one unit. `draft.tracking` is set when it returns.
    unit_result file_external(model::petition& draft, dialog::actor const& who, model::timestamp now);

    // A status push the platform would not take, or whose receipt said it
    // failed: it goes to the citizen's next chat that can take it, if any.
    unit_result notice_failed(model::outbound_message const& push, std::string_view reason, model::timestamp now);

    // Reminders and escalations due at `now`, one unit per alert.
    std::vector<unit_result> check_deadlines(model::timestamp now);

    // Lane key: events with equal keys are processed one at a time, in arrival order.
    static std::string lane_key(model::inbound_event const& ev) { return ev.channel_id + '\n' + ev.chat_id; }

    bool is_staff_chat(std::string_view channel_id, std::string_view chat_id) const;

    // The calendar deadlines and stage clocks count in (config `deadlines`; its zone resolved at load).
    dialog::calendar calendar() const;
    // Config `districts`, for the equity figures.
    std::vector<model::district> const& districts() const { return settings_.districts; }

    // Called after a unit that appended to a web chat history is committed
    // (channel id, chat id), so live pages hear of it.
    void on_history(std::function<void(std::string const&, std::string const&)> fn) { on_history_ = std::move(fn); }

private:
    // Petitions are changed from citizen lanes, staff threads, the API and other
    // nodes: one read-modify-write per petition at a time, its lock held from
    // the read until the write (storage::store::lock).
    using petition_locks = std::unique_ptr<storage::held_locks>;
    petition_locks lock_petitions(std::vector<std::string_view> const& trackings);
    unit_result run_once(model::inbound_event const& ev, model::timestamp now);

    storage::unit_of_work citizen_step(model::inbound_event const& ev, model::timestamp now, bool& filed,
                                       petition_locks& held);
    storage::unit_of_work staff_step(model::inbound_event const& ev, model::timestamp now, petition_locks& held);
    unit_result commit(storage::unit_of_work& work, std::string_view channel_id, bool filed, model::timestamp now);
    void stamp_heard(storage::unit_of_work& work);
    // Chains the unit's timeline entries onto their petitions' chains and puts
    // a receipt under each status message. The locks it returns are held until
    // the write, so two units never chain onto the same entry.
    petition_locks seal_timeline(storage::unit_of_work& work, model::timestamp now);
    void fit_texts(storage::unit_of_work& work, model::timestamp now) const;
    void give_reply_token(model::inbound_event const& ev, model::timestamp now, storage::unit_of_work& work) const;
    // The citizen's linked chats and the status pushes that go to them (notices.cpp).
    storage::unit_of_work receipt_step(model::inbound_event const& ev, model::timestamp now);
    std::string new_link_code() const;
    void link_chats(dialog::link_request const& r, model::identity const& here, model::citizen who,
                    storage::unit_of_work& work);
    void note_reachable(model::inbound_event const& ev, bool reachable, storage::unit_of_work& work);
    // Sends `push` to the citizen's first chat that can take it, not one of
    // `tried`, and records where (or that none could) on the timeline.
    void follow_petition(std::string const& tracking, model::identity const& follower, std::string const& language,
                         model::timestamp now, storage::unit_of_work& work);
    // `follower`: the push is that follower's copy (model::petition::followers);
    // without it, a push whose tried chat is a follower's stays that follower's.
    void plan_push(model::outbound_message push, model::timestamp now, std::vector<model::identity> const& tried,
                   storage::unit_of_work& work, std::optional<model::identity> follower = std::nullopt) const;
    // A synced store's units are written ahead of their sync (see wal_syncer.hpp).
    bool write_ahead() const { return settings_.storage.sync && store_.local(); }

    // Staff side fan-out.
    // `citizen_channel`: the petition's, whose capabilities shape what the citizen is sent.
    dialog::petition_context petition_ctx(model::timestamp now, std::string_view citizen_channel = {}) const;
    bool has_buttons(std::string_view channel_id) const;
    std::vector<config::staff_chat const*> chats_serving(std::string_view department) const;
    std::optional<std::string> adopt_thread(model::inbound_event const& ev, model::timestamp now,
                                            storage::unit_of_work& work);
    void open_threads(model::petition const& p, std::string_view previous_department, model::timestamp now,
                      storage::unit_of_work& work) const;
    // `text` (and then the photos, where they can be re-posted) in every thread of the petition.
    void post_to_threads(model::petition const& p, std::string const& text, storage::unit_of_work& work,
                         std::vector<std::string> const& photo_ids = {}) const;
    void post_photos(model::petition const& p, config::staff_chat const& chat,
                     std::vector<std::string> const& photo_ids, storage::unit_of_work& work) const;
    void apply_outcome(dialog::petition_outcome&& out, std::string_view previous_department, model::timestamp now,
                       storage::unit_of_work& work) const;
    bool may_act(model::petition const& p, model::inbound_event const& ev) const;

    storage::store& store_;
    config::settings const& settings_;
    channel_table const& channels_;
    metrics& metrics_;
    dialog::vocabulary const vocabulary_;  // the dialog's typed forms, folded once
    std::vector<std::string> department_ids_;
    std::function<void(std::string const&, std::string const&)> on_history_;
};

}  // namespace pg::gateway
