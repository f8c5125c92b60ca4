#include "gateway/auth/document_fetch.h"

#include <openssl/ssl.h>

#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/io_context.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/ssl/context.hpp"
#include "boost/asio/ssl/host_name_verification.hpp"
#include "boost/asio/ssl/stream.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "boost/url/parse.hpp"

namespace stadt::gateway::auth {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;
using tcp = asio::ip::tcp;

struct Target {
  bool tls = true;
  std::string host;  // without brackets
  std::string port;
  std::string host_header;  // as in the URL: brackets and a non-default port kept
  std::string path;         // with the query
  std::string display;      // for messages: scheme://host[:port]/path, no query
};

bool IsLoopback(const std::string& host) {
  if (absl::AsciiStrToLower(host) == "localhost") return true;
  error_code error;
  const asio::ip::address address = asio::ip::make_address(host, error);
  return !error && address.is_loopback();
}

absl::StatusOr<Target> ParseTarget(std::string_view url) {
  boost::system::result<boost::urls::url_view> parsed =
      boost::urls::parse_absolute_uri(boost::core::string_view(url.data(), url.size()));
  if (!parsed) return absl::InvalidArgumentError("not an absolute URL");
  Target target;
  const std::string scheme = absl::AsciiStrToLower(std::string(parsed->scheme()));
  if (scheme != "https" && scheme != "http") {
    return absl::InvalidArgumentError("the URL must be https://");
  }
  target.tls = scheme == "https";
  if (parsed->has_userinfo()) return absl::InvalidArgumentError("the URL must not carry a user");
  if (parsed->has_fragment()) return absl::InvalidArgumentError("the URL must not carry a #");
  target.host = std::string(parsed->encoded_host_address());
  if (target.host.size() > 2 && target.host.front() == '[') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  if (target.host.empty()) return absl::InvalidArgumentError("the URL names no host");
  target.port = parsed->has_port() ? std::string(parsed->port()) : (target.tls ? "443" : "80");
  int port_number = 0;
  if (!absl::SimpleAtoi(target.port, &port_number) || port_number < 1 || port_number > 65535) {
    return absl::InvalidArgumentError("the URL's port must be 1 to 65535");
  }
  target.host_header = std::string(parsed->encoded_host_and_port());
  target.path = std::string(parsed->encoded_target());
  if (target.path.empty()) target.path = "/";
  // A query may carry a credential: messages and logs name the rest only.
  target.display =
      absl::StrCat(scheme, "://", target.host_header, std::string(parsed->encoded_path()));
  if (!target.tls && !IsLoopback(target.host)) {
    return absl::InvalidArgumentError(
        "plain http:// only to a loopback host; keys from elsewhere need https://");
  }
  return target;
}

// Runs one asynchronous operation to its end or to the deadline. `start`
// begins it with a completion callback taking the error code; on the
// deadline `cancel` aborts it, and its callback still runs before this
// returns, so nothing outlives the call.
error_code RunUntil(asio::io_context& io, absl::Time deadline,
                    const std::function<void(std::function<void(error_code)>)>& start,
                    const std::function<void()>& cancel) {
  std::optional<error_code> result;
  start([&result](error_code error) { result = error; });
  io.restart();
  const absl::Duration left = deadline - absl::Now();
  if (left > absl::ZeroDuration()) io.run_for(absl::ToChronoMilliseconds(left));
  if (result.has_value()) return *result;
  cancel();
  io.restart();
  io.run();
  return asio::error::timed_out;
}

// The name lookup runs on a thread of its own: a lookup already started
// cannot be cancelled, and the fetch must not wait past its deadline (nor
// hold up a shutdown) for a resolver that does not answer. On the deadline
// the thread is left to finish alone; it owns everything it touches.
absl::StatusOr<std::vector<tcp::endpoint>> ResolveUntil(const Target& target, absl::Time deadline) {
  error_code not_an_address;
  const asio::ip::address literal = asio::ip::make_address(target.host, not_an_address);
  const unsigned short port = static_cast<unsigned short>(std::stoi(target.port));
  if (!not_an_address) return std::vector<tcp::endpoint>{tcp::endpoint(literal, port)};
  using Answer = std::pair<error_code, std::vector<tcp::endpoint>>;
  auto promise = std::make_shared<std::promise<Answer>>();
  std::future<Answer> answer = promise->get_future();
  std::thread([promise, host = target.host, service = target.port] {
    asio::io_context io;
    tcp::resolver resolver(io);
    error_code error;
    std::vector<tcp::endpoint> endpoints;
    for (const auto& entry : resolver.resolve(host, service, error)) {
      endpoints.push_back(entry.endpoint());
    }
    promise->set_value({error, std::move(endpoints)});
  }).detach();
  if (answer.wait_until(absl::ToChronoTime(deadline)) != std::future_status::ready) {
    return absl::UnavailableError(
        absl::StrCat("fetching ", target.display, ": resolve: timed out"));
  }
  Answer resolved = answer.get();
  if (resolved.first) {
    return absl::UnavailableError(
        absl::StrCat("fetching ", target.display, ": resolve: ", resolved.first.message()));
  }
  return std::move(resolved.second);
}

absl::Status Unavailable(const std::string& url, const char* step, const error_code& error) {
  return absl::UnavailableError(absl::StrCat("fetching ", url, ": ", step, ": ", error.message()));
}

template <typename Stream>
absl::StatusOr<std::string> Exchange(asio::io_context& io, Stream& stream, const Target& target,
                                     const std::string& url, const FetchOptions& options,
                                     absl::Time deadline, const std::function<void()>& cancel) {
  http::request<http::empty_body> request(http::verb::get, target.path, 11);
  request.set(http::field::host, target.host_header);
  request.set(http::field::user_agent, "stadt-gateway");
  request.set(http::field::accept, "application/json");
  request.set(http::field::connection, "close");
  error_code error = RunUntil(
      io, deadline,
      [&](auto done) {
        http::async_write(stream, request, [done](error_code e, size_t) { done(e); });
      },
      cancel);
  if (error) return Unavailable(url, "request", error);

  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.max_body_bytes);
  parser.header_limit(16 * 1024);
  error = RunUntil(
      io, deadline,
      [&](auto done) {
        http::async_read(stream, buffer, parser, [done](error_code e, size_t) { done(e); });
      },
      cancel);
  if (error == http::error::body_limit) {
    return absl::UnavailableError(absl::StrCat("fetching ", url, ": the document is larger than ",
                                               options.max_body_bytes, " bytes"));
  }
  if (error) return Unavailable(url, "response", error);
  const http::response<http::string_body>& response = parser.get();
  if (response.result() != http::status::ok) {
    return absl::UnavailableError(absl::StrCat("fetching ", url, ": the server answered ",
                                               static_cast<int>(response.result_int())));
  }
  return response.body();
}

}  // namespace

