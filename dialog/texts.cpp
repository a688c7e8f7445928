#include "dialog/texts.hpp"

#include "dialog/citizen_texts.hpp"
#include "model/ascii.hpp"


namespace pg::dialog {
namespace {

using model::iequals_ascii;

bool starts_with_ci(std::string_view s, std::string_view prefix)
{
    return s.size() >= prefix.size() && iequals_ascii(s.substr(0, prefix.size()), prefix);
}

bool is_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

// The placeholder name at text[open] == '{', or empty when it is not one.
std::string_view name_at(std::string_view text, std::size_t open)
{
    auto const close = text.find('}', open + 1);
    if (close == std::string_view::npos || close == open + 1)
        return {};
    auto const name = text.substr(open + 1, close - open - 1);
    for (char c : name)
        if (!is_name_char(c))
            return {};
    return name;
}

// Used only when the data holds no locale at all; the gateway refuses such a config.
model::locale const empty_locale{};

}  // namespace

std::string substitute(std::string_view text, std::initializer_list<text_arg> args)
{
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto const open = text.find('{', i);
        if (open == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        auto const name = name_at(text, open);
        text_arg const* arg = nullptr;
        for (auto const& a : args)
            if (!name.empty() && a.name == name)
                arg = &a;
        if (arg) {
            out.append(arg->value);
            i = open + name.size() + 2;
        } else {
            out.push_back('{');
            i = open + 1;
        }
    }
    return out;
}

std::vector<std::string> placeholders(std::string_view text)
{
    std::vector<std::string> names;
    for (auto open = text.find('{'); open != std::string_view::npos; open = text.find('{', open + 1)) {
        auto const name = name_at(text, open);
        if (name.empty())
            continue;
        bool seen = false;
        for (auto const& n : names)
            seen = seen || n == name;
        if (!seen)
            names.emplace_back(name);
    }
    return names;
}

model::locale const* find_locale(model::dialog_data const& data, std::string_view code)
{
    for (auto const& l : data.locales)
        if (iequals_ascii(l.code, code))
            return &l;
    return nullptr;
}

model::locale const& pick_locale(model::dialog_data const& data, std::string_view client_language)
{
    if (!client_language.empty())
        for (auto const& l : data.locales)
            for (auto const& m : l.matches)
                if (!m.empty() && starts_with_ci(client_language, m))
                    return l;
    if (auto const* l = find_locale(data, data.citizen.default_language))
        return *l;
    return data.locales.empty() ? empty_locale : data.locales.front();
}

texts::texts(model::dialog_data const& data, std::string_view code)
    : data_(&data), fallback_(&pick_locale(data, {}))
{
    auto const* l = find_locale(data, code);
    locale_ = l ? l : fallback_;
}

std::string const* texts::find(std::string_view key) const
{
    auto const k = std::string(key);
    for (auto const* l : {locale_, fallback_}) {
        auto const it = l->texts.find(k);
        if (it != l->texts.end() && !it->second.empty())
            return &it->second;
    }
    return nullptr;
}

std::string texts::get(std::string_view key, std::initializer_list<text_arg> args) const
{
    auto const* t = find(key);
    return t ? substitute(*t, args) : std::string(key);
}

std::string const& texts::label(model::category const& c) const
{
    for (auto const* code : {&locale_->code, &data_->citizen.default_language}) {
        auto const it = c.labels.find(*code);
        if (it != c.labels.end() && !it->second.empty())
            return it->second;
    }
    return c.id;
}

std::string texts::category_label(std::string_view id) const
{
    for (auto const& c : data_->citizen.categories)
        if (c.id == id)
            return label(c);
    return std::string(id);
}

std::string texts::department_label(std::string_view id) const
{
    auto const* t = find(std::string(department_prefix) + std::string(id));
    return t ? *t : std::string(id);
}

}  // namespace pg::dialog
