// Slack: an outbound message becomes one Web API call (chat.postMessage) with a JSON body.
#include "adapters/slack/slack.hpp"

#include "adapters/common/utf8.hpp"

#include <nlohmann/json.hpp>

#include <string_view>

namespace pg::adapters::slack {
namespace {

using json = nlohmann::json;

// Slack truncates a message's text beyond about 4,000 characters. Counting UTF-16 units
// (an emoji is two) never counts fewer characters than Slack does.
constexpr std::size_t max_text_units = 3900;

// chat.postMessage refuses an empty text (no_text): a lone ellipsis keeps the message
// deliverable, as on Telegram.
constexpr std::string_view blank_text_stand_in = "\u2026";

// Our text is plain: "<" would open a mention or a link, and "&" an entity.
std::string escaped(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char const c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    }
    return out;
}

// Escaped first, then cut, so the limit holds for what Slack receives; a cut that
// would end inside "&amp;" ends before it.
std::string slack_text(std::string_view text)
{
    auto const all = escaped(text);
    auto cut = utf8_prefix_utf16(all, max_text_units);
    if (auto const amp = cut.rfind('&'); amp != std::string_view::npos && cut.find(';', amp) == std::string_view::npos)
        cut = cut.substr(0, amp);
    return blank(cut) ? std::string(blank_text_stand_in) : std::string(cut);
}

// Staff answer by typing, so buttons become a numbered list under the text; the dialog
// takes a list number or a label as typed input. Slack has no location keyboard:
// location_label is dropped.
std::string with_button_lines(std::string text, std::vector<std::vector<model::button>> const& rows)
{
    std::size_t n = 0;
    for (auto const& row : rows) {
        for (auto const& b : row) {
            text += n == 0 ? (blank(text) ? "" : "\n\n") : "\n";
            text += std::to_string(++n) + ". " + b.label;
        }
    }
    return text;
}

json post_message(model::outbound_message const& m)
{
    json body = json::object();
    body["channel"] = m.chat_id;
    if (m.kind == model::message_kind::open_thread) {
        // The parent message is the petition's card; with no card, its title.
        body["text"] = slack_text(blank(m.text) ? m.title : m.text);
    } else {
        body["text"] = slack_text(with_button_lines(m.text, m.buttons));
        if (!m.thread_id.empty())
            body["thread_ts"] = m.thread_id;
    }
    body["unfurl_links"] = false;  // a citizen's link must not turn into a preview card
    return body;
}

}  // namespace

model::api_call render(model::outbound_message const& m, secrets const& s)
{
    model::api_call call;
    if (m.kind == model::message_kind::callback_ack || m.kind == model::message_kind::photo) {
        // Slack delivers no button presses here (staff type their commands), so there is
        // nothing to acknowledge; a photo's file id belongs to another platform (the
        // card counts the photos). An empty path tells the gateway to send nothing.
        call.content_type.clear();
        return call;
    }
    call.path = "/chat.postMessage";
    call.content_type = "application/json; charset=utf-8";
    call.headers.emplace_back("Authorization", "Bearer " + s.bot_token);
    // Text from config or a citizen may hold invalid UTF-8: it goes out as U+FFFD
    // instead of throwing.
    call.body = post_message(m).dump(-1, ' ', false, json::error_handler_t::replace);
    return call;
}

}  // namespace pg::adapters::slack
