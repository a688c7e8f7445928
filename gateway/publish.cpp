#include "gateway/publish.hpp"

#include "gateway/api_client.hpp"
#include "gateway/channel.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <cstdio>

namespace pg::gateway {
namespace {

model::timestamp now()
{
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// "/cgi-bin/menu/create?access_token=..." -> "/cgi-bin/menu/create": the query may hold a secret.
std::string_view shown(std::string_view path) { return path.substr(0, path.find('?')); }

net::awaitable<int> publish(channel const& ch, endpoint const& ep, api_client& client)
{
    std::string credential;
    if (auto const call = ch.platform->credential_call()) {
        auto const response = co_await client.send(ep, *call);
        auto got = ch.platform->read_credential(response, now());
        if (!got) {
            std::fprintf(stderr, "petition-gateway publish: %s: no credential: %s\n", ch.settings.id.c_str(),
                         got.error().detail.c_str());
            co_return 1;
        }
        credential = got->value;
    }
    auto const calls = ch.platform->setup_calls(credential);
    if (calls.empty()) {
        std::fprintf(stderr, "petition-gateway publish: %s: nothing to publish (a %s channel with no such settings)\n",
                     ch.settings.id.c_str(), ch.settings.type.c_str());
        co_return 2;
    }
    int status = 0;
    for (auto const& call : calls) {
        auto const verdict = ch.platform->interpret(co_await client.send(ep, call), now());
        bool const ok = verdict.outcome == model::delivery::ok;
        std::printf("%s %s: %s%s%s\n", ch.settings.id.c_str(), std::string(shown(call.path)).c_str(),
                    ok ? "ok" : "failed", verdict.reason.empty() ? "" : ": ", verdict.reason.c_str());
        if (!ok)
            status = 1;
    }
    co_return status;
}

}  // namespace

int publish_command(config::settings const& s, std::string const& channel_id)
{
    channel_table const channels(s.channels);
    auto const* ch = channels.find(channel_id);
    if (!ch) {
        std::fprintf(stderr, "petition-gateway publish: %s: no enabled channel \"%s\"\n", s.file.c_str(),
                     channel_id.c_str());
        return 2;
    }
    auto const ep = endpoint::parse(ch->settings.api_base);
    if (!ep) {
        std::fprintf(stderr, "petition-gateway publish: %s: a %s channel calls no API\n", channel_id.c_str(),
                     ch->settings.type.c_str());
        return 2;
    }
    net::io_context ioc;
    net::ssl::context tls(net::ssl::context::tls_client);
    tls.set_default_verify_paths();
    api_client client(ioc.get_executor(), tls, s.outbox.request_timeout);
    int status = 1;
    net::co_spawn(ioc, publish(*ch, *ep, client), [&](std::exception_ptr e, int r) { status = e ? 1 : r; });
    ioc.run();
    return status;
}

}  // namespace pg::gateway
