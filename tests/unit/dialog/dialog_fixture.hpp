#pragma once
// What the citizen dialog tests share: a fixed clock, a map-backed store of
// petitions, event builders, and conversations parked at each step.
#include "dialog/citizen_flow.hpp"
#include "dialog/tracking.hpp"
#include "demo_data.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace pg::dialog::fixture {

inline constexpr model::timestamp t0 = model::from_millis(1'700'000'000'000);  // 2023-11-14 22:13 UTC

class map_lookup : public petition_lookup {
public:
    std::optional<model::petition> petition(std::string_view tracking) const override
    {
        auto const it = petitions.find(std::string(tracking));
        if (it == petitions.end())
            return std::nullopt;
        return it->second;
    }
    std::vector<model::timeline_event> timeline(std::string_view tracking) const override
    {
        auto const it = timelines.find(std::string(tracking));
        return it == timelines.end() ? std::vector<model::timeline_event>{} : it->second;
    }

    std::optional<model::link_code> link_code(std::string_view code) const override
    {
        auto const it = codes.find(std::string(code));
        if (it == codes.end())
            return std::nullopt;
        return it->second;
    }

    // Where the duplicate offer looks: `nearby`, by category and date (as the store filters).
    std::vector<model::petition> recent_open(std::string_view category, model::timestamp since) const override
    {
        std::vector<model::petition> out;
        for (auto const& p : nearby)
            if (p.category == category && p.submitted_at >= since && model::is_open(p.current))
                out.push_back(p);
        return out;
    }

    void add(model::petition p, std::vector<model::timeline_event> tl)
    {
        timelines[p.tracking] = std::move(tl);
        petitions[p.tracking] = std::move(p);
    }

    std::map<std::string, model::petition> petitions;
    std::map<std::string, std::vector<model::timeline_event>> timelines;
    std::map<std::string, model::link_code> codes;
    std::vector<model::petition> nearby;  // other citizens' petitions, for the duplicate offer
};

inline constexpr char const* channel = "telegram";
inline constexpr char const* chat = "5001";
inline constexpr char const* user = "u-42";

inline model::inbound_event event(model::event_kind kind, std::string text = {})
{
    model::inbound_event e;
    e.dedupe_key = "tg:telegram:1";
    e.channel_id = channel;
    e.chat_id = chat;
    e.user_id = user;
    e.kind = kind;
    e.text = std::move(text);
    e.language = "en";
    return e;
}
inline model::inbound_event text_event(std::string text) { return event(model::event_kind::text, std::move(text)); }
inline model::inbound_event button_event(std::string data, std::string callback = "cb-1")
{
    auto e = event(model::event_kind::button, std::move(data));
    e.callback_id = std::move(callback);
    return e;
}
inline model::inbound_event photo_event(std::vector<std::string> ids, std::string caption = {})
{
    auto e = event(model::event_kind::photo, std::move(caption));
    e.photo_ids = std::move(ids);
    return e;
}
inline model::inbound_event location_event(double lat, double lon, std::string title = {})
{
    auto e = event(model::event_kind::location, std::move(title));
    e.location = model::geo_point{lat, lon};
    return e;
}
inline model::inbound_event unsupported_event() { auto e = event(model::event_kind::unsupported); e.detail = "sticker"; return e; }
inline model::inbound_event ignored_event() { auto e = event(model::event_kind::ignored); e.detail = "group"; return e; }
inline model::inbound_event edited_text_event(std::string text)
{
    auto e = text_event(std::move(text));
    e.edited = true;
    return e;
}

inline std::string const good_description = "Deep pothole in the right lane, about 30 cm wide, since Monday; please fill it.";
inline std::string const good_location = "Main Street 12, outside the bakery";
// Two numbered requests, each long enough to be filed on its own.
inline std::string const two_requests =
    "Two problems on our street:\n1. The lamp at number 12 has been dark for a week.\n"
    "2. The drain at number 14 overflows whenever it rains.";

