// End to end at the gateway's edge: the real gateway and appointments
// binaries, one redis-server for the service and another for the gateway's
// rate limits, driven over HTTP and raw TCP.
#include <poll.h>

#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/asio/connect.hpp"
#include "boost/asio/ip/tcp.hpp"
#include "boost/asio/read.hpp"
#include "boost/asio/ssl.hpp"
#include "boost/asio/write.hpp"
#include "boost/beast/core/flat_buffer.hpp"
#include "boost/beast/http.hpp"
#include "boost/json/parse.hpp"
#include "gateway/tls/test_certificate.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/edge_backend.h"
#include "tests/harness/http_client.h"
#include "tests/harness/process.h"

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
    absl::StatusOr<std::unique_ptr<EdgeBackend>> backend = EdgeBackend::Start("stadt-edge-");
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
  }

  // Starts the appointments service again on its port (the gateway knows no
  // other).
  void StartAppointments() {
    const absl::Status restarted = backend_->RestartService();
    ASSERT_TRUE(restarted.ok()) << restarted << Logs();
  }

  // With `wait_ready` false only the port is awaited (a TLS gateway does not
  // answer the plain-HTTP readiness probe).
  void StartGateway(std::map<std::string, std::string> env, bool wait_ready = true) {
    for (const auto& [name, value] : backend_->GatewayEnv()) env[name] = value;
    absl::StatusOr<ListeningProcess> gateway = StartOnFreePort(
        STADT_GATEWAY_BIN,
        [this, &env](int port) {
          std::map<std::string, std::string> full = env;
          full["GATEWAY_PORT"] = absl::StrCat(port);
          // The metrics are only on the admin listener.
          admin_port_ = PickFreePort();
          full["GATEWAY_ADMIN_LISTEN"] = absl::StrCat("127.0.0.1:", admin_port_);
          return full;
        },
        absl::StrCat(backend_->dir(), "/gateway.log"));
    ASSERT_TRUE(gateway.ok()) << gateway.status() << Logs();
    gateway_ = std::move(gateway->process);
    port_ = gateway->port;
    if (!wait_ready) return;
    for (int attempt = 0; attempt < 200; ++attempt) {
      absl::StatusOr<HttpResult> ready = HttpFetch(port_, "GET", "/readyz");
      if (ready.ok() && ready->status == 200) return;
      absl::SleepFor(absl::Milliseconds(50));
    }
    FAIL() << "gateway not ready\n" << Logs();
  }

  std::string Logs() const {
    return absl::StrCat("--- appointments\n", ReadFile(backend_->ServiceLog()), "--- gateway\n",
                        ReadFile(backend_->dir() + "/gateway.log"));
  }

  HttpResult Get(const std::string& target) {
    absl::StatusOr<HttpResult> result =
        HttpFetch(target == "/metrics" ? admin_port_ : port_, "GET", target);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(HttpResult());
  }

  static std::string Reason(const HttpResult& result) {
    boost::system::error_code error;
    boost::json::value json = boost::json::parse(result.body, error);
    if (error || !json.is_object()) return "";
    return std::string(json.at("details").at(0).at("reason").as_string());
  }

  std::unique_ptr<EdgeBackend> backend_;
  std::unique_ptr<Subprocess> gateway_;
  int port_ = 0;
  int admin_port_ = 0;
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
  EXPECT_TRUE(backend_->service().Running());
  EXPECT_EQ(Get("/readyz").status, 200);
  HttpResult metrics = Get("/metrics");
  EXPECT_THAT(
      metrics.body,
      HasSubstr(absl::StrCat("stadt_gateway_rate_limited_total{route_class=\"read\"} ", limited)));
  EXPECT_THAT(metrics.body,
              HasSubstr(absl::StrCat(R"(stadt_gateway_http_requests_total{)",
                                     R"(method="GET",route="/v1/offices",code="2xx"} )", ok)));
}

