// Web chat: the JSON frames the page draws, for both sides of the conversation.
#include "adapters/webchat/webchat.hpp"

#include <nlohmann/json.hpp>

namespace pg::adapters::webchat {
namespace {

using json = nlohmann::json;

// Text from config or a citizen may hold invalid UTF-8: it goes out as U+FFFD.
std::string dump(json const& j)
{
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string gateway_frame(model::outbound_message const& m)
{
    json frame{{"kind", "text"}, {"text", m.text}};
    if (!m.buttons.empty()) {
        json rows = json::array();
        for (auto const& row : m.buttons) {
            json r = json::array();
            for (auto const& b : row)
                r.push_back({{"label", b.label}, {"data", b.data}});
            rows.push_back(std::move(r));
        }
        frame["buttons"] = std::move(rows);
    }
    if (!m.location_label.empty())
        frame["location_label"] = m.location_label;
    if (!m.language.empty())  // the page shows its own labels in the dialog's language
        frame["language"] = m.language;
    return dump(frame);
}

std::string citizen_frame(model::inbound_event const& ev)
{
    json frame{{"id", ev.message_id}};
    switch (ev.kind) {
    case model::event_kind::button:
        frame["kind"] = "button";
        frame["data"] = ev.text;
        break;
    case model::event_kind::location:
        frame["kind"] = "location";
        if (ev.location) {
            frame["latitude"] = ev.location->latitude;
            frame["longitude"] = ev.location->longitude;
        }
        break;
    default:
        frame["kind"] = "text";
        frame["text"] = ev.text;
        break;
    }
    return dump(frame);
}

model::api_call render(model::outbound_message const& m)
{
    model::api_call call;
    call.content_type = "application/json";
    // Nothing to show: a button press needs no acknowledgement in a page, and a
    // web chat has no staff threads.
    if (m.kind != model::message_kind::text) {
        call.content_type.clear();
        return call;
    }
    call.path = "local";
    call.body = gateway_frame(m);
    return call;
}

model::delivery_verdict interpret(model::api_response const&, model::timestamp)
{
    return {};
}

}  // namespace pg::adapters::webchat
