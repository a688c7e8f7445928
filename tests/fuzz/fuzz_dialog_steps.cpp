// The citizen dialog driven by a conversation decoded from the input bytes:
// typed text (keywords in every shipped language, list numbers, tracking numbers,
// raw bytes, texts at and past every length limit), button presses (every data
// format the dialog offers, stale and forged ones), photos, locations, edits,
// unsupported and ignored updates. Petitions live in a map-backed lookup; the
// dialog data is the shipped demo's (and two variants of it that reach other
// branches: no photos and a list of one, and a single locale).
//
// After every step the outcome must keep the dialog's promises (fuzz::check
// aborts otherwise, and libFuzzer keeps the input): a reply to every event it
// acts on, no empty or overlong text, buttons Telegram accepts, valid UTF-8 out
// for valid UTF-8 in, a valid next step, a draft within the flow's limits, the
// list of own petitions capped, filed petitions complete.
#include "adapters/telegram/telegram.hpp"
#include "config/load.hpp"
#include "dialog/citizen_flow.hpp"
#include "dialog/input.hpp"
#include "dialog/tracking.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace pg;
using fuzz::check;
using model::dialog_step;

constexpr std::string_view channel = "telegram";
constexpr std::string_view chat = "1001";
constexpr std::string_view tracking_key = "fuzz-tracking-key";
constexpr model::timestamp t0{std::chrono::milliseconds{1'700'000'000'000}};
adapters::telegram::secrets const tg_secrets{"fuzz-webhook-secret", "123456:fuzz-bot-token"};

constexpr dialog_step all_steps[] = {
    dialog_step::start, dialog_step::menu,       dialog_step::category, dialog_step::location,
    dialog_step::description, dialog_step::photos, dialog_step::confirm, dialog_step::edit_field,
    dialog_step::track, dialog_step::language,   dialog_step::add_info, dialog_step::since,
    dialog_step::outcome, dialog_step::split,    dialog_step::duplicates,
};

// ---- dialog data: the shipped demo, and variants of it ----

model::dialog_data const& demo()
{
    static model::dialog_data const data = [] {
        auto no_env = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
        return config::load(std::string(PG_SOURCE_DIR) + "/config/demo/demo.json", no_env).dialog;
    }();
    return data;
}

std::array<model::dialog_data, 3> const& data_variants()
{
    static std::array<model::dialog_data, 3> const v = [] {
        std::array<model::dialog_data, 3> out{demo(), demo(), demo()};
        out[1].citizen.max_photos = 0;          // photos skipped everywhere
        out[1].citizen.remembered_petitions = 1;
        out[1].citizen.description_min = 1;
        out[1].citizen.location_max = 5;
        out[2].locales.erase(out[2].locales.begin());  // only the second locale: its texts fall back to nothing
        if (out[2].locales.empty())
            out[2].locales = demo().locales;
        return out;
    }();
    return v;
}

// ---- stored petitions ----

class map_lookup final : public dialog::petition_lookup {
public:
    std::optional<model::petition> petition(std::string_view tracking) const override
    {
        auto it = petitions_.find(tracking);
        if (it == petitions_.end())
            return std::nullopt;
        return it->second;
    }
    std::vector<model::timeline_event> timeline(std::string_view tracking) const override
    {
        auto it = timelines_.find(tracking);
        if (it == timelines_.end())
            return {};
        return it->second;
    }
    bool has(std::string_view tracking) const { return petitions_.find(tracking) != petitions_.end(); }
    void add(model::petition p, std::vector<model::timeline_event> timeline)
    {
        auto const key = p.tracking;
        auto& stored = timelines_[key];
        stored.insert(stored.end(), timeline.begin(), timeline.end());
        petitions_[key] = std::move(p);
    }

private:
    std::map<std::string, model::petition, std::less<>> petitions_;
    std::map<std::string, std::vector<model::timeline_event>, std::less<>> timelines_;
};

std::string tracking(std::uint64_t n) { return dialog::tracking_number(n, tracking_key); }