// A conversation parked at step s, with the draft that step implies.
inline model::conversation at(model::dialog_step s, std::string language = "en")
{
    using model::dialog_step;
    model::conversation c;
    c.channel_id = channel;
    c.chat_id = chat;
    c.user_id = user;
    c.step = s;
    c.language = std::move(language);
    c.events = 7;
    c.updated_at = t0 - std::chrono::minutes{5};
    if (s == dialog_step::start)
        c.language.clear();
    // The demo flow asks since when and what outcome after the description.
    auto const filing_order = {dialog_step::location, dialog_step::description, dialog_step::since,
                               dialog_step::outcome,  dialog_step::photos,      dialog_step::confirm,
                               dialog_step::edit_field, dialog_step::split,     dialog_step::duplicates};
    int depth = 0;
    for (auto f : filing_order) {
        ++depth;
        if (f == s)
            break;
    }
    bool const filing = s == dialog_step::location || s == dialog_step::description || s == dialog_step::since ||
                        s == dialog_step::outcome || s == dialog_step::photos || s == dialog_step::confirm ||
                        s == dialog_step::edit_field || s == dialog_step::split || s == dialog_step::duplicates;
    if (filing) {
        c.draft.category = "roads";
        if (depth >= 2) c.draft.location_text = good_location;
        if (depth >= 3) c.draft.description = good_description;
        if (depth >= 4) c.draft.since_asked = true;  // skipped
        if (depth >= 5) c.draft.outcome_asked = true;
        if (depth >= 6) c.draft.photo_ids = {"ph-1"};
    }
    if (s == dialog_step::split)  // the send that led here found two requests
        c.draft.description = two_requests;
    if (s == dialog_step::language)
        c.resume_step = dialog_step::category;
    if (s == dialog_step::add_info)
        c.target_petition = tracking_number(99, "k");  // not in any harness's store unless a test adds it
    return c;
}

inline std::vector<model::dialog_step> const all_steps{
    model::dialog_step::start,   model::dialog_step::menu,    model::dialog_step::category,
    model::dialog_step::location, model::dialog_step::description, model::dialog_step::photos,
    model::dialog_step::confirm, model::dialog_step::edit_field, model::dialog_step::track,
    model::dialog_step::language, model::dialog_step::add_info, model::dialog_step::since,
    model::dialog_step::outcome, model::dialog_step::split, model::dialog_step::duplicates,
};

// Runs the dialog with the demo data, a map of petitions and a counting tracking source.
struct harness {
    map_lookup lookup;
    int tracking_calls = 0;
    model::timestamp now = t0;
    calendar cal{};
    bool buttons = true;  // the channel shows inline buttons
    std::size_t max_buttons = 0;  // at most this many on one message; 0: no limit
    std::vector<model::identity> linked;        // the citizen's other chats
    std::vector<std::string> linked_petitions;  // filed from them

    outcome run(model::conversation const& state, model::inbound_event const& ev)
    {
        context ctx{now, demo_data(), demo_vocabulary(), lookup,
                    [this] { return tracking_number(std::uint64_t(++tracking_calls), "k"); }, cal, buttons};
        ctx.max_buttons = max_buttons;
        ctx.linked = linked;
        ctx.linked_petitions = linked_petitions;
        ctx.new_link_code = [] { return std::string("042137"); };
        return step(state, ev, ctx);
    }

    // Feeds events one after another, returning the last outcome; `state` follows.
    outcome feed(model::conversation& state, std::vector<model::inbound_event> const& events)
    {
        outcome out;
        for (auto const& e : events) {
            out = run(state, e);
            if (out.filed)
                lookup.add(*out.filed, out.timeline);
            state = out.next;
        }
        return out;
    }
};

// The text replies (callback acks left out).
inline std::vector<model::outbound_message> texts_of(outcome const& out)
{
    std::vector<model::outbound_message> r;
    for (auto const& m : out.replies)
        if (m.kind == model::message_kind::text)
            r.push_back(m);
    return r;
}

inline std::string all_text(outcome const& out)
{
    std::string s;
    for (auto const& m : texts_of(out))
        s += m.text + "\n";
    return s;
}

inline std::string const& last_text(outcome const& out)
{
    static std::string const none;
    auto const& r = out.replies;
    return r.empty() ? none : r.back().text;
}

inline std::vector<std::string> button_data(model::outbound_message const& m)
{
    std::vector<std::string> d;
    for (auto const& row : m.buttons)
        for (auto const& b : row)
            d.push_back(b.data);
    return d;
}

inline std::vector<std::string> last_buttons(outcome const& out)
{
    return out.replies.empty() ? std::vector<std::string>{} : button_data(out.replies.back());
}

inline bool has(std::string const& haystack, std::string const& needle)
{
    return haystack.find(needle) != std::string::npos;
}

inline bool draft_empty(model::petition_draft const& d)
{
    return d.category.empty() && d.location_text.empty() && !d.location && d.description.empty() && d.photo_ids.empty() &&
           d.since.empty() && d.outcome.empty() && !d.since_asked && !d.outcome_asked && d.rest.empty();
}

// A locale text as shipped, for asserting what the citizen reads.
inline std::string shipped(std::string const& code, std::string const& key)
{
    for (auto const& l : demo_data().locales)
        if (l.code == code)
            return l.texts.at(key);
    return {};
}

// The part of a shipped text before its first placeholder: stable to search for.
inline std::string head_of(std::string const& code, std::string const& key)
{
    auto t = shipped(code, key);
    return t.substr(0, t.find('{'));
}

}  // namespace pg::dialog::fixture
