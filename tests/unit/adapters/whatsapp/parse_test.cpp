// Notifications -> events: every message type, statuses, batches, other
// numbers, the dashboard's test object, and broken shapes named by field.
#include "adapters/whatsapp/whatsapp.hpp"

#include "tests/unit/adapters/whatsapp/support.hpp"

#include <gtest/gtest.h>

namespace pg::adapters::whatsapp::test {
namespace {

using model::errc;
using model::event_kind;

std::vector<model::inbound_event> events_of(json const& body)
{
    auto in = make_with()->parse(signed_post(body.dump()), now);
    EXPECT_TRUE(in) << in.error().detail;
    if (!in)
        return {};
    EXPECT_EQ(in->answer.status, 200);
    EXPECT_TRUE(in->answer.body.empty());
    return std::move(in->events);
}

model::inbound_event one_event(json const& msg)
{
    auto const evs = events_of(envelope({value_for(json::array({msg}))}));
    EXPECT_EQ(evs.size(), 1u);
    return evs.empty() ? model::inbound_event{} : evs[0];
}

TEST(whatsapp_parse, a_text_message_is_keyed_by_the_business_scoped_user_id)
{
    auto const ev = one_event(message("wamid.T1", "text", {{"body", "The street lamp is out"}}));
    EXPECT_EQ(ev.kind, event_kind::text);
    EXPECT_EQ(ev.text, "The street lamp is out");
    EXPECT_EQ(ev.channel_id, "wa");
    EXPECT_EQ(ev.chat_id, bsuid);
    EXPECT_EQ(ev.user_id, bsuid);
    EXPECT_EQ(ev.user_name, "Kerstin");
    EXPECT_EQ(ev.chat, model::chat_kind::private_chat);
    EXPECT_EQ(ev.message_id, "wamid.T1");
    EXPECT_EQ(ev.dedupe_key, "wa:wa:wamid.T1");
    EXPECT_EQ(ev.sent_at, model::from_millis(1'780'000'000'000));
    // The phone number is nowhere in the event when a BSUID names the user.
    for (auto const* field : {&ev.chat_id, &ev.user_id, &ev.text, &ev.detail, &ev.user_name, &ev.dedupe_key})
        EXPECT_EQ(field->find(wa_id), std::string::npos);
}

TEST(whatsapp_parse, who_wrote_bsuid_first_then_wa_id)
{
    auto const text = json{{"body", "hi"}};
    // No user_id yet (before the rollout): the wa_id.
    auto const old_contacts = json::array({{{"profile", {{"name", "Kerstin"}}}, {"wa_id", wa_id}}});
    auto evs = events_of(envelope({value_for(json::array({message("wamid.A", "text", text)}), nullptr, our_number,
                                             old_contacts)}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].chat_id, wa_id);
    EXPECT_EQ(evs[0].user_name, "Kerstin");

    // Phone number withheld (a username): from_user_id on the message, no from, no wa_id.
    auto withheld = json{{"from_user_id", bsuid}, {"id", "wamid.B"}, {"timestamp", "1780000000"}, {"type", "text"},
                         {"text", text}};
    auto const bsuid_only = json::array({{{"profile", {{"name", "kerstin.k"}}}, {"user_id", bsuid}}});
    evs = events_of(envelope({value_for(json::array({withheld}), nullptr, our_number, bsuid_only)}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].chat_id, bsuid);
    EXPECT_EQ(evs[0].user_name, "kerstin.k");

    // No contacts at all: the message's own from.
    evs = events_of(envelope({value_for(json::array({message("wamid.C", "text", text)}), nullptr, our_number, nullptr)}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].chat_id, wa_id);
    EXPECT_TRUE(evs[0].user_name.empty());

    // Two senders batched: each message gets its own contact, never the other's.
    auto const two = json::array({{{"profile", {{"name", "A"}}}, {"wa_id", "111"}, {"user_id", "US.1"}},
                                  {{"profile", {{"name", "B"}}}, {"wa_id", "222"}, {"user_id", "US.2"}}});
    auto m1 = message("wamid.D1", "text", text);
    m1["from"] = "222";
    auto m2 = message("wamid.D2", "text", text);
    m2["from"] = "111";
    evs = events_of(envelope({value_for(json::array({m1, m2}), nullptr, our_number, two)}));
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].chat_id, "US.2");
    EXPECT_EQ(evs[0].user_name, "B");
    EXPECT_EQ(evs[1].chat_id, "US.1");
    EXPECT_EQ(evs[1].user_name, "A");

