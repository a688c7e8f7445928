#include "storage/codec.hpp"

#include "model/json_writer.hpp"

#include <simdjson.h>

#include <array>
#include <cmath>
#include <concepts>
#include <optional>
#include <type_traits>
#include <utility>

namespace pg::storage {
namespace {

using model::json_writer;

constexpr int version = 1;

// Thrown while decoding when a value has the wrong JSON type or no meaning (an
// unknown status name, say); caught at the top.
struct bad_record {};

constexpr std::array<std::pair<model::message_kind, std::string_view>, 4> kind_names{{
    {model::message_kind::text, "text"},
    {model::message_kind::callback_ack, "callback_ack"},
    {model::message_kind::open_thread, "open_thread"},
    {model::message_kind::photo, "photo"},
}};

std::string_view to_string(model::message_kind k)
{
    for (auto const& [v, n] : kind_names)
        if (v == k)
            return n;
    return "text";
}

std::optional<model::message_kind> kind_from_string(std::string_view s)
{
    for (auto const& [v, n] : kind_names)
        if (n == s)
            return v;
    return std::nullopt;
}

// ---- encoding ----

void put_geo(json_writer& w, std::optional<model::geo_point> const& g)
{
    if (g && std::isfinite(g->latitude) && std::isfinite(g->longitude))
        w.key("geo").begin_array().number(g->latitude).number(g->longitude).end_array();
}

void put_strings(json_writer& w, std::string_view key, std::vector<std::string> const& v)
{
    w.key(key).begin_array();
    for (auto const& s : v)
        w.str(s);
    w.end_array();
}

// The fields of an outbox entry, inside an object the caller opened and closes.
void put_entry(json_writer& w, model::outbox_entry const& e)
{
    auto const& m = e.message;
    w.key("v").i64(version);
    w.key("kind").str(to_string(m.kind));
    w.key("ch").str(m.channel_id);
    w.key("chat").str(m.chat_id);
    w.key("text").str(m.text);
    w.key("buttons").begin_array();
    for (auto const& row : m.buttons) {
        w.begin_array();
        for (auto const& b : row)
            w.begin_array().str(b.label).str(b.data).end_array();
        w.end_array();
    }
    w.end_array();
    w.key("loc_label").str(m.location_label);
    w.key("thread").str(m.thread_id);
    w.key("thread_key").str(m.thread_key);
    w.key("title").str(m.title);
    w.key("cb").str(m.callback_id);
    w.key("media").str(m.media_id);
    w.key("lang").str(m.language);
    w.key("heard").i64(model::to_millis(m.heard_at));
    w.key("notice_tracking").str(m.notice_tracking);
    w.key("notice_status").str(m.notice_status);
    w.key("reply_token").str(m.reply_token);
    w.key("reply_token_at").i64(model::to_millis(m.reply_token_at));
    w.key("attempts").u64(e.attempts);
    w.key("created").i64(model::to_millis(e.created_at));
}

// ---- decoding ----
// simdjson: a record is read on every webhook (the conversation), and building a
// tree of values for it cost more than the dialog step itself.

using record = simdjson::dom::object;
using simdjson::dom::element;

void read(element e, std::string& out)
{
    std::string_view v;
    if (e.get(v) != simdjson::SUCCESS)
        throw bad_record{};
    out = v;
}

void read(element e, bool& out)
{
    if (e.get(out) != simdjson::SUCCESS)
        throw bad_record{};
}

template <std::integral T>
void read(element e, T& out)
{
    using wide = std::conditional_t<std::is_signed_v<T>, std::int64_t, std::uint64_t>;
    wide v = 0;
    if (e.get(v) != simdjson::SUCCESS || !std::in_range<T>(v))
        throw bad_record{};
    out = static_cast<T>(v);
}

void read(element e, std::vector<std::string>& out)
{
    simdjson::dom::array a;
    if (e.get(a) != simdjson::SUCCESS)
        throw bad_record{};
    out.clear();
    for (element x : a)
        read(x, out.emplace_back());
}

// The value at key, or nullopt when the record has no such key.
std::optional<element> field(record const& o, std::string_view key)
{
    element e;
    auto const error = o[key].get(e);
    if (error == simdjson::NO_SUCH_FIELD)
        return std::nullopt;
    if (error != simdjson::SUCCESS)
        throw bad_record{};
    return e;
}

// A missing key leaves `out` as it is; a key of the wrong type is a bad record.
template <class T>
void get(record const& o, std::string_view key, T& out)
{
    if (auto e = field(o, key))
        read(*e, out);
}

void get_time(record const& o, std::string_view key, model::timestamp& out)
{
    std::int64_t ms = model::to_millis(out);
    get(o, key, ms);
    out = model::from_millis(ms);
}

template <class E, class F>
void get_enum(record const& o, std::string_view key, E& out, F from_string)
{
    auto e = field(o, key);
    if (!e)
        return;
    std::string name;
    read(*e, name);
    auto v = from_string(name);
    if (!v)
        throw bad_record{};
    out = *v;
}

// Absent or null: no value. Anything but a boolean is a bad record.
void get_optional_bool(record const& o, std::string_view key, std::optional<bool>& out)
{
    auto e = field(o, key);
    if (!e || e->is_null())
        return;
    bool v = false;
    read(*e, v);
    out = v;
}

// Absent or null: no value.
void get_optional_time(record const& o, std::string_view key, std::optional<model::timestamp>& out)
{
    auto e = field(o, key);
    if (!e || e->is_null())
        return;
    std::int64_t ms = 0;
    read(*e, ms);
    out = model::from_millis(ms);
}

void get_geo(record const& o, std::optional<model::geo_point>& out)
{
    auto e = field(o, "geo");
    if (!e)
        return;
    simdjson::dom::array a;
    double lat = 0, lon = 0;
    if (e->get(a) != simdjson::SUCCESS || a.size() != 2 || a.at(0).get(lat) != simdjson::SUCCESS ||
        a.at(1).get(lon) != simdjson::SUCCESS)
        throw bad_record{};
    out = model::geo_point{lat, lon};
}

// Parses a v1 object and hands it to `read`; anything else is nullopt. One
// parser per thread keeps its buffers from record to record.
template <class T, class F>
std::optional<T> decode(std::string_view bytes, F read_record)
{
    thread_local simdjson::dom::parser parser;
    record j;
    std::int64_t v = 0;
    if (parser.parse(bytes.data(), bytes.size()).get(j) != simdjson::SUCCESS ||
        j["v"].get(v) != simdjson::SUCCESS || v != version)
        return std::nullopt;
    try {
        return read_record(j);
    } catch (bad_record const&) {
        return std::nullopt;
    }
}

model::outbox_entry read_entry(record const& j, std::uint64_t seq)
{
    model::outbox_entry e;
    e.seq = seq;
    auto& m = e.message;
    get_enum(j, "kind", m.kind, kind_from_string);
    get(j, "ch", m.channel_id);
    get(j, "chat", m.chat_id);
    get(j, "text", m.text);
    if (auto buttons = field(j, "buttons")) {
        simdjson::dom::array rows;
        if (buttons->get(rows) != simdjson::SUCCESS)
            throw bad_record{};
        for (element row : rows) {
            simdjson::dom::array bs;
            if (row.get(bs) != simdjson::SUCCESS)
                throw bad_record{};
            auto& out = m.buttons.emplace_back();
            for (element b : bs) {
                std::vector<std::string> pair;
                read(b, pair);
                if (pair.size() != 2)
                    throw bad_record{};
                out.push_back({std::move(pair[0]), std::move(pair[1])});
            }
        }
    }
    get(j, "loc_label", m.location_label);
    get(j, "thread", m.thread_id);
    get(j, "thread_key", m.thread_key);
    get(j, "title", m.title);
    get(j, "cb", m.callback_id);
    get(j, "media", m.media_id);
    get(j, "lang", m.language);
    get_time(j, "heard", m.heard_at);
    get(j, "notice_tracking", m.notice_tracking);
    get(j, "notice_status", m.notice_status);
    get(j, "reply_token", m.reply_token);
    get_time(j, "reply_token_at", m.reply_token_at);
    get(j, "attempts", e.attempts);
    get_time(j, "created", e.created_at);
    return e;
}

}  // namespace

std::string encode(model::conversation const& c)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("ch").str(c.channel_id);
    w.key("chat").str(c.chat_id);
    w.key("user").str(c.user_id);
    w.key("step").str(model::to_string(c.step));
    w.key("resume").str(model::to_string(c.resume_step));
    w.key("editing").boolean(c.editing);
    w.key("lang").str(c.language);
    w.key("draft").begin_object();
    w.key("cat").str(c.draft.category);
    w.key("loc").str(c.draft.location_text);
    put_geo(w, c.draft.location);
    w.key("desc").str(c.draft.description);
    put_strings(w, "photos", c.draft.photo_ids);
    // Guided drafting: only what was asked or chosen, so other records stay as they were.
    if (!c.draft.since.empty())
        w.key("since").str(c.draft.since);
    if (!c.draft.outcome.empty())
        w.key("outcome").str(c.draft.outcome);
    if (c.draft.since_asked)
        w.key("since_asked").boolean(true);
    if (c.draft.outcome_asked)
        w.key("outcome_asked").boolean(true);
    if (c.draft.split_answered)
        w.key("split_answered").boolean(true);
    if (!c.draft.rest.empty())
        w.key("rest").str(c.draft.rest);
    if (c.draft.duplicates_answered)
        w.key("duplicates_answered").boolean(true);
    w.end_object();
    w.key("target").str(c.target_petition);
    put_strings(w, "petitions", c.petitions);
    if (!c.following.empty())
        put_strings(w, "following", c.following);
    if (!c.offered.empty())  // only on platforms without buttons: other records stay as they were
        put_strings(w, "offered", c.offered);
    w.key("events").u64(c.events);
    w.key("updated").i64(model::to_millis(c.updated_at));
    return w.end_object().take();
}

