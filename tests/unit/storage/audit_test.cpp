// The audit of staff requests, in every backend: appended, read newest first
// and filtered, and still there after a reopen (retention_test: forgotten past
// its cutoff).
#include "backends.hpp"
#include "samples.hpp"

#include <gtest/gtest.h>

namespace pg::storage {
namespace {

using test::t0;
using namespace std::chrono_literals;

model::audit_entry request(std::string who, std::string tracking, std::string action, model::timestamp at)
{
    model::audit_entry a;
    a.at = at;
    a.who = std::move(who);
    a.via = "console";
    a.source = "192.0.2.7";
    a.method = action.empty() ? "GET" : "POST";
    a.resource = "/staff/console/api/petitions/" + tracking + (action.empty() ? "" : "/actions");
    a.action = std::move(action);
    a.tracking = std::move(tracking);
    a.status = 200;
    return a;
}

class audit_test : public test::backend_test {};
PG_STORAGE_BACKENDS(audit_test);

TEST_P(audit_test, entries_come_back_newest_first_whole_and_after_a_reopen)
{
    {
        auto s = open();
        ASSERT_TRUE(s->record_audit(request("console:li", "AAAA-1111", "", t0)));
        ASSERT_TRUE(s->record_audit(request("console:li", "AAAA-1111", "accept", t0 + 1s)));
        // Two at the same millisecond keep the order they were written in.
        ASSERT_TRUE(s->record_audit(request("api:cms", "BBBB-2222", "", t0 + 2s)));
        ASSERT_TRUE(s->record_audit(request("api:cms", "BBBB-2222", "progress", t0 + 2s)));
    }
    auto s = open();
    auto const all = s->audit({});
    ASSERT_EQ(all.size(), 4u);
    EXPECT_EQ(all[0].action, "progress");
    EXPECT_EQ(all[1].action, "");
    EXPECT_EQ(all[1].who, "api:cms");
    EXPECT_EQ(all[3].at, t0);
    EXPECT_EQ(all[2].source, "192.0.2.7");
    EXPECT_EQ(all[2].via, "console");
    EXPECT_EQ(all[2].method, "POST");
    EXPECT_EQ(all[2].resource, "/staff/console/api/petitions/AAAA-1111/actions");
    EXPECT_EQ(all[2].tracking, "AAAA-1111");
    EXPECT_EQ(all[2].status, 200);
}

TEST_P(audit_test, filters_by_petition_and_by_who_within_the_limit)
{
    auto s = open();
    for (int i = 0; i < 5; ++i) {
        ASSERT_TRUE(s->record_audit(request("console:li", "AAAA-1111", "", t0 + std::chrono::seconds{i})));
        ASSERT_TRUE(s->record_audit(request("api:cms", "BBBB-2222", "", t0 + std::chrono::seconds{i})));
    }
    EXPECT_EQ(s->audit({.tracking = "AAAA-1111"}).size(), 5u);
    auto const two = s->audit({.who = "api:cms", .limit = 2});
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(two[0].at, t0 + 4s);
    EXPECT_EQ(two[1].at, t0 + 3s);
    EXPECT_TRUE(s->audit({.tracking = "CCCC-3333"}).empty());
    EXPECT_TRUE(s->audit({.limit = 0}).empty());
}

}  // namespace
}  // namespace pg::storage
