#pragma once
// The dialog's data files: locales first (the first is the fallback), then the
// flow, checked against the loaded locale codes. Errors name the file at fault.
// Their strings are data, not settings: ${NAME} is not expanded in them.
#include "model/flow.hpp"

#include <string>
#include <vector>

namespace pg::config {

// Paths as they are opened and shown in errors (already resolved by the caller).
model::dialog_data read_dialog_files(std::string const& flow_file, std::vector<std::string> const& locale_files);

}  // namespace pg::config
