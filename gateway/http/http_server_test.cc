#include "gateway/http/http_server.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <future>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/http/write.hpp"
#include "gateway/core/admin_endpoints.h"
#include "gateway/core/gateway.h"
#include "gtest/gtest.h"
#include "services/common/clock.h"
#include "stadt/testing/v1/routes_test.pb.h"
#include "tests/harness/http_client.h"

namespace stadt::gateway {
namespace {

// Answers every call at once on a thread of its own, like gRPC's callback
// threads, but keeps the callback alive until `release` is fulfilled.
class LingeringBackends final : public Backends {
 public:
  ~LingeringBackends() override {
    for (std::thread& thread : threads_) thread.join();
  }

  void Call(BackendCall, CallDone done) override {
    threads_.emplace_back([done = std::move(done), released = release_.get_future().share()] {
      done(grpc::Status::OK, stadt::testing::v1::Book().SerializeAsString());
      released.wait();
    });
  }
  void CheckHealth(absl::Duration, HealthDone done) override { done({}); }

  void Release() { release_.set_value(); }

 private:
  std::promise<void> release_;
  std::vector<std::thread> threads_;
};

// Found by the bad-input sweep under ASan: the callback a backend held after
// answering kept the last reference to the connection, so dropping it after
// the server had stopped destroyed the connection against a dead io_context.
TEST(HttpServerTest, BackendCallbacksOutlivingTheServerDoNotHoldItsConnections) {
  LingeringBackends backends;
  SystemClock clock;
  Gateway gateway(
      RouteTable::Build(
          {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value(),
      nullptr, backends, clock, GatewayOptions{}, nullptr);
  auto server = std::make_unique<HttpServer>(gateway, HttpServerOptions{.port = 0, .threads = 1});
  ASSERT_TRUE(server->Listen().ok());
  std::thread runner([&] { EXPECT_EQ(server->RunUntilSignal(), 0); });

  absl::StatusOr<stadt::testing::HttpResult> result =
      stadt::testing::HttpFetch(server->port(), "GET", "/v1/shelves/s");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, 200);

  kill(getpid(), SIGTERM);  // the server's signal set takes it: drain and stop
  runner.join();
  server.reset();
  backends.Release();  // the callbacks die now, after the server
}

TEST(HttpServerTest, PeriodicTasksRunWhileServingAndStopWithTheServer) {
  LingeringBackends backends;
  backends.Release();
  SystemClock clock;
  Gateway gateway(
      RouteTable::Build(
          {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value(),
      nullptr, backends, clock, GatewayOptions{}, nullptr);
  std::atomic<int> fast{0};
  std::atomic<int> slow{0};
  HttpServerOptions options{.port = 0, .threads = 2};
  options.periodic_tasks.push_back({absl::Milliseconds(10), [&] { ++fast; }});
  options.periodic_tasks.push_back({absl::Hours(1), [&] { ++slow; }});
  auto server = std::make_unique<HttpServer>(gateway, options);
  ASSERT_TRUE(server->Listen().ok());
  std::thread runner([&] { EXPECT_EQ(server->RunUntilSignal(), 0); });
  for (int i = 0; i < 500 && fast < 3; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_GE(fast.load(), 3);
  EXPECT_EQ(slow.load(), 0);

  // The hour-long timer does not keep the server from stopping.
  kill(getpid(), SIGTERM);
  runner.join();
  const int after_stop = fast.load();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(fast.load(), after_stop);
}

// A client that sends its whole (too large) body before it reads the answer
// gets the 413, not a reset: the server reads and discards the rest of the
// body after answering, instead of closing under the client's feet.
TEST(HttpServerTest, ATooLargeBodyGets413EvenIfTheClientSendsItAllFirst) {
  LingeringBackends backends;
  backends.Release();
  SystemClock clock;
  Gateway gateway(
      RouteTable::Build(
          {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value(),
      nullptr, backends, clock, GatewayOptions{}, nullptr);
  auto server = std::make_unique<HttpServer>(gateway, HttpServerOptions{.port = 0, .threads = 1});
  ASSERT_TRUE(server->Listen().ok());
  std::thread runner([&] { EXPECT_EQ(server->RunUntilSignal(), 0); });

  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect(
      {boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(server->port())});
  const size_t body_size = 4 << 20;  // 64 times the limit
  const std::string head = absl::StrCat(
      "POST /v1/books HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
      "Content-Length: ",
      body_size, "\r\n\r\n");
  boost::system::error_code error;
  boost::asio::write(socket, boost::asio::buffer(head), error);
  ASSERT_FALSE(error) << error.message();
  const std::string body(body_size, 'x');
  boost::asio::write(socket, boost::asio::buffer(body), error);
  EXPECT_FALSE(error) << "sending the body failed: " << error.message();
  std::string answer;
  char chunk[4096];
  for (;;) {
    const size_t read = socket.read_some(boost::asio::buffer(chunk), error);
    answer.append(chunk, read);
    if (error) break;
  }
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 413")) << answer.substr(0, 200) << error.message();
  EXPECT_NE(answer.find("body_too_large"), std::string::npos);

  kill(getpid(), SIGTERM);
  runner.join();
}

// The admin listener is a port of its own: /metrics there, not on the public
// port, and both stop with the one signal.
TEST(HttpServerTest, AdminListenerServesTheMetricsThePublicPortDoesNot) {
  LingeringBackends backends;
  backends.Release();
  SystemClock clock;
  GatewayOptions options;
  options.serve_metrics = false;
  Gateway gateway(
      RouteTable::Build(
          {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value(),
      nullptr, backends, clock, options, nullptr);
  AdminEndpoints admin(gateway);
  HttpServerOptions server_options{.port = 0, .threads = 1};
  server_options.admin_handler = &admin;
  auto server = std::make_unique<HttpServer>(gateway, server_options);
  ASSERT_TRUE(server->Listen().ok());
  ASSERT_NE(server->admin_port(), 0);
  ASSERT_NE(server->admin_port(), server->port());
  std::thread runner([&] { EXPECT_EQ(server->RunUntilSignal(), 0); });

  absl::StatusOr<stadt::testing::HttpResult> health =
      stadt::testing::HttpFetch(server->port(), "GET", "/healthz");
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(health->status, 200);
  absl::StatusOr<stadt::testing::HttpResult> hidden =
      stadt::testing::HttpFetch(server->port(), "GET", "/metrics");
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_EQ(hidden->status, 404);
  absl::StatusOr<stadt::testing::HttpResult> metrics =
      stadt::testing::HttpFetch(server->admin_port(), "GET", "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find(
                R"(stadt_gateway_http_requests_total{method="GET",route="/healthz",code="2xx"} 1)"),
            std::string::npos)
      << metrics->body;
  absl::StatusOr<stadt::testing::HttpResult> other =
      stadt::testing::HttpFetch(server->admin_port(), "GET", "/healthz");
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->status, 404);

  kill(getpid(), SIGTERM);
  runner.join();
  EXPECT_FALSE(stadt::testing::HttpFetch(server->admin_port(), "GET", "/metrics").ok());
}

// Answers GET /big with kBigBody bytes, anything else with a short 200.
class SizedAnswers final : public RequestHandler {
 public:
  static constexpr size_t kBigBody = 16 << 20;

  void Handle(const HttpRequest& request, const ClientInfo&, Done done) const override {
    HttpResponse response(boost::beast::http::status::ok, request.version());
    response.body() = request.target() == "/big" ? std::string(kBigBody, 'b') : "ok";
    response.prepare_payload();
    done(std::move(response));
  }
};

// A keep-alive connection waits for its next request from the moment its
// answer is handed over, not from when the write's completion runs: at the
// cap it makes room for a newcomer meanwhile, and is closed only once the
// whole answer is out. (Counted busy until the completion ran, a connection
// the client had long finished with could be passed over under load, and a
// connection idle for less time closed instead; here the completion is held
// back by a client that reads slowly, and the newcomer was refused.)
TEST(HttpServerTest, AtTheCapAConnectionIsIdleFromTheMomentItsAnswerIsHandedOver) {
  SizedAnswers handler;
  auto server = std::make_unique<HttpServer>(
      handler, HttpServerOptions{.port = 0, .threads = 2, .max_connections = 1});
  ASSERT_TRUE(server->Listen().ok());
  std::thread runner([&] { EXPECT_EQ(server->RunUntilSignal(), 0); });

  namespace asio = boost::asio;
  asio::io_context io;
  asio::ip::tcp::socket downloading(io);
  downloading.open(asio::ip::tcp::v4());
  // A small window: the answer cannot fit into the sockets' buffers, so its
  // write stays under way until this client reads on.
  downloading.set_option(asio::socket_base::receive_buffer_size(64 * 1024));
  downloading.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(server->port())});
  boost::system::error_code error;
  asio::write(downloading, asio::buffer(std::string("GET /big HTTP/1.1\r\nHost: test\r\n\r\n")),
              error);
  ASSERT_FALSE(error) << error.message();
  std::string answer;
  char chunk[16 * 1024];
  while (answer.find("\r\n\r\n") == std::string::npos && !error) {
    answer.append(chunk, downloading.read_some(asio::buffer(chunk), error));
  }
  ASSERT_FALSE(error) << error.message();
  ASSERT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer.substr(0, 100);

  // The answer has begun: the connection is idle, and a newcomer is served.
  absl::StatusOr<stadt::testing::HttpResult> newcomer =
      stadt::testing::HttpFetch(server->port(), "GET", "/small");
  EXPECT_EQ(newcomer.ok() ? newcomer->status : 0, 200) << newcomer.status();

  // The downloading client still gets its whole answer, then the close.
  while (!error) answer.append(chunk, downloading.read_some(asio::buffer(chunk), error));
  EXPECT_EQ(error, asio::error::eof) << error.message();
  EXPECT_EQ(answer.size() - (answer.find("\r\n\r\n") + 4), SizedAnswers::kBigBody);

  kill(getpid(), SIGTERM);
  runner.join();
}

// What Beast's own serializer sends for `response`.
std::string BeastBytes(const HttpResponse& response) {
  std::ostringstream out;
  out << response;
  return out.str();
}

TEST(SerializeResponseTest, WritesTheBytesBeastWould) {
  std::vector<HttpResponse> responses;
  HttpResponse ok;
  ok.result(200);
  ok.set(boost::beast::http::field::content_type, "application/json");
  ok.set("X-Request-Id", "abc");
  ok.body() = R"({"id":"office-1","name":"Bürgerbüro"})";
  ok.keep_alive(true);
  ok.prepare_payload();
  responses.push_back(ok);
  HttpResponse not_modified;
  not_modified.result(304);
  not_modified.set(boost::beast::http::field::etag, "\"0123456789abcdef-2a\"");
  not_modified.keep_alive(false);
  not_modified.prepare_payload();
  responses.push_back(not_modified);
  HttpResponse old_client = ok;
  old_client.version(10);
  old_client.result(413);
  old_client.reason("Too Big");
  responses.push_back(old_client);
  HttpResponse unknown_status;
  unknown_status.result(599);
  unknown_status.prepare_payload();
  responses.push_back(unknown_status);

  for (const HttpResponse& response : responses) {
    std::string bytes = "left over from the previous response";
    ASSERT_TRUE(SerializeResponse(response, bytes));
    EXPECT_EQ(bytes, BeastBytes(response));
  }
}

TEST(SerializeResponseTest, LeavesChunkedBodiesToBeast) {
  HttpResponse chunked;
  chunked.result(200);
  chunked.chunked(true);
  std::string bytes;
  EXPECT_FALSE(SerializeResponse(chunked, bytes));
}

}  // namespace
}  // namespace stadt::gateway