std::string repeat(std::string_view unit, std::size_t n)
{
    std::string out;
    out.reserve(unit.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        out += unit;
    return out;
}

// A few stored petitions: the citizen's own, a stranger's, one whose category and
// department the config no longer has, and one with a timeline far past any budget.
map_lookup const& seeded_lookup()
{
    static map_lookup const lookup = [] {
        map_lookup l;
        auto make = [](std::uint64_t n, std::string chat_id, std::string category, model::status st) {
            model::petition p;
            p.number = n;
            p.tracking = tracking(n);
            p.channel_id = std::string(channel);
            p.chat_id = std::move(chat_id);
            p.user_id = p.chat_id;
            p.language = "en";
            p.category = std::move(category);
            p.department = "transport";
            p.location_text = "Main Street 12";
            p.description = "A pothole outside No. 12, about 30 cm wide";
            p.current = st;
            p.submitted_at = t0 - std::chrono::days{20};
            p.response_due_at = p.submitted_at + std::chrono::days{3};
            p.deadline_at = p.submitted_at + std::chrono::days{15};
            return p;
        };
        auto entry = [](int minutes, model::status to, std::string note, std::string department) {
            model::timeline_event e;
            e.at = t0 - std::chrono::days{20} + std::chrono::minutes{minutes};
            e.to = to;
            e.actor = model::actor_kind::staff;
            e.channel_id = std::string(channel);
            e.department = std::move(department);
            e.note = std::move(note);
            return e;
        };

        // 1: own, answered, with a timeline far longer than one message.
        std::vector<model::timeline_event> long_timeline;
        for (int i = 0; i < 60; ++i)
            long_timeline.push_back(entry(60 - i, i % 2 ? model::status::in_progress : model::status::transferred,
                                          repeat(i % 3 ? "路面坑洼🚧" : "note ", 200), i % 4 ? "transport" : ""));
        // The answer came after the conversation last moved: a typed "4" rates it.
        auto answered = entry(0, model::status::answered, "The pothole was filled.", "transport");
        answered.at = t0 - std::chrono::minutes{30};
        long_timeline.push_back(answered);
        l.add(make(1, std::string(chat), "roads", model::status::answered), std::move(long_timeline));

        // 2: a stranger's, closed: its notes must never be shown here.
        l.add(make(2, "2002", "waste", model::status::closed),
              {entry(0, model::status::submitted, "submitted", "sanitation"),
               entry(5, model::status::closed, "private note {tracking} {count}", "sanitation")});

        // 3: own, a category and department the config no longer has, a point and no typed place.
        auto gone = make(3, std::string(chat), "gone_category", model::status::in_progress);
        gone.department = "gone_department";
        gone.location_text.clear();
        gone.location = model::geo_point{1e308, -1e308};
        gone.description = repeat("長", 1000);
        gone.photo_ids = {"a", "b", "c", "d", "e", "f"};
        l.add(std::move(gone), {entry(0, model::status::in_progress, repeat("\xF0\x9F\x9A\xA7", 5000), "gone_department")});

        // 4: a stranger's with no timeline at all.
        l.add(make(4, "3003", "other", model::status::submitted), {});
        return l;
    }();
    return lookup;
}

// ---- the input, decoded ----

std::vector<std::string> const& vocabulary()
{
    static std::vector<std::string> const words = [] {
        std::vector<std::string> w{
            "/start", "/start@city_bot ref42", "/help", "/menu", "/cancel", "/back", "/language", "/lang",
            "/unknown", "/", "menu", "Cancel!", "ｃａｎｃｅｌ。", "back", "help", "1", "2", "3", "4", "5", "6",
            "7", "8", "9", "10", "11", "0", "00", "1000", "99)", "3.", "１", "２)", "yes", "send", "edit",
            "done", "skip", "roads", "other", "Main Street 12", "A pothole outside No. 12, about 30 cm wide",
            "{count}", "{tracking}", "%s%n", "\u3000", "", " ", "\n", "\xC2\xA0", "🚧", "\u200B",
            "7KQM-2X4D", "7kqm 2x4d", "OOOO-IIII", "0000-0000", "ZZZZ-ZZZZ", "#", "@city_bot",
        };
        for (std::uint64_t n = 1; n <= 4; ++n) {
            auto const t = tracking(n);
            w.push_back(t);
            auto lower = t;
            std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
                return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
            });
            w.push_back(" " + lower + " ");
        }
        w.push_back(tracking(100));  // the first one this run files
        // Every short text of every shipped locale: labels, keywords ("cancel|stop" split).
        for (auto const& l : demo().locales) {
            w.push_back(l.name);
            w.push_back(l.code);
            for (auto const& [key, value] : l.texts) {
                if (value.size() > 48 || value.find('{') != std::string::npos)
                    continue;
                for (std::size_t from = 0; from <= value.size();) {
                    auto const bar = std::min(value.find('|', from), value.size());
                    w.push_back(value.substr(from, bar - from));
                    from = bar + 1;
                }
            }
        }
        for (auto const& c : demo().citizen.categories)
            for (auto const& [code, label] : c.labels)
                w.push_back(label);
        return w;
    }();
    return words;
}