namespace {
// Defined with the citizens below.
void put_identities(json_writer& w, std::string_view key, std::vector<model::identity> const& v);
void get_identities(record const& o, std::string_view key, std::vector<model::identity>& out);
}  // namespace

std::string encode(model::petition const& p)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("number").u64(p.number);
    w.key("tracking").str(p.tracking);
    w.key("ch").str(p.channel_id);
    w.key("chat").str(p.chat_id);
    w.key("user").str(p.user_id);
    w.key("lang").str(p.language);
    w.key("cat").str(p.category);
    w.key("dept").str(p.department);
    w.key("loc").str(p.location_text);
    put_geo(w, p.location);
    w.key("desc").str(p.description);
    put_strings(w, "photos", p.photo_ids);
    w.key("status").str(model::to_string(p.current));
    w.key("submitted").i64(model::to_millis(p.submitted_at));
    w.key("response_due").i64(model::to_millis(p.response_due_at));
    w.key("deadline").i64(model::to_millis(p.deadline_at));
    w.key("assignee").str(p.assignee);
    w.key("transfers").i64(p.transfers);
    w.key("rating").i64(p.rating);
    if (p.resolved)
        w.key("resolved").boolean(*p.resolved);
    if (p.paused_since)  // only while paused: other records stay as they were
        w.key("paused_since").i64(model::to_millis(*p.paused_since));
    if (p.erased_at)
        w.key("erased_at").i64(model::to_millis(*p.erased_at));
    // Guided drafting and followers: only when present, so other records stay as they were.
    if (!p.since.empty())
        w.key("since").str(p.since);
    if (!p.outcome.empty())
        w.key("outcome").str(p.outcome);
    if (!p.followers.empty())
        put_identities(w, "followers", p.followers);
    return w.end_object().take();
}