// GATEWAY_ADMIN_LISTEN: the metrics on a port of their own, never on the
// public one; a malformed address stops the start.
TEST_F(EdgeE2eTest, MetricsAreServedOnTheAdminListenerOnly) {
  StartGateway({});
  absl::StatusOr<HttpResult> public_metrics = HttpFetch(port_, "GET", "/metrics");
  ASSERT_TRUE(public_metrics.ok()) << public_metrics.status();
  EXPECT_EQ(public_metrics->status, 404);
  absl::StatusOr<HttpResult> admin_metrics = HttpFetch(admin_port_, "GET", "/metrics");
  ASSERT_TRUE(admin_metrics.ok()) << admin_metrics.status() << Logs();
  EXPECT_EQ(admin_metrics->status, 200);
  // The public request for /metrics counts as any path no route has.
  EXPECT_THAT(
      admin_metrics->body,
      HasSubstr(
          R"(stadt_gateway_http_requests_total{method="GET",route="unmatched",code="4xx"} 1)"));
  absl::StatusOr<HttpResult> admin_route = HttpFetch(admin_port_, "GET", "/v1/offices");
  ASSERT_TRUE(admin_route.ok());
  EXPECT_EQ(admin_route->status, 404);

  std::map<std::string, std::string> env = backend_->GatewayEnv();
  env["GATEWAY_PORT"] = absl::StrCat(PickFreePort());
  env["GATEWAY_ADMIN_LISTEN"] = "metrics.internal:9090";
  absl::StatusOr<std::unique_ptr<Subprocess>> refused =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, backend_->dir() + "/admin-refused.log");
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_EQ((*refused)->Wait(), 2);
  EXPECT_THAT(ReadFile(backend_->dir() + "/admin-refused.log"), HasSubstr("GATEWAY_ADMIN_LISTEN"));
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
  backend_->gateway_redis().Kill();
  for (int i = 0; i < 10; ++i) EXPECT_EQ(Get("/v1/offices/mitte").status, 200) << Logs();
  EXPECT_THAT(Get("/metrics").body,
              HasSubstr("stadt_gateway_rate_limiter_unavailable_total{outcome=\"open\"} 10"));
}

TEST_F(EdgeE2eTest, UnreachableLimiterFailsClosedWhenConfigured) {
  StartGateway({{"GATEWAY_RATE_LIMIT_FAIL_OPEN", "false"}});
  backend_->gateway_redis().Kill();
  HttpResult result = Get("/v1/offices/mitte");
  EXPECT_EQ(result.status, 503);
  EXPECT_EQ(Reason(result), "rate_limiter_unavailable");
  EXPECT_EQ(Get("/healthz").status, 200);  // The gateway's own endpoints are not limited.
}

TEST_F(EdgeE2eTest, BackendDownOpensTheCircuitAndRecoveryClosesIt) {
  StartGateway({{"GATEWAY_BREAKER_FAILURES", "2"}, {"GATEWAY_BREAKER_COOLDOWN", "300ms"}});
  ASSERT_EQ(Get("/v1/offices/mitte").status, 200);
  backend_->service().Kill();
  // Two transport failures open the circuit; then calls fail fast.
  for (int i = 0; i < 2; ++i) {
    HttpResult down = Get("/v1/offices/mitte");
    EXPECT_EQ(down.status, 503);
    EXPECT_EQ(Reason(down), "backend_unavailable");
  }
  HttpResult fast = Get("/v1/offices/mitte");
  EXPECT_EQ(fast.status, 503);
  EXPECT_EQ(Reason(fast), "backend_unavailable");
  EXPECT_THAT(Logs(), HasSubstr("circuit_opened"));
  EXPECT_EQ(Get("/healthz").status, 200);  // The gateway itself stays up.

  // The service comes back on the same port; after the cooldown a probe
  // closes the circuit again.
  StartAppointments();
  bool recovered = false;
  for (int attempt = 0; attempt < 100 && !recovered; ++attempt) {
    recovered = Get("/v1/offices/mitte").status == 200;
    if (!recovered) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(recovered) << Logs();
  EXPECT_THAT(Logs(), HasSubstr("circuit_closed"));
}

// True when the server closed the connection (EOF) within five seconds.
// (Not SO_RCVTIMEO: Asio's blocking read polls on without a timeout once the
// receive times out, so a connection left open was waited for until the
// gateway's read timeout closed it, and the check passed after 10 s.)
bool ClosedByServer(tcp::socket& socket) {
  pollfd readable{.fd = socket.native_handle(), .events = POLLIN, .revents = 0};
  if (poll(&readable, 1, /*timeout ms=*/5000) != 1) return false;
  char byte;
  boost::system::error_code error;
  socket.read_some(asio::buffer(&byte, 1), error);
  return error == asio::error::eof || error == asio::error::connection_reset;
}

// True when a keep-alive GET /healthz on `socket` is answered with 200. The
// whole answer is read, so the socket can carry the next request.
bool ServedOn(tcp::socket& socket) {
  namespace http = boost::beast::http;
  http::request<http::empty_body> request(http::verb::get, "/healthz", 11);
  request.set(http::field::host, "x");
  boost::system::error_code error;
  http::write(socket, request, error);
  if (error) return false;
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response, error);
  return !error && response.result_int() == 200;
}

