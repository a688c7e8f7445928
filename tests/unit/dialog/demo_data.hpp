#pragma once
// The shipped demo flow and locales, loaded the way the service loads them.
#include "dialog/citizen_flow.hpp"
#include "config/load.hpp"
#include "model/flow.hpp"

#include <string>

namespace pg::dialog::fixture {

// en first: the first locale is the fallback.
inline model::dialog_data const& demo_data()
{
    static model::dialog_data const data = [] {
        auto no_env = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
        return config::load(std::string(PG_SOURCE_DIR) + "/config/demo/demo.json", no_env).dialog;
    }();
    return data;
}

// The demo data's typed forms, folded once, as the gateway does at start.
inline dialog::vocabulary const& demo_vocabulary()
{
    static dialog::vocabulary const words{demo_data()};
    return words;
}

}  // namespace pg::dialog::fixture
