#include "gateway/backup.hpp"

#include "adapters/common/secret.hpp"
#include "gateway/blocking.hpp"
#include "gateway/http_write.hpp"
#include "gateway/kept_secret.hpp"
#include "gateway/log.hpp"
#include "storage/store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <system_error>

namespace pg::gateway {
namespace {

using json = nlohmann::json;

response json_answer(http::status s, json const& body)
{
    auto res = plain_response(s, body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n");
    res.set(http::field::content_type, "application/json");
    return res;
}

response refuse(http::status s, std::string reason) { return json_answer(s, {{"error", std::move(reason)}}); }

// A checkpoint of a large database takes a while: flush, then hard links or copies.
constexpr std::chrono::minutes backup_timeout{10};

// Where the running gateway listens, seen from this host.
std::string loopback_for(std::string const& listen)
{
    if (listen == "0.0.0.0" || listen.empty())
        return "127.0.0.1";
    if (listen == "::")
        return "::1";
    return listen;
}

}  // namespace

backup_endpoint::backup_endpoint(storage::local_storage* local, net::thread_pool& pool, std::string token,
                                 std::string data_dir)
    : local_(local), pool_(pool), token_(std::move(token)), data_dir_(std::move(data_dir))
{
}

net::awaitable<response> backup_endpoint::handle(request const& req)
{
    if (req.method() != http::verb::post)
        co_return refuse(http::status::method_not_allowed, "POST only");
    std::string_view const auth = req[http::field::authorization];
    if (!auth.starts_with("Bearer ") || !adapters::same_secret(auth.substr(7), token_)) {
        auto res = refuse(http::status::unauthorized, "missing or wrong bearer token");
        res.set(http::field::www_authenticate, "Bearer");
        co_return res;
    }
    auto const body = json::parse(req.body(), nullptr, false);
    auto const it = body.is_object() ? body.find("dir") : body.end();
    if (it == body.end() || !it->is_string())
        co_return refuse(http::status::bad_request, "dir: expected a string");
    std::filesystem::path const dir = it->get<std::string>();
    // Relative to what? The gateway's working directory is not the caller's.
    if (!dir.is_absolute())
        co_return refuse(http::status::bad_request, "dir: expected an absolute path");
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) || ec)
        co_return refuse(http::status::conflict, dir.string() + ": already exists; a backup goes to a new directory");

    auto const [ok, error] = co_await run_blocking(pool_.get_executor(), [&] {
        std::string e;
        bool const done = local_->backup(dir.string(), e) && copy_kept_secrets(data_dir_, dir, e);
        return std::pair{done, e};
    });
    if (!ok) {
        log::error("backup_failed", {{"error", error}});
        co_return refuse(http::status::service_unavailable, error);
    }
    log::info("backup_written", {{"dir", dir.string()}});
    co_return json_answer(http::status::ok, {{"dir", dir.string()}});
}

int backup_command(config::settings const& s, std::string const& dir, std::optional<std::uint16_t> port)
{
    if (s.storage.backup_token.empty()) {
        std::fprintf(stderr, "petition-gateway backup: %s: storage.backup_token is not set, so the running gateway "
                             "takes no backup requests\n", s.file.c_str());
        return 2;
    }
    auto const where = port.value_or(s.server.port);
    if (where == 0) {
        std::fprintf(stderr, "petition-gateway backup: %s: server.port is 0; give the gateway's port with --port N\n",
                     s.file.c_str());
        return 2;
    }
    std::error_code ec;
    auto const target = std::filesystem::absolute(dir, ec);
    if (ec) {
        std::fprintf(stderr, "petition-gateway backup: %s: %s\n", dir.c_str(), ec.message().c_str());
        return 2;
    }

    http::request<http::string_body> req{http::verb::post, "/admin/backup", 11};
    req.set(http::field::host, loopback_for(s.server.listen));
    req.set(http::field::authorization, "Bearer " + s.storage.backup_token);
    req.set(http::field::content_type, "application/json");
    req.body() = json{{"dir", target.string()}}.dump();
    req.prepare_payload();

    net::io_context ioc;
    http::response<http::string_body> res;
    boost::system::error_code failure;
    net::co_spawn(ioc, [&]() -> net::awaitable<void> {
        boost::beast::tcp_stream stream(ioc);
        stream.expires_after(backup_timeout);
        net::ip::tcp::endpoint const ep(net::ip::make_address(loopback_for(s.server.listen), failure), where);
        if (failure)
            co_return;
        if (auto [e] = co_await stream.async_connect(ep, use_tuple); e) {
            failure = e;
            co_return;
        }
        if (auto [e, n] = co_await write_message(stream, req); e) {
            failure = e;
            co_return;
        }
        boost::beast::flat_buffer buffer;
        auto [e, n] = co_await http::async_read(stream, buffer, res, use_tuple);
        failure = e;
    }, [](std::exception_ptr) {});
    ioc.run();

    if (failure) {
        std::fprintf(stderr, "petition-gateway backup: %s port %u: %s (is the gateway running?)\n",
                     loopback_for(s.server.listen).c_str(), unsigned(where), failure.message().c_str());
        return 1;
    }
    if (res.result() != http::status::ok) {
        auto const answer = json::parse(res.body(), nullptr, false);
        auto const reason = answer.is_object() && answer.contains("error") && answer["error"].is_string()
                                ? answer["error"].get<std::string>()
                                : res.body();
        std::fprintf(stderr, "petition-gateway backup: the gateway answered %u: %s\n", res.result_int(),
                     reason.c_str());
        return 1;
    }
    std::printf("backup written to %s\n", target.string().c_str());
    return 0;
}

}  // namespace pg::gateway
