#include "gateway/open_data.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace pg::gateway {
namespace {

using namespace std::chrono;
using model::status;

// Filed with roads, paused there for 2 h (waiting for the citizen), transferred
// after 30 h to water, which answered 10 h later.
figures_snapshot one_transferred_petition()
{
    auto const t0 = sys_days{2026y / November / 2} + 9h;
    dialog::petition_record r;
    r.petition.tracking = "7KQM-2X4D";
    r.petition.category = "roads, \"main\"";  // a config id the CSV must quote
    r.petition.department = "water";
    r.petition.channel_id = "telegram";
    r.petition.current = status::answered;
    r.petition.submitted_at = t0;
    r.petition.response_due_at = t0 + days{1};
    r.petition.deadline_at = t0 + days{5};
    r.petition.description = "pothole on Main Street";
    r.petition.chat_id = "4242";
    auto entry = [&](hours after, status to, model::actor_kind who, std::string department) {
        model::timeline_event e;
        e.at = t0 + after;
        e.to = to;
        e.actor = who;
        e.department = std::move(department);
        e.actor_name = "Officer Li";
        return e;
    };
    auto pause = entry(4h, status::accepted, model::actor_kind::staff, "roads");
    pause.kind = model::entry_kind::pause;
    pause.note = "waiting for the citizen's photo";
    auto resume = entry(6h, status::accepted, model::actor_kind::staff, "roads");
    resume.kind = model::entry_kind::resume;
    r.timeline = {entry(0h, status::submitted, model::actor_kind::citizen, "roads"),
                  entry(2h, status::accepted, model::actor_kind::staff, "roads"),
                  pause,
                  resume,
                  entry(30h, status::transferred, model::actor_kind::staff, "water"),
                  entry(40h, status::answered, model::actor_kind::staff, "water")};
    figures_snapshot s;
    s.generated_at = t0 + days{3};
    s.petitions.push_back(dialog::measure_stages(r, s.generated_at, {}));
    s.petitions.back().district = "old_town";
    s.figures = dialog::response_times(s.petitions, s.zone);
    return s;
}

TEST(open_data, the_petitions_csv_has_a_header_and_one_quoted_row_per_petition)
{
    auto const csv = open_data_petitions_csv(one_transferred_petition());
    EXPECT_EQ(csv,
              "tracking,category,department,channel,status,submitted_at,month,resolved,rating,overdue,"
              "transferred,answered,closed,first_response_ms,answer_ms,closure_ms,held_ms,paused_ms,pauses,district\r\n"
              "7KQM-2X4D,\"roads, \"\"main\"\"\",water,telegram,answered,2026-11-02T09:00:00.000Z,2026-11,,0,false,"
              "true,true,false,7200000,136800000,,136800000,7200000,1,old_town\r\n");
}

TEST(open_data, the_stints_csv_charges_each_department_its_own_time)
{
    auto const csv = open_data_stints_csv(one_transferred_petition());
    EXPECT_EQ(csv,
              "tracking,stint,department,arrived_at,transferred,answered,closed,first_response_ms,answer_ms,"
              "closure_ms,held_ms,paused_ms,pauses\r\n"
              "7KQM-2X4D,1,roads,2026-11-02T09:00:00.000Z,true,false,false,7200000,,,100800000,7200000,1\r\n"
              "7KQM-2X4D,2,water,2026-11-03T15:00:00.000Z,false,true,false,36000000,36000000,,36000000,0,0\r\n");
}

TEST(open_data, the_json_recomputes_the_figures_and_holds_no_personal_data)
{
    auto const s = one_transferred_petition();
    auto const j = open_data_json(s);
    EXPECT_EQ(j["generated_at"], "2026-11-05T09:00:00.000Z");
    EXPECT_EQ(j["time_zone"], "UTC");
    ASSERT_EQ(j["petitions"].size(), 1u);
    auto const& p = j["petitions"][0];
    EXPECT_TRUE(p["resolved"].is_null());
    EXPECT_TRUE(p["closure_ms"].is_null());
    EXPECT_EQ(p["answer_ms"], s.figures.total.answer.median->count());
    ASSERT_EQ(p["stints"].size(), 2u);
    EXPECT_EQ(p["stints"][1]["department"], "water");
    EXPECT_EQ(p["stints"][1]["answer_ms"], 36000000);
    EXPECT_EQ(p["paused_ms"], 7200000);
    EXPECT_EQ(p["district"], "old_town");
    EXPECT_EQ(p["pauses"], 1);
    EXPECT_EQ(p["stints"][0]["paused_ms"], 7200000);
    EXPECT_EQ(p["stints"][1]["pauses"], 0);

    auto const text = j.dump() + open_data_petitions_csv(s) + open_data_stints_csv(s);
    for (auto const* personal : {"pothole", "Main Street", "4242", "Officer", "photo"})
        EXPECT_EQ(text.find(personal), std::string::npos) << personal;
}

}  // namespace
}  // namespace pg::gateway
