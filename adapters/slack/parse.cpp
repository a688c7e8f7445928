// Slack Events API: verify the request signature, then turn one delivery into one event.
#include "adapters/slack/slack.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/json_read.hpp"
#include "adapters/common/secret.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pg::adapters::slack {
namespace {

using json = nlohmann::json;
using model::event_kind;

constexpr std::string_view timestamp_header = "X-Slack-Request-Timestamp";
constexpr std::string_view signature_header = "X-Slack-Signature";

// Slack's replay window: a request signed more than five minutes before (or after) now
// is refused even when the signature is right.
constexpr std::int64_t replay_window_ms = 300'000;

// Unix seconds up to 9999-12-31 have at most 12 digits; more is garbage, and would
// overflow as milliseconds.
constexpr std::size_t max_seconds_digits = 12;

// Message subtypes a person typed (or a bot posted) as a message worth reading. Every
// other subtype (message_changed, message_deleted, channel_join, channel_topic, ...)
// is a change to the channel, not something said in it.
constexpr std::string_view readable_subtypes[] = {"file_share", "thread_broadcast", "me_message", "bot_message"};

model::failure bad_signature(std::string detail) { return {model::errc::bad_signature, std::move(detail)}; }

bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> to_int(std::string_view digits)
{
    std::int64_t v = 0;
    auto const [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || end != digits.data() + digits.size())
        return std::nullopt;
    return v;
}

// "1531420618" -> 1531420618: digits only, as Slack sends it.
std::optional<std::int64_t> unix_seconds(std::string_view v)
{
    if (!all_digits(v) || v.size() > max_seconds_digits)
        return std::nullopt;
    return to_int(v);
}

// The order matters: nothing about the body is looked at before the signature holds.
std::optional<model::failure> verify(model::raw_request const& req, secrets const& s, model::timestamp now)
{
    auto const ts = req.header(timestamp_header);
    if (ts.empty())
        return bad_signature(std::string(timestamp_header) + " missing");
    auto const signature = req.header(signature_header);
    if (signature.empty())
        return bad_signature(std::string(signature_header) + " missing");
    if (s.signing_secret.empty())  // fail closed: no configured secret accepts nothing
        return bad_signature(std::string(signature_header) + " does not match (no signing secret configured)");
    auto const seconds = unix_seconds(ts);
    if (!seconds)
        return bad_signature(std::string(timestamp_header) + ": expected Unix seconds");
    auto const skew = model::to_millis(now) - *seconds * 1000;
    if (skew > replay_window_ms || skew < -replay_window_ms)
        return bad_signature("request timestamp outside the 5-minute window");

    std::string base = "v0:";
    base.append(ts).append(":").append(req.body);
    auto const want = "v0=" + to_hex(hmac_sha256(s.signing_secret, base));
    if (!same_secret(signature, want))
        return bad_signature(std::string(signature_header) + " does not match");
    return std::nullopt;
}

// A message ts, "1764329000.123456", is seconds and microseconds; it is also the
// message's id in its channel, so it is kept as text and only read for the time.
std::optional<model::timestamp> ts_time(std::string_view ts)
{
    auto const dot = ts.find('.');
    auto const whole = ts.substr(0, dot);
    auto const fraction = dot == std::string_view::npos ? std::string_view{} : ts.substr(dot + 1);
    if (!all_digits(whole) || whole.size() > max_seconds_digits ||
        (dot != std::string_view::npos && !all_digits(fraction)))
        return std::nullopt;
    std::int64_t ms = *to_int(whole) * 1000;
    for (std::size_t i = 0; i < 3; ++i)
        ms += (i < fraction.size() ? fraction[i] - '0' : 0) * (i == 0 ? 100 : i == 1 ? 10 : 1);
    return model::from_millis(ms);
}

// &amp; &lt; &gt; -> & < >, in one pass: "&amp;lt;" is the text "&lt;". Slack escapes
// only these three.
std::string unescape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto const rest = s.substr(i);
        if (rest.starts_with("&amp;")) {
            out += '&';
            i += 4;
        } else if (rest.starts_with("&lt;")) {
            out += '<';
            i += 3;
        } else if (rest.starts_with("&gt;")) {
            out += '>';
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

// The inside of one "<...>" token:
//   @U123 | @U123|bob      -> @U123 | @bob         (a user)
//   #C123 | #C123|staff    -> #C123 | #staff       (a channel)
//   !here | !subteam^S1|@x -> @here | @x           (a special mention or a group)
//   url   | url|label      -> url   | label (url)  (a link; Slack's own auto-links of
//                                                   "example.org" or a mail address
//                                                   read as the label alone)
std::string readable_token(std::string_view inside)
{
    auto const bar = inside.find('|');
    auto const target = inside.substr(0, bar);
    auto const label = bar == std::string_view::npos ? std::string{} : unescape(inside.substr(bar + 1));
    if (target.starts_with('@') || target.starts_with('#'))
        return label.empty() ? unescape(target) : std::string(target.substr(0, 1)) + label;
    if (target.starts_with('!')) {
        if (!label.empty())
            return label;
        return "@" + unescape(target.substr(1, target.find('^') - 1));
    }
    auto const url = unescape(target);
    if (label.empty() || label == url || url == "mailto:" + label || url == "http://" + label ||
        url == "https://" + label)
        return label.empty() ? url : label;
    return label + " (" + url + ")";
}

// Slack mrkdwn as a citizen should read it. Markup is "<...>"; a "<" the author typed
// arrives as "&lt;", so every "<" with a closing ">" is markup.
std::string readable(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    std::size_t i = 0;
    while (i < raw.size()) {
        auto const open = raw.find('<', i);
        auto const close = open == std::string_view::npos ? open : raw.find('>', open);
        if (close == std::string_view::npos) {
            out += unescape(raw.substr(i));
            break;
        }
        out += unescape(raw.substr(i, open - i));
        out += readable_token(raw.substr(open + 1, close - open - 1));
        i = close + 1;
    }
    return out;
}

// "<@UBOT> accept" and "<@UBOT|desk>  accept" -> "accept": staff address the bot to get
// its attention; the command is what follows.
std::string_view without_bot_mention(std::string_view raw, std::vector<std::string> const& bots)
{
    auto const start = raw.find_first_not_of(" \t\r\n");
    if (start == std::string_view::npos)
        return raw;
    auto const text = raw.substr(start);
    for (auto const& bot : bots) {
        auto const tag = "<@" + bot;
        if (!text.starts_with(tag) || text.size() == tag.size() || (text[tag.size()] != '>' && text[tag.size()] != '|'))
            continue;
        auto const close = text.find('>');
        if (close == std::string_view::npos)
            continue;
        auto const rest = text.substr(close + 1);
        auto const next = rest.find_first_not_of(" \t\r\n");
        return next == std::string_view::npos ? std::string_view{} : rest.substr(next);
    }
    return raw;
}

// authorizations[]: the installation's identities for this delivery. The bot user
// among them is us: its mentions are stripped and its messages are our own echoes.
std::vector<std::string> bot_user_ids(json_read& rd, json const& body)
{
    std::vector<std::string> ids;
    auto const* list = rd.array(body, "", "authorizations");
    if (list == nullptr)
        return ids;
    for (std::size_t i = 0; i < list->size(); ++i) {
        auto const path = "authorizations[" + std::to_string(i) + "]";
        auto const& a = (*list)[i];
        if (!a.is_object()) {
            rd.fail(path + ": expected an object");
            break;
        }
        auto const user = rd.get<std::string>(a, path, "user_id");
        if (user && !user->empty() && rd.get<bool>(a, path, "is_bot").value_or(false))
            ids.push_back(*user);
    }
    return ids;
}

// A display name when the event carries one (shared channels add user_profile); events
// usually name only the user id. Cosmetic, so read leniently.
std::string display_name(json const& event)
{
    json_read lenient;
    auto const* profile = lenient.object(event, "event", "user_profile");
    if (profile == nullptr)
        return {};
    for (auto const key : {"display_name", "real_name", "name"}) {
        auto name = lenient.get<std::string>(*profile, "event.user_profile", key).value_or("");
        if (!name.empty())
            return name;
    }
    return {};
}

bool is_bot_user(std::string const& user, std::vector<std::string> const& bots)
{
    return !user.empty() && std::find(bots.begin(), bots.end(), user) != bots.end();
}

// Where, who and when, for messages that are read and those that are dropped alike.
void read_place(json_read& rd, json const& event, model::inbound_event& ev, bool strict)
{
    auto const channel = strict ? rd.need<std::string>(event, "event", "channel")
                                : rd.get<std::string>(event, "event", "channel");
    if (strict && channel && channel->empty())
        rd.fail("event.channel: empty");
    ev.chat_id = channel.value_or("");
    ev.user_id = rd.get<std::string>(event, "event", "user").value_or("");
    auto ts = strict ? rd.need<std::string>(event, "event", "ts") : rd.get<std::string>(event, "event", "ts");
    if (!ts)
        return;
    if (auto const at = ts_time(*ts))
        ev.sent_at = *at;
    else
        return rd.fail("event.ts: expected a Slack timestamp");
    ev.message_id = std::move(*ts);
}

// A message or app_mention event.
void read_message(json_read& rd, json const& event, std::vector<std::string> const& bots, model::inbound_event& ev)
{
    auto const subtype = rd.get<std::string>(event, "event", "subtype").value_or("");
    if (!subtype.empty() && std::find(std::begin(readable_subtypes), std::end(readable_subtypes), subtype) ==
                                std::end(readable_subtypes)) {
        // Dropped, so a surprise in its shape must not fail the delivery.
        json_read lenient;
        read_place(lenient, event, ev, false);
        ev.kind = event_kind::ignored;
        ev.detail = subtype;
        ev.edited = subtype == "message_changed";
        auto const bot_id = lenient.get<std::string>(event, "event", "bot_id").value_or("");
        ev.from_bot = !bot_id.empty() || is_bot_user(ev.user_id, bots);
        return;
    }

    read_place(rd, event, ev, true);
    auto const bot_id = rd.get<std::string>(event, "event", "bot_id").value_or("");
    ev.from_bot = !bot_id.empty() || subtype == "bot_message" || is_bot_user(ev.user_id, bots);
    if (auto thread = rd.get<std::string>(event, "event", "thread_ts"); thread && *thread != ev.message_id)
        ev.thread_id = std::move(*thread);  // a reply; a parent's thread_ts is its own ts
    auto const text = rd.get<std::string>(event, "event", "text").value_or("");
    ev.kind = event_kind::text;
    ev.text = readable(without_bot_mention(text, bots));
    ev.user_name = display_name(event);
    if (auto const* files = rd.array(event, "event", "files"))
        ev.detail = "files: " + std::to_string(files->size());
}

void read_callback(json_read& rd, json const& body, std::string const& channel_id, model::inbound_event& ev)
{
    auto const event_id = rd.need<std::string>(body, "", "event_id");
    auto const* event = rd.need_object(body, "", "event");
    if (!rd.ok())
        return;
    if (event_id->empty())
        return rd.fail("event_id: empty");
    ev.dedupe_key = "slack:" + channel_id + ":" + *event_id;
    auto const bots = bot_user_ids(rd, body);
    auto const type = rd.need<std::string>(*event, "event", "type");
    if (!type)
        return;
    if (*type == "message" || *type == "app_mention") {
        read_message(rd, *event, bots, ev);
        // A message the app hears both as `message` and as `app_mention` comes
        // with two event_ids: (channel, ts) names the message itself.
        if (ev.kind == event_kind::text && !ev.message_id.empty())
            ev.dedupe_key = "slack:" + channel_id + ":" + ev.chat_id + ":" + ev.message_id;
        return;
    }

    // reaction_added, member_joined_channel, ...: dropped, with whatever place they name.
    json_read lenient;
    read_place(lenient, *event, ev, false);
    ev.kind = event_kind::ignored;
    ev.detail = *type;
}

// app_rate_limited and envelopes not yet invented. They carry no event_id; a time field
// (or, failing that, the app id) keeps a redelivery of the same notice a duplicate.
void read_other_envelope(json const& body, std::string const& type, std::string const& channel_id,
                         model::inbound_event& ev)
{
    json_read lenient;
    std::string key;
    if (auto t = lenient.get<std::int64_t>(body, "", "event_time"))
        key = std::to_string(*t);
    else if (auto m = lenient.get<std::int64_t>(body, "", "minute_rate_limited"))
        key = std::to_string(*m);
    else
        key = lenient.get<std::string>(body, "", "api_app_id").value_or("");
    ev.dedupe_key = "slack:" + channel_id + ":" + type + ":" + key;
    ev.kind = event_kind::ignored;
    ev.detail = type;
}

}  // namespace

model::result<std::vector<model::inbound_event>> parse_event(model::raw_request const& req,
                                                             std::string const& channel_id, secrets const& s,
                                                             model::timestamp now)
{
    if (auto f = verify(req, s, now))
        return *f;
    json body;
    if (auto f = parse_json_body(req.body, body))
        return *f;
    if (!body.is_object())
        return model::failure{model::errc::malformed_body, "body: expected a JSON object"};

    json_read rd;
    auto const type = rd.need<std::string>(body, "", "type");
    if (!type)
        return rd.error();

    model::inbound_event ev;
    ev.channel_id = channel_id;
    ev.chat = model::chat_kind::group;  // the staff channel; never a citizen's private chat
    if (*type == "url_verification") {
        auto challenge = rd.need<std::string>(body, "", "challenge");
        if (!challenge)
            return rd.error();
        ev.kind = event_kind::challenge;  // no dedupe key: the gateway stores nothing
        ev.text = std::move(*challenge);
    } else if (*type == "event_callback") {
        read_callback(rd, body, channel_id, ev);
    } else {
        read_other_envelope(body, *type, channel_id, ev);
    }
    if (!rd.ok())
        return rd.error();
    return std::vector<model::inbound_event>{std::move(ev)};
}

}  // namespace pg::adapters::slack
