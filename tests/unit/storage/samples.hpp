#pragma once
// Records with every field set (CJK and emoji included), field-by-field
// comparisons, and a temporary directory for stores under test.
#include "model/conversation.hpp"
#include "model/message.hpp"
#include "model/petition.hpp"
#include "storage/store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <limits>
#include <random>
#include <string>
#include <unistd.h>

namespace pg::storage::test {

constexpr model::timestamp t0 = model::from_millis(1'700'000'000'000);

inline model::conversation sample_conversation()
{
    model::conversation c;
    c.channel_id = "telegram-main";
    c.chat_id = "-100123456789";
    c.user_id = "42";
    c.step = model::dialog_step::confirm;
    c.resume_step = model::dialog_step::track;
    c.editing = true;
    c.language = "zh-CN";
    c.draft.category = "roads";
    c.draft.location_text = "人民路 12 号门口 🚧";
    c.draft.location = model::geo_point{31.230416, 121.473701};
    c.draft.description = "路面有一个大坑，约 30 厘米宽 🕳️ \"quoted\" \\ back\nslash";
    c.draft.photo_ids = {"AgACAgIAAxkBAAI", "photo-2"};
    c.target_petition = "8ABC-1234";
    c.petitions = {"7KQM-2X4D", "8ABC-1234"};
    c.events = 17;
    c.updated_at = t0;
    return c;
}

inline model::petition sample_petition(std::uint64_t number = 7, std::string tracking = "7KQM-2X4D")
{
    model::petition p;
    p.number = number;
    p.tracking = std::move(tracking);
    p.channel_id = "telegram-main";
    p.chat_id = "-100123456789";
    p.user_id = "42";
    p.language = "zh-CN";
    p.category = "roads";
    p.department = "道路管理处";
    p.location_text = "人民路 12 号";
    p.location = model::geo_point{-33.8688, 151.2093};
    p.description = "A pothole 🕳️ outside No. 12, about 30 cm wide";
    p.photo_ids = {"p1", "p2", "p3"};
    p.current = model::status::in_progress;
    p.submitted_at = t0;
    p.response_due_at = t0 + std::chrono::days{3};
    p.deadline_at = t0 + std::chrono::days{15};
    p.assignee = "王工 (staff-9)";
    p.rating = 4;
    p.resolved = false;  // false, not absent: the codec must keep the difference
    return p;
}

inline model::timeline_event sample_event(std::string note = "已转交 ✅", model::timestamp at = t0)
{
    model::timeline_event e;
    e.at = at;
    e.kind = model::entry_kind::assignment;
    e.to = model::status::transferred;
    e.actor = model::actor_kind::staff;
    e.actor_id = "staff-9";
    e.actor_name = "王工 ✍️";
    e.channel_id = "staff-slack";
    e.department = "道路管理处";
    e.note = std::move(note);
    return e;
}

inline model::outbound_message sample_message(std::string text = "您的请愿已受理 🎉")
{
    model::outbound_message m;
    m.kind = model::message_kind::text;
    m.channel_id = "telegram-main";
    m.chat_id = "-100123456789";
    m.text = std::move(text);
    m.buttons = {{{"确认 ✅", "confirm"}, {"Edit", "edit"}}, {{"取消", "cancel"}}};
    m.location_label = "📍 发送位置";
    m.thread_id = "topic-5";
    m.thread_key = "7KQM-2X4D";
    m.title = "7KQM-2X4D · 道路 🚧";
    m.callback_id = "cbq-123";
    m.media_id = "AgACAgIAAxkBAAIBQ2";
    m.language = "zh-CN";
    return m;
}

inline void expect_same(model::geo_point const* a, model::geo_point const* b)
{
    ASSERT_EQ(a != nullptr, b != nullptr);
    if (a) {
        EXPECT_EQ(a->latitude, b->latitude);  // exact: JSON keeps every bit of a double
        EXPECT_EQ(a->longitude, b->longitude);
    }
}

inline void expect_same(model::conversation const& a, model::conversation const& b)
{
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.chat_id, b.chat_id);
    EXPECT_EQ(a.user_id, b.user_id);
    EXPECT_EQ(a.step, b.step);
    EXPECT_EQ(a.resume_step, b.resume_step);
    EXPECT_EQ(a.editing, b.editing);
    EXPECT_EQ(a.language, b.language);
    EXPECT_EQ(a.draft.category, b.draft.category);
    EXPECT_EQ(a.draft.location_text, b.draft.location_text);
    expect_same(a.draft.location ? &*a.draft.location : nullptr, b.draft.location ? &*b.draft.location : nullptr);
    EXPECT_EQ(a.draft.description, b.draft.description);
    EXPECT_EQ(a.draft.photo_ids, b.draft.photo_ids);
    EXPECT_EQ(a.target_petition, b.target_petition);
    EXPECT_EQ(a.petitions, b.petitions);
    EXPECT_EQ(a.following, b.following);
    EXPECT_EQ(a.draft.since, b.draft.since);
    EXPECT_EQ(a.draft.outcome, b.draft.outcome);
    EXPECT_EQ(a.draft.since_asked, b.draft.since_asked);
    EXPECT_EQ(a.draft.outcome_asked, b.draft.outcome_asked);
    EXPECT_EQ(a.draft.split_answered, b.draft.split_answered);
    EXPECT_EQ(a.draft.rest, b.draft.rest);
    EXPECT_EQ(a.draft.duplicates_answered, b.draft.duplicates_answered);
    EXPECT_EQ(a.events, b.events);
    EXPECT_EQ(a.updated_at, b.updated_at);
}