std::vector<std::string> const& button_data()
{
    static std::vector<std::string> const data = [] {
        std::vector<std::string> d{"menu", "cancel", "back", "help",    "lang", "m:file", "m:track", "m:draft",
                                   "ok",   "edit",   "p:done", "p:clear", "c:",  "e:",     "t:",      "l:",
                                   "",     "m:",     "c:gone_category", "l:fr", "l:ZH-cn", "t:0000-0000",
                                   "a:",   "r:",     "r::5",   "r:0000-0000:3", "skip", "s:one", "s:first",
                                   "d:new", "f:",    "f:0000-0000"};
        for (auto const& c : demo().citizen.categories)
            d.push_back("c:" + c.id);
        for (auto s : all_steps)
            d.push_back("e:" + std::string(model::to_string(s)));
        for (auto const& l : demo().locales)
            d.push_back("l:" + l.code);
        for (std::uint64_t n : {1, 2, 3, 4, 100, 101}) {
            d.push_back("t:" + tracking(n));
            d.push_back("a:" + tracking(n));
            d.push_back("r:" + tracking(n) + ":");
            d.push_back("r:" + tracking(n) + ":5y");
            d.push_back("r:" + tracking(n) + ":1n");
        }
        return d;
    }();
    return data;
}

// The input is read front to back, one event after another, so a seed can be
// written by a script (tests/fuzz/make_dialog_seeds.py) and a
// mutation changes one event rather than all of them. Past the end, every byte
// reads as 0. Layout:
//   data variant, initial state (see initial()), then per event:
//   kind, flags, language, then what the kind needs (see event()).
// Texts: a selector, then a word (an index), raw bytes (length, bytes),
// or a long text (unit, length).
struct decoder {
    std::string_view in;
    bool cross_check = false;  // the last event's flags asked for check_typed_like_pressed

    bool done() const { return in.empty(); }
    std::uint8_t byte()
    {
        if (in.empty())
            return 0;
        auto const b = static_cast<std::uint8_t>(in.front());
        in.remove_prefix(1);
        return b;
    }
    std::size_t index(std::size_t n, bool wide = false)
    {
        std::size_t v = byte();
        if (wide)
            v = v << 8 | byte();
        return v % n;
    }
    std::string raw(std::size_t max)
    {
        auto const n = std::min<std::size_t>(index(max + 1), in.size());
        std::string out(in.substr(0, n));
        in.remove_prefix(n);
        return out;
    }
    template <class T>
    T const& pick(std::vector<T> const& v) { return v[index(v.size(), v.size() > 200)]; }

    // Long texts: at, just under and past every limit (locations 300, descriptions
    // 1000, replies 4000 units), in one-, two-, three- and four-byte characters.
    std::string long_text()
    {
        static constexpr std::string_view units[] = {"a", "x ", "é", "路", "🚧", "\u3000", "a\u0301", "&<>"};
        static constexpr std::size_t lengths[] = {19, 20, 21, 299, 300, 301, 999, 1000, 1001, 2047, 4001, 5000};
        auto const unit = units[index(std::size(units))];
        return repeat(unit, lengths[index(std::size(lengths))]);
    }

