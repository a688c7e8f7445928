#pragma once
// A simdjson DOM value that json_read can read like an nlohmann value, so one
// lenient reader (and one adapter parser, written as a template) serves both.
// simdjson validates a whole body (syntax and UTF-8) into a compact tape, far
// cheaper than building a tree; nlohmann stays for the answers it gives on bad
// input (the byte offset of a syntax error). Include only from adapter .cpp files.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace pg::adapters {

// A parser that refuses nesting deeper than max_depth, its buffers allocated
// now (else on the first parse). Keep one per thread: it reuses its buffers.
inline simdjson::dom::parser simd_parser(std::size_t max_depth)
{
    simdjson::dom::parser p;
    [[maybe_unused]] auto const e = p.allocate(64 * 1024, max_depth);
    return p;
}

class simd_ptr;

class simd_value {
public:
    simd_value() = default;
    explicit simd_value(simdjson::dom::element e) : e_(e) {}

    bool is_null() const noexcept { return e_.is_null(); }
    bool is_object() const noexcept { return e_.is_object(); }
    bool is_array() const noexcept { return e_.is_array(); }
    bool is_string() const noexcept { return e_.is_string(); }
    bool is_boolean() const noexcept { return e_.is_bool(); }
    bool is_number() const noexcept { return e_.is_number(); }
    // As nlohmann: an integer is one written without fraction or exponent, and
    // an unsigned one any integer that is not negative.
    bool is_number_integer() const noexcept { return e_.is_int64() || e_.is_uint64(); }
    bool is_number_unsigned() const noexcept { return e_.is_uint64(); }

    template <class T>
    T get() const
    {
        if constexpr (std::is_same_v<T, std::string>) {
            return std::string(e_.get_string().value_unsafe());
        } else if constexpr (std::is_same_v<T, double>) {
            // get_double() refuses integers; nlohmann converts them.
            if (e_.is_int64())
                return static_cast<double>(e_.get_int64().value_unsafe());
            if (e_.is_uint64())
                return static_cast<double>(e_.get_uint64().value_unsafe());
            return e_.get_double().value_unsafe();
        } else if constexpr (std::is_same_v<T, bool>) {
            return e_.get_bool().value_unsafe();
        } else if constexpr (std::is_same_v<T, std::uint64_t>) {
            return e_.get_uint64().value_unsafe();
        } else {
            static_assert(std::is_same_v<T, std::int64_t>, "simd_value::get: unsupported type");
            return e_.get_int64().value_unsafe();
        }
    }

    // The value at `key` (the last one, as nlohmann keeps it when a key repeats);
    // null when this is not an object, lacks the key or holds null.
    simd_ptr find(std::string_view key) const;

    // Arrays.
    std::size_t size() const
    {
        simdjson::dom::array a;
        return e_.get(a) == simdjson::SUCCESS ? a.size() : 0;
    }
    bool empty() const { return size() == 0; }
    simd_value back() const;

    // Objects: (key, value) pairs in the order sent.
    simdjson::dom::object items() const
    {
        simdjson::dom::object o;
        [[maybe_unused]] auto const e = e_.get(o);  // only ever asked of an object
        return o;
    }

private:
    simdjson::dom::element e_;
};

// What json_read hands out for a found value: used like a pointer into the tree.
class simd_ptr {
public:
    simd_ptr() = default;
    explicit simd_ptr(simd_value v) : v_(v) {}
    explicit operator bool() const { return v_.has_value(); }
    simd_value const& operator*() const { return *v_; }
    simd_value const* operator->() const { return &*v_; }
    friend bool operator==(simd_ptr const& p, std::nullptr_t) { return !p.v_; }

private:
    std::optional<simd_value> v_;
};

inline simd_ptr simd_value::find(std::string_view key) const
{
    simdjson::dom::object o;
    if (e_.get(o) != simdjson::SUCCESS)
        return {};
    simd_ptr found;
    for (auto const field : o)
        if (field.key == key)
            found = field.value.is_null() ? simd_ptr{} : simd_ptr{simd_value{field.value}};
    return found;
}

inline simd_value simd_value::back() const
{
    simdjson::dom::array a;
    simdjson::dom::element last;
    if (e_.get(a) == simdjson::SUCCESS)
        for (auto const e : a)
            last = e;
    return simd_value{last};
}

}  // namespace pg::adapters
