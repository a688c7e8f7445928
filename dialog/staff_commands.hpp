#pragma once
// Staff thread commands, in English and Chinese:
//   accept | transfer <department> <reason> | progress <note> | answer <text> |
//   reject <reason> | close | note <text> | assign <name> | reopen | pause <reason> | resume
//   受理 | 转办 <部门> <原因> | 办理 <说明> | 答复 <内容> | 驳回 <原因> | 办结 | 备注 <内容> | 指派 <姓名> | 重新办理 |
//   暂停 <原因> | 恢复
// A leading "/" and a bot mention ("/accept@CityBot") are allowed. Text that
// does not start with a command word is `plain` (the gateway treats it as an
// answer or a note, per config).
#include "model/flow.hpp"
#include "model/staff.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pg::dialog {

struct parsed_staff_text {
    enum class kind { command, plain, invalid } what = kind::plain;
    model::staff_command command;  // when command
    std::string error;             // when invalid: what is wrong, in words for the staff ("transfer needs a department: one of ...")
};

// `departments`: the configured department ids; a transfer must name one (any case).
// Separators are spaces, tabs, line breaks, the ideographic space (U+3000) and
// a colon (":" or "："), so "答复：已修复" reads as an answer. A command word
// must be followed by one of them or end the text: "Note, the road ..." is plain.
// A "/" followed by an unknown word is `invalid`, not plain: it was meant as a command.
// `error` is written in English; the overload below writes it in the staff language.
parsed_staff_text parse_staff_text(std::string_view text, std::vector<std::string> const& departments);

// The same, with `error` from the locale files (staff.error.*, staff.commands) in `language`.
parsed_staff_text parse_staff_text(std::string_view text, std::vector<std::string> const& departments,
                                   model::dialog_data const& data, std::string_view language);

// A staff chat without threads (WeCom): the message names its petition first,
// "7K3M-9Q2P answer The road is repaired" / "7K3M-9Q2P 答复 道路已修复", the
// rest read as above. No tracking number first: `invalid`, saying how to write it.
struct addressed_staff_text {
    std::string tracking;  // normalized; empty when invalid for want of one
    parsed_staff_text parsed;
};
addressed_staff_text parse_addressed_staff_text(std::string_view text, std::vector<std::string> const& departments);
addressed_staff_text parse_addressed_staff_text(std::string_view text, std::vector<std::string> const& departments,
                                                model::dialog_data const& data, std::string_view language);

}  // namespace pg::dialog
