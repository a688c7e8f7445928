#include "gateway/open_data.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace pg::gateway {
namespace {

using namespace std::chrono;
using model::status;

// Filed with roads, transferred after 30 h to water, which answered 10 h later.
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
    r.timeline = {entry(0h, status::submitted, model::actor_kind::citizen, "roads"),
                  entry(2h, status::accepted, model::actor_kind::staff, "roads"),
                  entry(30h, status::transferred, model::actor_kind::staff, "water"),
                  entry(40h, status::answered, model::actor_kind::staff, "water")};
    figures_snapshot s;
    s.generated_at = t0 + days{3};
    s.petitions.push_back(dialog::measure_stages(r, s.generated_at, {}));
    s.figures = dialog::response_times(s.petitions, s.zone);
    return s;
}

TEST(open_data, the_petitions_csv_has_a_header_and_one_quoted_row_per_petition)
{
    auto const csv = open_data_petitions_csv(one_transferred_petition());
    EXPECT_EQ(csv,
              "tracking,category,department,channel,status,submitted_at,month,resolved,rating,overdue,"
              "transferred,answered,closed,first_response_ms,answer_ms,closure_ms,held_ms\r\n"
              "7KQM-2X4D,\"roads, \"\"main\"\"\",water,telegram,answered,2026-11-02T09:00:00.000Z,2026-11,,0,false,"
              "true,true,false,7200000,144000000,,144000000\r\n");
}

TEST(open_data, the_stints_csv_charges_each_department_its_own_time)
{
    auto const csv = open_data_stints_csv(one_transferred_petition());
    EXPECT_EQ(csv,
              "tracking,stint,department,arrived_at,transferred,answered,closed,first_response_ms,answer_ms,"
              "closure_ms,held_ms\r\n"
              "7KQM-2X4D,1,roads,2026-11-02T09:00:00.000Z,true,false,false,7200000,,,108000000\r\n"
              "7KQM-2X4D,2,water,2026-11-03T15:00:00.000Z,false,true,false,36000000,36000000,,36000000\r\n");
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

    auto const text = j.dump() + open_data_petitions_csv(s) + open_data_stints_csv(s);
    for (auto const* personal : {"pothole", "Main Street", "4242", "Officer"})
        EXPECT_EQ(text.find(personal), std::string::npos) << personal;
}

}  // namespace
}  // namespace pg::gateway
