#pragma once
// The gateway's own pages: plain files under web.root, read per request (they
// are few and small), never a directory listing, never a path outside the root.
// Every answer carries the headers that keep a page from being framed, sniffed
// or made to load script from elsewhere.
#include "gateway/http_server.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace pg::gateway {

class static_files {
public:
    explicit static_files(std::string root) : root_(std::move(root)) {}

    bool enabled() const { return !root_.empty(); }
    // `relative` is a path under the root ("chat/index.html"); nullopt when it
    // is not a plain file there (missing, a directory, "..", a hidden name).
    std::optional<response> get(std::string_view relative, unsigned version) const;

private:
    std::string root_;
};

// Headers every page and every JSON answer to a page carries.
void add_page_security_headers(response& res);

}  // namespace pg::gateway
