// End to end at the gateway's edge: the real gateway and appointments
// binaries, one redis-server for the service and another for the gateway's
// rate limits, driven over HTTP and raw TCP.
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read.hpp"
#include "boost/asio/write.hpp"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/http_client.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_server.h"

namespace stadt::testing {
namespace {

using ::testing::HasSubstr;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class EdgeE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-edge-XXXXXX");
    dir_ = mkdtemp(pattern.data());
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    service_redis_ = *std::move(redis);
    redis = RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    limits_redis_ = *std::move(redis);

    service_port_ = PickFreePort();
    absl::StatusOr<std::unique_ptr<Subprocess>> service = Subprocess::Start(
        STADT_APPOINTMENTS_BIN, {},
        {{"APPOINTMENTS_GRPC_ADDRESS", absl::StrCat("127.0.0.1:", service_port_)},
         {"REDIS_ADDRESS", absl::StrCat("127.0.0.1:", service_redis_->port())},
         {"READINESS_INTERVAL", "100ms"},
         {"APPOINTMENTS_SEED_FILE",
          absl::StrCat(STADT_SOURCE_DIR, "/services/appointments/seed/catalog.json")}},
        absl::StrCat(dir_, "/appointments.log"));
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = *std::move(service);
    ASSERT_TRUE(WaitForTcpPort(service_port_, absl::Seconds(20)).ok()) << Logs();
  }

  void StartGateway(std::map<std::string, std::string> env) {
    port_ = PickFreePort();
    env["GATEWAY_PORT"] = absl::StrCat(port_);
    env["GATEWAY_BACKEND_APPOINTMENTS"] = absl::StrCat("127.0.0.1:", service_port_);
    env["GATEWAY_REDIS_ADDRESS"] = absl::StrCat("127.0.0.1:", limits_redis_->port());
    absl::StatusOr<std::unique_ptr<Subprocess>> gateway =
        Subprocess::Start(STADT_GATEWAY_BIN, {}, env, absl::StrCat(dir_, "/gateway.log"));
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = *std::move(gateway);
    ASSERT_TRUE(WaitForTcpPort(port_, absl::Seconds(20)).ok()) << Logs();
    for (int attempt = 0; attempt < 200; ++attempt) {
      absl::StatusOr<HttpResult> ready = HttpFetch(port_, "GET", "/readyz");
      if (ready.ok() && ready->status == 200) return;
      absl::SleepFor(absl::Milliseconds(50));
    }
    FAIL() << "gateway not ready\n" << Logs();
  }

  std::string Logs() const {
    return absl::StrCat("--- appointments\n", ReadFile(dir_ + "/appointments.log"),
                        "--- gateway\n", ReadFile(dir_ + "/gateway.log"));
  }

  HttpResult Get(const std::string& target) {
    absl::StatusOr<HttpResult> result = HttpFetch(port_, "GET", target);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(HttpResult());
  }

  static std::string Reason(const HttpResult& result) {
    boost::system::error_code error;
    boost::json::value json = boost::json::parse(result.body, error);
    if (error || !json.is_object()) return "";
    return std::string(json.at("details").at(0).at("reason").as_string());
  }

  std::string dir_;
  std::unique_ptr<RedisServer> service_redis_;
  std::unique_ptr<RedisServer> limits_redis_;
  std::unique_ptr<Subprocess> service_;
  std::unique_ptr<Subprocess> gateway_;
  int service_port_ = 0;
  int port_ = 0;
};

