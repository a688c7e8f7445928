#pragma once
// Localized texts over config data: pick a locale, look a key up, fill in its
// {placeholders}. The texts themselves live in the locale files, never here.
#include "model/flow.hpp"
#include "model/time.hpp"

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

struct text_arg {
    std::string_view name;  // "count" fills {count}
    std::string value;
};

// One pass: values are inserted verbatim, so a citizen's "{count}" stays as typed.
// A placeholder without a value is left as written.
std::string substitute(std::string_view text, std::initializer_list<text_arg> args);

// The placeholder names a text uses, each once, in order of first appearance.
std::vector<std::string> placeholders(std::string_view text);

// The locale with this code (case-insensitive), or nullptr.
model::locale const* find_locale(model::dialog_data const& data, std::string_view code);

// For a client language hint ("zh-hans", "en-GB", ""): the first locale one of
// whose `matches` is a case-insensitive prefix of the hint, else the flow's
// default language, else the first locale.
model::locale const& pick_locale(model::dialog_data const& data, std::string_view client_language);

// The texts of one locale, falling back to the default locale key by key.
class texts {
public:
    texts(model::dialog_data const& data, std::string_view code);

    model::locale const& locale() const { return *locale_; }
    std::string const& code() const { return locale_->code; }

    // The text for key with args filled in; never empty: a key missing
    // everywhere yields the key itself (the gateway checks keys at start).
    std::string get(std::string_view key, std::initializer_list<text_arg> args = {}) const;
    // Only when some locale defines it.
    std::string const* find(std::string_view key) const;

    // The category's label in this locale, else in the default language, else its id.
    std::string const& label(model::category const& c) const;
    // The label of the flow's category with this id, else the id itself.
    std::string category_label(std::string_view id) const;
    // "dept.<id>" in this locale or the default one, else the id itself.
    std::string department_label(std::string_view id) const;

private:
    model::dialog_data const* data_;
    model::locale const* locale_;
    model::locale const* fallback_;
};

}  // namespace pg::dialog
