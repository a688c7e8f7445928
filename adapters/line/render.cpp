// LINE: an outbound text becomes a reply (while the event's reply token lives, on
// the first attempt) or a push (with an idempotency key), with quick replies for
// its buttons.
#include "adapters/line/line.hpp"

#include "adapters/common/hmac.hpp"
#include "adapters/common/utf8.hpp"
#include "model/json_writer.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace pg::adapters::line {
namespace {

// LINE refuses an empty (or all-blank) text; a lone ellipsis keeps the message deliverable.
constexpr std::string_view blank_text_stand_in = "\u2026";

// At most max_units UTF-16 units, never blank; a cut label ends in "…".
std::string clipped(std::string_view s, std::size_t max_units)
{
    if (blank(s))
        return std::string(blank_text_stand_in);
    if (utf16_length(s) <= max_units)
        return std::string(s);
    return std::string(utf8_prefix_utf16(s, max_units - 1)) + std::string(blank_text_stand_in);
}

std::vector<model::button const*> flat(std::vector<std::vector<model::button>> const& rows)
{
    std::vector<model::button const*> out;
    for (auto const& row : rows)
        for (auto const& b : row)
            out.push_back(&b);
    return out;
}

// Whether `text` has the line "<n>. <label>" for some n: the dialog numbers the
// choices it lists that way, and a typed n already stands for the press.
bool numbered_in(std::string_view text, std::string_view label)
{
    for (std::size_t start = 0; start < text.size();) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        auto line = text.substr(start, end - start);
        start = end + 1;
        auto const dot = line.find(". ");
        if (dot == 0 || dot == std::string_view::npos || line.substr(dot + 2) != label)
            continue;
        if (line.substr(0, dot).find_first_not_of("0123456789") == std::string_view::npos)
            return true;
    }
    return false;
}

// More buttons than quick replies can hold: none go as quick replies. Choices the
// text already numbers stay as they are; each other one gets a line of its own
// label, which typed is the press (the dialog reads labels and its command words).
// Numbering them here would lie: with buttons on (can().buttons), the dialog keeps
// no memory of numbers it did not write, so a typed number would not reach them.
std::string listed_lines(std::string_view text, std::vector<model::button const*> const& buttons)
{
    std::string lines;
    for (auto const* b : buttons)
        if (!numbered_in(text, b->label))
            lines += (lines.empty() ? "\n\n\u2022 " : "\n\u2022 ") + b->label;
    return lines;
}

void quick_reply(model::json_writer& w, model::outbound_message const& m,
                 std::vector<model::button const*> const& buttons)
{
    if (buttons.empty() && m.location_label.empty())
        return;
    w.key("quickReply").begin_object().key("items").begin_array();
    if (!m.location_label.empty()) {  // on top, as Telegram's location keyboard has it
        w.begin_object().key("type").str("action").key("action").begin_object();
        w.key("type").str("location").key("label").str(clipped(m.location_label, max_label_units));
        w.end_object().end_object();
    }
    // data goes unchanged (LINE takes up to 300 characters): the dialog keeps it short,
    // and a cut one would come back as a different, wrong, button.
    for (auto const* b : buttons) {
        w.begin_object().key("type").str("action").key("action").begin_object();
        w.key("type").str("postback").key("label").str(clipped(b->label, max_label_units));
        w.key("data").str(b->data).key("displayText").str(clipped(b->label, max_display_text_units));
        w.end_object().end_object();
    }
    w.end_array().end_object();
}

void text_message(model::json_writer& w, model::outbound_message const& m)
{
    auto buttons = flat(m.buttons);
    std::string lines;
    if (buttons.size() + (m.location_label.empty() ? 0 : 1) > max_quick_replies) {
        lines = listed_lines(m.text, buttons);
        buttons.clear();
    }
    // A long text gives way, never the choices (unless they alone are too long).
    auto const room = max_text_units - std::min(max_text_units - 1, utf16_length(lines));
    auto text = std::string(utf8_prefix_utf16(std::string(utf8_prefix_utf16(m.text, room)) + lines, max_text_units));
    if (blank(text))
        text = blank_text_stand_in;
    w.begin_object().key("type").str("text").key("text").str(text);
    quick_reply(w, m, buttons);
    w.end_object();
}

}  // namespace

std::string retry_key(std::string_view channel_id, std::string_view chat_id, std::uint64_t seq)
{
    // 16 bytes of HMAC-SHA256 over what names the entry, with the version (4) and
    // variant (10xx) bits of a random UUID set: LINE takes any UUID in hex form.
    std::string message(channel_id);
    message += '\n';
    message += chat_id;
    message += '\n';
    message += std::to_string(seq);
    auto bytes = hmac_sha256("X-Line-Retry-Key", message).substr(0, 16);
    bytes[6] = static_cast<char>((static_cast<unsigned char>(bytes[6]) & 0x0F) | 0x40);
    bytes[8] = static_cast<char>((static_cast<unsigned char>(bytes[8]) & 0x3F) | 0x80);
    auto const hex = to_hex(bytes);
    return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
           hex.substr(20);
}

model::result<model::api_call> render(model::outbound_message const& m, send_context const& ctx, settings const& s)
{
    switch (m.kind) {
    case model::message_kind::callback_ack:
        return model::api_call{};  // a postback shows no spinner: nothing to acknowledge
    case model::message_kind::photo:
        // LINE cannot send a user's image on by its message id: an image message needs
        // an HTTPS URL of the picture (originalContentUrl), which we do not have. Photos
        // are re-posted only to staff chats on the channel that received them, and LINE
        // serves citizens, so this is not reached in practice: nothing to call.
        return model::api_call{};
    case model::message_kind::open_thread:
        return model::failure{model::errc::unsupported_update, "open_thread: a citizen channel has no threads"};
    case model::message_kind::text:
        break;
    }

    model::api_call call;
    call.headers.emplace_back("Authorization", "Bearer " + s.access_token);
    model::json_writer w;
    w.begin_object();
    // A reply token works once, shortly after its event. A retry may follow a reply
    // that used it up, so only the first attempt replies; every other one pushes.
    bool const reply = !m.reply_token.empty() && ctx.attempt == 0 &&
                       ctx.now - m.reply_token_at < s.reply_token_lifetime;
    if (reply) {
        call.path = reply_path;
        w.key("replyToken").str(m.reply_token);
    } else {
        if (m.chat_id.empty())
            return model::failure{model::errc::malformed_body, "chat id: empty, nothing to push to"};
        call.path = push_path;
        // The same key on every retry of this entry: a push LINE took before answers 409.
        call.headers.emplace_back(retry_key_header, retry_key(s.channel_id, m.chat_id, ctx.seq));
        w.key("to").str(m.chat_id);
    }
    w.key("messages").begin_array();
    text_message(w, m);
    w.end_array();
    call.body = w.end_object().take();
    return call;
}

}  // namespace pg::adapters::line
