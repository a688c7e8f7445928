#pragma once
// Reading a platform's own config keys in its make(). Config has checked their
// shapes already; these check again, so a platform built another way fails as
// clearly, and throw bad_setting naming the key (never its value).
#include "adapters/platform.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace pg::adapters {

[[noreturn]] void refuse(std::string key, std::string why);

// Refuses the first key of `obj` not in `known`, as "<path>.<key>: unknown key".
void refuse_unknown_keys(nlohmann::json const& obj, std::string const& path,
                         std::initializer_list<std::string_view> known);

// "templates": status name -> one template each, for platforms that send a
// template per status outside their reply window (WeChat, WhatsApp). Each entry
// is read by `read_one(entry, "templates.<status>")`; an unknown status is refused.
template <class T>
std::map<std::string, T, std::less<>> read_status_templates(
    nlohmann::json const& options, std::function<T(nlohmann::json const&, std::string const&)> const& read_one);

// ---- implementation ----

void check_status_name(std::string const& status, std::string const& path);

template <class T>
std::map<std::string, T, std::less<>> read_status_templates(
    nlohmann::json const& options, std::function<T(nlohmann::json const&, std::string const&)> const& read_one)
{
    std::map<std::string, T, std::less<>> out;
    auto const t = options.find(std::string("templates"));
    if (t == options.end())
        return out;
    if (!t->is_object())
        refuse("templates", "expected an object: status -> template");
    for (auto const& [status, entry] : t->items()) {
        auto const path = "templates." + status;
        check_status_name(status, path);
        out.emplace(status, read_one(entry, path));
    }
    return out;
}

}  // namespace pg::adapters
