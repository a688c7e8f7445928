#include "adapters/telegram/telegram.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace pg::adapters::telegram {
namespace {

using model::chat_kind;
using model::errc;
using model::event_kind;
using model::inbound_event;

std::string const channel = "citizens";
secrets const keys{"w3bh00k-Secret_2025", "123456789:AAE-not-a-real-token-0123456789abcdef"};

std::filesystem::path const fixtures = std::filesystem::path(PG_FIXTURES) / "telegram";

std::string fixture(std::string const& name)
{
    std::ifstream in(fixtures / name, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open fixture " << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

model::raw_request webhook(std::string body, std::string const& secret = keys.webhook_secret)
{
    model::raw_request req;
    req.method = "POST";
    req.target = "/webhook/" + channel;
    req.headers = {{"Content-Type", "application/json"}, {"X-Telegram-Bot-Api-Secret-Token", secret}};
    req.body = std::move(body);
    return req;
}

constexpr model::timestamp at(std::int64_t unix_seconds) { return model::from_millis(unix_seconds * 1000); }

// Parses `body` and returns its single event; a failure fails the test.
inbound_event one_event(std::string const& body, std::string const& name)
{
    auto r = parse_update(webhook(body), channel, keys);
    if (!r) {
        ADD_FAILURE() << name << ": " << r.error().detail;
        return {};
    }
    EXPECT_EQ(r->size(), 1u) << name;
    return r->empty() ? inbound_event{} : r->front();
}

void expect_same(inbound_event const& got, inbound_event const& want, std::string const& name)
{
    EXPECT_EQ(got.dedupe_key, want.dedupe_key) << name;
    EXPECT_EQ(got.channel_id, want.channel_id) << name;
    EXPECT_EQ(got.chat_id, want.chat_id) << name;
    EXPECT_EQ(got.user_id, want.user_id) << name;
    EXPECT_EQ(got.chat, want.chat) << name;
    EXPECT_EQ(got.kind, want.kind) << name;
    EXPECT_EQ(got.text, want.text) << name;
    EXPECT_EQ(got.location.has_value(), want.location.has_value()) << name;
    if (got.location && want.location) {
        EXPECT_DOUBLE_EQ(got.location->latitude, want.location->latitude) << name;
        EXPECT_DOUBLE_EQ(got.location->longitude, want.location->longitude) << name;
    }
    EXPECT_EQ(got.photo_ids, want.photo_ids) << name;
    EXPECT_EQ(got.language, want.language) << name;
    EXPECT_EQ(got.callback_id, want.callback_id) << name;
    EXPECT_EQ(got.detail, want.detail) << name;
    EXPECT_EQ(got.edited, want.edited) << name;
    EXPECT_EQ(got.from_bot, want.from_bot) << name;
    EXPECT_EQ(got.thread_id, want.thread_id) << name;
    EXPECT_EQ(got.thread_title, want.thread_title) << name;
    EXPECT_EQ(got.message_id, want.message_id) << name;
    EXPECT_EQ(got.user_name, want.user_name) << name;
    EXPECT_EQ(got.sent_at, want.sent_at) << name;
}

struct fixture_case {
    char const* file;
    inbound_event expect;
};

// One row per file in tests/fixtures/telegram (fixtures_are_all_covered checks that);
// API answers live in its responses/ folder.
fixture_case const fixture_cases[] = {
    {"private_text.json",
     {.dedupe_key = "tg:citizens:482913071", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .chat = chat_kind::private_chat, .kind = event_kind::text,
      .text = "The street light outside No. 12 Elm Street has been off for a week.", .language = "en",
      .message_id = "1204", .user_name = "Anna Kovacs", .sent_at = at(1764328479)}},
    {"command_start.json",
     {.dedupe_key = "tg:citizens:482913060", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::text, .text = "/start", .language = "en", .message_id = "1198",
      .user_name = "Anna Kovacs", .sent_at = at(1764328401)}},
    {"command_start_mention.json",
     {.dedupe_key = "tg:citizens:482913062", .channel_id = "citizens", .chat_id = "6234567890", .user_id = "6234567890",
      .kind = event_kind::text, .text = "/start ref42", .language = "de", .message_id = "1199",
      .user_name = "Jonas", .sent_at = at(1764328422)}},
    {"photo_caption.json",
     {.dedupe_key = "tg:citizens:482913075", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::photo, .text = "Broken lamp, seen from the bus stop",
      .photo_ids = {"AgACAgIAAxkBAAIEt2dHfQ1xS0mPl3Kq_large"}, .language = "en", .message_id = "1208",
      .user_name = "Anna Kovacs", .sent_at = at(1764328555)}},
    {"location.json",
     {.dedupe_key = "tg:citizens:482913073", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::location, .location = model::geo_point{52.520008, 13.404954}, .language = "en",
      .message_id = "1206", .user_name = "Anna Kovacs", .sent_at = at(1764328511)}},
    {"venue.json",
     {.dedupe_key = "tg:citizens:482913074", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::location, .text = "Rotes Rathaus, Rathausstraße 15, 10178 Berlin",
      .location = model::geo_point{52.518611, 13.408333}, .language = "en", .message_id = "1207",
      .user_name = "Anna Kovacs", .sent_at = at(1764328530)}},
    // A button press has no time stamp of its own: sent_at stays zero.
    {"callback_query.json",
     {.dedupe_key = "tg:citizens:482913072", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::button, .text = "cat:light", .language = "en", .callback_id = "2200993311847362195",
      .user_name = "Anna Kovacs"}},
    {"callback_query_inaccessible.json",
     {.dedupe_key = "tg:citizens:482913190", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::button, .text = "track:P-2025-00042", .language = "en",
      .callback_id = "2200993312001748812",
      .user_name = "Anna Kovacs"}},
    {"callback_query_inline.json",
     {.dedupe_key = "tg:citizens:482913191", .channel_id = "citizens", .user_id = "6234567890",
      .kind = event_kind::ignored, .language = "de", .callback_id = "2200993312001748990",
      .detail = "inline_message_id",
      .user_name = "Jonas"}},
    {"edited_message.json",
     {.dedupe_key = "tg:citizens:482913076", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::text, .text = "The street light outside No. 14 Elm Street has been off for a week.",
      .language = "en", .edited = true, .message_id = "1204", .user_name = "Anna Kovacs", .sent_at = at(1764328479)}},
    {"sticker.json",
     {.dedupe_key = "tg:citizens:482913077", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::unsupported, .language = "en", .detail = "sticker", .message_id = "1210",
      .user_name = "Anna Kovacs", .sent_at = at(1764328620)}},
    {"voice.json",
     {.dedupe_key = "tg:citizens:482913078", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::unsupported, .language = "en", .detail = "voice", .message_id = "1211",
      .user_name = "Anna Kovacs", .sent_at = at(1764328640)}},
    {"document.json",
     {.dedupe_key = "tg:citizens:482913079", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::unsupported, .language = "en", .detail = "document", .message_id = "1212",
      .user_name = "Anna Kovacs", .sent_at = at(1764328660)}},
    {"group_message.json",
     {.dedupe_key = "tg:citizens:482913080", .channel_id = "citizens", .chat_id = "-4087654321",
      .user_id = "6234567890",
      .chat = chat_kind::group, .kind = event_kind::text, .text = "Has anyone reported the broken lamp yet?",
      .language = "de", .message_id = "311", .user_name = "Jonas", .sent_at = at(1764328700)}},
    {"group_service_new_members.json",
     {.dedupe_key = "tg:citizens:482913081", .channel_id = "citizens", .chat_id = "-4087654321",
      .user_id = "6234567890",
      .chat = chat_kind::group, .kind = event_kind::ignored, .language = "de", .detail = "service",
      .message_id = "312", .user_name = "Jonas", .sent_at = at(1764328710)}},
    {"supergroup_topic.json",
     {.dedupe_key = "tg:citizens:482913120", .channel_id = "citizens", .chat_id = "-1001987654321",
      .user_id = "5987654321", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "Accepted. Forwarded to the street lighting department.", .language = "en", .thread_id = "877",
      .thread_title = "P-2025-00042 Street lighting", .message_id = "905", .user_name = "Maria Lindqvist",
      .sent_at = at(1764329000)}},
    {"channel_post.json",
     {.dedupe_key = "tg:citizens:482913130", .channel_id = "citizens", .chat_id = "-1002233445566",
      .chat = chat_kind::channel, .kind = event_kind::ignored, .detail = "channel_post", .message_id = "58",
      .sent_at = at(1764329100)}},
    {"my_chat_member.json",
     {.dedupe_key = "tg:citizens:482913140", .channel_id = "citizens", .chat_id = "5123456789", .user_id = "5123456789",
      .kind = event_kind::ignored, .language = "en", .detail = "my_chat_member", .user_name = "Anna Kovacs",
      .sent_at = at(1764329200)}},
    {"unknown_update.json",
     {.dedupe_key = "tg:citizens:482913150", .channel_id = "citizens", .chat_id = "-1002233445566",
      .chat = chat_kind::channel, .kind = event_kind::ignored, .detail = "chat_boost"}},
    {"unicode_escapes.json",
     {.dedupe_key = "tg:citizens:482913160", .channel_id = "citizens", .chat_id = "6611223344", .user_id = "6611223344",
      .kind = event_kind::text, .text = "路灯坏了，请修理 💡🙏 https://example.org/p/42", .language = "zh-hans",
      .message_id = "2301", .user_name = "李华", .sent_at = at(1764329400)}},
    {"extra_fields.json",
     {.dedupe_key = "tg:citizens:482913170", .channel_id = "citizens", .chat_id = "-4087654321",
      .user_id = "6234567890",
      .chat = chat_kind::group, .kind = event_kind::text, .text = "Still dark out there.", .language = "de",
      .message_id = "412", .user_name = "Jonas", .sent_at = at(1764329500)}},
    {"big_ids.json",
     {.dedupe_key = "tg:citizens:482913180", .channel_id = "citizens", .chat_id = "-1009876543210",
      .user_id = "4503599627370001", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "The ferry pier lights are out too.", .language = "nb", .message_id = "77", .user_name = "Ola",
      .sent_at = at(1764329600)}},
    // Staff inside a forum topic: reply_to_message is the topic's forum_topic_created
    // service message (message_id == message_thread_id), which is no reply at all.
    {"forum_topic_staff_reply.json",
     {.dedupe_key = "tg:citizens:482913200", .channel_id = "citizens", .chat_id = "-1001987654321",
      .user_id = "5876543210", .chat = chat_kind::group, .kind = event_kind::text, .text = "accept",
      .language = "zh-hans", .thread_id = "1290", .thread_title = "P-2025-00043 Roads", .message_id = "1294",
      .user_name = "Chen", .sent_at = at(1764330120)}},
    // A real reply inside a topic (to the petition card, with a quote): still that topic.
    {"forum_topic_reply_to_card.json",
     {.dedupe_key = "tg:citizens:482913201", .channel_id = "citizens", .chat_id = "-1001987654321",
      .user_id = "5987654321", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "transfer roads Mill Lane is a county road", .language = "en", .thread_id = "1290",
      .message_id = "1295", .user_name = "Maria Lindqvist", .sent_at = at(1764330180)}},
    // A reply in a non-forum supergroup carries message_thread_id (the replied-to
    // message) without is_topic_message: no thread. A blank last name is dropped.
    {"supergroup_reply.json",
     {.dedupe_key = "tg:citizens:482913202", .channel_id = "citizens", .chat_id = "-1001555666777",
      .user_id = "6234567890", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "Reported it to the city this morning.", .language = "de", .message_id = "652", .user_name = "Jonas",
      .sent_at = at(1764330240)}},
    // Topic service messages stay ignored (their own topic is still named).
    {"forum_topic_created.json",
     {.dedupe_key = "tg:citizens:482913203", .channel_id = "citizens", .chat_id = "-1001987654321",
      .user_id = "5987654321", .chat = chat_kind::group, .kind = event_kind::ignored, .language = "en",
      .detail = "service", .thread_id = "1300", .message_id = "1300", .user_name = "Maria Lindqvist",
      .sent_at = at(1764330300)}},
    // The General topic of a forum has no message_thread_id.
    {"forum_general_message.json",
     {.dedupe_key = "tg:citizens:482913204", .channel_id = "citizens", .chat_id = "-1001987654321",
      .user_id = "5987654321", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "Reminder: weekly review at 15:00.", .language = "en", .message_id = "1301",
      .user_name = "Maria Lindqvist", .sent_at = at(1764330360)}},
};

TEST(telegram_parse, fixtures_give_the_expected_event)
{
    for (auto const& c : fixture_cases)
        expect_same(one_event(fixture(c.file), c.file), c.expect, c.file);
}

TEST(telegram_parse, fixtures_are_all_covered)
{
    std::set<std::string> listed;
    for (auto const& c : fixture_cases)
        listed.insert(c.file);
    for (auto const& entry : std::filesystem::directory_iterator(fixtures)) {
        if (!entry.is_regular_file())
            continue;  // responses/: API answers, read by the interpret tests
        EXPECT_TRUE(listed.count(entry.path().filename().string())) << entry.path() << " has no expected event";
    }
}

// Small updates for the branches the fixtures do not reach. `update_id` is 7 in all.
TEST(telegram_parse, message_kinds_and_quirks)
{
    auto const msg = [](std::string const& fields, std::string const& chat = R"({"id":42,"type":"private"})") {
        return R"({"update_id":7,"message":{"message_id":1,"date":1764328479,"chat":)" + chat + "," + fields + "}}";
    };
    struct case_ { char const* name; std::string body; event_kind kind; std::string text; std::string detail; };
    case_ const cases[] = {
        {"command alone with bot name",   msg(R"("text":"/help@PetitionDeskBot")"),           event_kind::text, "/help", ""},
        {"command, bot name, new line",   msg(R"("text":"/start@PetitionDeskBot\nhi")"),      event_kind::text, "/start\nhi", ""},
        {"@ after the command word",      msg(R"("text":"/track P-1@x")"),                    event_kind::text, "/track P-1@x", ""},
        {"@ in plain text",               msg(R"("text":"ask @mayor")"),                      event_kind::text, "ask @mayor", ""},
        {"photo without caption",         msg(R"("photo":[{"file_id":"only"}])"),             event_kind::photo, "", ""},
        {"venue without address",         msg(R"("venue":{"location":{"latitude":1,"longitude":2},"title":"Park"})"),
                                                                                              event_kind::location, "Park", ""},
        {"contact",                       msg(R"("contact":{"phone_number":"+4930123","first_name":"A"})"),
                                                                                              event_kind::unsupported, "", "contact"},
        {"poll",                          msg(R"("poll":{"id":"1","question":"?"})"),         event_kind::unsupported, "", "poll"},
        {"dice",                          msg(R"("dice":{"emoji":"🎲","value":3})"),           event_kind::unsupported, "", "dice"},
        {"game",                          msg(R"("game":{"title":"g"})"),                     event_kind::unsupported, "", "game"},
        {"video",                         msg(R"("video":{"file_id":"v"})"),                  event_kind::unsupported, "", "video"},
        {"video note",                    msg(R"("video_note":{"file_id":"v"})"),             event_kind::unsupported, "", "video_note"},
        {"audio",                         msg(R"("audio":{"file_id":"a"})"),                  event_kind::unsupported, "", "audio"},
        {"animation also sends document", msg(R"("document":{"file_id":"d"},"animation":{"file_id":"d"})"),
                                                                                              event_kind::unsupported, "", "animation"},
        {"pinned message",                msg(R"("pinned_message":{"message_id":3,"date":0,"chat":{"id":42}})"),
                                                                                              event_kind::ignored, "", "service"},
        {"migration",                     msg(R"("migrate_to_chat_id":-1001987654321)", R"({"id":-4087654321,"type":"group"})"),
                                                                                              event_kind::ignored, "", "service"},
        {"new topic kind",                msg(R"("forum_topic_renamed_somehow":{})"),         event_kind::ignored, "", "service"},
        {"left member (old spelling)",    msg(R"("left_chat_participant":{"id":9})"),         event_kind::ignored, "", "service"},
        {"story",                         msg(R"("story":{"chat":{"id":1},"id":5})"),         event_kind::ignored, "", "story"},
        {"nothing but the envelope",      msg(R"("media_group_id":"13")"),                    event_kind::ignored, "", "message"},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(c.body, c.name);
        EXPECT_EQ(ev.dedupe_key, "tg:citizens:7") << c.name;
        EXPECT_EQ(ev.kind, c.kind) << c.name;
        EXPECT_EQ(ev.text, c.text) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.chat_id.empty(), false) << c.name;
    }
}

TEST(telegram_parse, chat_kind_and_sender)
{
    struct case_ { char const* name; std::string chat; std::string from; chat_kind expect; std::string user; };
    case_ const cases[] = {
        {"private",                    R"({"id":42,"type":"private"})",        R"(,"from":{"id":42})", chat_kind::private_chat, "42"},
        {"group",                      R"({"id":-42,"type":"group"})",         R"(,"from":{"id":42})", chat_kind::group,        "42"},
        {"supergroup",                 R"({"id":-1001,"type":"supergroup"})",  R"(,"from":{"id":42})", chat_kind::group,        "42"},
        {"channel",                    R"({"id":-1002,"type":"channel"})",     "",                     chat_kind::channel,      ""},
        {"no type, positive id",       R"({"id":42,"first_name":"A"})",        R"(,"from":{"id":42})", chat_kind::private_chat, "42"},
        {"no type, negative id",       R"({"id":-42})",                        R"(,"from":{"id":42})", chat_kind::group,        "42"},
        {"unknown type, negative id",  R"({"id":-42,"type":"gigagroup"})",     "",                     chat_kind::group,        ""},
        {"from null",                  R"({"id":42,"type":"private"})",        R"(,"from":null)",      chat_kind::private_chat, ""},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(R"({"update_id":7,"message":{"chat":)" + c.chat + c.from + R"(,"text":"hi"}})", c.name);
        EXPECT_EQ(ev.chat, c.expect) << c.name;
        EXPECT_EQ(ev.user_id, c.user) << c.name;
        EXPECT_EQ(ev.sent_at, model::timestamp{}) << c.name;  // no date: zero, not a failure
    }
}

// The staff side: who wrote (a bot? what name?), which message, and which forum topic.
TEST(telegram_parse, sender_message_and_topic)
{
    auto const msg = [](std::string const& fields) {
        return R"({"update_id":7,"message":{"date":1764328479,"chat":{"id":-1001987654321,"type":"supergroup","is_forum":true},)" +
               fields + R"(,"text":"hi"}})";
    };
    struct case_ {
        char const* name;
        std::string body;
        bool from_bot;
        std::string user_name;
        std::string message_id;
        std::string thread_id;
    };
    case_ const cases[] = {
        {"first and last name",       msg(R"("message_id":3,"from":{"id":1,"is_bot":false,"first_name":"Maria","last_name":"Lindqvist","username":"ml"})"),
                                      false, "Maria Lindqvist", "3", ""},
        {"first name only",           msg(R"("message_id":3,"from":{"id":1,"is_bot":false,"first_name":"Chen"})"),
                                      false, "Chen", "3", ""},
        {"last name only",            msg(R"("message_id":3,"from":{"id":1,"first_name":"","last_name":"Li"})"),
                                      false, "Li", "3", ""},
        {"names padded with spaces",  msg(R"("message_id":3,"from":{"id":1,"first_name":" Ana ","last_name":" Li "})"),
                                      false, "Ana Li", "3", ""},
        {"blank names: the username", msg(R"("message_id":3,"from":{"id":1,"first_name":" ","username":"desk_ops"})"),
                                      false, "desk_ops", "3", ""},
        {"no names at all",           msg(R"("message_id":3,"from":{"id":1})"),                 false, "", "3", ""},
        {"a bot",                     msg(R"("message_id":3,"from":{"id":1,"is_bot":true,"first_name":"Desk"})"),
                                      true, "Desk", "3", ""},
        {"no message_id",             msg(R"("from":{"id":1})"),                                false, "", "", ""},
        {"message_id 0 (scheduled video)", msg(R"("message_id":0)"),                            false, "", "0", ""},
        {"in a topic",                msg(R"("message_id":9,"message_thread_id":5,"is_topic_message":true)"),
                                      false, "", "9", "5"},
        {"thread id, not a topic",    msg(R"("message_id":9,"message_thread_id":5)"),           false, "", "9", ""},
        {"thread id, topic false",    msg(R"("message_id":9,"message_thread_id":5,"is_topic_message":false)"),
                                      false, "", "9", ""},
        {"topic flag, no thread id",  msg(R"("message_id":9,"is_topic_message":true)"),         false, "", "9", ""},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(c.body, c.name);
        EXPECT_EQ(ev.from_bot, c.from_bot) << c.name;
        EXPECT_EQ(ev.user_name, c.user_name) << c.name;
        EXPECT_EQ(ev.message_id, c.message_id) << c.name;
        EXPECT_EQ(ev.thread_id, c.thread_id) << c.name;
    }
}

// A button pressed under a message in a forum topic belongs to that topic.
TEST(telegram_parse, button_press_in_a_topic_names_the_topic)
{
    struct case_ { char const* name; std::string message; std::string thread_id; };
    case_ const cases[] = {
        {"in a topic",
         R"({"message_id":1291,"message_thread_id":1290,"is_topic_message":true,"date":5,"chat":{"id":-1001987654321,"type":"supergroup","is_forum":true}})",
         "1290"},
        {"a reply in a plain supergroup",
         R"({"message_id":20,"message_thread_id":11,"date":5,"chat":{"id":-1001555666777,"type":"supergroup"}})", ""},
        {"inaccessible message",
         R"({"message_id":1291,"date":0,"chat":{"id":-1001987654321,"type":"supergroup"}})", ""},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(R"({"update_id":7,"callback_query":{"id":"9","from":{"id":3,"is_bot":false,"first_name":"Maria"},"message":)" +
                                      c.message + R"(,"chat_instance":"1","data":"x"}})",
                                  c.name);
        EXPECT_EQ(ev.kind, event_kind::button) << c.name;
        EXPECT_EQ(ev.thread_id, c.thread_id) << c.name;
        EXPECT_EQ(ev.message_id, "") << c.name;
        EXPECT_EQ(ev.user_name, "Maria") << c.name;
    }
}

TEST(telegram_parse, staff_fields_of_the_wrong_type_are_malformed)
{
    auto const msg = [](std::string const& fields) {
        return R"({"update_id":7,"message":{"date":1,"chat":{"id":-100,"type":"supergroup"},)" + fields + R"(,"text":"hi"}})";
    };
    struct case_ { char const* name; std::string body; char const* detail; };
    case_ const cases[] = {
        {"message_id string",        msg(R"("message_id":"9")"),                   "message.message_id: expected an integer"},
        {"thread id string",         msg(R"("message_thread_id":"5","is_topic_message":true)"),
                                                                                   "message.message_thread_id: expected an integer"},
        {"topic flag string",        msg(R"("message_thread_id":5,"is_topic_message":"true")"),
                                                                                   "message.is_topic_message: expected a boolean"},
        {"is_bot string",            msg(R"("from":{"id":1,"is_bot":"no"})"),     "message.from.is_bot: expected a boolean"},
        {"first_name number",        msg(R"("from":{"id":1,"first_name":5})"),    "message.from.first_name: expected a string"},
    };
    for (auto const& c : cases) {
        auto const r = parse_update(webhook(c.body), channel, keys);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::malformed_body) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
}

TEST(telegram_parse, other_update_kinds_are_ignored_with_their_key)
{
    struct case_ { char const* name; std::string body; std::string detail; std::string chat_id; bool edited; };
    case_ const cases[] = {
        {"edited channel post",
         R"({"update_id":7,"edited_channel_post":{"message_id":5,"chat":{"id":-1002,"type":"channel"},"date":1,"text":"x"}})",
         "edited_channel_post", "-1002", true},
        {"chat_member",
         R"({"update_id":7,"chat_member":{"chat":{"id":-1001,"type":"supergroup"},"from":{"id":3},"date":1}})",
         "chat_member", "-1001", false},
        {"message_reaction",
         R"({"update_id":7,"message_reaction":{"chat":{"id":-1001,"type":"supergroup"},"message_id":3,"user":{"id":3},"date":1,"old_reaction":[],"new_reaction":[{"type":"emoji","emoji":"👍"}]}})",
         "message_reaction", "-1001", false},
        {"a kind not invented yet",
         R"({"update_id":7,"guest_message":{"anything":[1,2,3]}})", "guest_message", "", false},
        {"payload first, update_id last",
         R"({"poll_answer":{"poll_id":"1","option_ids":[0]},"update_id":7})", "poll_answer", "", false},
        {"payload is not an object",
         R"({"update_id":7,"future":"text"})", "future", "", false},
        {"wrong types in an ignored payload",
         R"({"update_id":7,"my_chat_member":{"chat":{"id":"x"},"from":[],"date":"y"}})", "my_chat_member", "", false},
        {"no payload at all",
         R"({"update_id":7})", "empty", "", false},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(c.body, c.name);
        EXPECT_EQ(ev.kind, event_kind::ignored) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.chat_id, c.chat_id) << c.name;
        EXPECT_EQ(ev.edited, c.edited) << c.name;
        EXPECT_EQ(ev.dedupe_key, "tg:citizens:7") << c.name;
    }
}

TEST(telegram_parse, callbacks_without_a_usable_press_are_still_answerable)
{
    struct case_ { char const* name; std::string query; event_kind kind; std::string detail; std::string chat_id; };
    case_ const cases[] = {
        {"game button (no data)",
         R"({"id":"9","from":{"id":3},"message":{"message_id":1,"date":5,"chat":{"id":3,"type":"private"}},"chat_instance":"1","game_short_name":"g"})",
         event_kind::ignored, "game_short_name", "3"},
        {"no data, no game",
         R"({"id":"9","from":{"id":3},"message":{"message_id":1,"date":5,"chat":{"id":3,"type":"private"}}})",
         event_kind::ignored, "callback_query", "3"},
        {"empty data is still a press",
         R"({"id":"9","from":{"id":3},"message":{"message_id":1,"date":5,"chat":{"id":3,"type":"private"}},"data":""})",
         event_kind::button, "", "3"},
        {"no from, no chat_instance (Telegram's own sample)",
         R"({"id":"9","message":{"message_id":1,"date":5,"chat":{"id":-5,"type":"group"}},"data":"x"})",
         event_kind::button, "", "-5"},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(R"({"update_id":7,"callback_query":)" + c.query + "}", c.name);
        EXPECT_EQ(ev.kind, c.kind) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.chat_id, c.chat_id) << c.name;
        EXPECT_EQ(ev.callback_id, "9") << c.name;
    }
}