    std::string text()
    {
        switch (index(5)) {
        case 0: return pick(vocabulary());
        case 1: return raw(120);
        case 2: {
            auto w = pick(vocabulary());
            return w + raw(16);
        }
        case 3: return long_text();
        default: {
            auto r = raw(12);
            return r + pick(vocabulary());
        }
        }
    }

    std::string data()
    {
        switch (index(4)) {
        case 0: return pick(button_data());
        case 1: return raw(70);
        case 2: {
            auto d = pick(button_data());
            return d + raw(12);
        }
        default: {
            auto d = pick(button_data());
            return d + std::to_string(index(7));  // "r:<tracking>:" + a rating
        }
        }
    }

    double coordinate()
    {
        static constexpr double values[] = {0,     51.5072, -33.8688, 90,     -90,    180,
                                            -180,  91,      1e308,    -1e308, 5e-324, std::numeric_limits<double>::infinity()};
        if (byte() % 2 == 0)
            return values[index(std::size(values))];
        std::uint64_t bits = 0;
        for (int i = 0; i < 8; ++i)
            bits = bits << 8 | byte();
        double d = 0;
        std::memcpy(&d, &bits, sizeof d);
        return std::isnan(d) ? 0.0 : d;  // JSON has no NaN; an adapter cannot hand one over
    }

    // kind: 0-3 text, 4-6 button, 7-8 photo, 9 location, 10 unsupported, 11 ignored.
    // flags: low nibble 15 = an edit, high nibble 15 = no user id, bit 6 = cross-check
    // the buttons of the answer (check_typed_like_pressed).
    model::inbound_event event(std::size_t n)
    {
        static std::string const languages[] = {"", "en", "en-GB", "zh-hans", "zh-CN", "ZH", "zh", "fr", "e"};
        model::inbound_event ev;
        ev.dedupe_key = "tg:telegram:" + std::to_string(n);
        ev.channel_id = std::string(channel);
        ev.chat_id = std::string(chat);
        ev.chat = model::chat_kind::private_chat;
        ev.sent_at = t0 + std::chrono::seconds{n};
        auto const kind = index(12);
        auto const flags = byte();
        cross_check = (flags & 0x40) != 0;
        ev.edited = (flags & 0x0F) == 0x0F;
        ev.user_id = (flags & 0xF0) == 0xF0 ? "" : "1001";
        ev.language = languages[index(std::size(languages))];
        switch (kind) {
        case 0: case 1: case 2: case 3:
            ev.kind = model::event_kind::text;
            ev.text = text();
            break;
        case 4: case 5: case 6:
            ev.kind = model::event_kind::button;
            ev.text = data();
            if (byte() % 8 != 7)
                ev.callback_id = "cb" + std::to_string(n);
            break;
        case 7: case 8: {
            ev.kind = model::event_kind::photo;
            auto const count = index(8);
            for (std::size_t i = 0; i < count; ++i)
                ev.photo_ids.push_back(byte() % 6 == 5 ? raw(8) : "AgAD" + std::to_string(n * 8 + i));
            if (byte() % 2)
                ev.text = text();  // a caption
            break;
        }
        case 9:
            ev.kind = model::event_kind::location;
            if (byte() % 8 != 7)
                ev.location = model::geo_point{coordinate(), coordinate()};
            if (byte() % 2)
                ev.text = text();  // a venue's title and address
            break;
        case 10:
            ev.kind = model::event_kind::unsupported;
            ev.detail = "sticker";
            break;
        default:
            ev.kind = model::event_kind::ignored;
            ev.detail = "service";
            break;
        }
        return ev;
    }

