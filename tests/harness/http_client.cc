#include "tests/harness/http_client.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"

namespace stadt::testing {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

absl::StatusOr<tcp::socket> Connect(asio::io_context& io, int port) {
  tcp::socket socket(io);
  beast::error_code error;
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)),
                 error);
  if (error) return absl::UnavailableError(absl::StrCat("connect: ", error.message()));
  return socket;
}

}  // namespace

absl::StatusOr<HttpResult> HttpFetch(int port, const std::string& method, const std::string& target,
                                     const std::string& body,
                                     const std::map<std::string, std::string>& headers) {
  asio::io_context io;
  absl::StatusOr<tcp::socket> socket = Connect(io, port);
  if (!socket.ok()) return socket.status();
  http::request<http::string_body> request;
  request.method_string(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "localhost");
  request.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) request.set(name, value);
  if (!body.empty() && headers.count("Content-Type") == 0) {
    request.set(http::field::content_type, "application/json");
  }
  request.body() = body;
  request.prepare_payload();
  beast::error_code error;
  http::write(*socket, request, error);
  if (error) return absl::UnavailableError(absl::StrCat("write: ", error.message()));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 << 20);
  http::read(*socket, buffer, parser, error);
  if (error) return absl::UnavailableError(absl::StrCat("read: ", error.message()));
  HttpResult result;
  result.status = parser.get().result_int();
  result.body = parser.get().body();
  for (const auto& field : parser.get()) {
    result.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
        std::string(field.value());
  }
  return result;
}

absl::StatusOr<std::string> HttpRaw(int port, const std::string& bytes) {
  asio::io_context io;
  absl::StatusOr<tcp::socket> socket = Connect(io, port);
  if (!socket.ok()) return socket.status();
  beast::error_code error;
  asio::write(*socket, asio::buffer(bytes), error);
  std::string answer;
  char chunk[4096];
  while (true) {
    const size_t n = socket->read_some(asio::buffer(chunk), error);
    answer.append(chunk, n);
    if (error) break;
  }
  return answer;
}

}  // namespace stadt::testing