TEST(telegram_parse, secret_header_is_checked_first_and_in_full)
{
    auto const body = fixture("private_text.json");
    struct case_ { char const* name; model::raw_request req; std::string configured; char const* error; };
    auto with_headers = [&](std::vector<std::pair<std::string, std::string>> headers) {
        auto req = webhook(body);
        req.headers = std::move(headers);
        return req;
    };
    case_ const cases[] = {
        {"right secret",            webhook(body),                                      keys.webhook_secret, nullptr},
        {"header name in any case", with_headers({{"x-telegram-bot-api-secret-token", keys.webhook_secret}}),
                                                                                        keys.webhook_secret, nullptr},
        {"header missing",          with_headers({{"Content-Type", "application/json"}}),
                                                                                        keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token missing"},
        {"header empty",            webhook(body, ""),                                  keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token missing"},
        {"wrong, same length",      webhook(body, "w3bh00k-Secret_2026"),               keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match"},
        {"a prefix of the secret",  webhook(body, "w3bh00k"),                           keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match"},
        {"secret plus more",        webhook(body, keys.webhook_secret + "x"),           keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match"},
        {"other case",              webhook(body, "W3BH00K-SECRET_2025"),               keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match"},
        {"nothing configured",      webhook(body, "anything"),                          "",
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match (no secret configured)"},
        {"nothing configured or sent", webhook(body, ""),                               "",
                                                                                        "X-Telegram-Bot-Api-Secret-Token missing"},
        {"wrong secret, broken body", webhook("{not json", "nope"),                        keys.webhook_secret,
                                                                                        "X-Telegram-Bot-Api-Secret-Token does not match"},
    };
    for (auto const& c : cases) {
        auto const r = parse_update(c.req, channel, secrets{c.configured, keys.bot_token});
        EXPECT_EQ(bool(r), c.error == nullptr) << c.name;
        if (!r && c.error != nullptr) {
            EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;
            EXPECT_EQ(r.error().detail, c.error) << c.name;
        }
    }
}

TEST(telegram_parse, malformed_bodies_name_the_field)
{
    auto const msg = [](std::string const& fields) {
        return R"({"update_id":7,"message":{"message_id":1,"date":1764328479,)" + fields + "}}";
    };
    std::string const chat = R"("chat":{"id":42,"type":"private"})";
    struct case_ { char const* name; std::string body; char const* detail; };
    case_ const cases[] = {
        {"empty body",            "",                                           "body: not JSON (empty)"},
        {"not JSON",              "update_id=7",                                "body: not JSON (syntax error at byte 0)"},
        {"cut JSON",              R"({"update_id":7,)",                         "body: not JSON (ends early at byte 15)"},
        {"trailing garbage",      R"({"update_id":7} x)",                       "body: not JSON (syntax error at byte 16)"},
        {"array",                 "[1]",                                        "body: expected a JSON object"},
        {"string",                R"("update")",                                "body: expected a JSON object"},
        {"invalid UTF-8",         "{\"update_id\":7,\"x\":\"\xC3\x28\"}",        "body: invalid UTF-8 at byte 20"},
        {"lone surrogate escape", R"({"update_id":7,"x":"\udc00"})",            "body: not JSON (syntax error at byte 25)"},
        {"number overflow",       R"({"update_id":1e999})",                     nullptr},
        {"update_id missing",     R"({"message":{"chat":{"id":1}}})",           "update_id: missing"},
        {"update_id null",        R"({"update_id":null})",                      "update_id: missing"},
        {"update_id string",      R"({"update_id":"7"})",                       "update_id: expected an integer"},
        {"update_id real",        R"({"update_id":7.5})",                       "update_id: expected an integer"},
        {"update_id too big",     R"({"update_id":9223372036854775808})",       "update_id: expected an integer"},
        {"message not object",    R"({"update_id":7,"message":[]})",            "message: expected an object"},
        {"message null",          R"({"update_id":7,"message":null})",          "message: missing"},
        {"chat missing",          msg(R"("text":"hi")"),                        "message.chat: missing"},
        {"chat.id missing",       msg(R"("chat":{"type":"private"},"text":"hi")"),  "message.chat.id: missing"},
        {"chat.id string",        msg(R"("chat":{"id":"42"},"text":"hi")"),     "message.chat.id: expected an integer"},
        {"chat.type number",      msg(R"("chat":{"id":42,"type":1},"text":"hi")"), "message.chat.type: expected a string"},
        {"edited chat.id real",   R"({"update_id":7,"edited_message":{"chat":{"id":4.2},"text":"hi"}})",
                                                                                "edited_message.chat.id: expected an integer"},
        {"from.id string",        msg(chat + R"(,"from":{"id":"42"},"text":"hi")"), "message.from.id: expected an integer"},
        {"language not string",   msg(chat + R"(,"from":{"id":42,"language_code":5},"text":"hi")"),
                                                                                "message.from.language_code: expected a string"},
        {"date string",           R"({"update_id":7,"message":{"date":"today",)" + chat + "}}",
                                                                                "message.date: expected an integer"},
        {"date negative",         R"({"update_id":7,"message":{"date":-1,)" + chat + "}}",
                                                                                "message.date: expected Unix seconds"},
        {"date in year 30000",    R"({"update_id":7,"message":{"date":884541340800,)" + chat + "}}",
                                                                                "message.date: expected Unix seconds"},
        {"text number",           msg(chat + R"(,"text":5)"),                   "message.text: expected a string"},
        {"photo not array",       msg(chat + R"(,"photo":{})"),                 "message.photo: expected an array"},
        {"photo empty",           msg(chat + R"(,"photo":[])"),                 "message.photo: no sizes"},
        {"photo size not object", msg(chat + R"(,"photo":[{"file_id":"a"},"b"])"), "message.photo[1]: expected an object"},
        {"photo file_id missing", msg(chat + R"(,"photo":[{"width":90}])"),     "message.photo[0].file_id: missing"},
        {"photo file_id number",  msg(chat + R"(,"photo":[{"file_id":5}])"),    "message.photo[0].file_id: expected a string"},
        {"caption number",        msg(chat + R"(,"photo":[{"file_id":"a"}],"caption":1)"), "message.caption: expected a string"},
        {"latitude string",       msg(chat + R"(,"location":{"latitude":"52.5","longitude":13.4})"),
                                                                                "message.location.latitude: expected a number"},
        {"longitude missing",     msg(chat + R"(,"location":{"latitude":52.5})"), "message.location.longitude: missing"},
        {"venue without location", msg(chat + R"(,"venue":{"title":"Park","address":"Main St"})"),
                                                                                "message.venue.location: missing"},
        {"callback not object",   R"({"update_id":7,"callback_query":"x"})",    "callback_query: expected an object"},
        {"callback id missing",   R"({"update_id":7,"callback_query":{"from":{"id":3},"data":"x"}})",
                                                                                "callback_query.id: missing"},
        {"callback id number",    R"({"update_id":7,"callback_query":{"id":9,"data":"x"}})",
                                                                                "callback_query.id: expected a string"},
        {"callback data number",  R"({"update_id":7,"callback_query":{"id":"9","message":{"chat":{"id":3}},"data":1}})",
                                                                                "callback_query.data: expected a string"},
        {"callback chat.id string", R"({"update_id":7,"callback_query":{"id":"9","message":{"chat":{"id":"3"}},"data":"x"}})",
                                                                                "callback_query.message.chat.id: expected an integer"},
        {"channel post chat.id",  R"({"update_id":7,"channel_post":{"chat":{"id":true}}})",
                                                                                "channel_post.chat.id: expected an integer"},
    };
    for (auto const& c : cases) {
        auto const r = parse_update(webhook(c.body), channel, keys);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::malformed_body) << c.name;
        if (c.detail != nullptr) {
            EXPECT_EQ(r.error().detail, c.detail) << c.name;
        }
    }
}

TEST(telegram_parse, failure_details_never_quote_the_body)
{
    std::string const words = "PRIVATE-CITIZEN-TEXT";
    std::string const bodies[] = {
        R"({"update_id":7,"message":{"text":")" + words + R"(" )" + words + "}}",
        "{\"update_id\":7,\"message\":{\"text\":\"" + words + "\xFF\"}}",
        R"({"update_id":")" + words + R"("})",
        words,
    };
    for (auto const& body : bodies) {
        auto const r = parse_update(webhook(body), channel, keys);
        ASSERT_FALSE(r) << body;
        EXPECT_EQ(r.error().detail.find(words), std::string::npos) << r.error().detail;
    }
}

TEST(telegram_parse, nesting_depth_is_bounded_before_parsing)
{
    auto const nested = [](std::size_t arrays) {
        return R"({"update_id":7,"future":)" + std::string(arrays, '[') + std::string(arrays, ']') + "}";
    };
    struct case_ { char const* name; std::string body; bool ok; };
    case_ const cases[] = {
        {"64 levels in all",             nested(63),                                                   true},
        {"65 levels",                    nested(64),                                                   false},
        {"a million open brackets",      std::string(1'000'000, '['),                                  false},
        {"a million open objects",       [] { std::string s; for (int i = 0; i < 200'000; ++i) s += R"({"a":)"; return s; }(), false},
        {"brackets inside a string",     R"({"update_id":7,"message":{"chat":{"id":1},"text":")" + std::string(10'000, '[') + R"("}})",
                                                                                                       true},
    };
    for (auto const& c : cases) {
        auto const r = parse_update(webhook(c.body), channel, keys);
        EXPECT_EQ(bool(r), c.ok) << c.name;
        if (!r) {
            EXPECT_EQ(r.error().code, errc::malformed_body) << c.name;
            EXPECT_EQ(r.error().detail, "body: nested deeper than 64 levels") << c.name;
        }
    }
}

// parse_update reads well-formed bodies with simdjson and hands everything else
// to nlohmann; on every body both must give the same event or the same failure.
TEST(telegram_parse, the_fast_path_and_nlohmann_agree)
{
    auto const message = [](std::string const& fields) {
        return R"({"update_id":7,"message":{"message_id":3,"date":1700000000,"chat":{"id":42,"type":"private"},)" +
               fields + "}}";
    };
    std::vector<std::string> bodies = {
        message(R"("text":"hello")"),
        message(R"("text":"first","text":"second")"),              // a repeated key: the last one counts
        message(R"("text":null,"caption":"x")"),
        message(R"("location":{"latitude":52,"longitude":-0.5})"), // integers read as numbers
        message(R"("location":{"latitude":1e2,"longitude":1E-2})"),
        message(R"("text":"\u00e9\ud83d\ude00 \"quoted\" \\ \/ \b\f\n\r\t")"),
        message(R"("text":"\udc00")"),                             // a lone surrogate
        message(R"("text":"\u0000")"),
        message(R"("photo":[{"file_id":"a"},{"file_id":"b"}],"caption":"c")"),
        message(R"("photo":[])"),
        message(R"("photo":[1])"),
        message(R"("sticker":{},"text":7)"),
        R"({"update_id":-0,"message":{"chat":{"id":-0},"text":"x"}})",
        R"({"update_id":9223372036854775807,"message":{"chat":{"id":9223372036854775808},"text":"x"}})",
        R"({"update_id":18446744073709551616,"message":{"chat":{"id":1},"text":"x"}})",
        R"({"update_id":7.0,"message":{"chat":{"id":1},"text":"x"}})",
        R"({"update_id":1e400})",
        R"({"update_id":7,"message":{"chat":{"id":1},"date":-1}})",
        R"({"update_id":7,"update_id":8,"callback_query":{"id":"q","data":"d","message":{"chat":{"id":1}}}})",
        R"({"update_id":7,"my_chat_member":{"chat":{"id":"x"},"from":[],"date":"now"}})",
        R"({"update_id":7})",
        R"( {"update_id":7,"message":{"chat":{"id":1},"text":"x"}} )",
        "\xEF\xBB\xBF{\"update_id\":7}",                          // a byte order mark
        R"([{"update_id":7}])",
        R"("text")",
        R"({"update_id":7,"message":{"chat":{"id":1},"text":"x"}} x)",
        R"({"update_id":7,)",
        "{\"update_id\":7,\"x\":\"\xC3\x28\"}",
        "",
        " ",
    };
    for (std::size_t depth : {20, 31, 32, 33, 34, 40, 63, 64, 65})
        bodies.push_back(R"({"update_id":7,"future":)" + std::string(depth, '[') + std::string(depth, ']') + "}");
    for (auto const& body : bodies) {
        auto const fast = parse_update(webhook(body), channel, keys);
        auto const reference = parse_update_nlohmann(webhook(body), channel, keys);
        ASSERT_EQ(bool(fast), bool(reference)) << body << ": " << (fast ? reference.error().detail : fast.error().detail);
        if (fast)
            EXPECT_EQ(fast.value(), reference.value()) << body;
        else
            EXPECT_EQ(fast.error().detail, reference.error().detail) << body;
    }
}

// A body cut at any byte (a short read, a proxy that gave up) is refused as malformed
// or, past the closing brace, parsed. Nothing else, and never a crash.
TEST(telegram_parse, every_prefix_of_every_fixture_is_refused_or_parsed)
{
    for (auto const& c : fixture_cases) {
        auto const body = fixture(c.file);
        auto const closing = body.rfind('}');
        ASSERT_NE(closing, std::string::npos) << c.file;
        for (std::size_t cut = 0; cut <= body.size(); ++cut) {
            auto const r = parse_update(webhook(body.substr(0, cut)), channel, keys);
            if (cut <= closing) {
                ASSERT_FALSE(r) << c.file << " cut at " << cut;
                ASSERT_EQ(r.error().code, errc::malformed_body) << c.file << " cut at " << cut;
            } else {
                ASSERT_TRUE(r) << c.file << " cut at " << cut << ": " << r.error().detail;
            }
        }
    }
}

}  // namespace
}  // namespace pg::adapters::telegram