    // A lone contact naming someone else is not taken for the sender.
    auto const stranger = json::array({{{"profile", {{"name", "X"}}}, {"wa_id", "999"}, {"user_id", "US.9"}}});
    evs = events_of(envelope({value_for(json::array({message("wamid.E", "text", text)}), nullptr, our_number, stranger)}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].chat_id, wa_id);
    EXPECT_TRUE(evs[0].user_name.empty());
}

TEST(whatsapp_parse, every_message_type)
{
    struct case_ { char const* name; json msg; event_kind kind; std::string text; std::string detail; };
    case_ const cases[] = {
        {"reply button", message("wamid.1", "interactive", {{"type", "button_reply"},
                                                            {"button_reply", {{"id", "c:roads"}, {"title", "Roads"}}}}),
         event_kind::button, "c:roads", ""},
        {"list row", message("wamid.2", "interactive", {{"type", "list_reply"},
                                                        {"list_reply", {{"id", "t:7KQM-2X4D"}, {"title", "7KQM"},
                                                                        {"description", "x"}}}}),
         event_kind::button, "t:7KQM-2X4D", ""},
        {"flow reply", message("wamid.3", "interactive", {{"type", "nfm_reply"}, {"nfm_reply", {{"response_json", "{}"}}}}),
         event_kind::unsupported, "", "interactive.nfm_reply"},
        {"template quick reply", message("wamid.4", "button", {{"payload", "menu"}, {"text", "Open menu"}}),
         event_kind::button, "menu", ""},
        {"quick reply without payload", message("wamid.5", "button", {{"text", "Stop promotions"}}),
         event_kind::button, "Stop promotions", ""},
        {"image", message("wamid.6", "image", {{"id", "1479537139650973"}, {"mime_type", "image/jpeg"},
                                               {"sha256", "abc"}, {"caption", "the hole"}}),
         event_kind::photo, "the hole", ""},
        {"image without caption", message("wamid.7", "image", {{"id", "1479537139650974"}, {"mime_type", "image/jpeg"}}),
         event_kind::photo, "", ""},
        {"audio", message("wamid.8", "audio", {{"id", "m8"}, {"mime_type", "audio/ogg; codecs=opus"}, {"voice", true}}),
         event_kind::unsupported, "", "audio"},
        {"video", message("wamid.9", "video", {{"id", "m9"}}), event_kind::unsupported, "", "video"},
        {"document", message("wamid.10", "document", {{"id", "m10"}, {"filename", "a.pdf"}}), event_kind::unsupported,
         "", "document"},
        {"sticker", message("wamid.11", "sticker", {{"id", "m11"}, {"animated", false}}), event_kind::unsupported, "",
         "sticker"},
        {"reaction", message("wamid.12", "reaction", {{"message_id", "wamid.X"}, {"emoji", "\xF0\x9F\x91\x8D"}}),
         event_kind::unsupported, "", "reaction"},
        {"unsupported", message("wamid.13", "unsupported", nullptr), event_kind::unsupported, "", "unsupported"},
        {"edit", message("wamid.14", "edit", {{"original_message_id", "wamid.1"}, {"message", {{"type", "text"}}}}),
         event_kind::unsupported, "", "edit"},
        {"revoke", message("wamid.15", "revoke", {{"original_message_id", "wamid.1"}}), event_kind::unsupported, "",
         "revoke"},
        {"contacts", message("wamid.16", "contacts", json::array()), event_kind::unsupported, "", "contacts"},
        {"a type from the future", message("wamid.17", "hologram_of_a_very_long_type_name_indeed", nullptr),
         event_kind::unsupported, "", "hologram_of_a_very_long_type_nam"},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(c.msg);
        EXPECT_EQ(ev.kind, c.kind) << c.name;
        EXPECT_EQ(ev.text, c.text) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.chat_id, bsuid) << c.name;
        EXPECT_EQ(ev.dedupe_key, "wa:wa:" + c.msg["id"].get<std::string>()) << c.name;
    }
    auto const photo = one_event(cases[5].msg);
    EXPECT_EQ(photo.photo_ids, std::vector<std::string>{"1479537139650973"});
    EXPECT_TRUE(one_event(cases[13].msg).edited);
}

