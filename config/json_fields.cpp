#include "config/json_fields.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>

namespace pg::config {
namespace {

struct file_closer {
    void operator()(std::FILE* f) const { std::fclose(f); }
};

// nlohmann's message, without the "[json.exception.parse_error.101] " prefix and
// without the "; last read: '...'" excerpt: a broken line may hold a secret, and
// the line and column are enough to find it. The excerpt is raw file text, so it
// may itself hold "'; expected ": everything after "last read" goes, and only a
// trailing "; expected <token>" that nlohmann wrote itself is put back.
std::string parse_message(std::string msg)
{
    if (msg.starts_with("[json.exception.")) {
        if (auto end = msg.find("] "); end != std::string::npos)
            msg.erase(0, end + 2);
    }
    auto const start = msg.find("; last read: '");
    if (start == std::string::npos)
        return msg;
    // nlohmann's token names (lexer::token_type_name) that may follow "; expected ".
    static constexpr std::string_view expected_tokens[] = {
        "true literal", "false literal", "null literal", "string literal", "number literal",
        "'['",          "'{'",           "']'",          "'}'",            "':'",
        "','",          "end of input",  "'[', '{', or a literal",
    };
    std::string tail;
    for (auto const token : expected_tokens) {
        if (msg.ends_with("'; expected " + std::string(token))) {
            tail = "; expected " + std::string(token);
            break;
        }
    }
    msg.erase(start);
    return msg + tail;
}

std::size_t code_points(std::string_view s)
{
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

bool is_name_char(char c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (!first && c >= '0' && c <= '9');
}

bool is_env_name(std::string_view name)
{
    if (name.empty() || !is_name_char(name.front(), true))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c, false); });
}

// Expands ${NAME} and ${NAME:-default}. As in the shell, the default also
// replaces a variable that is set but empty. Values from the environment are
// not expanded again, and a default ends at the first '}'. `defaulted`, when
// given, gets the NAME of every non-empty default that was used.
std::string expand_env(std::string_view raw, env_lookup const& env, node const& where,
                       std::vector<std::string>* defaulted = nullptr)
{
    std::string out;
    std::size_t i = 0;
    for (;;) {
        auto const dollar = raw.find("${", i);
        if (dollar == std::string_view::npos) {
            out.append(raw.substr(i));
            return out;
        }
        out.append(raw.substr(i, dollar - i));
        auto const close = raw.find('}', dollar + 2);
        auto const inner = raw.substr(dollar + 2, close == std::string_view::npos ? 0 : close - dollar - 2);
        auto const sep = inner.find(":-");
        auto const name = inner.substr(0, sep);
        if (close == std::string_view::npos || !is_env_name(name))
            where.fail("expected ${NAME} or ${NAME:-default} after \"$\", with NAME made of A-Z a-z 0-9 _");
        auto const value = env(std::string(name));
        if (sep != std::string_view::npos && value && !value->empty()) {
            out.append(*value);
        } else if (sep != std::string_view::npos) {
            auto const fallback = inner.substr(sep + 2);
            if (defaulted && !fallback.empty())
                defaulted->emplace_back(name);
            out.append(fallback);
        } else if (value)
            out.append(*value);
        else
            where.fail("environment variable " + std::string(name) + " is not set");
        i = close + 1;
    }
}

// A key as it appears in a path: plain when it is a simple word, else ["quoted"].
std::string key_segment(std::string_view key)
{
    bool const simple = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return is_name_char(c, false) || c == '-';
    });
    if (simple)
        return std::string(key);
    return "[" + quote(key) + "]";
}

}  // namespace

json read_json_file(std::string const& file)
{
    std::unique_ptr<std::FILE, file_closer> f(std::fopen(file.c_str(), "rb"));
    if (!f)
        throw config_error(file + ": cannot read: " + std::strerror(errno));
    std::string text;
    char buf[16384];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0)
        text.append(buf, n);
    if (std::ferror(f.get()))  // e.g. a directory: fopen succeeds, the read fails
        throw config_error(file + ": cannot read: " + std::strerror(errno));
    try {
        return json::parse(text);
    } catch (json::parse_error const& e) {
        throw config_error(file + ": not valid JSON: " + parse_message(e.what()));
    } catch (json::out_of_range const&) {
        // nlohmann's message quotes the number, and says nothing of where it is.
        throw config_error(file + ": not valid JSON: a number is too large (beyond a double's range)");
    } catch (json::exception const& e) {
        // Not seen from parse() so far; its text may quote the file, so only its id is kept.
        throw config_error(file + ": not valid JSON: nlohmann::json error " + std::to_string(e.id));
    }
}

std::string describe_string(std::string_view text, secrecy s)
{
    if (text.empty())
        return "an empty string";
    auto const length = code_points(text);
    if (s == secrecy::secret || length > 80)
        return "a string of " + std::to_string(length) + (length == 1 ? " character" : " characters");
    return quote(text);
}

std::string describe(json const& v, secrecy s)
{
    switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.dump();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return s == secrecy::secret ? "a number" : v.dump();
    case json::value_t::string: return describe_string(v.get_ref<std::string const&>(), s);
    case json::value_t::array: return v.empty() ? "an empty array" : "an array";
    case json::value_t::object: return v.empty() ? "an empty object" : "an object";
    case json::value_t::binary:
    case json::value_t::discarded: break;
    }
    return "an unexpected value";
}