std::string encode(model::timeline_event const& e)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("at").i64(model::to_millis(e.at));
    w.key("kind").str(model::to_string(e.kind));
    w.key("to").str(model::to_string(e.to));
    w.key("actor").str(model::to_string(e.actor));
    w.key("actor_id").str(e.actor_id);
    w.key("actor_name").str(e.actor_name);
    w.key("ch").str(e.channel_id);
    w.key("dept").str(e.department);
    w.key("note").str(e.note);
    if (!e.digest.empty())
        w.key("digest").str(e.digest);
    if (!e.erased_content.empty())
        w.key("erased").str(e.erased_content);
    return w.end_object().take();
}

std::string encode(model::outbox_entry const& e)
{
    json_writer w;
    w.begin_object();
    put_entry(w, e);
    return w.end_object().take();
}

std::string encode_dead_letter(model::outbox_entry const& e, std::string_view reason)
{
    json_writer w;
    w.begin_object();
    put_entry(w, e);
    w.key("reason").str(reason);
    return w.end_object().take();
}

std::optional<model::conversation> decode_conversation(std::string_view bytes)
{
    return decode<model::conversation>(bytes, [](record const& j) {
        model::conversation c;
        get(j, "ch", c.channel_id);
        get(j, "chat", c.chat_id);
        get(j, "user", c.user_id);
        get_enum(j, "step", c.step, model::dialog_step_from_string);
        get_enum(j, "resume", c.resume_step, model::dialog_step_from_string);
        get(j, "editing", c.editing);
        get(j, "lang", c.language);
        if (auto draft = field(j, "draft")) {
            record d;
            if (draft->get(d) != simdjson::SUCCESS)
                throw bad_record{};
            get(d, "cat", c.draft.category);
            get(d, "loc", c.draft.location_text);
            get_geo(d, c.draft.location);
            get(d, "desc", c.draft.description);
            get(d, "photos", c.draft.photo_ids);
            get(d, "since", c.draft.since);
            get(d, "outcome", c.draft.outcome);
            get(d, "since_asked", c.draft.since_asked);
            get(d, "outcome_asked", c.draft.outcome_asked);
            get(d, "split_answered", c.draft.split_answered);
            get(d, "rest", c.draft.rest);
            get(d, "duplicates_answered", c.draft.duplicates_answered);
        }
        get(j, "target", c.target_petition);
        get(j, "petitions", c.petitions);
        get(j, "following", c.following);
        get(j, "offered", c.offered);
        get(j, "events", c.events);
        get_time(j, "updated", c.updated_at);
        return c;
    });
}

