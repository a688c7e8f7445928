#include "bench/loadgen/fake_api.hpp"

#include "bench/loadgen/http_wire.hpp"

#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include <chrono>

namespace pg::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::int64_t bot_user_id = 123456;

// Reads only the top-level "chat_id" and "text" of a sendMessage body: no DOM is
// built, and the "text" of nested keyboard buttons is not mistaken for it.
struct send_message_fields : nlohmann::json_sax<nlohmann::json> {
    int depth = 0;
    enum class field { other, chat_id, text } next = field::other;
    bool has_chat = false;
    std::int64_t chat_id = 0;
    bool has_text = false;
    std::string text;

    bool value_seen()
    {
        next = field::other;
        return true;
    }
    bool null() override { return value_seen(); }
    bool boolean(bool) override { return value_seen(); }
    bool number_integer(number_integer_t v) override
    {
        if (depth == 1 && next == field::chat_id) {
            chat_id = v;
            has_chat = true;
        }
        return value_seen();
    }
    bool number_unsigned(number_unsigned_t v) override
    {
        if (depth == 1 && next == field::chat_id) {
            chat_id = static_cast<std::int64_t>(v);
            has_chat = true;
        }
        return value_seen();
    }
    bool number_float(number_float_t, string_t const&) override { return value_seen(); }
    bool string(string_t& v) override
    {
        if (depth == 1 && next == field::text) {
            text = std::move(v);
            has_text = true;
        }
        return value_seen();
    }
    bool binary(binary_t&) override { return value_seen(); }
    bool start_object(std::size_t) override
    {
        ++depth;
        next = field::other;
        return true;
    }
    bool key(string_t& k) override
    {
        next = depth != 1 ? field::other : k == "chat_id" ? field::chat_id : k == "text" ? field::text : field::other;
        return true;
    }
    bool end_object() override
    {
        --depth;
        return true;
    }
    bool start_array(std::size_t) override
    {
        ++depth;
        next = field::other;
        return true;
    }
    bool end_array() override
    {
        --depth;
        return true;
    }
    bool parse_error(std::size_t, std::string const&, nlohmann::detail::exception const&) override { return false; }
};

void append_response(std::string& out, int status, std::string_view reason, std::string_view body)
{
    out += "HTTP/1.1 ";
    out += std::to_string(status);
    out += ' ';
    out += reason;
    out += "\r\nServer: fake-bot-api\r\nContent-Type: application/json\r\nContent-Length: ";
    out += std::to_string(body.size());
    out += "\r\n\r\n";
    out += body;
}

void append_error(std::string& out, int status, std::string_view reason, std::string_view description)
{
    std::string body = "{\"ok\":false,\"error_code\":" + std::to_string(status) + ",\"description\":\"";
    append_json_escaped(body, description);
    body += "\"}";
    append_response(out, status, reason, body);
}

}  // namespace

struct fake_api::state : std::enable_shared_from_this<fake_api::state> {
    state(net::io_context& ioc, std::uint16_t port, std::string t, on_send_message cb)
        : acceptor(ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), port)),
          prefix("/bot" + t + "/"),
          on_message(std::move(cb))
    {
    }

    tcp::acceptor acceptor;
    std::string prefix;  // "/bot<token>/"
    on_send_message on_message;
    fake_api_counters counters;
    std::int64_t next_message_id = 1;
    std::string body;  // scratch, reused
    bool stopped = false;
    fake_api::fault fault = fake_api::fault::none;
    std::uint64_t fault_every = 0;

    void accept();
    // Answers one framed request into `out`.
    void answer(http_message const& req, std::string& out);
};

namespace {

class api_connection : public std::enable_shared_from_this<api_connection> {
public:
    api_connection(tcp::socket s, std::shared_ptr<fake_api::state> st) : socket_(std::move(s)), state_(std::move(st)) {}

    void read()
    {
        constexpr std::size_t chunk = 16 * 1024;
        socket_.async_read_some(net::buffer(in_.prepare(chunk), chunk),
                                [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                                    self->on_read(ec, n);
                                });
    }

private:
    void on_read(boost::system::error_code ec, std::size_t n)
    {
        if (ec)
            return;  // the gateway closed it, or we are stopping
        in_.commit(n);
        out_.clear();
        bool close = false;
        for (;;) {
            http_message m;
            auto const r = frame(in_.data(), m);
            if (r == frame_result::incomplete)
                break;
            if (r == frame_result::bad) {
                ++state_->counters.rejected;
                append_error(out_, 400, "Bad Request", "Bad Request: malformed HTTP request");
                close = true;
                break;
            }
            state_->answer(m, out_);
            close = close || m.close;
            in_.consume(m.size);
            if (close)
                break;
        }
        if (out_.empty()) {
            read();
            return;
        }
        net::async_write(socket_, net::buffer(out_),
                         [self = shared_from_this(), close](boost::system::error_code wec, std::size_t) {
                             if (wec)
                                 return;
                             if (close) {
                                 boost::system::error_code ignored;
                                 self->socket_.shutdown(tcp::socket::shutdown_send, ignored);
                                 return;
                             }
                             self->read();
                         });
    }