// A connection the server has accepted and serves. The sessions of the
// readiness probes may still be winding down on the server and count against
// the limit for a moment, so a refused attempt is retried on a new socket.
std::unique_ptr<tcp::socket> ConnectServed(asio::io_context& io, const tcp::endpoint& endpoint) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto socket = std::make_unique<tcp::socket>(io);
    boost::system::error_code error;
    socket->connect(endpoint, error);
    if (!error && ServedOn(*socket)) return socket;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return nullptr;
}

TEST_F(EdgeE2eTest, AtTheCapTheLongestIdleConnectionMakesRoom) {
  StartGateway({{"GATEWAY_MAX_CONNECTIONS", "2"}});
  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_));
  // Two keep-alive connections fill the limit; the second, opened later, has
  // waited longest for its next request, so "longest idle" is not "oldest".
  // (The sessions of the start-up probes may still hold a place for a moment
  // and make room by closing one of these: then both are opened again.)
  std::unique_ptr<tcp::socket> first;
  std::unique_ptr<tcp::socket> second;
  bool both_served = false;
  for (int attempt = 0; attempt < 20 && !both_served; ++attempt) {
    first = ConnectServed(io, endpoint);
    second = ConnectServed(io, endpoint);
    ASSERT_NE(first, nullptr) << Logs();
    ASSERT_NE(second, nullptr) << Logs();
    both_served = ServedOn(*second) && ServedOn(*first);
  }
  ASSERT_TRUE(both_served) << Logs();
  // A new client is served: the idle second connection was closed for it.
  // The gateway counts a connection idle from the moment its answer is
  // handed over, so this holds as soon as the client has read the answers
  // (it counted from when the write's completion ran, which a loaded run
  // delayed past the other connection's exchange: the wrong one was closed).
  std::unique_ptr<tcp::socket> third = ConnectServed(io, endpoint);
  ASSERT_NE(third, nullptr) << Logs();
  EXPECT_TRUE(ClosedByServer(*second)) << Logs();
  EXPECT_THAT(Logs(), HasSubstr("idle_connection_closed_for_room"));
  EXPECT_TRUE(ServedOn(*third)) << Logs();
  EXPECT_TRUE(ServedOn(*first)) << Logs();
}