TEST_F(EdgeE2eTest, FloodGets429WithRetryAfterWhileTheServiceStaysUp) {
  StartGateway({{"GATEWAY_RATE_LIMIT_READ_PER_ADDRESS", "5/1m"}});
  int ok = 0;
  int limited = 0;
  HttpResult refused;
  for (int i = 0; i < 40; ++i) {
    HttpResult result = Get("/v1/offices");
    if (result.status == 200) ++ok;
    if (result.status == 429) {
      ++limited;
      refused = result;
    }
  }
  // One token refills every 12 s; a slow run may earn one more.
  EXPECT_GE(ok, 5);
  EXPECT_LE(ok, 6);
  EXPECT_EQ(ok + limited, 40);
  EXPECT_EQ(Reason(refused), "rate_limited");
  int retry_after = 0;
  ASSERT_TRUE(absl::SimpleAtoi(refused.headers["retry-after"], &retry_after))
      << refused.headers["retry-after"];
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 12);

  // The flood hurt nobody else: the service and the gateway still serve.
  EXPECT_TRUE(service_->Running());
  EXPECT_EQ(Get("/readyz").status, 200);
  HttpResult metrics = Get("/metrics");
  EXPECT_THAT(metrics.body, HasSubstr(absl::StrCat(
                                "stadt_gateway_rate_limited_total{route_class=\"read\"} ", limited)));
  EXPECT_THAT(metrics.body, HasSubstr(absl::StrCat(R"(stadt_gateway_http_requests_total{)",
                                                   R"(method="GET",route="/v1/offices",code="2xx"} )",
                                                   ok)));
}

TEST_F(EdgeE2eTest, LimitsAreSharedByGatewayReplicas) {
  StartGateway({{"GATEWAY_RATE_LIMIT_READ_PER_ADDRESS", "4/1m"}});
  std::unique_ptr<Subprocess> first = std::move(gateway_);
  const int first_port = port_;
  StartGateway({{"GATEWAY_RATE_LIMIT_READ_PER_ADDRESS", "4/1m"}});
  int ok = 0;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<HttpResult> result =
        HttpFetch(i % 2 == 0 ? first_port : port_, "GET", "/v1/offices/mitte");
    ASSERT_TRUE(result.ok()) << result.status();
    if (result->status == 200) ++ok;
  }
  EXPECT_GE(ok, 4);
  EXPECT_LE(ok, 5);
}

TEST_F(EdgeE2eTest, UnreachableLimiterFailsOpenByDefault) {
  StartGateway({{"GATEWAY_RATE_LIMIT_READ_PER_ADDRESS", "5/1m"}});
  limits_redis_->Kill();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get("/v1/offices/mitte").status, 200) << Logs();
  EXPECT_THAT(Get("/metrics").body,
              HasSubstr("stadt_gateway_rate_limiter_unavailable_total{outcome=\"open\"} 10"));
}

TEST_F(EdgeE2eTest, UnreachableLimiterFailsClosedWhenConfigured) {
  StartGateway({{"GATEWAY_RATE_LIMIT_FAIL_OPEN", "false"}});
  limits_redis_->Kill();
  HttpResult result = Get("/v1/offices/mitte");
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(Reason(result), "rate_limiter_unavailable");
  EXPECT_EQ(Get("/healthz").status, 200);  // The gateway's own endpoints are not limited.
}

// True when the server closed the connection (EOF) within a second.
bool ClosedByServer(tcp::socket& socket) {
  socket.non_blocking(false);
  timeval timeout{1, 0};
  setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  char byte;
  boost::system::error_code error;
  socket.read_some(asio::buffer(&byte, 1), error);
  return error == asio::error::eof || error == asio::error::connection_reset;
}

TEST_F(EdgeE2eTest, ConnectionsBeyondTheLimitAreClosed) {
  StartGateway({{"GATEWAY_MAX_CONNECTIONS", "2"}});
  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_));
  tcp::socket first(io), second(io), third(io);
  first.connect(endpoint);
  second.connect(endpoint);
  absl::SleepFor(absl::Milliseconds(200));  // Let the server accept both.
  third.connect(endpoint);
  EXPECT_TRUE(ClosedByServer(third));

  // The connections within the limit still work.
  asio::write(first, asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::string answer(12, '\0');
  asio::read(first, asio::buffer(answer));
  EXPECT_EQ(answer, "HTTP/1.1 200");
  // Once one closes, a new client gets in again.
  second.close();
  first.close();
  bool served = false;
  for (int attempt = 0; attempt < 50 && !served; ++attempt) {
    absl::StatusOr<HttpResult> result = HttpFetch(port_, "GET", "/healthz");
    served = result.ok() && result->status == 200;
    if (!served) absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_TRUE(served) << Logs();
}

}  // namespace
}  // namespace stadt::testing
