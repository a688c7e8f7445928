#pragma once
// Writes compact JSON straight into a string, for the hot paths (stored records,
// platform API calls): building an nlohmann DOM only to dump it costs several
// times more.
// The caller writes a well-formed sequence (keys inside objects, values after keys).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace pg::model {

class json_writer {
public:
    json_writer& begin_object();
    json_writer& end_object();
    json_writer& begin_array();
    json_writer& end_array();

    json_writer& key(std::string_view k);  // written as given: plain ASCII names only
    // Bytes that are not valid UTF-8 become U+FFFD, so the output always parses.
    json_writer& str(std::string_view s);
    json_writer& u64(std::uint64_t n);
    json_writer& i64(std::int64_t n);
    json_writer& boolean(bool b);
    json_writer& number(double d);  // shortest form that reads back to the same double; finite only

    std::string take() { return std::move(out_); }

private:
    void separate();

    std::string out_;
    bool need_comma_ = false;
};

}  // namespace pg::model
