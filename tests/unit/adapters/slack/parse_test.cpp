#include "adapters/slack/slack.hpp"

#include "adapters/common/hmac.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace pg::adapters::slack {
namespace {

using model::chat_kind;
using model::errc;
using model::event_kind;
using model::inbound_event;

std::string const channel = "staff";
secrets const keys{"8f742231b10e8888abcd99yyyzzz85a5", "xoxb-1234567890-9876543210987-NotARealTokenAtAll00"};

constexpr std::int64_t now_s = 1'764'330'800;                  // no test reads the real clock
constexpr model::timestamp t0{std::chrono::seconds{now_s}};

std::filesystem::path const fixtures = std::filesystem::path(PG_FIXTURES) / "slack";

std::string fixture(std::string const& name)
{
    std::ifstream in(fixtures / name, std::ios::binary);
    EXPECT_TRUE(in) << "cannot open fixture " << name;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string signature(std::string const& ts, std::string const& body, std::string const& secret = keys.signing_secret)
{
    return "v0=" + to_hex(hmac_sha256(secret, "v0:" + ts + ":" + body));
}

// A delivery as Slack signs it, `ts` seconds since the epoch.
model::raw_request signed_request(std::string body, std::int64_t ts = now_s)
{
    model::raw_request req;
    req.method = "POST";
    req.target = "/webhook/" + channel;
    auto const stamp = std::to_string(ts);
    req.headers = {{"Content-Type", "application/json"},
                   {"X-Slack-Request-Timestamp", stamp},
                   {"X-Slack-Signature", signature(stamp, body)}};
    req.body = std::move(body);
    return req;
}

// Slack's ts "1764330060.112233" read as a time.
constexpr model::timestamp at_ms(std::int64_t ms) { return model::from_millis(ms); }

inbound_event one_event(std::string const& body, std::string const& name)
{
    auto r = parse_event(signed_request(body), channel, keys, t0);
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
    EXPECT_FALSE(got.location) << name;
    EXPECT_TRUE(got.photo_ids.empty()) << name;
    EXPECT_EQ(got.language, "") << name;
    EXPECT_EQ(got.callback_id, "") << name;
    EXPECT_EQ(got.detail, want.detail) << name;
    EXPECT_EQ(got.edited, want.edited) << name;
    EXPECT_EQ(got.from_bot, want.from_bot) << name;
    EXPECT_EQ(got.thread_id, want.thread_id) << name;
    EXPECT_EQ(got.message_id, want.message_id) << name;
    EXPECT_EQ(got.user_name, want.user_name) << name;
    EXPECT_EQ(got.sent_at, want.sent_at) << name;
}

struct fixture_case {
    char const* file;
    inbound_event expect;
};

// One row per file in tests/fixtures/slack (fixtures_are_all_covered checks that); API
// answers live in its responses/ folder. The staff channel is C07STAFF4PX, our bot user
// U07PGBOT7QX, and the petition's thread parent 1764330001.000200.
fixture_case const fixture_cases[] = {
    {"url_verification.json",
     {.channel_id = "staff", .chat = chat_kind::group, .kind = event_kind::challenge,
      .text = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}},
    {"channel_message.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330060.112233", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U02MLINDQV1", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "Morning all, three new petitions came in overnight.", .message_id = "1764330060.112233",
      .sent_at = at_ms(1764330060112)}},
    {"thread_reply.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330180.334455", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U02MLINDQV1", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "transfer roads Mill Lane is a county road", .thread_id = "1764330001.000200",
      .message_id = "1764330180.334455", .sent_at = at_ms(1764330180334)}},
    // Slack Connect: the author is from another workspace, and a profile comes along.
    {"thread_reply_shared_channel.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330200.556677", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U03CHENWEI2", .chat = chat_kind::group, .kind = event_kind::text, .text = "受理",
      .thread_id = "1764330001.000200", .message_id = "1764330200.556677", .user_name = "chen.wei",
      .sent_at = at_ms(1764330200556)}},
    {"app_mention.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330240.778899", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U02MLINDQV1", .chat = chat_kind::group, .kind = event_kind::text, .text = "accept",
      .thread_id = "1764330001.000200", .message_id = "1764330240.778899", .sent_at = at_ms(1764330240778)}},
    // Our own chat.postMessage (a thread parent) comes back as an event.
    {"bot_echo.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330001.000200", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U07PGBOT7QX", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "P-2025-00043 Roads\nPothole outside No. 3 Mill Lane, about 30 cm wide.", .from_bot = true,
      .message_id = "1764330001.000200", .sent_at = at_ms(1764330001000)}},
    {"bot_message.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330300.990011", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .chat = chat_kind::group, .kind = event_kind::text, .text = "Road works feed: Mill Lane closed 2-4 Dec",
      .from_bot = true, .message_id = "1764330300.990011", .sent_at = at_ms(1764330300990)}},
    {"message_changed.json",
     {.dedupe_key = "slack:staff:Ev07QKEF5G6H", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .chat = chat_kind::group, .kind = event_kind::ignored, .detail = "message_changed", .edited = true,
      .message_id = "1764330400.001122", .sent_at = at_ms(1764330400001)}},
    {"message_deleted.json",
     {.dedupe_key = "slack:staff:Ev07QKGH7J8K", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .chat = chat_kind::group, .kind = event_kind::ignored, .detail = "message_deleted",
      .message_id = "1764330460.002233", .sent_at = at_ms(1764330460002)}},
    {"channel_join.json",
     {.dedupe_key = "slack:staff:Ev07QKJK9L0M", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U08NEWSTAF1", .chat = chat_kind::group, .kind = event_kind::ignored, .detail = "channel_join",
      .message_id = "1764330520.003344", .sent_at = at_ms(1764330520003)}},
    {"file_share.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330580.004455", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U02MLINDQV1", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "progress Crew on site, photos attached", .detail = "files: 2", .thread_id = "1764330001.000200",
      .message_id = "1764330580.004455", .sent_at = at_ms(1764330580004)}},
    {"mrkdwn_reply.json",
     {.dedupe_key = "slack:staff:C07STAFF4PX:1764330640.005566", .channel_id = "staff", .chat_id = "C07STAFF4PX",
      .user_id = "U02MLINDQV1", .chat = chat_kind::group, .kind = event_kind::text,
      .text = "answer @U03CHENWEI2 checked it: the repair is booked for 2 Dec & the lane stays open. "
              "Notice: road works notice (https://city.example.org/roads/works?id=42&lang=en), questions to "
              "roads@city.example.org or #roads-team. Map: https://maps.example.org/?q=mill+lane <3",
      .thread_id = "1764330001.000200", .message_id = "1764330640.005566", .sent_at = at_ms(1764330640005)}},
    {"reaction_added.json",
     {.dedupe_key = "slack:staff:Ev07QKQR5S6T", .channel_id = "staff", .user_id = "U02MLINDQV1",
      .chat = chat_kind::group, .kind = event_kind::ignored, .detail = "reaction_added"}},
    {"app_rate_limited.json",
     {.dedupe_key = "slack:staff:app_rate_limited:1764330720", .channel_id = "staff", .chat = chat_kind::group,
      .kind = event_kind::ignored, .detail = "app_rate_limited"}},
};

