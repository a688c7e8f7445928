#pragma once
// Every text the citizen dialog says (and the few the lifecycle shares with it:
// addinfo.unavailable, rate.unavailable), by id, with its locale key and the
// placeholders the dialog fills in. The dialog names texts only through this
// table, so required_text_keys() cannot miss one, and tests can hold the
// locale files to the same placeholders.
#include <array>
#include <cstddef>
#include <string_view>

namespace pg::dialog {

enum class text {
    welcome, privacy,
    menu_prompt, menu_file, menu_track, menu_help, menu_language, menu_continue,
    button_back, button_cancel, button_menu,
    category_prompt,
    location_prompt, location_button, location_too_long, location_map, location_elsewhere,
    description_prompt, description_too_short, description_too_long,
    photos_prompt, photos_received, photos_full, photos_done, photos_skip, photos_clear, photos_cleared,
    photo_kept, photo_elsewhere,
    confirm_prompt, confirm_send, confirm_edit,
    edit_prompt, field_category, field_location, field_description, field_photos,
    filed, cancelled, draft_discarded,
    track_list, track_none, track_not_found, track_details, track_public, track_omitted, track_added_info,
    addinfo_button, addinfo_prompt, addinfo_too_long, addinfo_sent, addinfo_unavailable,
    rate_question, rate_resolved, rate_not_resolved, rate_thanks, rate_unavailable,
    status_submitted, status_accepted, status_rejected, status_transferred,
    status_in_progress, status_answered, status_closed, status_reopened,
    expect_menu, expect_category, expect_location, expect_description, expect_photos,
    expect_confirm, expect_edit_field, expect_track, expect_language, expect_add_info,
    unsupported, edited, stale_button,
    help_menu, help_category, help_location, help_description, help_photos,
    help_confirm, help_edit_field, help_track, help_language, help_add_info,
    language_prompt, language_changed,
    kw_menu, kw_cancel, kw_back, kw_help, kw_language, kw_file, kw_track, kw_continue,
    kw_done, kw_send, kw_edit, kw_add_info,
    link_code, link_done, link_bad, link_same, notify_here, kw_link, kw_notify_here,
};

struct text_spec {
    text id;
    std::string_view key;   // in the locale file's "texts"
    std::string_view args;  // placeholder names, space-separated; each must appear in every locale's text
};

// In enum order (checked below). kw_* texts are keyword lists, "cancel|stop".
inline constexpr std::array<text_spec, 109> text_specs{{
    {text::welcome, "welcome", ""},
    {text::privacy, "privacy", ""},
    {text::menu_prompt, "menu.prompt", "options"},
    {text::menu_file, "menu.file", ""},
    {text::menu_track, "menu.track", ""},
    {text::menu_help, "menu.help", ""},
    {text::menu_language, "menu.language", ""},
    {text::menu_continue, "menu.continue", ""},
    {text::button_back, "button.back", ""},
    {text::button_cancel, "button.cancel", ""},
    {text::button_menu, "button.menu", ""},
    {text::category_prompt, "category.prompt", "options"},
    {text::location_prompt, "location.prompt", "max"},
    {text::location_button, "location.button", ""},
    {text::location_too_long, "location.too_long", "count max"},
    {text::location_map, "location.map", "latitude longitude"},
    {text::location_elsewhere, "location.elsewhere", ""},
    {text::description_prompt, "description.prompt", "min max"},
    {text::description_too_short, "description.too_short", "count min"},
    {text::description_too_long, "description.too_long", "count max"},
    {text::photos_prompt, "photos.prompt", "count max"},
    {text::photos_received, "photos.received", "count max"},
    {text::photos_full, "photos.full", "max"},
    {text::photos_done, "photos.done", ""},
    {text::photos_skip, "photos.skip", ""},
    {text::photos_clear, "photos.clear", ""},
    {text::photos_cleared, "photos.cleared", ""},
    {text::photo_kept, "photo.kept", "count max"},
    {text::photo_elsewhere, "photo.elsewhere", ""},
    {text::confirm_prompt, "confirm.prompt", "category location description photos"},
    {text::confirm_send, "confirm.send", ""},
    {text::confirm_edit, "confirm.edit", ""},
    {text::edit_prompt, "edit.prompt", "options"},
    {text::field_category, "field.category", ""},
    {text::field_location, "field.location", ""},
    {text::field_description, "field.description", ""},
    {text::field_photos, "field.photos", ""},
    {text::filed, "filed", "tracking deadline"},
    {text::cancelled, "cancelled", ""},
    {text::draft_discarded, "draft.discarded", ""},
    {text::track_list, "track.list", "items"},
    {text::track_none, "track.none", ""},
    {text::track_not_found, "track.not_found", "tracking"},
    {text::track_details, "track.details", "tracking category location description photos status deadline timeline"},
    {text::track_public, "track.public", "tracking category status timeline"},
    {text::track_omitted, "track.omitted", "count"},
    {text::track_added_info, "track.added_info", ""},
    {text::addinfo_button, "addinfo.button", ""},
    {text::addinfo_prompt, "addinfo.prompt", "tracking max photos"},
    {text::addinfo_too_long, "addinfo.too_long", "count max"},
    {text::addinfo_sent, "addinfo.sent", "tracking"},
    {text::addinfo_unavailable, "addinfo.unavailable", "tracking status"},
    {text::rate_question, "rate.question", "tracking rating"},
    {text::rate_resolved, "rate.resolved", ""},
    {text::rate_not_resolved, "rate.not_resolved", ""},
    {text::rate_thanks, "rate.thanks", ""},
    {text::rate_unavailable, "rate.unavailable", "tracking status"},
    {text::status_submitted, "status.submitted", ""},
    {text::status_accepted, "status.accepted", ""},
    {text::status_rejected, "status.rejected", ""},
    {text::status_transferred, "status.transferred", ""},
    {text::status_in_progress, "status.in_progress", ""},
    {text::status_answered, "status.answered", ""},
    {text::status_closed, "status.closed", ""},
    {text::status_reopened, "status.reopened", ""},
    {text::expect_menu, "expect.menu", ""},
    {text::expect_category, "expect.category", ""},
    {text::expect_location, "expect.location", ""},
    {text::expect_description, "expect.description", ""},
    {text::expect_photos, "expect.photos", ""},
    {text::expect_confirm, "expect.confirm", ""},
    {text::expect_edit_field, "expect.edit_field", ""},
    {text::expect_track, "expect.track", ""},
    {text::expect_language, "expect.language", ""},
    {text::expect_add_info, "expect.add_info", ""},
    {text::unsupported, "unsupported", ""},
    {text::edited, "edited", ""},
    {text::stale_button, "stale_button", ""},
    {text::help_menu, "help.menu", ""},
    {text::help_category, "help.category", ""},
    {text::help_location, "help.location", ""},
    {text::help_description, "help.description", "min max"},
    {text::help_photos, "help.photos", "max"},
    {text::help_confirm, "help.confirm", ""},
    {text::help_edit_field, "help.edit_field", ""},
    {text::help_track, "help.track", ""},
    {text::help_language, "help.language", ""},
    {text::help_add_info, "help.add_info", "max"},
    {text::language_prompt, "language.prompt", "options"},
    {text::language_changed, "language.changed", "name"},
    {text::kw_menu, "kw.menu", ""},
    {text::kw_cancel, "kw.cancel", ""},
    {text::kw_back, "kw.back", ""},
    {text::kw_help, "kw.help", ""},
    {text::kw_language, "kw.language", ""},
    {text::kw_file, "kw.file", ""},
    {text::kw_track, "kw.track", ""},
    {text::kw_continue, "kw.continue", ""},
    {text::kw_done, "kw.done", ""},
    {text::kw_send, "kw.send", ""},
    {text::kw_edit, "kw.edit", ""},
    {text::kw_add_info, "kw.add_info", ""},
    {text::link_code, "link.code", "code minutes"},
    {text::link_done, "link.done", ""},
    {text::link_bad, "link.bad", ""},
    {text::link_same, "link.same", ""},
    {text::notify_here, "notify.here", ""},
    {text::kw_link, "kw.link", ""},
    {text::kw_notify_here, "kw.notify_here", ""},
}};

constexpr bool specs_in_enum_order()
{
    for (std::size_t i = 0; i < text_specs.size(); ++i)
        if (static_cast<std::size_t>(text_specs[i].id) != i)
            return false;
    return static_cast<std::size_t>(text::kw_notify_here) + 1 == text_specs.size();
}
static_assert(specs_in_enum_order(), "text_specs must list every text id once, in enum order");

constexpr std::string_view key_of(text t) { return text_specs[static_cast<std::size_t>(t)].key; }

// Optional texts: "dept.<id>" names a department; without it the id is shown.
inline constexpr std::string_view department_prefix = "dept.";

}  // namespace pg::dialog
