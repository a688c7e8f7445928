#pragma once
// Typed, lenient reads of outside JSON for adapters. Include only from adapter
// .cpp files: nlohmann/json stays out of every public header.
#include "adapters/common/utf8.hpp"
#include "model/result.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace pg::adapters {

// True when `text` opens more than `limit` arrays/objects at once. Brackets
// inside JSON strings do not count. A cheap byte scan, run before parsing.
bool json_nested_deeper_than(std::string_view text, std::size_t limit);

// The deepest body an adapter parses. Real updates nest about ten levels. nlohmann
// 3.11 parses and destroys with its own stack, but dump(), comparison and any walk
// over the tree recurse: a bound here keeps a hostile body from reaching them.
inline constexpr std::size_t max_json_depth = 64;

// Parses outside input into `out`: UTF-8 first, then depth, then syntax.
// A failure (malformed_body) names a byte offset, never the content.
template <class Json>
std::optional<model::failure> parse_json_body(std::string_view body, Json& out)
{
    auto const malformed = [](std::string detail) {
        return model::failure{model::errc::malformed_body, std::move(detail)};
    };
    if (body.empty())
        return malformed("body: not JSON (empty)");
    if (auto bad = first_invalid_utf8(body))
        return malformed("body: invalid UTF-8 at byte " + std::to_string(*bad));
    if (json_nested_deeper_than(body, max_json_depth))
        return malformed("body: nested deeper than " + std::to_string(max_json_depth) + " levels");
    try {
        out = Json::parse(body);
    } catch (typename Json::parse_error const& e) {
        // e.what() quotes the offending token, which is user content: keep only the offset.
        // e.byte counts from 1, and is one past the end when the body stops early.
        if (e.byte > body.size())
            return malformed("body: not JSON (ends early at byte " + std::to_string(body.size()) + ")");
        return malformed("body: not JSON (syntax error at byte " + std::to_string(e.byte == 0 ? 0 : e.byte - 1) + ")");
    } catch (typename Json::exception const&) {
        return malformed("body: not JSON (a number out of range)");
    }
    return std::nullopt;
}

// Reads fields the way a lenient adapter wants. A field that is missing or null
// reads as absent: platforms add and drop optional fields all the time. A field
// of the wrong type also reads as absent, and the first such mistake is kept,
// named by its path ("message.chat.id: expected an integer"), so a parser reads
// straight through and checks ok() once at the end.
class json_read {
public:
    // T is std::int64_t, double, bool or std::string.
    template <class T, class Json>
    std::optional<T> get(Json const& obj, std::string_view path, std::string_view key)
    {
        auto const v = find(obj, key);
        if (v == nullptr)
            return std::nullopt;
        if constexpr (std::is_same_v<T, std::int64_t>) {
            // nlohmann keeps non-negative integers unsigned: anything above INT64_MAX is out of range.
            constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
            bool const fits = v->is_number_integer() && !(v->is_number_unsigned() && v->template get<std::uint64_t>() > max);
            if (fits)
                return v->template get<std::int64_t>();
            wrong(path, key, "expected an integer");
        } else if constexpr (std::is_same_v<T, double>) {
            if (v->is_number())
                return v->template get<double>();
            wrong(path, key, "expected a number");
        } else if constexpr (std::is_same_v<T, bool>) {
            if (v->is_boolean())
                return v->template get<bool>();
            wrong(path, key, "expected a boolean");
        } else {
            static_assert(std::is_same_v<T, std::string>, "json_read::get: unsupported type");
            if (v->is_string())
                return v->template get<std::string>();
            wrong(path, key, "expected a string");
        }
        return std::nullopt;
    }

    // As get, and an absent field is an error too ("message.chat: missing").
    template <class T, class Json>
    std::optional<T> need(Json const& obj, std::string_view path, std::string_view key)
    {
        auto v = get<T>(obj, path, key);
        if (!v && find(obj, key) == nullptr)
            missing(path, key);
        return v;
    }

    template <class Json>
    auto object(Json const& obj, std::string_view path, std::string_view key)
    {
        return typed(obj, path, key, &Json::is_object, "expected an object");
    }

    template <class Json>
    auto need_object(Json const& obj, std::string_view path, std::string_view key)
    {
        auto const v = object(obj, path, key);
        if (v == nullptr && find(obj, key) == nullptr)
            missing(path, key);
        return v;
    }

    template <class Json>
    auto array(Json const& obj, std::string_view path, std::string_view key)
    {
        return typed(obj, path, key, &Json::is_array, "expected an array");
    }

    // The value at `key`, or null when `obj` is not an object, lacks the key or
    // holds null. A pointer into an nlohmann tree; a simd_ptr (json_simd.hpp)
    // into a simdjson one, which finds for itself. (One template, not two overloads:
    // an overload taking simd_value would make nlohmann try converting to it.)
    template <class Json>
    static auto find(Json const& obj, std::string_view key)
    {
        if constexpr (requires { obj.find(key).operator->(); obj.end(); }) {
            Json const* none = nullptr;
            if (!obj.is_object())
                return none;
            auto it = obj.find(key);
            return it == obj.end() || it->is_null() ? none : &*it;
        } else {
            return obj.find(key);
        }
    }

    // "message" + "chat" -> "message.chat"; "" + "update_id" -> "update_id".
    static std::string join(std::string_view path, std::string_view key)
    {
        std::string out(path);
        if (!out.empty() && !key.empty())
            out += '.';
        out += key;
        return out;
    }

    void missing(std::string_view path, std::string_view key) { fail(join(path, key) + ": missing"); }
    // Keeps the first failure only: later ones are usually its consequences.
    void fail(std::string detail)
    {
        if (!error_)
            error_ = model::failure{model::errc::malformed_body, std::move(detail)};
    }
    bool ok() const { return !error_; }
    model::failure const& error() const { return *error_; }

private:
    template <class Json>
    auto typed(Json const& obj, std::string_view path, std::string_view key, bool (Json::*is)() const noexcept,
               char const* expected)
    {
        auto v = find(obj, key);
        if (v == nullptr || ((*v).*is)())
            return v;
        wrong(path, key, expected);
        return decltype(v){};
    }

    void wrong(std::string_view path, std::string_view key, char const* expected)
    {
        fail(join(path, key) + ": " + expected);
    }

    std::optional<model::failure> error_;
};

}  // namespace pg::adapters
