#include "gateway/unit_runner.hpp"

#include "dialog/citizen_flow.hpp"
#include "dialog/tracking.hpp"
#include "gateway/metrics.hpp"

namespace pg::gateway {
namespace {

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
    }
    return "other";
}

}  // namespace

unit_runner::unit_runner(storage::store& store, config::settings const& s, metrics& m)
    : store_(store), settings_(s), metrics_(m)
{
}

unit_result unit_runner::run(model::inbound_event const& ev, model::timestamp now)
{
    // A redelivery is answered without running the dialog again.
    if (store_.seen(ev.dedupe_key)) {
        metrics_.add("pg_commits_total", {{"result", "duplicate"}});
        return {storage::commit_status::duplicate, {}, {}};
    }

    storage::unit_of_work work;
    bool const citizen_chat = ev.chat == model::chat_kind::private_chat && !ev.chat_id.empty();
    if (citizen_chat && ev.kind != model::event_kind::ignored) {
        work = citizen_step(ev, now);
    } else {
        // Group chatter, channel posts, service updates: recorded (so a
        // redelivery stays a duplicate) and otherwise dropped. A button press
        // is still acknowledged so the client stops its spinner.
        work.dedupe_key = ev.dedupe_key;
        metrics_.add("pg_events_ignored_total", {{"channel", ev.channel_id}, {"kind", kind_name(ev.kind)}});
        if (!ev.callback_id.empty()) {
            model::outbound_message ack;
            ack.kind = model::message_kind::callback_ack;
            ack.channel_id = ev.channel_id;
            ack.chat_id = ev.chat_id;
            ack.callback_id = ev.callback_id;
            work.outbox.push_back(std::move(ack));
        }
    }

    auto committed = store_.commit(work);
    switch (committed.status) {
    case storage::commit_status::committed:
        metrics_.add("pg_commits_total", {{"result", "committed"}});
        if (!work.petitions.empty())
            metrics_.add("pg_petitions_filed_total", {{"channel", ev.channel_id}}, work.petitions.size());
        break;
    case storage::commit_status::duplicate:
        metrics_.add("pg_commits_total", {{"result", "duplicate"}});
        break;
    case storage::commit_status::failed:
        metrics_.add("pg_commits_total", {{"result", "failed"}});
        break;
    }
    return {committed.status, std::move(committed.queued), std::move(committed.error)};
}

storage::unit_of_work unit_runner::citizen_step(model::inbound_event const& ev, model::timestamp now)
{
    auto state = store_.conversation(ev.channel_id, ev.chat_id);
    if (!state) {
        state.emplace();
        state->channel_id = ev.channel_id;
        state->chat_id = ev.chat_id;
    }

    store_lookup lookup(store_);
    std::uint64_t number = 0;
    dialog::context ctx{now, settings_.dialog, lookup, [&] {
                            number = store_.next_petition_number();
                            return dialog::tracking_number(number, settings_.tracking_key);
                        }};
    auto out = dialog::step(*state, ev, ctx);
    metrics_.add("pg_dialog_steps_total", {{"channel", ev.channel_id}});

    storage::unit_of_work work;
    work.dedupe_key = ev.dedupe_key;
    work.conversation = std::move(out.next);
    if (out.filed) {
        out.filed->number = number;
        for (auto& e : out.timeline)
            work.timeline.emplace_back(out.filed->tracking, std::move(e));
        work.petitions.push_back(std::move(*out.filed));
    }
    work.outbox = std::move(out.replies);
    return work;
}

}  // namespace pg::gateway