std::optional<model::petition> decode_petition(std::string_view bytes)
{
    return decode<model::petition>(bytes, [](record const& j) {
        model::petition p;
        get(j, "number", p.number);
        get(j, "tracking", p.tracking);
        get(j, "ch", p.channel_id);
        get(j, "chat", p.chat_id);
        get(j, "user", p.user_id);
        get(j, "lang", p.language);
        get(j, "cat", p.category);
        get(j, "dept", p.department);
        get(j, "loc", p.location_text);
        get_geo(j, p.location);
        get(j, "desc", p.description);
        get(j, "photos", p.photo_ids);
        get_enum(j, "status", p.current, model::status_from_string);
        get_time(j, "submitted", p.submitted_at);
        get_time(j, "response_due", p.response_due_at);
        get_time(j, "deadline", p.deadline_at);
        get(j, "assignee", p.assignee);
        get(j, "transfers", p.transfers);  // absent before transfers were counted: 0
        get(j, "rating", p.rating);
        get_optional_bool(j, "resolved", p.resolved);
        get_optional_time(j, "paused_since", p.paused_since);  // absent: its clock runs
        get_optional_time(j, "erased_at", p.erased_at);
        get(j, "since", p.since);  // absent before guided drafting: empty
        get(j, "outcome", p.outcome);
        get_identities(j, "followers", p.followers);
        return p;
    });
}

std::optional<model::timeline_event> decode_timeline_event(std::string_view bytes)
{
    return decode<model::timeline_event>(bytes, [](record const& j) {
        model::timeline_event e;
        get_time(j, "at", e.at);
        get_enum(j, "kind", e.kind, model::entry_kind_from_string);
        get_enum(j, "to", e.to, model::status_from_string);
        get_enum(j, "actor", e.actor, model::actor_from_string);
        get(j, "actor_id", e.actor_id);
        get(j, "actor_name", e.actor_name);
        get(j, "ch", e.channel_id);
        get(j, "dept", e.department);
        get(j, "note", e.note);
        get(j, "digest", e.digest);
        get(j, "erased", e.erased_content);
        return e;
    });
}

std::optional<model::outbox_entry> decode_outbox_entry(std::string_view bytes, std::uint64_t seq)
{
    return decode<model::outbox_entry>(bytes, [seq](record const& j) { return read_entry(j, seq); });
}

std::optional<std::pair<model::outbox_entry, std::string>> decode_dead_letter(std::string_view bytes,
                                                                              std::uint64_t seq)
{
    return decode<std::pair<model::outbox_entry, std::string>>(bytes, [seq](record const& j) {
        std::pair<model::outbox_entry, std::string> out{read_entry(j, seq), {}};
        get(j, "reason", out.second);
        return out;
    });
}

std::optional<model::audit_entry> decode_audit_entry(std::string_view bytes)
{
    return decode<model::audit_entry>(bytes, [](record const& j) {
        model::audit_entry a;
        get_time(j, "at", a.at);
        get(j, "who", a.who);
        get(j, "via", a.via);
        get(j, "source", a.source);
        get(j, "method", a.method);
        get(j, "resource", a.resource);
        get(j, "action", a.action);
        get(j, "tracking", a.tracking);
        get(j, "status", a.status);
        return a;
    });
}

}  // namespace pg::storage