TEST_F(EdgeE2eTest, OneAddressHoldsItsShareWhileOtherAddressesAreServed) {
  StartGateway({{"GATEWAY_MAX_CONNECTIONS_PER_ADDRESS", "2"}});
  asio::io_context io;
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_));
  std::unique_ptr<tcp::socket> first = ConnectServed(io, endpoint);
  std::unique_ptr<tcp::socket> second = ConnectServed(io, endpoint);
  ASSERT_NE(first, nullptr) << Logs();
  ASSERT_NE(second, nullptr) << Logs();
  // A third from the same address is over its share: closed at once ...
  tcp::socket third(io);
  third.connect(endpoint);
  EXPECT_TRUE(ClosedByServer(third));
  EXPECT_THAT(Logs(), HasSubstr(R"("limit":"per_address")"));
  // ... while a client from another address (any 127.x.y.z is this host) is served.
  tcp::socket other(io);
  other.open(tcp::v4());
  other.bind(tcp::endpoint(asio::ip::make_address("127.0.0.2"), 0));
  other.connect(endpoint);
  EXPECT_TRUE(ServedOn(other));
  EXPECT_TRUE(ServedOn(*first));
  EXPECT_TRUE(ServedOn(*second));
}

struct TlsClientResult {
  bool handshake_ok = false;
  std::string error;
  int version = 0;
  std::string cipher;
  long serial = -1;
  int status = 0;
  std::string hsts;
};

// Connects with the given protocol range and TLS 1.2 cipher list, then GETs
// /healthz. The server's certificate is not verified: the tests look at the
// protocol, not at trust.
TlsClientResult TlsGet(int port, int min_version, int max_version,
                       const std::string& ciphers = "DEFAULT:@SECLEVEL=0") {
  namespace ssl = asio::ssl;
  TlsClientResult result;
  asio::io_context io;
  ssl::context context(ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(context.native_handle(), min_version);
  SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
  SSL_CTX_set_cipher_list(context.native_handle(), ciphers.c_str());
  context.set_verify_mode(ssl::verify_none);
  ssl::stream<tcp::socket> stream(io, context);
  boost::system::error_code error;
  stream.next_layer().connect(
      tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port)), error);
  if (!error) stream.handshake(ssl::stream_base::client, error);
  if (error) {
    result.error = error.message();
    return result;
  }
  result.handshake_ok = true;
  result.version = SSL_version(stream.native_handle());
  result.cipher = SSL_get_cipher_name(stream.native_handle());
  X509* certificate = SSL_get1_peer_certificate(stream.native_handle());
  if (certificate != nullptr) {
    result.serial = ASN1_INTEGER_get(X509_get_serialNumber(certificate));
    X509_free(certificate);
  }
  boost::beast::http::request<boost::beast::http::empty_body> request(boost::beast::http::verb::get,
                                                                      "/healthz", 11);
  request.set(boost::beast::http::field::host, "localhost");
  boost::beast::http::write(stream, request, error);
  boost::beast::flat_buffer buffer;
  boost::beast::http::response<boost::beast::http::string_body> response;
  if (!error) boost::beast::http::read(stream, buffer, response, error);
  if (!error) {
    result.status = response.result_int();
    result.hsts = std::string(response[boost::beast::http::field::strict_transport_security]);
  }
  return result;
}

class EdgeTlsE2eTest : public EdgeE2eTest {
 protected:
  void StartTlsGateway() {
    certificate_file_ = backend_->dir() + "/cert.pem";
    key_file_ = backend_->dir() + "/key.pem";
    WriteCertificate(1);
    StartGateway({{"GATEWAY_TLS_CERT_FILE", certificate_file_},
                  {"GATEWAY_TLS_KEY_FILE", key_file_},
                  {"GATEWAY_TLS_RELOAD_INTERVAL", "100ms"}},
                 /*wait_ready=*/false);
  }
  void WriteCertificate(long serial) {
    absl::StatusOr<gateway::testing::TestCertificate> certificate =
        gateway::testing::MakeSelfSignedCertificate("localhost", serial);
    ASSERT_TRUE(certificate.ok()) << certificate.status();
    ASSERT_TRUE(
        gateway::testing::WriteCertificateFiles(*certificate, certificate_file_, key_file_).ok());
  }

  std::string certificate_file_;
  std::string key_file_;
};

