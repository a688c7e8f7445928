// Web chat: check the origin and the session cookie, then turn one posted JSON
// message into one event.
#include "adapters/webchat/webchat.hpp"

#include "adapters/common/json_read.hpp"
#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace pg::adapters::webchat {
namespace {

using json = nlohmann::json;
using model::event_kind;

constexpr std::string_view known_keys[] = {"id", "text", "button", "location", "language"};

model::failure malformed(std::string detail) { return {model::errc::malformed_body, std::move(detail)}; }

// Client ids are made by the page ("m-1764329000123-1"): plain characters only,
// since they end up in a storage key.
bool is_client_id(std::string_view s)
{
    return !s.empty() && s.size() <= max_client_id && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == ':';
    });
}

bool is_language_tag(std::string_view s)
{
    return s.size() <= max_language && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    });
}

// A coordinate within its range, as a finite number.
std::optional<double> coordinate(json_read& rd, json const& loc, std::string_view key, double limit)
{
    auto v = rd.need<double>(loc, "location", key);
    if (v && !(std::isfinite(*v) && std::abs(*v) <= limit)) {
        rd.fail("location." + std::string(key) + ": expected a number from " + std::to_string(int(-limit)) + " to " +
                std::to_string(int(limit)));
        return std::nullopt;
    }
    return v;
}

// Fills the event's content from exactly one of text, button, location.
void read_content(json_read& rd, json const& body, model::inbound_event& ev)
{
    int const given = int(json_read::find(body, "text") != nullptr) + int(json_read::find(body, "button") != nullptr) +
                      int(json_read::find(body, "location") != nullptr);
    if (given != 1)
        return rd.fail(given == 0 ? "body: expected one of text, button, location" :
                                    "body: expected only one of text, button, location");
    if (auto text = rd.get<std::string>(body, "", "text")) {
        if (text->find_first_not_of(" \t\r\n") == std::string::npos)
            return rd.fail("text: empty");
        if (utf16_length(*text) > max_text_units)
            return rd.fail("text: longer than " + std::to_string(max_text_units) + " characters");
        ev.kind = event_kind::text;
        ev.text = std::move(*text);
    } else if (auto button = rd.get<std::string>(body, "", "button")) {
        if (button->empty() || button->size() > max_button_data)
            return rd.fail("button: expected 1 to " + std::to_string(max_button_data) + " bytes");
        ev.kind = event_kind::button;
        ev.text = std::move(*button);
    } else if (auto const* loc = rd.object(body, "", "location")) {
        auto const lat = coordinate(rd, *loc, "latitude", 90);
        auto const lon = coordinate(rd, *loc, "longitude", 180);
        if (!lat || !lon)
            return;
        ev.kind = event_kind::location;
        ev.location = model::geo_point{*lat, *lon};
    }
}

}  // namespace

model::result<std::vector<model::inbound_event>> parse(model::raw_request const& req, std::string const& channel_id,
                                                        secrets const& s, model::timestamp now)
{
    if (cross_origin(req))
        return model::failure{model::errc::bad_signature, "Origin does not match Host"};
    auto session = verify_session(req.header("Cookie"), channel_id, s.session_secret, now);
    if (!session)
        return model::failure{model::errc::bad_signature, "session cookie missing or not valid"};

    json body;
    if (auto f = parse_json_body(req.body, body))
        return *f;
    if (!body.is_object())
        return malformed("body: expected a JSON object");
    for (auto const& [key, value] : body.items())
        if (std::find(std::begin(known_keys), std::end(known_keys), key) == std::end(known_keys))
            return malformed("body: unknown key (expected id, text, button, location, language)");

    json_read rd;
    auto id = rd.need<std::string>(body, "", "id");
    if (id && !is_client_id(*id))
        rd.fail("id: expected 1 to " + std::to_string(max_client_id) + " characters of A-Z a-z 0-9 - _ . :");
    model::inbound_event ev;
    if (rd.ok())
        read_content(rd, body, ev);
    if (auto language = rd.get<std::string>(body, "", "language")) {
        if (is_language_tag(*language))
            ev.language = std::move(*language);
        else
            rd.fail("language: expected a language tag such as en or zh-CN");
    }
    if (!rd.ok())
        return rd.error();

    ev.dedupe_key = "web:" + channel_id + ":" + *session + ":" + *id;
    ev.channel_id = channel_id;
    ev.chat_id = *session;
    ev.user_id = *session;
    ev.chat = model::chat_kind::private_chat;
    ev.message_id = std::move(*id);
    ev.sent_at = now;
    return std::vector<model::inbound_event>{std::move(ev)};
}

}  // namespace pg::adapters::webchat
