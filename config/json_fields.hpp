#pragma once
// Typed reads from parsed JSON for the config loaders: each value knows its file
// and key path, so every failure throws config_error "<file>: <key path>: <reason>".
// Internal to config/: nothing outside it includes this header.
#include "config/load.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg::config {

using json = nlohmann::json;

// One file being read: its name as shown in errors, and the environment that
// expands ${NAME} in its strings (null: strings are taken as written).
struct source {
    std::string file;
    env_lookup const* env = nullptr;
};

// Reads and parses a whole file: "<file>: cannot read: ..." / "<file>: not valid JSON: ...".
json read_json_file(std::string const& file);

// Secret values are described by their length only, never printed.
enum class secrecy { plain, secret };

// What was found, for messages: "\"80a\"", "70000", "an array", "a string of 12 characters".
std::string describe(json const& v, secrecy s = secrecy::plain);
std::string describe_string(std::string_view text, secrecy s = secrecy::plain);

// A name in JSON quotes: "\"zh-CN\"".
std::string quote(std::string_view name);

// "a, b, c": for "expected one of" lists.
std::string join(std::span<std::string_view const> names);

class object_node;

// A JSON value and where it is.
class node {
public:
    node(json const& v, source const& src, std::string path) : v_(&v), src_(&src), path_(std::move(path)) {}

    json const& raw() const { return *v_; }
    std::string const& path() const { return path_; }
    source const& src() const { return *src_; }
    [[noreturn]] void fail(std::string const& reason) const;

    // A string, with ${NAME} and ${NAME:-default} expanded when the source has an env.
    std::string text(secrecy s = secrecy::plain) const;
    std::string non_empty_text(secrecy s = secrecy::plain) const;
    // A secret: as text(secrecy::secret), but refused when a ${NAME:-default}
    // falls back to a non-empty default: that is written in the file (and, for
    // the demo's, in this repository), so anyone may know it. An empty default
    // is fine: it leaves the secret empty, which means "off" or "generated" where
    // that is allowed, and is refused where a value is required.
    std::string secret_text() const;
    // A JSON integer or, where ${} is expanded, a string holding one in decimal.
    std::int64_t integer(std::int64_t lo, std::int64_t hi) const;
    // true / false or, where ${} is expanded, a string "true" / "false".
    bool boolean() const;
    // An array's elements, with paths "path[i]".
    std::vector<node> items() const;
    object_node object() const;

private:
    json const* v_;
    source const* src_;
    std::string path_;
};

// A node known to be a JSON object.
class object_node {
public:
    explicit object_node(node const& n);  // throws unless n is an object

    node const& self() const { return n_; }
    [[noreturn]] void fail(std::string const& reason) const { n_.fail(reason); }
    // For a key that may be absent, such as one whose default is wrong for this file.
    [[noreturn]] void fail_at(std::string_view key, std::string const& reason) const;

    // Rejects the first key not in `keys`, naming it and listing `keys`.
    void allow(std::span<std::string_view const> keys) const;
    std::optional<node> get(std::string_view key) const;
    node need(std::string_view key) const;  // "<path>.<key>: missing" when absent
    std::vector<std::pair<std::string, node>> entries() const;

    // Leave `out` alone when the key is absent.
    template <class T>
    void read_int(std::string_view key, T& out, std::int64_t lo, std::int64_t hi) const
    {
        if (auto n = get(key))
            out = static_cast<T>(n->integer(lo, hi));
    }
    void read_ms(std::string_view key, std::chrono::milliseconds& out, std::int64_t lo, std::int64_t hi) const;
    void read_bool(std::string_view key, bool& out) const;
    void read_non_empty(std::string_view key, std::string& out, secrecy s = secrecy::plain) const;

private:
    std::string path_of(std::string_view key) const;

    node n_;
};

}  // namespace pg::config
