#include "dialog/staff_commands.hpp"

#include "demo_data.hpp"

#include <gtest/gtest.h>

namespace pg::dialog {
namespace {

using model::petition_action;
using kind = parsed_staff_text::kind;

std::vector<std::string> const departments{"transport", "water", "parks"};

struct case_ {
    std::string input;
    kind what;
    petition_action action = petition_action::note;
    std::string text = {};
    std::string department = {};
    std::string assignee = {};
};

TEST(parse_staff_text, reads_commands_in_english_and_chinese)
{
    using a = petition_action;
    case_ const cases[] = {
        {"accept", kind::command, a::accept},
        {"ACCEPT", kind::command, a::accept},
        {"  Accept  ", kind::command, a::accept},
        {"/accept", kind::command, a::accept},
        {"/accept@CityBot", kind::command, a::accept},
        {"accept@CityBot", kind::command, a::accept},
        {"/Accept@CityBot looks legit", kind::command, a::accept, "looks legit"},
        {"\uFF41\uFF43\uFF43\uFF45\uFF50\uFF54", kind::command, a::accept},  // full-width letters
        {"受理", kind::command, a::accept},
        {"/受理", kind::command, a::accept},
        {"\u3000受理\u3000", kind::command, a::accept},
        {"reject Private land, not a city road", kind::command, a::reject, "Private land, not a city road"},
        {"驳回 不属于本市管辖", kind::command, a::reject, "不属于本市管辖"},
        {"transfer water Drain, not road", kind::command, a::transfer, "Drain, not road", "water"},
        {"Transfer WATER", kind::command, a::transfer, "", "water"},
        {"/transfer@CityBot parks", kind::command, a::transfer, "", "parks"},
        {"转办\u3000water\u3000属于排水问题", kind::command, a::transfer, "属于排水问题", "water"},
        {"转办：parks", kind::command, a::transfer, "", "parks"},
        {"progress", kind::command, a::progress},
        {"progress Crew booked for Friday", kind::command, a::progress, "Crew booked for Friday"},
        {"办理 已派人现场查看", kind::command, a::progress, "已派人现场查看"},
        {"answer We filled the pothole.\nThank you for reporting it.", kind::command, a::answer,
         "We filled the pothole.\nThank you for reporting it."},
        {"answer:\nFilled today.", kind::command, a::answer, "Filled today."},
        {"答复：坑已修补，感谢您的反映。", kind::command, a::answer, "坑已修补，感谢您的反映。"},
        {"答复 坑已修补", kind::command, a::answer, "坑已修补"},
        {"close", kind::command, a::close},
        {"办结", kind::command, a::close},
        {"note Called the contractor", kind::command, a::note, "Called the contractor"},
        {"备注\u3000已联系施工方", kind::command, a::note, "已联系施工方"},
        {"assign Li Wei", kind::command, a::assign, "", "", "Li Wei"},
        {"指派 王芳", kind::command, a::assign, "", "", "王芳"},
        {"reopen", kind::command, a::reopen},
        {"重新办理", kind::command, a::reopen},
        // plain: not a command word, or one glued to the next word or to punctuation
        {"Thank you for your patience, the lamp is fixed.", kind::plain},
        {"Note, the road is closed until Monday.", kind::plain},
        {"Accepted.", kind::plain},
        {"answered already", kind::plain},
        {"办理进度如何？", kind::plain},
        {"答复已发", kind::plain},
        {"", kind::plain},
        {"   ", kind::plain},
        {"/", kind::plain},
        {"@CityBot hello", kind::plain},
    };
    for (auto const& c : cases) {
        auto const r = parse_staff_text(c.input, departments);
        EXPECT_EQ(r.what, c.what) << "'" << c.input << "': " << r.error;
        if (r.what != kind::command || c.what != kind::command)
            continue;
        EXPECT_EQ(r.command.action, c.action) << c.input;
        EXPECT_EQ(r.command.text, c.text) << c.input;
        EXPECT_EQ(r.command.department, c.department) << c.input;
        EXPECT_EQ(r.command.assignee, c.assignee) << c.input;
        EXPECT_TRUE(r.error.empty()) << c.input;
    }
}

TEST(parse_staff_text, a_command_without_its_argument_is_invalid_with_a_reason)
{
    struct bad {
        std::string input;
        std::string error;
    };
    bad const cases[] = {
        {"transfer", "transfer needs a department: one of transport, water, parks."},
        {"/transfer@CityBot", "/transfer needs a department: one of transport, water, parks."},
        {"转办", "转办 needs a department: one of transport, water, parks."},
        {"transfer roads Wrong place", "Unknown department \"roads\": use one of transport, water, parks."},
        {"转办 水务局", "Unknown department \"水务局\": use one of transport, water, parks."},
        {"answer", "answer needs the answer text after the command word."},
        {"answer \u3000 ", "answer needs the answer text after the command word."},
        {"/answer@CityBot", "/answer needs the answer text after the command word."},
        {"答复：", "答复 needs the answer text after the command word."},
        {"reject", "reject needs a reason after the command word."},
        {"驳回", "驳回 needs a reason after the command word."},
        {"note", "note needs the note text after the command word."},
        {"assign", "assign needs the name of the person to assign."},
        {"指派", "指派 needs the name of the person to assign."},
        {"/start", "Unknown command \"/start\". Commands: accept | transfer <department> <reason> | "
                   "progress [note] | answer <text> | reject <reason> | close | note <text> | assign <name> | reopen | "
                   "pause <reason> | resume"},
        {"/acept@CityBot yes", "Unknown command \"/acept\". Commands: accept | transfer <department> <reason> | "
                               "progress [note] | answer <text> | reject <reason> | close | note <text> | "
                               "assign <name> | reopen | pause <reason> | resume"},
    };
    for (auto const& c : cases) {
        auto const r = parse_staff_text(c.input, departments);
        EXPECT_EQ(r.what, kind::invalid) << c.input;
        EXPECT_EQ(r.error, c.error) << c.input;
        // The English built in is the shipped English: they cannot drift apart.
        EXPECT_EQ(parse_staff_text(c.input, departments, fixture::demo_data(), "en").error, c.error) << c.input;
    }
}

TEST(parse_staff_text, errors_follow_the_staff_language)
{
    auto const& data = fixture::demo_data();
    EXPECT_EQ(parse_staff_text("转办", departments, data, "zh-CN").error,
              "“转办”需要指定部门，可选：transport, water, parks。");
    EXPECT_EQ(parse_staff_text("答复", departments, data, "zh-CN").error, "“答复”需要在命令后写明答复内容。");
    EXPECT_EQ(parse_staff_text("transfer", {}, data, "en").error, "transfer needs a department: one of (none).");
    auto const ok = parse_staff_text("转办 water", departments, data, "zh-CN");
    EXPECT_EQ(ok.what, kind::command);
    EXPECT_TRUE(ok.error.empty());
}

}  // namespace
}  // namespace pg::dialog