absl::Status CheckDocumentUrl(std::string_view url) { return ParseTarget(url).status(); }

absl::StatusOr<std::string> FetchDocument(std::string_view url, const FetchOptions& options) {
  absl::StatusOr<Target> target = ParseTarget(url);
  if (!target.ok()) return target.status();
  const std::string& shown = target->display;
  const absl::Time deadline = absl::Now() + options.timeout;
  absl::StatusOr<std::vector<tcp::endpoint>> endpoints = ResolveUntil(*target, deadline);
  if (!endpoints.ok()) return endpoints.status();

  asio::io_context io;
  tcp::socket socket(io);
  auto close = [&socket] {
    error_code ignored;
    socket.close(ignored);
  };
  error_code error = RunUntil(
      io, deadline,
      [&](auto done) {
        asio::async_connect(socket, *endpoints,
                            [done](error_code e, const tcp::endpoint&) { done(e); });
      },
      close);
  if (error) return Unavailable(shown, "connect", error);
  if (!target->tls) {
    // "localhost" is loopback by name only: the address reached must be too.
    const asio::ip::address peer = socket.remote_endpoint(error).address();
    if (error || !peer.is_loopback()) {
      return absl::UnavailableError(
          absl::StrCat("fetching ", shown, ": plain http reached a non-loopback address"));
    }
    return Exchange(io, socket, *target, shown, options, deadline, close);
  }

  asio::ssl::context context(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_verify_mode(asio::ssl::verify_peer);
  if (options.ca_file.empty()) {
    context.set_default_verify_paths(error);
  } else {
    context.load_verify_file(options.ca_file, error);
  }
  if (error) return absl::FailedPreconditionError(absl::StrCat("trusted CAs: ", error.message()));
  context.set_verify_callback(asio::ssl::host_name_verification(target->host));
  asio::ssl::stream<tcp::socket&> stream(socket, context);
  // SNI, so that a server with several names presents the right certificate.
  // (names only: an IP literal is not sent).
  error_code not_an_address;
  asio::ip::make_address(target->host, not_an_address);
  if (not_an_address) SSL_set_tlsext_host_name(stream.native_handle(), target->host.c_str());
  error = RunUntil(
      io, deadline,
      [&](auto done) {
        stream.async_handshake(asio::ssl::stream_base::client, [done](error_code e) { done(e); });
      },
      close);
  if (error) return Unavailable(shown, "TLS handshake", error);
  return Exchange(io, stream, *target, shown, options, deadline, close);
}

}  // namespace stadt::gateway::auth
