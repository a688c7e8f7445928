// Outbound messages -> Cloud API calls: text, reply buttons, lists and images
// inside the 24-hour window; a status push's template past it; nothing else.
#include "adapters/whatsapp/whatsapp.hpp"

#include "adapters/common/reply_window.hpp"
#include "adapters/common/placeholders.hpp"
#include "adapters/common/utf8.hpp"
#include "adapters/whatsapp/account.hpp"
#include "model/json_writer.hpp"

#include <algorithm>

namespace pg::adapters::whatsapp {
namespace {

// WhatsApp refuses an empty body; a lone ellipsis keeps the message deliverable.
constexpr std::string_view blank_stand_in = "\u2026";
// A button or row id: at most 256 (buttons) and 200 (rows) characters. Button
// data is short (Telegram's 64 bytes bound it), so this only guards.
constexpr std::size_t max_id_bytes = 200;
// An image caption: at most 1024 characters.
constexpr std::size_t max_caption_units = 1024;
// A template's body holds at most 1024 characters with its parameters filled in;
// this much for one parameter leaves the template's own words room.
constexpr std::size_t max_parameter_units = 600;

std::string clipped(std::string_view s, std::size_t units)
{
    auto const cut = utf8_prefix_utf16(s, units);
    return blank(cut) ? std::string(blank_stand_in) : std::string(cut);
}

// A label cut to `units`, an ellipsis marking the cut.
std::string title(std::string_view label, std::size_t units)
{
    if (utf16_length(label) <= units)
        return clipped(label, units);
    return std::string(utf8_prefix_utf16(label, units - 1)) + std::string(blank_stand_in);
}

// Template parameters may hold no line breaks or tabs and no more than four
// spaces in a row (Meta refuses the send): white space becomes one space.
std::string parameter_text(std::string_view s)
{
    std::string out;
    bool space = false;
    for (char c : s) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return title(out, max_parameter_units);
}

model::json_writer& begin(model::json_writer& w, std::string_view to, std::string_view type)
{
    return w.begin_object()
        .key("messaging_product").str("whatsapp")
        .key("recipient_type").str("individual")
        .key("to").str(to)
        .key("type").str(type);
}

model::api_call post(account const& a, std::string body)
{
    model::api_call call;
    call.path = "/" + a.phone_number_id + "/messages";
    call.headers.emplace_back("Authorization", "Bearer " + a.access_token);
    call.body = std::move(body);
    return call;
}

std::string text_message(std::string_view to, std::string_view text)
{
    model::json_writer w;
    begin(w, to, "text").key("text").begin_object().key("preview_url").boolean(false)
        .key("body").str(clipped(text, max_text_units)).end_object();
    return w.end_object().take();
}

std::string reply_buttons(std::string_view to, std::string_view text, std::vector<model::button> const& buttons)
{
    model::json_writer w;
    begin(w, to, "interactive").key("interactive").begin_object().key("type").str("button");
    w.key("body").begin_object().key("text").str(clipped(text, max_interactive_body_units)).end_object();
    w.key("action").begin_object().key("buttons").begin_array();
    for (auto const& b : buttons)
        w.begin_object().key("type").str("reply").key("reply").begin_object()
            .key("id").str(utf8_prefix_bytes(b.data, max_id_bytes))
            .key("title").str(title(b.label, max_button_title_units))
            .end_object().end_object();
    w.end_array().end_object();
    return w.end_object().end_object().take();
}

// The button that opens a list: the only word here not from the dialog's texts.
std::string_view list_button(std::string_view language)
{
    return language.starts_with("zh") ? "\u9009\u62e9" : "Choose";  // 选择
}

std::string list(std::string_view to, std::string_view text, std::vector<model::button> const& buttons,
                 std::string_view language)
{
    model::json_writer w;
    begin(w, to, "interactive").key("interactive").begin_object().key("type").str("list");
    w.key("body").begin_object().key("text").str(clipped(text, max_interactive_body_units)).end_object();
    w.key("action").begin_object().key("button").str(list_button(language));
    w.key("sections").begin_array().begin_object().key("rows").begin_array();
    for (auto const& b : buttons) {
        w.begin_object().key("id").str(utf8_prefix_bytes(b.data, max_id_bytes))
            .key("title").str(title(b.label, max_row_title_units));
        if (utf16_length(b.label) > max_row_title_units)  // the whole label below the cut one
            w.key("description").str(title(b.label, max_row_description_units));
        w.end_object();
    }
    w.end_array().end_object().end_array().end_object();
    return w.end_object().end_object().take();
}

// How many of the first buttons the text already shows as numbered lines "1. ",
// "2. ", ...: the dialog numbers a screen's main choices in its text, in the
// order of their buttons, and takes those numbers typed back (dialog/citizen_screens.cpp).
std::size_t numbered_in_text(std::string_view text, std::size_t buttons)
{
    std::size_t n = 0;
    while (n < buttons) {
        auto const line = std::to_string(n + 1) + ". ";
        if (!text.starts_with(line) && text.find("\n" + line) == std::string_view::npos)
            break;
        ++n;
    }
    return n;
}

// A choice shown as a line of text rather than a button.
constexpr std::string_view line_mark = "\u2022 ";  // "• "

std::string interactive_or_text(model::outbound_message const& m, std::vector<model::button> const& buttons)
{
    bool const fits = !blank(m.text) && utf16_length(m.text) <= max_interactive_body_units;
    if (fits && buttons.size() <= max_reply_buttons)
        return reply_buttons(m.chat_id, m.text, buttons);
    if (fits && buttons.size() <= max_list_rows)
        return list(m.chat_id, m.text, buttons, m.language);

    // More choices than a list holds, or a text longer than an interactive body.
    // The buttons the text numbers already stay typed numbers; the rest (Back,
    // Cancel, Menu) stay buttons where they fit, else become lines of their own.
    // Those lines carry no number: with buttons the dialog remembers no numbers
    // beyond its text's own (model::conversation::offered stays empty), so a
    // number shown here would be refused when typed, while a label typed works.
    auto const shown = numbered_in_text(m.text, buttons.size());
    std::vector<model::button> const rest(buttons.begin() + std::ptrdiff_t(shown), buttons.end());
    if (rest.empty())
        return text_message(m.chat_id, m.text);
    if (fits && rest.size() <= max_reply_buttons)
        return reply_buttons(m.chat_id, m.text, rest);
    if (fits && rest.size() <= max_list_rows)
        return list(m.chat_id, m.text, rest, m.language);
    std::string lines;
    for (std::size_t i = 0; i < rest.size(); ++i)
        lines += (i == 0 ? "\n\n" : "\n") + std::string(line_mark) + rest[i].label;
    auto const room = max_text_units > utf16_length(lines) ? max_text_units - utf16_length(lines) : 0;
    return text_message(m.chat_id, std::string(utf8_prefix_utf16(m.text, room)) + lines);
}

std::string image_message(model::outbound_message const& m)
{
    model::json_writer w;
    begin(w, m.chat_id, "image").key("image").begin_object().key("id").str(m.media_id);
    if (!blank(m.text))
        w.key("caption").str(utf8_prefix_utf16(m.text, max_caption_units));
    return w.end_object().end_object().take();
}

// Past the window only an approved template reaches the citizen, and only a
// status push has one.
model::result<model::api_call> template_message(model::outbound_message const& m, account const& a)
{
    constexpr std::string_view outside = "outside the 24-hour window: ";
    if (m.notice_status.empty())
        return model::failure{model::errc::unsupported_update, std::string(outside) + "not a status push"};
    auto const t = a.templates.find(m.notice_status);
    if (t == a.templates.end())
        return model::failure{model::errc::unsupported_update,
                              std::string(outside) + "no template for status " + m.notice_status};

    model::json_writer w;
    begin(w, m.chat_id, "template").key("template").begin_object().key("name").str(t->second.name);
    w.key("language").begin_object().key("code").str(t->second.language).end_object();
    if (!t->second.parameters.empty()) {
        w.key("components").begin_array().begin_object().key("type").str("body").key("parameters").begin_array();
        placeholder_values const values{m.text, m.notice_tracking, m.notice_status};
        for (auto const& p : t->second.parameters)  // checked by make(): fill cannot fail
            w.begin_object().key("type").str("text").key("text").str(parameter_text(*fill_placeholders(p, values)))
                .end_object();
        w.end_array().end_object().end_array();
    }
    w.end_object().end_object();
    return post(a, w.take());
}

std::vector<model::button> flat(std::vector<std::vector<model::button>> const& rows)
{
    std::vector<model::button> out;
    for (auto const& row : rows)
        out.insert(out.end(), row.begin(), row.end());
    return out;
}

}  // namespace

model::result<model::api_call> render_message(model::outbound_message const& m, send_context const& ctx,
                                              account const& a)
{
    switch (m.kind) {
    case model::message_kind::callback_ack:
        return model::api_call{.path = {}};  // a reply-button press has nothing to acknowledge
    case model::message_kind::open_thread:
        return model::failure{model::errc::unsupported_update, "open_thread: a citizen channel has no threads"};
    case model::message_kind::text:
    case model::message_kind::photo:
        break;
    }
    // Free-form only within 24 hours of the citizen's last message: the later of
    // what the message and the dispatcher know. Never heard from: outside.
    if (!inside_reply_window(std::max(m.heard_at, ctx.heard_at), ctx.now, reply_window))
        return template_message(m, a);

    if (m.kind == model::message_kind::photo)
        return post(a, image_message(m));
    auto const buttons = flat(m.buttons);
    // A location_label asks for a "share location" button; WhatsApp's location
    // request message would drop the other buttons, and the attachment menu shares
    // a location anyway, so the buttons stay.
    return post(a, buttons.empty() ? text_message(m.chat_id, m.text) : interactive_or_text(m, buttons));
}

}  // namespace pg::adapters::whatsapp