inline void expect_same(model::petition const& a, model::petition const& b)
{
    EXPECT_EQ(a.number, b.number);
    EXPECT_EQ(a.tracking, b.tracking);
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.chat_id, b.chat_id);
    EXPECT_EQ(a.user_id, b.user_id);
    EXPECT_EQ(a.language, b.language);
    EXPECT_EQ(a.category, b.category);
    EXPECT_EQ(a.department, b.department);
    EXPECT_EQ(a.location_text, b.location_text);
    expect_same(a.location ? &*a.location : nullptr, b.location ? &*b.location : nullptr);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.photo_ids, b.photo_ids);
    EXPECT_EQ(a.current, b.current);
    EXPECT_EQ(a.submitted_at, b.submitted_at);
    EXPECT_EQ(a.response_due_at, b.response_due_at);
    EXPECT_EQ(a.deadline_at, b.deadline_at);
    EXPECT_EQ(a.assignee, b.assignee);
    EXPECT_EQ(a.rating, b.rating);
    EXPECT_EQ(a.resolved, b.resolved);
    EXPECT_EQ(a.erased_at, b.erased_at);
    EXPECT_EQ(a.paused_since, b.paused_since);
    EXPECT_EQ(a.since, b.since);
    EXPECT_EQ(a.outcome, b.outcome);
    EXPECT_EQ(a.followers, b.followers);
}

inline void expect_same(model::timeline_event const& a, model::timeline_event const& b)
{
    EXPECT_EQ(a.at, b.at);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.to, b.to);
    EXPECT_EQ(a.actor, b.actor);
    EXPECT_EQ(a.actor_id, b.actor_id);
    EXPECT_EQ(a.actor_name, b.actor_name);
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.department, b.department);
    EXPECT_EQ(a.note, b.note);
    EXPECT_EQ(a.digest, b.digest);
    EXPECT_EQ(a.erased_content, b.erased_content);
}

