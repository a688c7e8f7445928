#pragma once
// Expected failures are values. A failure's detail names a field and a reason,
// never the user's text.
#include <string>
#include <utility>
#include <variant>

namespace pg::model {

enum class errc {
    bad_signature = 1,    // 401: wrong or missing secret / signature
    malformed_body,       // 400: not JSON, wrong shape, invalid UTF-8
    unsupported_update,   // 200: understood, deliberately dropped (so it is not resent)
    storage_unavailable,  // 503: could not commit; the platform retries
    not_found,            // 404
};

struct failure {
    errc code;
    std::string detail;
};

template <class T>
class result {
public:
    result(T value) : v_(std::move(value)) {}
    result(failure f) : v_(std::move(f)) {}
    explicit operator bool() const noexcept { return v_.index() == 0; }
    T& value() { return std::get<0>(v_); }
    T const& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    T const& operator*() const { return value(); }
    T* operator->() { return &value(); }
    T const* operator->() const { return &value(); }
    failure const& error() const { return std::get<1>(v_); }

private:
    std::variant<T, failure> v_;
};

}  // namespace pg::model