TEST(whatsapp_parse, a_location_with_or_without_a_name)
{
    auto ev = one_event(message("wamid.L1", "location", {{"latitude", 52.5200066}, {"longitude", 13.404954},
                                                          {"name", "Town hall"}, {"address", "Rathausstr. 15"}}));
    EXPECT_EQ(ev.kind, event_kind::location);
    ASSERT_TRUE(ev.location);
    EXPECT_DOUBLE_EQ(ev.location->latitude, 52.5200066);
    EXPECT_DOUBLE_EQ(ev.location->longitude, 13.404954);
    EXPECT_EQ(ev.text, "Town hall");
    ev = one_event(message("wamid.L2", "location", {{"latitude", -33}, {"longitude", 151}, {"address", "Quay"}}));
    EXPECT_EQ(ev.text, "Quay");
    ev = one_event(message("wamid.L3", "location", {{"latitude", 0.5}, {"longitude", -0.5}}));
    EXPECT_TRUE(ev.text.empty());
    ASSERT_TRUE(ev.location);
}

TEST(whatsapp_parse, statuses_are_receipts_with_their_own_dedupe_keys)
{
    json const statuses = json::array({
        {{"id", "wamid.OUT1"}, {"status", "delivered"}, {"timestamp", "1780000100"}, {"recipient_id", wa_id},
         {"recipient_user_id", bsuid}, {"pricing", {{"billable", true}, {"pricing_model", "PMP"}, {"category", "utility"}}}},
        {{"id", "wamid.OUT1"}, {"status", "read"}, {"timestamp", "1780000050"}, {"recipient_id", wa_id}},  // read first
        {{"id", "wamid.OUT2"}, {"status", "failed"}, {"timestamp", "1780000200"}, {"recipient_id", wa_id},
         {"errors", {{{"code", 131047}, {"title", "Re-engagement message"}}}}},
    });
    auto const evs = events_of(envelope({value_for(nullptr, statuses, our_number, nullptr)}));
    ASSERT_EQ(evs.size(), 3u);
    EXPECT_EQ(evs[0].kind, event_kind::receipt);
    EXPECT_EQ(evs[0].message_id, "wamid.OUT1");
    EXPECT_EQ(evs[0].text, "delivered");
    EXPECT_EQ(evs[0].chat_id, bsuid);
    EXPECT_TRUE(evs[0].detail.empty());
    EXPECT_EQ(evs[0].dedupe_key, "wa:wa:wamid.OUT1:delivered");
    EXPECT_EQ(evs[0].sent_at, model::from_millis(1'780'000'100'000));
    EXPECT_EQ(evs[1].text, "read");
    EXPECT_EQ(evs[1].chat_id, wa_id);  // no BSUID on this one
    EXPECT_EQ(evs[1].dedupe_key, "wa:wa:wamid.OUT1:read");
    EXPECT_EQ(evs[2].text, "failed");
    EXPECT_EQ(evs[2].detail, "131047");
    EXPECT_EQ(evs[2].dedupe_key, "wa:wa:wamid.OUT2:failed");
}

