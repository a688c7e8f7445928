#include "dialog/citizen_flow.hpp"

#include "dialog_fixture.hpp"
#include "dialog/input.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace pg::dialog {
namespace {

using namespace fixture;
using model::dialog_step;

bool known_step(dialog_step s)
{
    for (auto k : all_steps)
        if (k == s)
            return true;
    return false;
}

bool filing_step(dialog_step s)
{
    return s == dialog_step::category || s == dialog_step::location || s == dialog_step::description ||
           s == dialog_step::since || s == dialog_step::outcome || s == dialog_step::photos ||
           s == dialog_step::confirm || s == dialog_step::edit_field || s == dialog_step::split ||
           s == dialog_step::duplicates;
}

// Mixed events, weighted towards what moves the dialog along, so that every
// step is visited many times.
class event_source {
public:
    explicit event_source(std::uint32_t seed) : rng_(seed) {}

    model::inbound_event next(std::vector<std::string> const& known_tracking)
    {
        auto pick = [&](auto const& v) -> decltype(auto) { return v[index(v.size())]; };
        static std::vector<std::string> const typed{
            "1", "2", "3", "4", "5", "9", "12", "0", "done", "skip", "send", "edit", "yes", "cancel", "back", "menu",
            "help", "language", "/start", "/cancel", "/back", "/help", "/language", "/unknown", "English", "中文",
            "完成", "确认", "修改", "取消", "返回", "菜单", "帮助", "语言", "zh", "en", "track", "file", "Street lighting",
            "道路、人行道和交通", "roads", "Place", "", "   ", "hi", "短", "7KQM-2X4D", "anything",
            "Main Street 12", good_description, std::string(1001, 'x'), std::string(400, 'y'),
            "路面有一个大坑，大约三十厘米宽，从周一开始就有了，请尽快修补。", "\U0001F600\U0001F600",
            "add", "Add information", "补充信息", "The hole got bigger after the rain yesterday.",
            two_requests, "since Monday", "fill it",
        };
        static std::vector<std::string> const data{
            "m:file", "m:track", "m:draft", "help", "lang", "menu", "cancel", "back", "c:roads", "c:other",
            "c:gone", "ok", "edit", "e:category", "e:location", "e:description", "e:photos", "e:bogus", "p:done",
            "p:clear", "l:en", "l:zh-CN", "l:fr", "t:7KQM-2X4D", "t:", "", "zz",
            "a:7KQM-2X4D", "a:", "r:7KQM-2X4D:4", "r:7KQM-2X4D:4y", "r:", "r:x:9", "r:x:3q",
            "skip", "s:one", "s:first", "d:new", "f:NEAR-0001", "f:", "e:since", "e:outcome",
        };
        model::inbound_event ev;
        switch (index(12)) {
        case 0: case 1: case 2: case 3:
            ev = text_event(pick(typed));
            break;
        case 4: {
            if (known_tracking.empty()) {
                ev = text_event("nope");
                break;
            }
            // One of the citizen's own petitions: typed (half the time), or its
            // add-information or rating buttons.
            auto const& t = pick(known_tracking);
            if (index(2) == 0) {
                ev = text_event(t);
                break;
            }
            auto const n = std::to_string(1 + index(5));
            std::vector<std::string> const forms{"a:" + t, "r:" + t + ":" + n, "r:" + t + ":" + n + "y",
                                                 "r:" + t + ":" + n + "n"};
            ev = button_event(pick(forms));
            break;
        }
        case 5: case 6:
            ev = button_event(pick(data), index(4) == 0 ? "" : "cb");
            break;
        case 7: {
            std::vector<std::string> ids;
            for (std::size_t i = 0, n = 1 + index(3); i < n; ++i)
                ids.push_back("ph" + std::to_string(index(1000)));
            ev = photo_event(ids, index(3) == 0 ? good_description : "");
            break;
        }
        case 8:
            ev = location_event(48.1 + double(index(100)) / 1000, 11.5, index(2) ? "Venue" : "");
            break;
        case 9:
            ev = index(2) ? unsupported_event() : ignored_event();
            break;
        case 10:
            ev = index(2) ? edited_text_event(pick(typed)) : location_event(1, 2);
            ev.edited = true;
            break;
        default:
            ev = text_event(random_text());
        }
        ev.language = index(2) ? "zh-hans" : "fr";
        return ev;
    }

private:
    std::size_t index(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

    std::string random_text()
    {
        static std::vector<std::string> const pieces{"a", "Z", " ", "路", "-", "3", "\n", "é", "\U0001F600", "/", "."};
        std::string s;
        for (std::size_t i = 0, n = index(40); i < n; ++i)
            s += pieces[index(pieces.size())];
        return s;
    }

    std::mt19937 rng_;
};

bool known_tracking(std::vector<std::string> const& known, std::string const& t)
{
    return std::find(known.begin(), known.end(), t) != known.end();
}

// What the gateway does with the dialog's requests: apply them to the stored petition.
void apply_requests(harness& h, outcome const& out)
{
    petition_context const ctx{h.now, demo_data(), "en", {}};
    actor const citizen{model::actor_kind::citizen, user, {}, channel};
    for (auto const& r : out.requests) {
        auto& p = h.lookup.petitions.at(r.tracking);
        auto const applied = apply_citizen(p, r, citizen, ctx);
        if (!applied.applied)
            continue;
        p = applied.next;
        auto& tl = h.lookup.timelines[r.tracking];
        tl.insert(tl.end(), applied.timeline.begin(), applied.timeline.end());
    }
}

// Now and then an official answers one of the citizen's petitions, so that ratings can happen.
void answer_some(harness& h, std::vector<std::string> const& known, int i)
{
    if (known.empty() || i % 7 != 0)
        return;
    auto& p = h.lookup.petitions.at(known[std::size_t(i) % known.size()]);
    if (!model::is_open(p.current) || p.current == model::status::answered)
        return;
    p.current = model::status::answered;
    model::timeline_event e;
    e.at = h.now + std::chrono::milliseconds{1};
    e.to = model::status::answered;
    e.actor = model::actor_kind::staff;
    e.note = "Filled on Tuesday.";
    h.lookup.timelines[p.tracking].push_back(e);
}

TEST(random_walk, keeps_every_promise_for_10000_events)
{
    harness h;
    event_source source(20231114);
    model::conversation st;
    std::vector<std::string> known;
    std::size_t filed = 0, rated = 0;
    std::ptrdiff_t added = 0;
    std::vector<int> visits(all_steps.size());
    // Another citizen's petitions where the walk files, so the duplicate offer comes up.
    for (auto const* category : {"roads", "other"}) {
        model::petition near;
        near.tracking = std::string("NEAR-000") + (category[0] == 'r' ? "1" : "2");
        near.channel_id = channel;
        near.chat_id = "another-chat";
        near.category = category;
        near.location_text = "venue";  // as the walk's shared venues are named
        near.location = model::geo_point{48.15, 11.5};
        near.submitted_at = t0 - std::chrono::days{1};
        h.lookup.nearby.push_back(near);
        h.lookup.petitions[near.tracking] = near;
    }
    for (int i = 0; i < 10'000; ++i) {
        // A new conversation now and then, so start is hit too; twice one parked
        // at the checks before filing, which a walk seldom reaches (few drafts are complete).
        if (i == 5000)
            st = at(dialog_step::split);
        else if (i == 7500)
            st = at(dialog_step::duplicates);
        else if (i % 2500 == 0)
            st = model::conversation{};
        h.now = t0 + std::chrono::seconds{i};
        answer_some(h, known, i);
        auto const ev = source.next(known);
        auto const calls_before = h.tracking_calls;
        outcome out;
        ASSERT_NO_THROW(out = h.run(st, ev)) << "event " << i;
        auto const where = "event " + std::to_string(i) + " at " + std::string(model::to_string(st.step)) +
                           ", text '" + ev.text + "'";

        auto const& next = out.next;
        ASSERT_TRUE(known_step(next.step)) << where;
        if (ev.kind != model::event_kind::ignored && !(ev.edited && ev.kind != model::event_kind::text)) {
            ASSERT_NE(next.step, dialog_step::start) << where;
        }
        ASSERT_EQ(next.events, st.events + 1) << where;
        // Editing one field survives a detour to the language menu, and only that.
        bool const editing_ok = filing_step(next.step) ||
                                (next.step == dialog_step::language && filing_step(next.resume_step));
        ASSERT_TRUE(!next.editing || editing_ok) << where;
        if (next.step == dialog_step::language) {
            ASSERT_TRUE(next.resume_step != dialog_step::language && next.resume_step != dialog_step::start) << where;
        }
        if (next.step == dialog_step::confirm) {
            ASSERT_FALSE(next.draft.category.empty()) << where;
            ASSERT_FALSE(next.draft.description.empty()) << where;
        }
        ASSERT_LE(next.draft.photo_ids.size(), demo_data().citizen.max_photos) << where;
        ASSERT_LE(next.petitions.size(), demo_data().citizen.remembered_petitions) << where;
        if (next.step == dialog_step::add_info) {
            ASSERT_TRUE(known_tracking(known, next.target_petition)) << where;
        }
        for (auto const& r : out.requests) {
            ASSERT_TRUE(known_tracking(known, r.tracking)) << where;
            switch (r.what) {
            case citizen_request::kind::add_info:
                ASSERT_TRUE(!r.text.empty() || !r.photo_ids.empty()) << where;
                ASSERT_LE(code_points(r.text), demo_data().citizen.description_max) << where;
                ASSERT_LE(r.photo_ids.size(), demo_data().citizen.max_photos) << where;
                ASSERT_EQ(st.step, dialog_step::add_info) << where;
                break;
            case citizen_request::kind::rate:
                ASSERT_TRUE(r.rating >= 1 && r.rating <= 5) << where;
                ASSERT_EQ(h.lookup.petitions.at(r.tracking).current, model::status::answered) << where;
                ++rated;
                break;
            case citizen_request::kind::not_resolved:
                break;
            }
        }
        if (next.step != dialog_step::start) {
            ASSERT_TRUE(next.language == "en" || next.language == "zh-CN") << where;
        }

        if (ev.kind == model::event_kind::ignored) {
            ASSERT_TRUE(out.replies.empty()) << where;
        }
        if (ev.kind == model::event_kind::button && !ev.callback_id.empty()) {
            ASSERT_FALSE(out.replies.empty()) << where;
            ASSERT_EQ(out.replies[0].kind, model::message_kind::callback_ack) << where;
        }
        for (auto const& m : out.replies) {
            ASSERT_EQ(m.chat_id, chat) << where;
            if (m.kind == model::message_kind::callback_ack)
                continue;
            ASSERT_FALSE(m.text.empty()) << where;
            ASSERT_LE(code_points(m.text), 4000u) << where;
            ASSERT_LE(utf16_units(m.text), 4000u) << where;
            ASSERT_EQ(m.text.find('{'), std::string::npos) << where << ": unfilled placeholder in " << m.text;
            for (auto const& row : m.buttons)
                for (auto const& b : row) {
                    ASSERT_FALSE(b.label.empty()) << where;
                    ASSERT_FALSE(b.data.empty()) << where;
                    ASSERT_LE(b.data.size(), 64u) << where;
                }
        }

        if (out.filed) {
            ++filed;
            ASSERT_EQ(h.tracking_calls, calls_before + 1) << where;
            ASSERT_EQ(out.timeline.size(), 1u) << where;
            ASSERT_FALSE(out.filed->description.empty()) << where;
            ASSERT_EQ(next.petitions.back(), out.filed->tracking) << where;
            h.lookup.add(*out.filed, out.timeline);
            known.push_back(out.filed->tracking);
        } else {
            ASSERT_EQ(h.tracking_calls, calls_before) << where;
            ASSERT_TRUE(out.timeline.empty()) << where;
        }
        apply_requests(h, out);
        added += std::count_if(out.requests.begin(), out.requests.end(),
                               [](auto const& r) { return r.what == citizen_request::kind::add_info; });
        for (std::size_t k = 0; k < all_steps.size(); ++k)
            visits[k] += all_steps[k] == next.step;
        st = next;
    }
    EXPECT_GT(filed, 0u) << "the walk should file petitions now and then";
    EXPECT_GT(rated, 0u) << "the walk should rate answers now and then";
    EXPECT_GT(added, 0) << "the walk should add information now and then";
    for (std::size_t k = 1; k < all_steps.size(); ++k)  // all but start, which is left at once
        EXPECT_GT(visits[k], 0) << model::to_string(all_steps[k]) << " never visited";
}

}  // namespace
}  // namespace pg::dialog