std::string quote(std::string_view name)
{
    return json(std::string(name)).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string join(std::span<std::string_view const> names)
{
    std::string out;
    for (auto const& n : names) {
        if (!out.empty())
            out += ", ";
        out += n;
    }
    return out;
}

void node::fail(std::string const& reason) const
{
    throw config_error(src_->file + ": " + (path_.empty() ? std::string("top level") : path_) + ": " + reason);
}

std::string node::text(secrecy s) const
{
    if (!v_->is_string())
        fail("expected a string, found " + describe(*v_, s));
    auto const& raw = v_->get_ref<std::string const&>();
    if (src_->env == nullptr)
        return raw;
    return expand_env(raw, *src_->env, *this);
}

std::string node::secret_text() const
{
    if (!v_->is_string())
        fail("expected a string, found " + describe(*v_, secrecy::secret));
    auto const& raw = v_->get_ref<std::string const&>();
    if (src_->env == nullptr)
        return raw;
    std::vector<std::string> defaulted;
    auto value = expand_env(raw, *src_->env, *this, &defaulted);
    if (!defaulted.empty()) {
        std::string names;
        for (auto const& name : defaulted)
            names += (names.empty() ? "" : " and ") + name;
        fail("the default written in the config is public; set " + names);
    }
    return value;
}

std::string node::non_empty_text(secrecy s) const
{
    if (!v_->is_string())
        fail("expected a non-empty string, found " + describe(*v_, s));
    auto t = text(s);
    if (t.empty())
        fail("expected a non-empty string, found an empty string");
    return t;
}

std::int64_t node::integer(std::int64_t lo, std::int64_t hi) const
{
    auto const expected = "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found ";
    if (v_->is_number_unsigned()) {
        auto const u = v_->get<std::uint64_t>();
        if (hi >= 0 && u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo)
            return static_cast<std::int64_t>(u);
        fail(expected + describe(*v_));
    }
    if (v_->is_number_integer()) {
        auto const i = v_->get<std::int64_t>();
        if (i >= lo && i <= hi)
            return i;
        fail(expected + describe(*v_));
    }
    // "${PORT:-8080}" can only ever produce a string; files without ${} take JSON numbers only.
    if (!v_->is_string() || src_->env == nullptr)
        fail(expected + describe(*v_));
    auto const t = text();
    std::int64_t i = 0;
    auto const [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
    if (ec != std::errc{} || end != t.data() + t.size() || i < lo || i > hi)
        fail(expected + describe_string(t));
    return i;
}

bool node::boolean() const
{
    if (v_->is_boolean())
        return v_->get<bool>();
    if (v_->is_string() && src_->env != nullptr) {
        auto const t = text();
        if (t == "true" || t == "false")
            return t == "true";
        fail("expected true or false, found " + describe_string(t));
    }
    fail("expected true or false, found " + describe(*v_));
}

std::vector<node> node::items() const
{
    if (!v_->is_array())
        fail("expected an array, found " + describe(*v_));
    std::vector<node> out;
    out.reserve(v_->size());
    for (std::size_t i = 0; i < v_->size(); ++i)
        out.emplace_back((*v_)[i], *src_, path_ + "[" + std::to_string(i) + "]");
    return out;
}

object_node node::object() const
{
    return object_node(*this);
}

object_node::object_node(node const& n) : n_(n)
{
    if (!n.raw().is_object())
        n.fail("expected an object, found " + describe(n.raw()));
}

std::string object_node::path_of(std::string_view key) const
{
    auto seg = key_segment(key);
    if (n_.path().empty() || seg.front() == '[')
        return n_.path() + seg;
    return n_.path() + "." + seg;
}

void object_node::allow(std::span<std::string_view const> keys) const
{
    for (auto const& [key, value] : n_.raw().items()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            node(value, n_.src(), path_of(key)).fail("unknown key; expected one of: " + join(keys));
    }
}

std::optional<node> object_node::get(std::string_view key) const
{
    auto it = n_.raw().find(key);
    if (it == n_.raw().end())
        return std::nullopt;
    return node(*it, n_.src(), path_of(key));
}

node object_node::need(std::string_view key) const
{
    auto n = get(key);
    if (!n)
        fail_at(key, "missing");
    return *n;
}

void object_node::fail_at(std::string_view key, std::string const& reason) const
{
    node(n_.raw(), n_.src(), path_of(key)).fail(reason);
}

std::vector<std::pair<std::string, node>> object_node::entries() const
{
    std::vector<std::pair<std::string, node>> out;
    for (auto const& [key, value] : n_.raw().items())
        out.emplace_back(key, node(value, n_.src(), path_of(key)));
    return out;
}

void object_node::read_ms(std::string_view key, std::chrono::milliseconds& out, std::int64_t lo, std::int64_t hi) const
{
    if (auto n = get(key))
        out = std::chrono::milliseconds{n->integer(lo, hi)};
}

void object_node::read_bool(std::string_view key, bool& out) const
{
    if (auto n = get(key))
        out = n->boolean();
}

void object_node::read_non_empty(std::string_view key, std::string& out, secrecy s) const
{
    if (auto n = get(key))
        out = n->non_empty_text(s);
}

}  // namespace pg::config
