#pragma once
#include <string_view>

namespace pg::adapters {

// Equal length is public; the bytes are compared in constant time.
bool same_secret(std::string_view got, std::string_view want);

}  // namespace pg::adapters