inline void expect_same(model::outbound_message const& a, model::outbound_message const& b)
{
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.channel_id, b.channel_id);
    EXPECT_EQ(a.chat_id, b.chat_id);
    EXPECT_EQ(a.text, b.text);
    ASSERT_EQ(a.buttons.size(), b.buttons.size());
    for (std::size_t r = 0; r < a.buttons.size(); ++r) {
        ASSERT_EQ(a.buttons[r].size(), b.buttons[r].size()) << "row " << r;
        for (std::size_t i = 0; i < a.buttons[r].size(); ++i) {
            EXPECT_EQ(a.buttons[r][i].label, b.buttons[r][i].label);
            EXPECT_EQ(a.buttons[r][i].data, b.buttons[r][i].data);
        }
    }
    EXPECT_EQ(a.location_label, b.location_label);
    EXPECT_EQ(a.thread_id, b.thread_id);
    EXPECT_EQ(a.thread_key, b.thread_key);
    EXPECT_EQ(a.title, b.title);
    EXPECT_EQ(a.callback_id, b.callback_id);
    EXPECT_EQ(a.media_id, b.media_id);
    EXPECT_EQ(a.language, b.language);
}

inline void expect_same(model::outbox_entry const& a, model::outbox_entry const& b)
{
    EXPECT_EQ(a.seq, b.seq);
    expect_same(a.message, b.message);
    EXPECT_EQ(a.attempts, b.attempts);
    EXPECT_EQ(a.created_at, b.created_at);
}

// A fresh directory under the system temp dir, removed with everything in it.
class temp_dir {
public:
    temp_dir()
    {
        static std::atomic<unsigned> counter{0};
        std::random_device rd;
        path_ = std::filesystem::temp_directory_path() /
                ("pg-storage-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                 std::to_string(rd()));
        std::filesystem::create_directories(path_);
    }
    ~temp_dir()
    {
        std::error_code ignored;  // a leftover temp dir is no reason to fail a test
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::filesystem::path const& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// A unit that files a petition: conversation, petition, timeline and two messages.
inline unit_of_work filing_unit(std::string key, std::uint64_t number, std::string tracking)
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.conversation = sample_conversation();
    w.petitions.push_back(sample_petition(number, tracking));
    w.timeline.emplace_back(tracking, sample_event("submitted"));
    w.outbox.push_back(sample_message("已收到 📨"));
    w.outbox.push_back(sample_message("Tracking number: " + tracking));
    return w;
}

inline unit_of_work message_unit(std::string key, std::string text = "hello")
{
    unit_of_work w;
    w.dedupe_key = std::move(key);
    w.outbox.push_back(sample_message(std::move(text)));
    return w;
}

inline std::vector<std::uint64_t> seqs_of(std::vector<model::outbox_entry> const& entries)
{
    std::vector<std::uint64_t> seqs;
    for (auto const& e : entries)
        seqs.push_back(e.seq);
    return seqs;
}

// Every entry not yet delivered nor dead, in seq order: a claim that leases nothing.
inline std::vector<model::outbox_entry> outbox_of(store& s)
{
    return s.claim_outbox({"reader", t0, std::chrono::milliseconds{0}, 0, std::numeric_limits<std::size_t>::max()});
}

// Petitions numbered 1..n, one second apart, submitted but not yet accepted.
inline std::vector<model::petition> numbered(std::size_t n)
{
    std::vector<model::petition> out;
    for (std::size_t i = 1; i <= n; ++i) {
        auto p = sample_petition(i, "P" + std::to_string(i));
        p.current = model::status::submitted;
        p.department = "transport";
        p.submitted_at = t0 + std::chrono::seconds{i};
        p.response_due_at = p.submitted_at + std::chrono::days{3};
        p.deadline_at = p.submitted_at + std::chrono::days{15};
        out.push_back(std::move(p));
    }
    return out;
}

inline void commit_petitions(store& s, std::vector<model::petition> const& ps, std::string const& key)
{
    unit_of_work w;
    w.dedupe_key = key;
    w.petitions = ps;
    ASSERT_EQ(s.commit(w).status, commit_status::committed);
}

inline std::vector<std::string> trackings(std::vector<model::petition> const& ps)
{
    std::vector<std::string> out;
    for (auto const& p : ps)
        out.push_back(p.tracking);
    return out;
}

}  // namespace pg::storage::test