    // Where the conversation starts: never spoken to (first byte % 4 == 0), or a
    // stored state that an older config or version left behind (a removed category
    // or locale, a full list of petitions, a step with a half-made draft).
    model::conversation initial(model::flow const& f)
    {
        model::conversation c;
        c.channel_id = std::string(channel);
        c.chat_id = std::string(chat);
        c.user_id = "1001";
        if (index(4) == 0)
            return c;
        c.step = all_steps[1 + index(std::size(all_steps) - 1)];
        auto const bits = byte();
        c.resume_step = bits & 1 ? dialog_step::photos : dialog_step::menu;
        c.editing = (bits & 2) && c.step != dialog_step::add_info;
        static std::string const languages[] = {"en", "zh-CN", "", "fr", "EN"};
        c.language = languages[index(std::size(languages))];
        if (bits & 4) {
            c.draft.category = bits & 8 ? "gone_category" : "roads";
            c.draft.location_text = bits & 16 ? "" : "Main Street 12";
            if (bits & 32)
                c.draft.location = model::geo_point{coordinate(), coordinate()};
            c.draft.description = bits & 64 ? "" : "A pothole outside No. 12, about 30 cm wide";
            auto const photos = index(f.max_photos + 1);
            for (std::size_t i = 0; i < photos; ++i)
                c.draft.photo_ids.push_back("old" + std::to_string(i));
        }
        if (c.step == dialog_step::add_info)
            c.target_petition = tracking(1 + index(5));
        auto const own = index(f.remembered_petitions + 1);
        for (std::size_t i = 0; i < own; ++i)
            c.petitions.push_back(tracking(i % 3 == 0 ? 1 : i % 3 == 1 ? 3 : 1000 + i));
        c.events = byte();
        c.updated_at = t0 - std::chrono::hours{1};
        return c;
    }
};

// ---- the invariants ----

bool blank(std::string_view s) { return dialog::trim(s).empty(); }

bool valid_step(dialog_step s) { return model::dialog_step_from_string(model::to_string(s)) == s; }

bool is_category(model::flow const& f, std::string_view id)
{
    return std::any_of(f.categories.begin(), f.categories.end(), [&](auto const& c) { return c.id == id; });
}

// Case-insensitive, as the dialog looks codes up: a stored "EN" is English.
bool is_locale(model::dialog_data const& d, std::string_view code)
{
    auto const lower = [](std::string_view s) {
        std::string out(s);
        std::transform(out.begin(), out.end(), out.begin(), [](char c) {
            return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
        });
        return out;
    };
    return std::any_of(d.locales.begin(), d.locales.end(), [&](auto const& l) { return lower(l.code) == lower(code); });
}

void check_rendered(model::outbound_message const& m)
{
    auto const call = adapters::telegram::render(m, tg_secrets);
    auto const body = nlohmann::json::parse(call.body, nullptr, false);
    check(body.is_object(), "a reply renders to a JSON body", call.body);
}

void check_reply(model::outbound_message const& m, model::inbound_event const& ev, bool utf8_in)
{
    check(m.channel_id == ev.channel_id && m.chat_id == ev.chat_id, "a reply goes back to the chat it answers");
    if (m.kind == model::message_kind::callback_ack) {
        check(ev.kind == model::event_kind::button && m.callback_id == ev.callback_id && !m.callback_id.empty(),
              "a callback ack answers this event's button press");
        return;
    }
    check(m.kind == model::message_kind::text, "the citizen dialog sends text messages and acks only");
    check(!blank(m.text), "a reply has text");
    auto const units = dialog::utf16_units(m.text);
    check(units <= 4096, "a reply fits Telegram's 4096 UTF-16 units", std::to_string(units));
    for (auto const& row : m.buttons)
        for (auto const& b : row) {
            check(!blank(b.label), "a button has a label", b.data);
            check(!b.data.empty() && b.data.size() <= 64, "button data is 1-64 bytes (Telegram's callback_data)",
                  b.data);
        }
    if (utf8_in) {
        check(fuzz::valid_utf8(m.text), "valid UTF-8 in, valid UTF-8 out", m.text);
        for (auto const& row : m.buttons)
            for (auto const& b : row)
                check(fuzz::valid_utf8(b.label) && fuzz::valid_utf8(b.data), "button label and data are valid UTF-8");
        check(fuzz::valid_utf8(m.location_label), "the location label is valid UTF-8");
        check_rendered(m);
    }
}

void check_draft(model::petition_draft const& d, model::flow const& f, std::string_view stale_category)
{
    check(d.photo_ids.size() <= f.max_photos, "the draft holds at most max_photos photos",
          std::to_string(d.photo_ids.size()));
    auto const desc = dialog::code_points(d.description);
    check(d.description.empty() || d.description.starts_with("A pothole") ||
              (desc >= f.description_min && desc <= f.description_max),
          "the draft description is within the flow's limits", std::to_string(desc));
    check(d.location_text == "Main Street 12" || dialog::code_points(d.location_text) <= f.location_max,
          "the draft location is within the flow's limit");
    check(d.category.empty() || is_category(f, d.category) || d.category == stale_category,
          "the draft category is one of the flow's", d.category);
}

