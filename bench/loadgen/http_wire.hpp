#pragma once
// The HTTP/1.1 the load generator speaks, on both of its sides: the webhook
// client and the fake Bot API server. Sans-I/O: bytes in, one framed message
// out. Only what the gateway, nginx and the loadgen itself send is accepted:
// Content-Length bodies (no chunked encoding), no pipelining surprises. Anything
// else is `bad`, which the caller turns into a failed run, not a guess.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pg::bench {

struct http_message {
    std::string_view start_line;  // "HTTP/1.1 200 OK" or "POST /bot.../sendMessage HTTP/1.1"
    std::string_view body;
    std::size_t size = 0;         // bytes of the whole message (head + body)
    bool close = false;           // "Connection: close", or HTTP/1.0 without keep-alive
};

enum class frame_result { incomplete, complete, bad };

// Frames the first message in `bytes`. `body_limit` bounds the announced length.
frame_result frame(std::string_view bytes, http_message& out, std::size_t body_limit = 1 << 20);

// "HTTP/1.1 200 OK" -> 200; 0 if malformed.
int status_of(std::string_view start_line);
// "POST /bot1:x/sendMessage HTTP/1.1" -> "/bot1:x/sendMessage"; empty if malformed.
std::string_view target_of(std::string_view start_line);

// A growable byte buffer with a read position: read into prepare(), commit(),
// look at data(), consume() what was framed.
class byte_buffer {
public:
    char* prepare(std::size_t n);
    void commit(std::size_t n) { end_ += n; }
    void consume(std::size_t n);
    std::string_view data() const { return {bytes_.data() + begin_, end_ - begin_}; }
    std::size_t size() const { return end_ - begin_; }
    void clear() { begin_ = end_ = 0; }

private:
    std::vector<char> bytes_;
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

// Appends `s` as the inside of a JSON string literal.
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace pg::bench