    tcp::socket socket_;
    std::shared_ptr<fake_api::state> state_;
    byte_buffer in_;
    std::string out_;
};

}  // namespace

void fake_api::state::accept()
{
    acceptor.async_accept([self = shared_from_this()](boost::system::error_code ec, tcp::socket s) {
        if (self->stopped)
            return;
        if (!ec) {
            ++self->counters.connections;
            s.set_option(tcp::no_delay(true), ec);
            std::make_shared<api_connection>(std::move(s), self)->read();
        }
        self->accept();
    });
}

void fake_api::state::answer(http_message const& req, std::string& out)
{
    ++counters.calls;
    auto const target = target_of(req.start_line);
    if (!req.start_line.starts_with("POST ") && !req.start_line.starts_with("GET ")) {
        ++counters.rejected;
        append_error(out, 405, "Method Not Allowed", "Method Not Allowed");
        return;
    }
    if (!target.starts_with(prefix)) {
        ++counters.rejected;
        append_error(out, 401, "Unauthorized", "Unauthorized");
        return;
    }
    auto const method = target.substr(prefix.size());
    if (method == "sendMessage") {
        send_message_fields f;
        bool const parsed = nlohmann::json::sax_parse(req.body.begin(), req.body.end(), &f);
        if (!parsed || !f.has_chat || !f.has_text || f.text.empty()) {
            ++counters.rejected;
            append_error(out, 400, "Bad Request",
                         parsed && f.has_chat ? "Bad Request: message text is empty" : "Bad Request: chat not found");
            return;
        }
        ++counters.send_message;
        if (fault != fake_api::fault::none && fault_every > 0 && counters.send_message % fault_every == 0) {
            ++counters.injected;
            if (fault == fake_api::fault::doubled) {
                on_message(f.chat_id, f.text);
                append_error(out, 502, "Bad Gateway", "Bad Gateway");
            } else {
                append_response(out, 200, "OK", "{\"ok\":true,\"result\":{}}");
            }
            return;
        }
        auto const now = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        auto const chat = std::to_string(f.chat_id);
        body.clear();
        body += "{\"ok\":true,\"result\":{\"message_id\":";
        body += std::to_string(next_message_id++);
        body += ",\"from\":{\"id\":";
        body += std::to_string(bot_user_id);
        body += ",\"is_bot\":true,\"first_name\":\"Petitions\",\"username\":\"petitions_bench_bot\"},\"chat\":{\"id\":";
        body += chat;
        body += ",\"first_name\":\"Citizen\",\"type\":\"private\"},\"date\":";
        body += std::to_string(now);
        body += ",\"text\":\"";
        append_json_escaped(body, f.text);
        body += "\"}}";
        append_response(out, 200, "OK", body);
        on_message(f.chat_id, f.text);
        return;
    }
    if (method == "answerCallbackQuery") {
        ++counters.answer_callback_query;
        append_response(out, 200, "OK", "{\"ok\":true,\"result\":true}");
        return;
    }
    ++counters.other_methods;
    append_error(out, 404, "Not Found", "Not Found");
}

fake_api::fake_api(net::io_context& ioc, std::uint16_t port, std::string token, on_send_message on_message)
    : state_(std::make_shared<state>(ioc, port, std::move(token), std::move(on_message)))
{
    state_->acceptor.listen(net::socket_base::max_listen_connections);
}

fake_api::~fake_api() { stop(); }

std::uint16_t fake_api::port() const { return state_->acceptor.local_endpoint().port(); }

void fake_api::start() { state_->accept(); }

void fake_api::stop()
{
    if (state_->stopped)
        return;
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
}

fake_api_counters const& fake_api::counters() const { return state_->counters; }

void fake_api::inject(fault f, std::uint64_t every)
{
    state_->fault = f;
    state_->fault_every = every;
}

}  // namespace pg::bench
