// Staff thread commands: the first word says what to do, the rest is its
// argument. Words are a fixed vocabulary (they are a protocol, like slash
// commands), in English and Chinese; what is said back comes from the locales.
#include "dialog/staff_commands.hpp"
#include "dialog/input.hpp"
#include "dialog/lifecycle_say.hpp"
#include "dialog/tracking.hpp"

#include <functional>

namespace pg::dialog {
namespace {

using model::petition_action;

struct command_word {
    std::string_view word;  // folded: lower case
    petition_action action;
};

constexpr command_word command_words[] = {
    {"accept", petition_action::accept},     {"受理", petition_action::accept},
    {"transfer", petition_action::transfer}, {"转办", petition_action::transfer},
    {"progress", petition_action::progress}, {"办理", petition_action::progress},
    {"answer", petition_action::answer},     {"答复", petition_action::answer},
    {"reject", petition_action::reject},     {"驳回", petition_action::reject},
    {"close", petition_action::close},       {"办结", petition_action::close},
    {"note", petition_action::note},         {"备注", petition_action::note},
    {"assign", petition_action::assign},     {"指派", petition_action::assign},
    {"reopen", petition_action::reopen},     {"重新办理", petition_action::reopen},
    {"pause", petition_action::pause},       {"暂停", petition_action::pause},
    {"resume", petition_action::resume},     {"恢复", petition_action::resume},
};

// For callers without locale data: the shipped en.json wording (a test holds them equal).
struct fallback_text {
    lifecycle_text id;
    std::string_view text;
};
constexpr fallback_text english[] = {
    {lifecycle_text::staff_none, "(none)"},
    {lifecycle_text::staff_commands, "accept | transfer <department> <reason> | progress [note] | answer <text> | "
                                     "reject <reason> | close | note <text> | assign <name> | reopen | "
                                     "pause <reason> | resume"},
    {lifecycle_text::staff_error_unknown_command, "Unknown command \"{command}\". Commands: {commands}"},
    {lifecycle_text::staff_error_need_department, "{command} needs a department: one of {departments}."},
    {lifecycle_text::staff_error_unknown_department, "Unknown department \"{department}\": use one of {departments}."},
    {lifecycle_text::staff_error_need_reason, "{command} needs a reason after the command word."},
    {lifecycle_text::staff_error_need_answer, "{command} needs the answer text after the command word."},
    {lifecycle_text::staff_error_need_note, "{command} needs the note text after the command word."},
    {lifecycle_text::staff_error_need_assignee, "{command} needs the name of the person to assign."},
    {lifecycle_text::staff_error_need_tracking,
     "Start with the petition\'s tracking number, then the command: 7K3M-9Q2P answer The road is repaired. Commands: {commands}"},
};

using speaker = std::function<std::string(lifecycle_text, std::initializer_list<text_arg>)>;

// The byte length of the separator at s[i], or 0. Multi-byte separators start
// with a lead byte, so scanning byte by byte cannot match inside a character.
std::size_t separator_at(std::string_view s, std::size_t i)
{
    switch (s[i]) {
    case ' ': case '\t': case '\n': case '\r': case '\v': case '\f': case ':':
        return 1;
    default:
        break;
    }
    auto const rest = s.substr(i);
    if (rest.starts_with("\u3000") || rest.starts_with("\uFF1A"))  // ideographic space, full-width colon
        return 3;
    return 0;
}

struct split_text {
    std::string_view word;
    std::string_view rest;  // trimmed
};

split_text first_word(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size() && separator_at(s, i) == 0)
        ++i;
    auto const word = s.substr(0, i);
    while (i < s.size()) {
        auto const n = separator_at(s, i);
        if (n == 0)
            break;
        i += n;
    }
    return {word, trim(s.substr(i))};
}

bool ends_in_punctuation(std::string_view w)
{
    for (std::string_view p : {".", ",", "!", "?", ";", "\u3002", "\uFF0C", "\uFF01", "\uFF1F", "\uFF1B", "\u3001"})
        if (w.ends_with(p))
            return true;
    return false;
}

std::string_view without_prefix(std::string_view w, std::initializer_list<std::string_view> prefixes)
{
    for (auto p : prefixes)
        if (w.starts_with(p))
            return w.substr(p.size());
    return w;
}

std::string_view before_mention(std::string_view w)
{
    auto const at = std::min(w.find('@'), w.find("\uFF20"));  // "@" or the full-width one
    return w.substr(0, at);
}

std::string listed(std::vector<std::string> const& names, speaker const& say)
{
    std::string out;
    for (auto const& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? say(lifecycle_text::staff_none, {}) : out;
}

parsed_staff_text invalid(std::string error)
{
    parsed_staff_text r;
    r.what = parsed_staff_text::kind::invalid;
    r.error = std::move(error);
    return r;
}

parsed_staff_text parse(std::string_view text, std::vector<std::string> const& departments, speaker const& say)
{
    auto const [raw_word, rest] = first_word(trim(text));
    auto const unslashed = without_prefix(raw_word, {"/", "\uFF0F"});
    bool const slashed = unslashed.size() != raw_word.size();
    auto const typed = before_mention(raw_word);  // "/accept", as the error shows it
    auto const name = fold(before_mention(unslashed));

    command_word const* found = nullptr;
    if (!ends_in_punctuation(raw_word))
        for (auto const& c : command_words)
            if (c.word == name)
                found = &c;
    if (!found) {
        if (slashed && !name.empty())
            return invalid(say(lifecycle_text::staff_error_unknown_command,
                               {{"command", std::string(typed)},
                                {"commands", say(lifecycle_text::staff_commands, {})}}));
        return {};
    }

    parsed_staff_text r;
    r.what = parsed_staff_text::kind::command;
    r.command.action = found->action;
    auto const command = text_arg{"command", std::string(typed)};
    auto need = [&](lifecycle_text error) { return invalid(say(error, {command})); };
    switch (found->action) {
    case petition_action::reject:
    case petition_action::pause:  // a clock pauses only with a recorded reason
        if (rest.empty())
            return need(lifecycle_text::staff_error_need_reason);
        break;
    case petition_action::answer:
        if (rest.empty())
            return need(lifecycle_text::staff_error_need_answer);
        break;
    case petition_action::note:
        if (rest.empty())
            return need(lifecycle_text::staff_error_need_note);
        break;
    case petition_action::assign:
        if (rest.empty())
            return need(lifecycle_text::staff_error_need_assignee);
        r.command.assignee = std::string(rest);
        return r;
    case petition_action::transfer: {
        if (rest.empty())
            return invalid(say(lifecycle_text::staff_error_need_department,
                               {command, {"departments", listed(departments, say)}}));
        auto const [department, reason] = first_word(rest);
        for (auto const& d : departments)
            if (fold(d) == fold(department))
                r.command.department = d;
        if (r.command.department.empty())
            return invalid(say(lifecycle_text::staff_error_unknown_department,
                               {{"department", std::string(department)}, {"departments", listed(departments, say)}}));
        r.command.text = std::string(reason);
        return r;
    }
    default:
        break;
    }
    r.command.text = std::string(rest);
    return r;
}

std::string english_text(lifecycle_text id, std::initializer_list<text_arg> args)
{
    for (auto const& f : english)
        if (f.id == id)
            return substitute(f.text, args);
    return std::string(key_of(id));
}

addressed_staff_text parse_addressed(std::string_view text, std::vector<std::string> const& departments,
                                     speaker const& say)
{
    auto const [word, rest] = first_word(trim(text));
    auto tracking = normalize_tracking(word);
    if (!tracking)
        return {{}, invalid(say(lifecycle_text::staff_error_need_tracking, {{"commands", say(lifecycle_text::staff_commands, {})}}))};
    return {std::move(*tracking), parse(rest, departments, say)};
}

}  // namespace

parsed_staff_text parse_staff_text(std::string_view text, std::vector<std::string> const& departments)
{
    return parse(text, departments, english_text);
}

parsed_staff_text parse_staff_text(std::string_view text, std::vector<std::string> const& departments,
                                   model::dialog_data const& data, std::string_view language)
{
    texts const tx(data, language);
    return parse(text, departments,
                 [&tx](lifecycle_text id, std::initializer_list<text_arg> args) { return tx.get(key_of(id), args); });
}

addressed_staff_text parse_addressed_staff_text(std::string_view text, std::vector<std::string> const& departments)
{
    return parse_addressed(text, departments, english_text);
}

addressed_staff_text parse_addressed_staff_text(std::string_view text, std::vector<std::string> const& departments,
                                                model::dialog_data const& data, std::string_view language)
{
    texts const tx(data, language);
    return parse_addressed(text, departments, [&tx](lifecycle_text id, std::initializer_list<text_arg> args) {
        return tx.get(key_of(id), args);
    });
}

}  // namespace pg::dialog