TEST(whatsapp_parse, batched_entries_and_changes_come_out_in_order)
{
    json body{{"object", "whatsapp_business_account"},
              {"entry", json::array({
                            {{"id", "1"}, {"changes", json::array({
                                              {{"field", "messages"},
                                               {"value", value_for(json::array({message("wamid.1", "text", {{"body", "one"}}),
                                                                                message("wamid.2", "text", {{"body", "two"}})}))}},
                                              {{"field", "message_template_status_update"},
                                               {"value", {{"event", "APPROVED"}, {"message_template_name", "petition_status"}}}},
                                          })}},
                            {{"id", "2"}, {"changes", json::array({
                                              {{"field", "messages"},
                                               {"value", value_for(json::array({message("wamid.3", "text", {{"body", "three"}})}),
                                                                   json::array({{{"id", "wamid.OUT"}, {"status", "sent"},
                                                                                 {"recipient_id", wa_id}}}))}},
                                          })}},
                        })}};
    auto const evs = events_of(body);
    ASSERT_EQ(evs.size(), 4u);
    EXPECT_EQ(evs[0].text, "one");
    EXPECT_EQ(evs[1].text, "two");
    EXPECT_EQ(evs[2].text, "three");
    EXPECT_EQ(evs[3].kind, event_kind::receipt);
}

TEST(whatsapp_parse, another_numbers_changes_are_ignored_not_refused)
{
    auto const evs = events_of(envelope({value_for(json::array({message("wamid.X", "text", {{"body", "hi"}})}), nullptr,
                                                   "999999999999999"),
                                         value_for(json::array({message("wamid.Y", "text", {{"body", "ours"}})}))}));
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].text, "ours");
    // Only other fields: nothing, and still a 200.
    json const account_update{{"object", "whatsapp_business_account"},
                              {"entry", json::array({{{"id", "1"}, {"changes", json::array({{{"field", "account_update"},
                                                                                             {"value", {{"event", "X"}}}}})}}})}};
    EXPECT_TRUE(events_of(account_update).empty());
}

TEST(whatsapp_parse, the_dashboards_test_object_is_read_without_its_envelope)
{
    // What "Test" beside the messages field posts: sample ids, not ours.
    json const sample{{"field", "messages"},
                      {"value", {{"messaging_product", "whatsapp"},
                                 {"metadata", {{"display_phone_number", "16505551111"}, {"phone_number_id", "123456123"}}},
                                 {"contacts", {{{"profile", {{"name", "test user name"}}}, {"wa_id", "16315551181"}}}},
                                 {"messages", {{{"from", "16315551181"}, {"id", "ABGGFlA5Fpa"}, {"timestamp", "1504902988"},
                                                {"type", "text"}, {"text", {{"body", "this is a text message"}}}}}}}}};
    EXPECT_TRUE(events_of(sample).empty());
    // The same object naming our number is read like any change.
    auto ours = sample;
    ours["value"]["metadata"]["phone_number_id"] = our_number;
    auto const evs = events_of(ours);
    ASSERT_EQ(evs.size(), 1u);
    EXPECT_EQ(evs[0].text, "this is a text message");
    EXPECT_EQ(evs[0].chat_id, "16315551181");
}

