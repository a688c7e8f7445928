#pragma once
// Short names for Asio and Beast. Only gateway/ includes these headers; each
// .cpp includes just the parts it uses (Beast bodies are compiled once, in net/beast.cpp).
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace boost::beast {}
namespace boost::beast::http {}

namespace pg::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

// Network trouble comes back as a value (Boost 1.81 spelling of as_tuple).
inline constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

}  // namespace pg::gateway
