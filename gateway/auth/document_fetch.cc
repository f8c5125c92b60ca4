#include "gateway/auth/document_fetch.h"

#include <openssl/ssl.h>

#include <functional>
#include <optional>

#include "absl/strings/ascii.h"
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
  std::string path;  // with the query
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
  target.path = std::string(parsed->encoded_target());
  if (target.path.empty()) target.path = "/";
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

absl::Status Unavailable(const std::string& url, const char* step, const error_code& error) {
  return absl::UnavailableError(absl::StrCat("fetching ", url, ": ", step, ": ", error.message()));
}

template <typename Stream>
absl::StatusOr<std::string> Exchange(asio::io_context& io, Stream& stream, const Target& target,
                                     const std::string& url, const FetchOptions& options,
                                     absl::Time deadline, const std::function<void()>& cancel) {
  http::request<http::empty_body> request(http::verb::get, target.path, 11);
  request.set(http::field::host, target.host);
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

absl::StatusOr<std::string> FetchDocument(std::string_view url_text, const FetchOptions& options) {
  const std::string url(url_text);
  absl::StatusOr<Target> target = ParseTarget(url);
  if (!target.ok()) return target.status();
  const absl::Time deadline = absl::Now() + options.timeout;
  asio::io_context io;

  tcp::resolver resolver(io);
  tcp::resolver::results_type endpoints;
  error_code error = RunUntil(
      io, deadline,
      [&](auto done) {
        resolver.async_resolve(target->host, target->port,
                               [&endpoints, done](error_code e, tcp::resolver::results_type r) {
                                 endpoints = std::move(r);
                                 done(e);
                               });
      },
      [&] { resolver.cancel(); });
  if (error) return Unavailable(url, "resolve", error);

  tcp::socket socket(io);
  auto close = [&socket] {
    error_code ignored;
    socket.close(ignored);
  };
  error = RunUntil(
      io, deadline,
      [&](auto done) {
        asio::async_connect(socket, endpoints,
                            [done](error_code e, const tcp::endpoint&) { done(e); });
      },
      close);
  if (error) return Unavailable(url, "connect", error);
  if (!target->tls) return Exchange(io, socket, *target, url, options, deadline, close);

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
  if (error) return Unavailable(url, "TLS handshake", error);
  return Exchange(io, stream, *target, url, options, deadline, close);
}

}  // namespace stadt::gateway::auth