void check_filed(model::petition const& p, std::vector<model::timeline_event> const& timeline,
                 model::conversation const& next, model::flow const& f, map_lookup const& lookup)
{
    check(!p.tracking.empty() && !lookup.has(p.tracking), "a filed petition has a new tracking number", p.tracking);
    check(is_category(f, p.category), "a filed petition has a flow category", p.category);
    check(!p.department.empty(), "a filed petition has a department");
    check(!p.location_text.empty() || p.location.has_value(), "a filed petition has a place");
    auto const desc = dialog::code_points(p.description);
    check((desc >= f.description_min && desc <= f.description_max) || p.description.starts_with("A pothole"),
          "a filed petition's description is within the limits", std::to_string(desc));
    check(p.photo_ids.size() <= f.max_photos, "a filed petition has at most max_photos photos");
    check(p.current == model::status::submitted, "a filed petition is submitted");
    check(p.deadline_at > p.submitted_at, "a filed petition's deadline is after its submission");
    check(p.channel_id == next.channel_id && p.chat_id == next.chat_id, "a filed petition names the citizen's chat");
    check(!timeline.empty() && timeline.front().to == model::status::submitted, "a filed petition's timeline starts");
    check(!next.petitions.empty() && next.petitions.back() == p.tracking, "the new petition is remembered");
    check(next.draft.description.empty() && next.draft.category.empty(), "filing empties the draft");
}

void check_step(model::conversation const& before, model::inbound_event const& ev, dialog::outcome const& out,
                model::dialog_data const& data, map_lookup const& lookup, bool utf8_in, std::string_view stale_category)
{
    auto const& next = out.next;
    auto const& f = data.citizen;
    check(valid_step(next.step), "next.step is a dialog step");
    check(valid_step(next.resume_step), "next.resume_step is a dialog step");
    check(next.step != dialog_step::start || before.step == dialog_step::start, "the dialog never goes back to start");
    check(next.resume_step != dialog_step::language, "language is never a step to resume");
    check(next.events == before.events + 1, "every event is counted");
    check(next.channel_id == ev.channel_id && next.chat_id == ev.chat_id, "the conversation keeps its key");
    check(next.petitions.size() <= f.remembered_petitions, "the list of own petitions is capped",
          std::to_string(next.petitions.size()));
    check_draft(next.draft, f, stale_category);

    bool const acted = ev.kind != model::event_kind::ignored && !(ev.edited && ev.kind != model::event_kind::text);
    if (acted) {
        check(is_locale(data, next.language), "the conversation speaks a loaded locale", next.language);
        check(std::any_of(out.replies.begin(), out.replies.end(),
                          [](auto const& m) { return m.kind == model::message_kind::text; }),
              "every event the dialog acts on gets an answer");
    } else {
        check(out.replies.empty(), "an ignored update, or an edit of anything but text, gets no answer");
    }
    std::size_t acks = 0;
    for (std::size_t i = 0; i < out.replies.size(); ++i) {
        check_reply(out.replies[i], ev, utf8_in);
        if (out.replies[i].kind == model::message_kind::callback_ack) {
            check(i == 0, "the callback ack goes first");
            ++acks;
        }
    }
    check(acks <= 1, "one ack per button press");
    if (acted && ev.kind == model::event_kind::button && !ev.callback_id.empty())
        check(acks == 1, "every button press is acknowledged");

    if (out.filed)
        check_filed(*out.filed, out.timeline, next, f, lookup);
    else
        check(out.timeline.empty(), "timeline events come with a filed petition");
    for (auto const& r : out.requests) {
        auto const p = lookup.petition(r.tracking);
        check(p && p->channel_id == next.channel_id && p->chat_id == next.chat_id,
              "a citizen acts only on their own petitions", r.tracking);
        if (r.what == dialog::citizen_request::kind::rate) {
            check(r.rating >= 1 && r.rating <= 5, "a rating is 1-5", std::to_string(r.rating));
            check(p->current == model::status::answered, "only an answer is rated");
        }
        if (r.what == dialog::citizen_request::kind::add_info)
            check(model::is_open(p->current), "information is added to open petitions only");
    }
    if (next.step == dialog_step::add_info)
        check(!next.target_petition.empty(), "adding information names the petition");
}