TEST_F(EdgeTlsE2eTest, Tls13HandshakeThroughTheRealServerWithHsts) {
  StartTlsGateway();
  TlsClientResult result = TlsGet(port_, TLS1_3_VERSION, TLS1_3_VERSION);
  ASSERT_TRUE(result.handshake_ok) << result.error << Logs();
  EXPECT_EQ(result.version, TLS1_3_VERSION);
  EXPECT_EQ(result.status, 200);
  EXPECT_THAT(result.hsts, HasSubstr("max-age="));
}

TEST_F(EdgeTlsE2eTest, Tls12NegotiatesAForwardSecretAeadCipher) {
  StartTlsGateway();
  TlsClientResult result = TlsGet(port_, TLS1_2_VERSION, TLS1_2_VERSION);
  ASSERT_TRUE(result.handshake_ok) << result.error << Logs();
  EXPECT_EQ(result.version, TLS1_2_VERSION);
  EXPECT_THAT(result.cipher, ::testing::StartsWith("ECDHE-"));
  EXPECT_TRUE(absl::StrContains(result.cipher, "GCM") ||
              absl::StrContains(result.cipher, "CHACHA20"))
      << result.cipher;
  EXPECT_EQ(result.status, 200);
}

TEST_F(EdgeTlsE2eTest, RefusesTls11AndWeakTls12Ciphers) {
  StartTlsGateway();
  TlsClientResult old_protocol = TlsGet(port_, TLS1_1_VERSION, TLS1_1_VERSION);
  EXPECT_FALSE(old_protocol.handshake_ok) << old_protocol.cipher;
  // The alert comes from the server: the client was willing (security level 0).
  EXPECT_THAT(old_protocol.error, HasSubstr("alert protocol version"));
  // CBC without AEAD, and RSA key exchange without forward secrecy.
  TlsClientResult cbc = TlsGet(port_, TLS1_2_VERSION, TLS1_2_VERSION,
                               "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:AES128-SHA");
  EXPECT_FALSE(cbc.handshake_ok) << cbc.cipher;
  EXPECT_THAT(cbc.error, HasSubstr("alert handshake failure"));
  // Plain HTTP on the TLS port gets no HTTP answer.
  absl::StatusOr<HttpResult> plain = HttpFetch(port_, "GET", "/healthz");
  EXPECT_TRUE(!plain.ok() || plain->status != 200);
  // And the server still serves proper clients afterwards.
  EXPECT_TRUE(TlsGet(port_, TLS1_2_VERSION, TLS1_3_VERSION).handshake_ok);
}

TEST_F(EdgeTlsE2eTest, RenewedCertificateIsServedWithoutRestart) {
  StartTlsGateway();
  ASSERT_EQ(TlsGet(port_, TLS1_2_VERSION, TLS1_3_VERSION).serial, 1) << Logs();
  WriteCertificate(2);
  long serial = -1;
  for (int attempt = 0; attempt < 100 && serial != 2; ++attempt) {
    absl::SleepFor(absl::Milliseconds(50));
    serial = TlsGet(port_, TLS1_2_VERSION, TLS1_3_VERSION).serial;
  }
  EXPECT_EQ(serial, 2) << Logs();
  EXPECT_TRUE(gateway_->Running());
  EXPECT_THAT(Logs(), HasSubstr("tls_reloaded"));
}

TEST_F(EdgeE2eTest, PlainHttpOnAPublicAddressMustBeAskedFor) {
  absl::StatusOr<std::unique_ptr<Subprocess>> gateway = Subprocess::Start(
      STADT_GATEWAY_BIN, {},
      {{"GATEWAY_PORT", absl::StrCat(PickFreePort())}, {"GATEWAY_LISTEN_ADDRESS", "0.0.0.0"}},
      absl::StrCat(backend_->dir(), "/refused.log"));
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  EXPECT_EQ((*gateway)->Wait(), 2);
  EXPECT_THAT(ReadFile(backend_->dir() + "/refused.log"), HasSubstr("GATEWAY_PLAIN_HTTP"));
}

}  // namespace
}  // namespace stadt::testing