namespace pg::storage {

std::string encode(history_entry const& e)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("at").i64(model::to_millis(e.at));
    w.key("from").str(e.from);
    w.key("frame").str(e.frame);
    return w.end_object().take();
}

std::optional<history_entry> decode_history_entry(std::string_view bytes, std::uint64_t seq)
{
    return decode<history_entry>(bytes, [seq](record const& j) {
        history_entry e;
        e.seq = seq;
        get_time(j, "at", e.at);
        get(j, "from", e.from);
        get(j, "frame", e.frame);
        return e;
    });
}

// ---- citizens ----
// An identity is stored as [channel_id, chat_id].

namespace {

void put_identity(json_writer& w, model::identity const& i) { w.begin_array().str(i.channel_id).str(i.chat_id).end_array(); }

void put_identities(json_writer& w, std::string_view key, std::vector<model::identity> const& v)
{
    w.key(key).begin_array();
    for (auto const& i : v)
        put_identity(w, i);
    w.end_array();
}

model::identity read_identity(element e)
{
    std::vector<std::string> pair;
    read(e, pair);
    if (pair.size() != 2)
        throw bad_record{};
    return {std::move(pair[0]), std::move(pair[1])};
}

void get_identities(record const& o, std::string_view key, std::vector<model::identity>& out)
{
    auto e = field(o, key);
    if (!e)
        return;
    simdjson::dom::array a;
    if (e->get(a) != simdjson::SUCCESS)
        throw bad_record{};
    for (element x : a)
        out.push_back(read_identity(x));
}

}  // namespace

std::string encode(model::citizen const& c)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    put_identities(w, "ids", c.identities);
    if (c.preferred) {
        w.key("preferred");
        put_identity(w, *c.preferred);
    }
    put_identities(w, "unreachable", c.unreachable);
    return w.end_object().take();
}

std::string encode(model::link_code const& c)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("code").str(c.code);
    w.key("to");
    put_identity(w, c.issued_to);
    w.key("expires").i64(model::to_millis(c.expires_at));
    return w.end_object().take();
}

std::string encode(model::sent_notice const& n)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("to");
    put_identity(w, n.to);
    w.key("sent_id").str(n.sent_id);
    w.key("tracking").str(n.tracking);
    w.key("status").str(n.status);
    w.key("state").str(n.state);
    w.key("at").i64(model::to_millis(n.at));
    w.key("text").str(n.text);
    w.key("lang").str(n.language);
    return w.end_object().take();
}

std::string encode(model::audit_entry const& a)
{
    json_writer w;
    w.begin_object();
    w.key("v").i64(version);
    w.key("at").i64(model::to_millis(a.at));
    w.key("who").str(a.who);
    w.key("via").str(a.via);
    w.key("source").str(a.source);
    w.key("method").str(a.method);
    w.key("resource").str(a.resource);
    w.key("action").str(a.action);
    w.key("tracking").str(a.tracking);
    w.key("status").i64(a.status);
    return w.end_object().take();
}

std::optional<model::citizen> decode_citizen(std::string_view bytes)
{
    return decode<model::citizen>(bytes, [](record const& j) {
        model::citizen c;
        get_identities(j, "ids", c.identities);
        if (auto p = field(j, "preferred"))
            c.preferred = read_identity(*p);
        get_identities(j, "unreachable", c.unreachable);
        if (c.identities.empty())
            throw bad_record{};
        return c;
    });
}

std::optional<model::link_code> decode_link_code(std::string_view bytes)
{
    return decode<model::link_code>(bytes, [](record const& j) {
        model::link_code c;
        get(j, "code", c.code);
        auto to = field(j, "to");
        if (!to)
            throw bad_record{};
        c.issued_to = read_identity(*to);
        get_time(j, "expires", c.expires_at);
        return c;
    });
}

std::optional<model::sent_notice> decode_sent_notice(std::string_view bytes)
{
    return decode<model::sent_notice>(bytes, [](record const& j) {
        model::sent_notice n;
        auto to = field(j, "to");
        if (!to)
            throw bad_record{};
        n.to = read_identity(*to);
        get(j, "sent_id", n.sent_id);
        get(j, "tracking", n.tracking);
        get(j, "status", n.status);
        get(j, "state", n.state);
        get_time(j, "at", n.at);
        get(j, "text", n.text);
        get(j, "lang", n.language);
        return n;
    });
}

}  // namespace pg::storage
