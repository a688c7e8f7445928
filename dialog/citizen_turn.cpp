// One turn of the citizen dialog: the state being built, the texts in the
// citizen's language, and the replies in the order they are sent.
#include "dialog/citizen_turn.hpp"
#include "dialog/input.hpp"

#include <algorithm>

namespace pg::dialog {

using model::dialog_step;

// Telegram allows 4096 UTF-16 units; the rest is headroom for adapters.
constexpr std::size_t max_reply_units = 4000;

turn::turn(model::conversation const& state, model::inbound_event const& event, context const& c)
    : ctx(c), ev(event), out{state, {}, {}, {}, {}}, previous_update(state.updated_at), tx(c.data, state.language)
{
}

std::string turn::say(text id, std::initializer_list<text_arg> args) const { return tx.get(key_of(id), args); }

void turn::use_language(std::string const& code)
{
    state().language = code;
    tx = texts(ctx.data, code);
}

namespace {

// Without inline buttons: each button becomes a line "n. label" (a choice the text
// already numbers keeps its number and gets no second line), and the conversation
// remembers what each number stands for. Returns the lines to append.
std::string offer_as_numbers(screen& s, std::vector<std::string>& offered)
{
    offered.clear();
    if (s.buttons.empty())
        return {};
    offered = std::move(s.listed);
    std::string lines;
    for (auto const& row : s.buttons)
        for (auto const& b : row) {
            if (std::find(offered.begin(), offered.end(), b.data) != offered.end())
                continue;
            offered.push_back(b.data);
            lines += (lines.empty() ? "\n\n" : "\n") + std::to_string(offered.size()) + ". " + b.label;
        }
    s.buttons.clear();
    return lines;
}

}  // namespace

void turn::send(screen s)
{
    std::string body;
    for (auto const& n : notes)
        body += n + "\n\n";
    body += s.text;
    notes.clear();
    std::string numbered;
    std::size_t count = 0;
    for (auto const& row : s.buttons)
        count += row.size();
    // More choices than the platform shows as buttons: numbered, as without buttons.
    if (ctx.buttons && (ctx.max_buttons == 0 || count <= ctx.max_buttons))
        state().offered.clear();
    else
        numbered = offer_as_numbers(s, state().offered);
    model::outbound_message m;
    m.channel_id = ev.channel_id;
    m.chat_id = ev.chat_id;
    // A long text gives way, never the choices.
    auto const units = utf16_units(numbered);
    m.text = clip(body, units < max_reply_units ? max_reply_units - units : 0) + numbered;
    m.buttons = std::move(s.buttons);
    m.location_label = std::move(s.location_label);
    m.language = tx.code();
    out.replies.push_back(std::move(m));
}

void turn::send_notes()
{
    if (notes.empty())
        return;
    auto last = std::move(notes.back());
    notes.pop_back();
    send({std::move(last), {}, {}});
}

bool owned(turn const& u, model::petition const& p)
{
    model::identity const filed_from{p.channel_id, p.chat_id};
    if (p.chat_id.empty())
        return false;
    if (filed_from == model::identity{u.state().channel_id, u.state().chat_id})
        return true;
    return std::find(u.ctx.linked.begin(), u.ctx.linked.end(), filed_from) != u.ctx.linked.end();
}

std::optional<model::petition> own_petition(turn const& u, std::string_view tracking)
{
    auto p = u.ctx.petitions.petition(tracking);
    // The gateway applies requests only to petitions of the citizen's own chats.
    if (!p || !owned(u, *p))
        return std::nullopt;
    return p;
}

bool in_filing(dialog_step s)
{
    switch (s) {
    case dialog_step::category:
    case dialog_step::location:
    case dialog_step::description:
    case dialog_step::since:
    case dialog_step::outcome:
    case dialog_step::photos:
    case dialog_step::confirm:
    case dialog_step::edit_field:
    case dialog_step::split:
    case dialog_step::duplicates:
        return true;
    default:
        return false;
    }
}

bool has_draft(model::petition_draft const& d)
{
    return !d.category.empty() || !d.location_text.empty() || d.location || !d.description.empty() ||
           !d.photo_ids.empty() || !d.since.empty() || !d.outcome.empty();
}

model::category const* find_category(model::flow const& f, std::string_view id)
{
    for (auto const& c : f.categories)
        if (c.id == id)
            return &c;
    return nullptr;
}

dialog_step first_missing(model::flow const& f, model::petition_draft const& d)
{
    if (!find_category(f, d.category))
        return dialog_step::category;
    if (d.location_text.empty() && !d.location)
        return dialog_step::location;
    if (d.description.empty())
        return dialog_step::description;
    if (f.drafting.since && !d.since_asked)
        return dialog_step::since;
    if (f.drafting.outcome && !d.outcome_asked)
        return dialog_step::outcome;
    return dialog_step::confirm;
}

}  // namespace pg::dialog
