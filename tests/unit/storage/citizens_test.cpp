// Linked chats, link codes and remembered status pushes, in every backend:
// written with the unit of work, read back after a reopen.
#include "storage/codec.hpp"

#include "backends.hpp"
#include "samples.hpp"

#include <gtest/gtest.h>

namespace pg::storage {
namespace {

using test::t0;

model::identity const tg{"telegram", "5001"};
model::identity const wx{"wechat", "oWx-1"};
model::identity const sms{"sms", "+15550001111"};

class citizens_test : public test::backend_test {};
PG_STORAGE_BACKENDS(citizens_test);

TEST_P(citizens_test, a_chat_never_linked_is_a_citizen_of_one)
{
    auto s = open();
    EXPECT_EQ(s->citizen("telegram", "5001"), model::alone(tg));
}

TEST_P(citizens_test, a_citizen_is_found_from_each_of_its_chats_and_survives_a_reopen)
{
    model::citizen const who{{tg, wx, sms}, wx, {sms}};
    {
        auto s = open();
        unit_of_work w;
        w.dedupe_key = "k1";
        w.citizens.push_back(who);
        ASSERT_EQ(s->commit(w).status, commit_status::committed);
    }
    auto s = open();
    EXPECT_EQ(s->citizen("telegram", "5001"), who);
    EXPECT_EQ(s->citizen("wechat", "oWx-1"), who);
    EXPECT_EQ(s->citizen("sms", "+15550001111"), who);
    EXPECT_EQ(s->citizen("sms", "+15550002222"), model::alone({"sms", "+15550002222"}));
}

TEST_P(citizens_test, a_link_code_is_issued_with_one_unit_and_gone_after_another)
{
    auto s = open();
    model::link_code const code{"042137", tg, t0 + std::chrono::minutes{10}};
    unit_of_work issue;
    issue.dedupe_key = "k1";
    issue.link_codes.push_back(code);
    ASSERT_EQ(s->commit(issue).status, commit_status::committed);
    EXPECT_EQ(s->link_code("042137"), code);
    EXPECT_FALSE(s->link_code("042138"));

    unit_of_work redeem;
    redeem.dedupe_key = "k2";
    redeem.used_link_codes.push_back("042137");
    redeem.citizens.push_back({{tg, wx}, std::nullopt, {}});
    ASSERT_EQ(s->commit(redeem).status, commit_status::committed);
    EXPECT_FALSE(s->link_code("042137"));
    EXPECT_EQ(s->citizen("wechat", "oWx-1").identities, (std::vector<model::identity>{tg, wx}));
}

TEST_P(citizens_test, a_sent_push_is_remembered_by_its_platform_id_and_a_receipt_replaces_it)
{
    auto s = open();
    model::sent_notice n{sms, "SM0123", "7K3M-9Q2P", "answered", "sent", t0, "Your answer ...", "en"};
    ASSERT_TRUE(s->record_sent(n));
    EXPECT_EQ(s->sent_notice("sms", "SM0123"), n);
    EXPECT_FALSE(s->sent_notice("whatsapp", "SM0123"));

    n.state = "delivered";
    unit_of_work w;
    w.dedupe_key = "sms:sms:SM0123:delivered";
    w.sent_notices.push_back(n);
    ASSERT_EQ(s->commit(w).status, commit_status::committed);
    EXPECT_EQ(s->sent_notice("sms", "SM0123")->state, "delivered");
}

TEST(citizen_codec, broken_records_decode_to_nothing)
{
    EXPECT_FALSE(decode_citizen(R"({"v":1,"ids":[]})"));           // a citizen has a chat
    EXPECT_FALSE(decode_citizen(R"({"v":1,"ids":[["telegram"]]})"));  // a chat has two parts
    EXPECT_FALSE(decode_link_code(R"({"v":1,"code":"1"})"));
    EXPECT_FALSE(decode_sent_notice(R"({"v":1,"to":"x"})"));
    model::citizen const who{{tg, wx}, std::nullopt, {}};
    EXPECT_EQ(decode_citizen(encode(who)), who);
}

TEST(receipt_states, the_furthest_state_wins_whatever_the_order)
{
    EXPECT_TRUE(model::further("delivered", "sent"));
    EXPECT_TRUE(model::further("read", "delivered"));
    EXPECT_FALSE(model::further("delivered", "read"));
    EXPECT_TRUE(model::further("failed", "sent"));
    EXPECT_FALSE(model::further("failed", "delivered"));  // it reached the phone
    EXPECT_FALSE(model::further("queued", "sent"));
    EXPECT_TRUE(model::failed_state("undelivered"));
    EXPECT_FALSE(model::failed_state("read"));
}

}  // namespace
}  // namespace pg::storage
