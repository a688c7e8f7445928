// Staff thread commands against hostile bytes: the input is what a staff member
// typed in a petition's thread (English or Chinese commands, a leading "/", a bot
// mention, anything at all). The first byte picks the department list and the
// languages; the rest is the text.
//
// - parse_staff_text never throws and always decides: command, plain or invalid.
// - A command is complete: a transfer names a known department, an assignment
//   names someone; an invalid text says what is wrong.
// - Valid UTF-8 in, valid UTF-8 out: nothing cuts a character in half.
// - The command then drives apply_staff on a petition in every status: it applies
//   exactly when the transition table allows it, records it on the timeline, answers
//   the staff, and what reaches the citizen fits Telegram and never carries an
//   internal note.
#include "config/load.hpp"
#include "dialog/input.hpp"
#include "dialog/petition_flow.hpp"
#include "dialog/staff_commands.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace pg;
using fuzz::check;

constexpr model::timestamp t0{std::chrono::milliseconds{1'700'000'000'000}};

std::vector<std::vector<std::string>> const& department_lists()
{
    static std::vector<std::vector<std::string>> const lists{
        // config/demo/demo.json's departments
        {"transport", "public_works", "sanitation", "water", "parks", "environment", "housing", "citizen_services"},
        {},
        {"a", "ab", "a_b", "transport"},  // prefixes of each other
    };
    return lists;
}

model::dialog_data const& demo()
{
    static model::dialog_data const data = [] {
        auto no_env = [](std::string const&) -> std::optional<std::string> { return std::nullopt; };
        return config::load(std::string(PG_SOURCE_DIR) + "/config/demo/demo.json", no_env).dialog;
    }();
    return data;
}

bool known(std::vector<std::string> const& departments, std::string_view d)
{
    return std::find(departments.begin(), departments.end(), d) != departments.end();
}

constexpr model::status all_statuses[] = {
    model::status::submitted, model::status::accepted, model::status::rejected, model::status::transferred,
    model::status::in_progress, model::status::answered, model::status::closed, model::status::reopened,
};

model::petition petition_in(model::status st, std::string const& language)
{
    model::petition p;
    p.number = 7;
    p.tracking = "7KQM-2X4D";
    p.channel_id = "telegram";
    p.chat_id = "1001";
    p.user_id = "1001";
    p.language = language;
    p.category = "roads";
    p.department = "transport";
    p.location_text = "Main Street 12";
    p.description = "A pothole outside No. 12, about 30 cm wide";
    p.current = st;
    p.submitted_at = t0 - std::chrono::days{2};
    p.response_due_at = t0 + std::chrono::days{1};
    p.deadline_at = t0 + std::chrono::days{10};
    return p;
}

void check_applied(model::petition const& p, model::staff_command const& c, dialog::petition_outcome const& out,
                   bool utf8_in)
{
    auto const expected = dialog::next_status(p.current, c.action);
    if (!out.applied) {
        check(out.timeline.empty() && out.to_citizen.empty(), "a refused command changes nothing and tells no citizen");
        check(out.next.current == p.current && out.next.department == p.department && out.next.assignee == p.assignee,
              "a refused command leaves the petition as it was");
    } else {
        check(expected.has_value(), "a command applies only where the transition table allows it",
              model::to_string(c.action));
        check(out.next.current == *expected, "the petition moves to the table's status");
        check(!out.timeline.empty() && out.timeline.back().to == out.next.current && out.timeline.back().at == t0,
              "an applied command is on the timeline, with the new status and the time");
        if (c.action == model::petition_action::transfer)
            check(out.next.department == c.department, "a transfer moves the petition to the department");
        if (c.action == model::petition_action::assign)
            check(!out.next.assignee.empty(), "an assignment names the assignee");
    }
    check(!dialog::trim(out.staff_text).empty(), "the staff always hear back");
    if (c.action == model::petition_action::note)
        check(out.to_citizen.empty(), "an internal note is never sent to the citizen");
    auto const note = std::string(dialog::trim(c.text));
    for (auto const& m : out.to_citizen) {
        check(m.channel_id == p.channel_id && m.chat_id == p.chat_id, "a notification goes to the citizen's chat");
        if (m.kind != model::message_kind::text)
            continue;
        check(!dialog::trim(m.text).empty(), "a notification has text");
        check(dialog::utf16_units(m.text) <= 4096, "a notification fits Telegram's 4096 UTF-16 units",
              std::to_string(dialog::utf16_units(m.text)));
        for (auto const& row : m.buttons)
            for (auto const& b : row)
                check(!b.data.empty() && b.data.size() <= 64, "button data is 1-64 bytes", b.data);
        if (utf8_in)
            check(fuzz::valid_utf8(m.text), "valid UTF-8 in, valid UTF-8 to the citizen", m.text);
        if (c.action == model::petition_action::note && note.size() >= 8)
            check(m.text.find(note) == std::string::npos, "an internal note's text never reaches the citizen");
    }
    if (utf8_in)
        check(fuzz::valid_utf8(out.staff_text), "valid UTF-8 in, valid UTF-8 to the staff", out.staff_text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size)
{
    if (size == 0)
        return 0;
    auto const& departments = department_lists()[data[0] % department_lists().size()];
    std::string const citizen_language = (data[0] / 3) % 2 ? "zh-CN" : "en";
    std::string const staff_language = (data[0] / 6) % 2 ? "zh-CN" : "en";
    std::string_view const text(reinterpret_cast<char const*>(data) + 1, size - 1);
    bool const utf8_in = fuzz::valid_utf8(text);

    auto const parsed = dialog::parse_staff_text(text, departments);
    using kind = dialog::parsed_staff_text::kind;
    check(parsed.what == kind::command || parsed.what == kind::plain || parsed.what == kind::invalid,
          "parse_staff_text decides");
    if (parsed.what == kind::invalid)
        check(!parsed.error.empty(), "an invalid command says what is wrong");
    if (utf8_in) {
        for (auto const* s : {&parsed.command.text, &parsed.command.department, &parsed.command.assignee, &parsed.error})
            check(fuzz::valid_utf8(*s), "valid UTF-8 in, valid UTF-8 out", *s);
    }
    if (parsed.what != kind::command)
        return 0;

    auto const& c = parsed.command;
    check(model::petition_action_from_string(model::to_string(c.action)) == c.action,
          "the action is a petition action");
    if (c.action == model::petition_action::transfer)
        check(known(departments, c.department), "a transfer names a known department", c.department);
    if (c.action == model::petition_action::assign)
        check(!c.assignee.empty(), "an assignment names someone");

    dialog::actor const who{model::actor_kind::staff, "U1", "Alice", "slack"};
    dialog::petition_context const ctx{t0, demo(), staff_language, {true, {"2023-11-15", "2023-12-25"}}};
    for (auto st : all_statuses) {
        auto const p = petition_in(st, citizen_language);
        check_applied(p, c, dialog::apply_staff(p, c, who, ctx), utf8_in);
    }
    return 0;
}