TEST(slack_parse, fixtures_give_the_expected_event)
{
    for (auto const& c : fixture_cases)
        expect_same(one_event(fixture(c.file), c.file), c.expect, c.file);
}

TEST(slack_parse, fixtures_are_all_covered)
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

// Computed apart from our HMAC helper (openssl dgst -sha256 -hmac), so a helper that
// signs and checks the same wrong way still fails here.
TEST(slack_parse, a_signature_computed_elsewhere_is_accepted)
{
    model::raw_request req;
    req.method = "POST";
    req.headers = {{"X-Slack-Request-Timestamp", "1764330800"},
                   {"X-Slack-Signature", "v0=210a7e737a62aca6783089a53636652711c864a1d20f5b2a43aabf0298bca648"}};
    req.body = R"({"type":"url_verification","challenge":"abc"})";
    auto r = parse_event(req, channel, keys, t0);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->front().kind, event_kind::challenge);
    EXPECT_EQ(r->front().text, "abc");
}

TEST(slack_parse, signature_is_checked_first_and_in_full)
{
    auto const body = fixture("thread_reply.json");
    auto const stamp = std::to_string(now_s);
    auto const good = signature(stamp, body);
    auto with = [&](std::string ts, std::string sig, std::string b) {
        model::raw_request req;
        req.method = "POST";
        req.headers = {{"X-Slack-Request-Timestamp", std::move(ts)}, {"X-Slack-Signature", std::move(sig)}};
        req.body = std::move(b);
        return req;
    };
    auto upper = [](std::string s) {
        for (auto& c : s)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    struct case_ { char const* name; model::raw_request req; std::string configured; char const* error; };
    case_ const cases[] = {
        {"right signature",          signed_request(body),                                keys.signing_secret, nullptr},
        {"header names in any case", [&] {
                                         auto req = signed_request(body);
                                         req.headers = {{"x-slack-request-timestamp", stamp},
                                                        {"X-SLACK-SIGNATURE", good}};
                                         return req;
                                     }(),                                                 keys.signing_secret, nullptr},
        {"wrong secret",             with(stamp, signature(stamp, body, "8f742231b10e8888abcd99yyyzzz85a6"), body),
                                                                                          keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"tampered body",            with(stamp, good, body + " "),                       keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"body swapped for another", with(stamp, good, fixture("channel_message.json")),  keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"timestamp changed",        with(std::to_string(now_s - 1), good, body),         keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"upper-case hex",           with(stamp, "v0=" + upper(good.substr(3)), body),    keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"no version prefix",        with(stamp, good.substr(3), body),                   keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"another version",          with(stamp, "v1=" + good.substr(3), body),           keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"a prefix of the signature", with(stamp, good.substr(0, 40), body),              keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
        {"timestamp missing",        [&] {
                                         auto req = signed_request(body);
                                         req.headers = {{"X-Slack-Signature", good}};
                                         return req;
                                     }(),                                                 keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp missing"},
        {"signature missing",        [&] {
                                         auto req = signed_request(body);
                                         req.headers = {{"X-Slack-Request-Timestamp", stamp}};
                                         return req;
                                     }(),                                                 keys.signing_secret,
                                                                                          "X-Slack-Signature missing"},
        {"both missing",             with("", "", body),                                  keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp missing"},
        {"timestamp not a number",   with("yesterday", good, body),                       keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"timestamp negative",       with("-1764330800", good, body),                     keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"timestamp with fraction",  with("1764330800.5", good, body),                    keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"timestamp with a space",   with(" 1764330800", good, body),                     keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"timestamp in ms",          with("1764330800000", good, body),                   keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"timestamp overflowing",    with("99999999999999999999999", good, body),         keys.signing_secret,
                                                                                          "X-Slack-Request-Timestamp: expected Unix seconds"},
        {"nothing configured",       signed_request(body),                                "",
                                                                                          "X-Slack-Signature does not match (no signing secret configured)"},
        {"nothing configured, signed with nothing",
                                     with(stamp, signature(stamp, body, ""), body),       "",
                                                                                          "X-Slack-Signature does not match (no signing secret configured)"},
        {"wrong signature, broken body", with(stamp, good, "{not json"),                  keys.signing_secret,
                                                                                          "X-Slack-Signature does not match"},
    };
    for (auto const& c : cases) {
        auto const r = parse_event(c.req, channel, secrets{c.configured, keys.bot_token}, t0);
        EXPECT_EQ(bool(r), c.error == nullptr) << c.name;
        if (!r && c.error != nullptr) {
            EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;
            EXPECT_EQ(r.error().detail, c.error) << c.name;
        }
    }
}

// Slack refuses requests more than five minutes from now, either way: a captured
// request cannot be replayed later. The signature is right in every case.
TEST(slack_parse, request_timestamp_must_be_within_five_minutes)
{
    auto const body = fixture("channel_message.json");
    struct case_ { char const* name; std::int64_t ts; bool ok; };
    case_ const cases[] = {
        {"now",                  now_s,           true},
        {"299 s old",            now_s - 299,     true},
        {"300 s old",            now_s - 300,     true},
        {"301 s old",            now_s - 301,     false},
        {"299 s in the future",  now_s + 299,     true},
        {"300 s in the future",  now_s + 300,     true},
        {"301 s in the future",  now_s + 301,     false},
        {"a day old",            now_s - 86'400,  false},
        {"zero",                 0,               false},
    };
    for (auto const& c : cases) {
        auto const r = parse_event(signed_request(body, c.ts), channel, keys, t0);
        EXPECT_EQ(bool(r), c.ok) << c.name;
        if (!r) {
            EXPECT_EQ(r.error().code, errc::bad_signature) << c.name;
            EXPECT_EQ(r.error().detail, "request timestamp outside the 5-minute window") << c.name;
        }
    }
    // Milliseconds count: 300.001 s is outside.
    auto const late = parse_event(signed_request(body, now_s - 300), channel, keys, t0 + std::chrono::milliseconds{1});
    EXPECT_FALSE(late);
}

// A retry carries X-Slack-Retry-Num and a fresh signature; the event_id makes it a duplicate.
TEST(slack_parse, a_retry_has_the_same_dedupe_key)
{
    auto const body = fixture("thread_reply.json");
    auto first = parse_event(signed_request(body, now_s - 60), channel, keys, t0);
    auto retry = signed_request(body, now_s);
    retry.headers.emplace_back("X-Slack-Retry-Num", "1");
    retry.headers.emplace_back("X-Slack-Retry-Reason", "http_timeout");
    auto second = parse_event(retry, channel, keys, t0);
    ASSERT_TRUE(first);
    ASSERT_TRUE(second);
    EXPECT_EQ(first->front().dedupe_key, "slack:staff:C07STAFF4PX:1764330180.334455");
    EXPECT_EQ(second->front().dedupe_key, first->front().dedupe_key);
}

// A message event as Slack sends it, with `event_fields` inside "event".
std::string message_event(std::string const& event_fields,
                          std::string const& authorizations =
                              R"([{"team_id":"T05NQ3K8P2L","user_id":"U07PGBOT7QX","is_bot":true}])")
{
    return R"({"type":"event_callback","team_id":"T05NQ3K8P2L","api_app_id":"A07PG4T3W2X","event_id":"Ev1","event_time":1764330000,)"
           R"("authorizations":)" + authorizations + R"(,"event":{"type":"message","channel":"C07STAFF4PX",)" +
           event_fields + "}}";
}

std::string json_string(std::string const& text)
{
    std::string out = "\"";
    for (char const c : text) {
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

TEST(slack_parse, mrkdwn_is_made_readable)
{
    struct case_ { char const* name; std::string raw; std::string expect; };
    case_ const cases[] = {
        {"plain",                         "accept",                                       "accept"},
        {"entities",                      "5 &lt; 6 &amp;&amp; 7 &gt; 3",                 "5 < 6 && 7 > 3"},
        {"entities unescape once",        "&amp;lt; stays &amp;lt;",                      "&lt; stays &lt;"},
        {"other entities stay",           "&quot;x&quot; &nbsp;",                         "&quot;x&quot; &nbsp;"},
        {"a lone ampersand",              "A & B",                                        "A & B"},
        {"user mention",                  "ask <@U03CHENWEI2>",                           "ask @U03CHENWEI2"},
        {"user mention with a name",      "ask <@U03CHENWEI2|chen.wei>",                  "ask @chen.wei"},
        {"channel with a name",           "see <#C07ROADS1QZ|roads-team>",                "see #roads-team"},
        {"channel with an empty name",    "see <#C07ROADS1QZ|>",                          "see #C07ROADS1QZ"},
        {"channel without a name",        "see <#C07ROADS1QZ>",                           "see #C07ROADS1QZ"},
        {"link with a label",             "<https://x.example.org|the notice>",           "the notice (https://x.example.org)"},
        {"link without a label",          "<https://x.example.org>",                      "https://x.example.org"},
        {"link with escaped query",       "<https://x.example.org/?a=1&amp;b=2>",         "https://x.example.org/?a=1&b=2"},
        {"label with entities",           "<https://x.example.org|Q&amp;A>",              "Q&A (https://x.example.org)"},
        {"auto-linked domain",            "<http://example.org|example.org>",             "example.org"},
        {"auto-linked https domain",      "<https://example.org|example.org>",            "example.org"},
        {"auto-linked mail address",      "<mailto:roads@city.example.org|roads@city.example.org>",
                                                                                          "roads@city.example.org"},
        {"label equal to the link",       "<https://x.example.org|https://x.example.org>", "https://x.example.org"},
        {"here",                          "<!here> lamp fixed",                           "@here lamp fixed"},
        {"channel broadcast",             "<!channel>",                                   "@channel"},
        {"user group",                    "<!subteam^S07ROADS|@roads>",                   "@roads"},
        {"user group without a label",    "<!subteam^S07ROADS>",                          "@subteam"},
        {"date with a fallback",          "<!date^1764330000^{date_short}|28 Nov 2025>",  "28 Nov 2025"},
        {"unclosed bracket",              "a <b",                                         "a <b"},
        {"several tokens",                "<@U1> <#C2|c> <https://x|y>",                  "@U1 #c y (https://x)"},
        {"bot mention first",             "<@U07PGBOT7QX> accept",                        "accept"},
        {"bot mention with a name",       "<@U07PGBOT7QX|petition-desk>   transfer roads", "transfer roads"},
        {"bot mention after spaces",      "  <@U07PGBOT7QX>\naccept",                     "accept"},
        {"bot mention alone",             "<@U07PGBOT7QX>",                               ""},
        {"bot mention later stays",       "accept, thanks <@U07PGBOT7QX>",                "accept, thanks @U07PGBOT7QX"},
        {"another user first stays",      "<@U02MLINDQV1> please accept",                 "@U02MLINDQV1 please accept"},
        {"a longer id is not the bot",    "<@U07PGBOT7QXX> accept",                       "@U07PGBOT7QXX accept"},
        {"CJK and emoji",                 "受理 ✅ &lt;市政&gt;",                            "受理 ✅ <市政>"},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(message_event(R"("user":"U02MLINDQV1","ts":"1764330000.000100","text":)" +
                                                json_string(c.raw)),
                                  c.name);
        EXPECT_EQ(ev.kind, event_kind::text) << c.name;
        EXPECT_EQ(ev.text, c.expect) << c.name;
    }
}

// Our own messages come back as events: never bridge them to citizens.
TEST(slack_parse, bot_messages_and_our_echoes_are_marked)
{
    std::string const us = R"([{"team_id":"T05NQ3K8P2L","user_id":"U07PGBOT7QX","is_bot":true}])";
    struct case_ { char const* name; std::string fields; std::string authorizations; bool from_bot; };
    case_ const cases[] = {
        {"a person",                    R"("user":"U02MLINDQV1")",                                   us, false},
        {"bot_id set",                  R"("user":"U07PGBOT7QX","bot_id":"B07PGDESK9Z")",            us, true},
        {"another app's bot_id",        R"("user":"U05OTHERAPP","bot_id":"B05OTHER")",               us, true},
        {"our user id, no bot_id",      R"("user":"U07PGBOT7QX")",                                   us, true},
        {"subtype bot_message",         R"("subtype":"bot_message","bot_id":"B05RSSFEED1","username":"RSS")", us, true},
        {"bot_message without bot_id",  R"("subtype":"bot_message")",                                us, true},
        {"empty bot_id",                R"("user":"U02MLINDQV1","bot_id":"")",                       us, false},
        {"authorized user, not a bot",  R"("user":"U02MLINDQV1")",
                                        R"([{"team_id":"T05NQ3K8P2L","user_id":"U02MLINDQV1","is_bot":false}])", false},
        {"several installations",       R"("user":"U09OTHERBOT")",
                                        R"([{"user_id":"U07PGBOT7QX","is_bot":true},{"user_id":"U09OTHERBOT","is_bot":true}])",
                                        true},
        {"no authorizations",           R"("user":"U07PGBOT7QX")",                                   "[]", false},
        {"our echo being edited",       R"("subtype":"message_changed","bot_id":"B07PGDESK9Z","message":{"text":"x"})", us, true},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(message_event(c.fields + R"(,"ts":"1764330000.000100","text":"x")", c.authorizations),
                                  c.name);
        EXPECT_EQ(ev.from_bot, c.from_bot) << c.name;
    }
}

TEST(slack_parse, subtypes_and_threads)
{
    struct case_ {
        char const* name;
        std::string fields;
        event_kind kind;
        std::string detail;
        std::string thread_id;
        std::string text;
    };
    case_ const cases[] = {
        {"top level",                 R"("user":"U1","ts":"1764330000.000100","text":"hi")",
                                      event_kind::text, "", "", "hi"},
        {"a reply",                   R"("user":"U1","ts":"1764330000.000100","thread_ts":"1764320000.000200","text":"hi")",
                                      event_kind::text, "", "1764320000.000200", "hi"},
        {"a thread's parent",         R"("user":"U1","ts":"1764330000.000100","thread_ts":"1764330000.000100","text":"hi")",
                                      event_kind::text, "", "", "hi"},
        {"thread_broadcast",          R"("subtype":"thread_broadcast","user":"U1","ts":"1764330000.000100","thread_ts":"1764320000.000200","text":"hi")",
                                      event_kind::text, "", "1764320000.000200", "hi"},
        {"me_message",                R"("subtype":"me_message","user":"U1","ts":"1764330000.000100","text":"is on it")",
                                      event_kind::text, "", "", "is on it"},
        {"file_share without text",   R"("subtype":"file_share","user":"U1","ts":"1764330000.000100","files":[{"id":"F1"}])",
                                      event_kind::text, "files: 1", "", ""},
        {"message without text",      R"("user":"U1","ts":"1764330000.000100")",
                                      event_kind::text, "", "", ""},
        {"message_changed",           R"("subtype":"message_changed","hidden":true,"ts":"1764330000.000100","message":{"user":"U1","text":"new","ts":"1764320000.000200"})",
                                      event_kind::ignored, "message_changed", "", ""},
        {"message_deleted",           R"("subtype":"message_deleted","hidden":true,"ts":"1764330000.000100","deleted_ts":"1764320000.000200")",
                                      event_kind::ignored, "message_deleted", "", ""},
        {"channel_join",              R"("subtype":"channel_join","user":"U1","ts":"1764330000.000100","text":"<@U1> has joined the channel")",
                                      event_kind::ignored, "channel_join", "", ""},
        {"channel_leave",             R"("subtype":"channel_leave","user":"U1","ts":"1764330000.000100","text":"<@U1> has left the channel")",
                                      event_kind::ignored, "channel_leave", "", ""},
        {"channel_topic",             R"("subtype":"channel_topic","user":"U1","ts":"1764330000.000100","topic":"Petitions")",
                                      event_kind::ignored, "channel_topic", "", ""},
        {"a subtype not invented yet", R"("subtype":"hologram_share","user":"U1","ts":"1764330000.000100","text":"x")",
                                      event_kind::ignored, "hologram_share", "", ""},
        {"an ignored subtype's odd shape", R"("subtype":"channel_join","user":5,"ts":9,"channel":[])",
                                      event_kind::ignored, "channel_join", "", ""},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(message_event(c.fields), c.name);
        EXPECT_EQ(ev.kind, c.kind) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.thread_id, c.thread_id) << c.name;
        EXPECT_EQ(ev.text, c.text) << c.name;
        // Messages are keyed by (channel, ts); what is dropped keeps its event_id.
        EXPECT_EQ(ev.dedupe_key, c.kind == event_kind::text ? "slack:staff:" + ev.chat_id + ":" + ev.message_id
                                                             : std::string("slack:staff:Ev1"))
            << c.name;
    }
}

TEST(slack_parse, other_events_and_envelopes_are_ignored)
{
    struct case_ { char const* name; std::string body; std::string detail; std::string dedupe_key; };
    case_ const cases[] = {
        {"member_joined_channel",
         R"({"type":"event_callback","event_id":"Ev2","event":{"type":"member_joined_channel","user":"U1","channel":"C07STAFF4PX","event_ts":"1764330000.000100"}})",
         "member_joined_channel", "slack:staff:Ev2"},
        {"an event type not invented yet",
         R"({"type":"event_callback","event_id":"Ev3","event":{"type":"hologram","anything":[1,2]}})",
         "hologram", "slack:staff:Ev3"},
        {"app_rate_limited",
         R"({"token":"t","type":"app_rate_limited","team_id":"T1","minute_rate_limited":1764330720,"api_app_id":"A1"})",
         "app_rate_limited", "slack:staff:app_rate_limited:1764330720"},
        {"an envelope with event_time",
         R"({"type":"app_notice","event_time":1764330000,"api_app_id":"A1"})",
         "app_notice", "slack:staff:app_notice:1764330000"},
        {"an envelope with the app id only",
         R"({"type":"app_notice","api_app_id":"A1"})", "app_notice", "slack:staff:app_notice:A1"},
        {"an envelope with nothing",
         R"({"type":"app_notice"})", "app_notice", "slack:staff:app_notice:"},
    };
    for (auto const& c : cases) {
        auto const ev = one_event(c.body, c.name);
        EXPECT_EQ(ev.kind, event_kind::ignored) << c.name;
        EXPECT_EQ(ev.detail, c.detail) << c.name;
        EXPECT_EQ(ev.dedupe_key, c.dedupe_key) << c.name;
        EXPECT_EQ(ev.chat, chat_kind::group) << c.name;
    }
}

TEST(slack_parse, malformed_bodies_name_the_field)
{
    auto const event = [](std::string const& fields) {
        return R"({"type":"event_callback","event_id":"Ev1","event":{)" + fields + "}}";
    };
    struct case_ { char const* name; std::string body; char const* detail; };
    case_ const cases[] = {
        {"empty body",              "",                                                   "body: not JSON (empty)"},
        {"form-encoded",            "payload=%7B%7D",                                     "body: not JSON (syntax error at byte 0)"},
        {"cut JSON",                R"({"type":"event_callback",)",                       "body: not JSON (ends early at byte 25)"},
        {"array",                   "[1]",                                                "body: expected a JSON object"},
        {"invalid UTF-8",           "{\"type\":\"\xC3\x28\"}",                            "body: invalid UTF-8 at byte 9"},
        {"too deep",                std::string(100, '['),                                "body: nested deeper than 64 levels"},
        {"type missing",            R"({"event_id":"Ev1"})",                              "type: missing"},
        {"type number",             R"({"type":1})",                                      "type: expected a string"},
        {"challenge missing",       R"({"type":"url_verification","token":"t"})",         "challenge: missing"},
        {"challenge number",        R"({"type":"url_verification","challenge":5})",       "challenge: expected a string"},
        {"event_id missing",        R"({"type":"event_callback","event":{"type":"message"}})", "event_id: missing"},
        {"event_id number",         R"({"type":"event_callback","event_id":5,"event":{"type":"message"}})",
                                                                                          "event_id: expected a string"},
        {"event_id empty",          R"({"type":"event_callback","event_id":"","event":{"type":"message"}})",
                                                                                          "event_id: empty"},
        {"event missing",           R"({"type":"event_callback","event_id":"Ev1"})",      "event: missing"},
        {"event not an object",     R"({"type":"event_callback","event_id":"Ev1","event":"message"})",
                                                                                          "event: expected an object"},
        {"event type missing",      event(R"("channel":"C1")"),                           "event.type: missing"},
        {"channel missing",         event(R"("type":"message","user":"U1","ts":"1.2","text":"x")"),
                                                                                          "event.channel: missing"},
        {"channel empty",           event(R"("type":"message","channel":"","ts":"1.2","text":"x")"),
                                                                                          "event.channel: empty"},
        {"ts empty",                event(R"("type":"message","channel":"C1","ts":"","text":"x")"),
                                                                                          "event.ts: expected a Slack timestamp"},
        {"channel number",          event(R"("type":"message","channel":5,"ts":"1.2","text":"x")"),
                                                                                          "event.channel: expected a string"},
        {"ts missing",              event(R"("type":"message","channel":"C1","text":"x")"), "event.ts: missing"},
        {"ts number",               event(R"("type":"message","channel":"C1","ts":1764330000.0001,"text":"x")"),
                                                                                          "event.ts: expected a string"},
        {"ts not a Slack ts",       event(R"("type":"message","channel":"C1","ts":"yesterday","text":"x")"),
                                                                                          "event.ts: expected a Slack timestamp"},
        {"ts with a sign",          event(R"("type":"message","channel":"C1","ts":"-1.5","text":"x")"),
                                                                                          "event.ts: expected a Slack timestamp"},
        {"text number",             event(R"("type":"message","channel":"C1","ts":"1.2","text":5)"),
                                                                                          "event.text: expected a string"},
        {"user number",             event(R"("type":"message","channel":"C1","ts":"1.2","user":5)"),
                                                                                          "event.user: expected a string"},
        {"thread_ts number",        event(R"("type":"message","channel":"C1","ts":"1.2","thread_ts":1.1)"),
                                                                                          "event.thread_ts: expected a string"},
        {"subtype number",          event(R"("type":"message","channel":"C1","ts":"1.2","subtype":1)"),
                                                                                          "event.subtype: expected a string"},
        {"files not an array",      event(R"("type":"message","subtype":"file_share","channel":"C1","ts":"1.2","files":{})"),
                                                                                          "event.files: expected an array"},
        {"authorizations object",   R"({"type":"event_callback","event_id":"Ev1","authorizations":{},"event":{"type":"message"}})",
                                                                                          "authorizations: expected an array"},
        {"authorization not object", R"({"type":"event_callback","event_id":"Ev1","authorizations":["U1"],"event":{"type":"message"}})",
                                                                                          "authorizations[0]: expected an object"},
        {"authorization user number", R"({"type":"event_callback","event_id":"Ev1","authorizations":[{"user_id":5,"is_bot":true}],"event":{"type":"message"}})",
                                                                                          "authorizations[0].user_id: expected a string"},
    };
    for (auto const& c : cases) {
        auto const r = parse_event(signed_request(c.body), channel, keys, t0);
        ASSERT_FALSE(r) << c.name;
        EXPECT_EQ(r.error().code, errc::malformed_body) << c.name;
        EXPECT_EQ(r.error().detail, c.detail) << c.name;
    }
}

TEST(slack_parse, failure_details_never_quote_the_body)
{
    std::string const words = "PRIVATE-CITIZEN-TEXT";
    std::string const bodies[] = {
        R"({"type":"event_callback","event":{"text":")" + words + R"(" )" + words + "}}",
        "{\"type\":\"event_callback\",\"event\":{\"text\":\"" + words + "\xFF\"}}",
        R"({"type":")" + words + R"(","event_id":5})",
        words,
    };
    for (auto const& body : bodies) {
        auto const r = parse_event(signed_request(body), channel, keys, t0);
        if (!r) {
            EXPECT_EQ(r.error().detail.find(words), std::string::npos) << r.error().detail;
        }
    }
}

// A body cut at any byte is refused as malformed or, past the closing brace, parsed.
// Each cut is signed as Slack would sign it, so only the parser is tested.
TEST(slack_parse, every_prefix_of_every_fixture_is_refused_or_parsed)
{
    for (auto const& c : fixture_cases) {
        auto const body = fixture(c.file);
        auto const closing = body.rfind('}');
        ASSERT_NE(closing, std::string::npos) << c.file;
        for (std::size_t cut = 0; cut <= body.size(); ++cut) {
            auto const r = parse_event(signed_request(body.substr(0, cut)), channel, keys, t0);
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
}  // namespace pg::adapters::slack