// "Every button shown can also be typed, by its number or its label" (citizen_screens.cpp),
// and on a reply keyboard (the location step) typing the label is the only way to
// press. So: for one button of the last answer, typing its label must lead where
// pressing it leads.
void check_typed_like_pressed(model::conversation const& state, model::inbound_event const& answered,
                              dialog::outcome const& out, dialog::context const& ctx, std::size_t salt)
{
    model::outbound_message const* last = nullptr;
    for (auto const& m : out.replies)
        if (m.kind == model::message_kind::text)
            last = &m;
    if (last == nullptr)
        return;
    std::vector<model::button> buttons;
    for (auto const& row : last->buttons)
        for (auto const& b : row)
            // Known exception, reported: the rating buttons ("r:<tracking>:<n>", "...y",
            // "...n") work only when pressed; typing "Yes, resolved" files no rating.
            if (!b.data.starts_with("r:"))
                buttons.push_back(b);
    if (buttons.empty())
        return;
    auto const& b = buttons[salt % buttons.size()];

    auto ev = answered;
    ev.edited = false;
    ev.photo_ids.clear();
    ev.location.reset();
    ev.kind = model::event_kind::button;
    ev.text = b.data;
    ev.callback_id = "cb-cross";
    auto const pressed = dialog::step(state, ev, ctx);
    ev.kind = model::event_kind::text;
    ev.text = b.label;
    ev.callback_id.clear();
    auto const typed = dialog::step(state, ev, ctx);

    auto const& p = pressed.next;
    auto const& t = typed.next;
    auto const same_draft = p.draft.category == t.draft.category && p.draft.location_text == t.draft.location_text &&
                            p.draft.description == t.draft.description && p.draft.photo_ids == t.draft.photo_ids;
    auto const detail = "label \"" + b.label + "\", data \"" + b.data + "\" at step " +
                        std::string(model::to_string(state.step)) + ": pressed -> " +
                        std::string(model::to_string(p.step)) + " with " + std::to_string(pressed.requests.size()) +
                        " request(s), typed -> " + std::string(model::to_string(t.step)) + " with " +
                        std::to_string(typed.requests.size());
    check(p.step == t.step && p.editing == t.editing && p.language == t.language && same_draft &&
              p.target_petition == t.target_petition && pressed.filed.has_value() == typed.filed.has_value() &&
              pressed.requests.size() == typed.requests.size(),
          "typing a button's label does what pressing it does", detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* bytes, std::size_t size)
{
    decoder in{std::string_view(reinterpret_cast<char const*>(bytes), size)};
    auto const& data = data_variants()[in.index(data_variants().size())];
    map_lookup lookup = seeded_lookup();
    std::uint64_t next_number = 100;
    auto const new_tracking = [&] { return tracking(next_number++); };

    dialog::vocabulary const words{data};
    auto state = in.initial(data.citizen);
    auto const stale_category = state.draft.category;
    bool utf8_in = true;  // every event so far was valid UTF-8, as adapters guarantee
    for (std::size_t i = 0; i < 64 && !in.done(); ++i) {
        auto ev = in.event(i);
        utf8_in = utf8_in && fuzz::valid_utf8(ev.text);
        dialog::context const ctx{t0 + std::chrono::minutes{i}, data, words, lookup, new_tracking};
        auto const out = dialog::step(state, ev, ctx);
        check_step(state, ev, out, data, lookup, utf8_in, stale_category);
        if (in.cross_check && utf8_in)
            check_typed_like_pressed(out.next, ev, out, {ctx.now + std::chrono::seconds{30}, data, words, lookup, new_tracking},
                                     i * 7 + in.in.size());
        if (out.filed)
            lookup.add(*out.filed, out.timeline);
        state = out.next;
    }
    return 0;
}