TEST(whatsapp_parse, broken_shapes_are_malformed_and_name_the_field)
{
    auto const p = make_with();
    auto const text = json{{"body", "hi"}};
    auto const with_msg = [](json m) { return envelope({value_for(json::array({std::move(m)}))}).dump(); };
    auto no_id = message("wamid.1", "text", text);
    no_id.erase("id");
    auto no_type = message("wamid.1", "text", text);
    no_type.erase("type");
    auto nobody = message("wamid.1", "text", text);
    nobody.erase("from");
    auto bad_time = message("wamid.1", "text", text);
    bad_time["timestamp"] = 1780000000;
    auto words_time = message("wamid.1", "text", text);
    words_time["timestamp"] = "yesterday";
    auto metadata_less = value_for(json::array({message("wamid.1", "text", text)}));
    metadata_less.erase("metadata");
    struct case_ { char const* name; std::string body; std::string detail; };
    case_ const cases[] = {
        {"not JSON", "{\"entry\":", "body: not JSON (ends early at byte 9)"},
        {"an array", "[]", "body: expected a JSON object"},
        {"no entry", R"({"object":"whatsapp_business_account"})", "entry: missing"},
        {"entry not an array", R"({"entry":{}})", "entry: expected an array"},
        {"entry item not an object", R"({"entry":[1]})", "entry[0]: expected an object"},
        {"no changes", R"({"entry":[{"id":"1"}]})", "entry[0].changes: missing"},
        {"change not an object", R"({"entry":[{"changes":["x"]}]})", "entry[0].changes[0]: expected an object"},
        {"no field", R"({"entry":[{"changes":[{"value":{}}]}]})", "entry[0].changes[0].field: missing"},
        {"no value", R"({"entry":[{"changes":[{"field":"messages"}]}]})", "entry[0].changes[0].value: missing"},
        {"no metadata", envelope({metadata_less}).dump(), "entry[0].changes[0].value.metadata: missing"},
        {"number not a string", R"({"entry":[{"changes":[{"field":"messages","value":{"metadata":{"phone_number_id":1}}}]}]})",
         "entry[0].changes[0].value.metadata.phone_number_id: expected a string"},
        {"messages not an array", envelope({value_for(json::object())}).dump(),
         "entry[0].changes[0].value.messages: expected an array"},
        {"no message id", with_msg(no_id), "entry[0].changes[0].value.messages[0].id: missing"},
        {"no message type", with_msg(no_type), "entry[0].changes[0].value.messages[0].type: missing"},
        {"no sender", envelope({value_for(json::array({nobody}), nullptr, our_number, nullptr)}).dump(),
         "entry[0].changes[0].value.messages[0].from: missing (and no user_id)"},
        {"timestamp a number", with_msg(bad_time), "entry[0].changes[0].value.messages[0].timestamp: expected a string"},
        {"timestamp words", with_msg(words_time), "entry[0].changes[0].value.messages[0].timestamp: expected Unix seconds"},
        {"text without body", with_msg(message("wamid.1", "text", json::object())),
         "entry[0].changes[0].value.messages[0].text.body: missing"},
        {"text without text", with_msg(message("wamid.1", "text", nullptr)),
         "entry[0].changes[0].value.messages[0].text: missing"},
        {"image without id", with_msg(message("wamid.1", "image", {{"caption", "x"}})),
         "entry[0].changes[0].value.messages[0].image.id: missing"},
        {"location without longitude", with_msg(message("wamid.1", "location", {{"latitude", 1.5}})),
         "entry[0].changes[0].value.messages[0].location.longitude: missing"},
        {"latitude out of range", with_msg(message("wamid.1", "location", {{"latitude", 91}, {"longitude", 0}})),
         "entry[0].changes[0].value.messages[0].location.latitude: out of range"},
        {"button reply without id",
         with_msg(message("wamid.1", "interactive", {{"type", "button_reply"}, {"button_reply", {{"title", "x"}}}})),
         "entry[0].changes[0].value.messages[0].interactive.button_reply.id: missing"},
        {"status without status",
         envelope({value_for(nullptr, json::array({{{"id", "wamid.O"}, {"recipient_id", wa_id}}}))}).dump(),
         "entry[0].changes[0].value.statuses[0].status: missing"},
        {"invalid UTF-8", std::string("{\"entry\":\"\xff\"}"), "body: invalid UTF-8 at byte 10"},
        {"a lone surrogate", R"({"entry":"\ud800"})", "body: not JSON (syntax error at byte 16)"},
    };
    for (auto const& c : cases) {
        auto r = p->parse(signed_post(c.body), now);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::malformed_body) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
}

}  // namespace
}  // namespace pg::adapters::whatsapp::test
