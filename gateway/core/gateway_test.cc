#include "gateway/core/gateway.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gateway/core/linked_apis.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/kpi/fake_kpi_recorder.h"
#include "services/common/log.h"
#include "stadt/audit/v1/audit.pb.h"
#include "stadt/monitoring/v1/monitoring.pb.h"
#include "stadt/testing/v1/routes_test.pb.h"
#include "tests/harness/test_tokens.h"

namespace stadt::gateway {
namespace {

namespace http = boost::beast::http;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// Records calls and answers them with a scripted status and message.
class FakeBackends final : public Backends {
 public:
  void Call(BackendCall call, CallDone done) override {
    calls.push_back(call);
    if (call.service == "stadt.audit.v1.Audit") {
      done(audit_status, "");
      return;
    }
    if (clock != nullptr) clock->Advance(latency);
    done(status, !status.ok() ? "" : raw_response ? *raw_response : response.SerializeAsString());
  }
  void CheckHealth(absl::Duration, HealthDone done) override { done(health); }
  std::vector<std::string> OpenCircuits() const override { return open_circuits; }

  std::vector<BackendCall> calls;
  grpc::Status status = grpc::Status::OK;
  grpc::Status audit_status = grpc::Status::OK;  // the answer to audit appends
  stadt::testing::v1::Book response;
  std::optional<std::string> raw_response;  // sent instead of `response` when set
  std::vector<BackendHealth> health = {{"stadt.testing.v1.Library", true, false}};
  std::vector<std::string> open_circuits;
  FakeClock* clock = nullptr;  // advanced by `latency` during each call
  absl::Duration latency;
};

class GatewayTest : public ::testing::Test {
 protected:
  GatewayTest() {
    verifier_ =
        auth::JwtVerifier::Create(tokens_.Keys(), {.issuer = stadt::testing::kTestIssuer,
                                                   .audience = stadt::testing::kTestAudience})
            .value();
    Rebuild(GatewayOptions{}, nullptr);
  }

  void Rebuild(GatewayOptions options, const RateLimiter* rate_limiter,
               const google::protobuf::ServiceDescriptor* service =
                   stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")) {
    RouteTable routes = RouteTable::Build({service}).value();
    gateway_ = std::make_unique<Gateway>(std::move(routes), verifier_.get(), backends_, clock_,
                                         options, rate_limiter);
  }

  HttpResponse Send(http::verb method, std::string target, std::string body = "",
                    std::string token = "", std::string content_type = "application/json") {
    HttpRequest request(method, target, 11);
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) request.set(http::field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    std::optional<HttpResponse> response;
    gateway_->Handle(request, client_, [&](HttpResponse r) { response = std::move(r); });
    EXPECT_TRUE(response.has_value());
    return response.value_or(HttpResponse());
  }

  HttpResponse Send(HttpRequest request) {
    std::optional<HttpResponse> response;
    gateway_->Handle(request, client_, [&](HttpResponse r) { response = std::move(r); });
    EXPECT_TRUE(response.has_value());
    return response.value_or(HttpResponse());
  }

  static std::string Reason(const HttpResponse& response) {
    boost::json::value json = boost::json::parse(response.body());
    return std::string(json.at("details").at(0).at("reason").as_string());
  }

  std::string Token(std::vector<std::string> roles, absl::Duration ttl = absl::Minutes(5),
                    const std::string& scope = "shelf:s") {
    return tokens_.Mint("citizen-42", roles, clock_.Now(), ttl, stadt::testing::kTestIssuer, scope);
  }

  stadt::testing::TestTokens tokens_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<auth::JwtVerifier> verifier_;
  FakeBackends backends_;
  ClientInfo client_{.peer_address = "198.51.100.9"};
  std::unique_ptr<Gateway> gateway_;
};

class FakeRateLimitStore final : public RateLimitStore {
 public:
  absl::StatusOr<RateDecision> Take(const std::vector<BucketRequest>& buckets,
                                    absl::Time) override {
    calls.push_back(buckets);
    return answer;
  }
  std::vector<std::vector<BucketRequest>> calls;
  absl::StatusOr<RateDecision> answer = RateDecision{};
};

class GatewayRateLimitTest : public GatewayTest {
 protected:
  void Limit(bool fail_open) {
    RateLimitPolicy policy;
    policy.per_address["read"] = {10, absl::Minutes(1)};
    policy.per_subject["read"] = {10, absl::Minutes(1)};
    policy.fail_open = fail_open;
    limiter_ = std::make_unique<RateLimiter>(store_, policy);
    Rebuild(GatewayOptions{}, limiter_.get());
  }

  FakeRateLimitStore store_;
  std::unique_ptr<RateLimiter> limiter_;
};

TEST_F(GatewayRateLimitTest, RefusedRequestGets429WithRetryAfterAndNeverReachesTheBackend) {
  Limit(/*fail_open=*/true);
  store_.answer = RateDecision{.allowed = false, .retry_after = absl::Milliseconds(1200)};
  HttpResponse response = Send(http::verb::get, "/v1/shelves/s1");
  EXPECT_EQ(response.result_int(), 429);
  EXPECT_EQ(Reason(response), "rate_limited");
  EXPECT_EQ(response[http::field::retry_after], "2");
  EXPECT_TRUE(backends_.calls.empty());
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("stadt_gateway_rate_limited_total{route_class=\"read\"} 1"));
}

TEST_F(GatewayRateLimitTest, BucketsAreThePeerAddressAndTheTokenSubject) {
  Limit(/*fail_open=*/true);
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s1/books", "", Token({"citizen"})).result_int(),
            200);
  ASSERT_EQ(store_.calls.size(), 1u);
  ASSERT_EQ(store_.calls[0].size(), 2u);
  EXPECT_EQ(store_.calls[0][0].key, BucketKey("read", "address", "198.51.100.9"));
  EXPECT_EQ(store_.calls[0][1].key, BucketKey("read", "subject", "citizen-42"));
}

TEST_F(GatewayRateLimitTest, RefusedTokensStillCostTheAddressBucket) {
  Limit(/*fail_open=*/true);
  store_.answer = RateDecision{.allowed = false, .retry_after = absl::Seconds(3)};
  HttpResponse response = Send(http::verb::get, "/v1/shelves/s1", "", "not.a.token");
  EXPECT_EQ(response.result_int(), 429);
  ASSERT_EQ(store_.calls.size(), 1u);
  EXPECT_EQ(store_.calls[0].size(), 1u);  // no trusted subject
}

TEST_F(GatewayRateLimitTest, UnreachableStoreFailsOpenWithAWarningMetric) {
  Limit(/*fail_open=*/true);
  store_.answer = absl::UnavailableError("down");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s1").result_int(), 200);
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("stadt_gateway_rate_limiter_unavailable_total{outcome=\"open\"} 1"));
}

TEST_F(GatewayRateLimitTest, UnreachableStoreFailsClosedWhenConfigured) {
  Limit(/*fail_open=*/false);
  store_.answer = absl::UnavailableError("down");
  HttpResponse response = Send(http::verb::get, "/v1/shelves/s1");
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(Reason(response), "rate_limiter_unavailable");
  EXPECT_TRUE(backends_.calls.empty());
}

class GatewayEdgeHeadersTest : public GatewayTest {
 protected:
  HttpResponse SendWithHeaders(http::verb method, const std::string& target,
                               std::map<std::string, std::string> headers) {
    HttpRequest request(method, target, 11);
    for (const auto& [name, value] : headers) request.set(name, value);
    std::optional<HttpResponse> response;
    gateway_->Handle(request, client_, [&](HttpResponse r) { response = std::move(r); });
    EXPECT_TRUE(response.has_value());
    return response.value_or(HttpResponse());
  }
  void AllowOrigins(std::vector<std::string> origins) {
    GatewayOptions options;
    options.cors_allowed_origins = std::move(origins);
    Rebuild(options, nullptr);
  }
  static constexpr char kPortal[] = "https://portal.stadt.test";
};

TEST_F(GatewayEdgeHeadersTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const char* target : {"/healthz", "/no/such/route", "/v1/shelves/s1"}) {
    HttpResponse response = Send(http::verb::get, target);
    EXPECT_EQ(response["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'")
        << target;
    EXPECT_EQ(response["X-Frame-Options"], "DENY") << target;
    EXPECT_EQ(response["Referrer-Policy"], "no-referrer") << target;
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff") << target;
    EXPECT_EQ(response[http::field::cache_control], "no-store") << target;
    // Plain HTTP: HSTS would be ignored by browsers and is not sent.
    EXPECT_EQ(response.count(http::field::strict_transport_security), 0u) << target;
  }
}

TEST_F(GatewayEdgeHeadersTest, HstsOnTlsConnectionsOrWhenAProxyTerminatesTls) {
  client_.tls = true;
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::strict_transport_security],
            "max-age=31536000; includeSubDomains");
  client_.tls = false;
  GatewayOptions options;
  options.assume_https = true;
  options.hsts_max_age = absl::Hours(24);
  Rebuild(options, nullptr);
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::strict_transport_security],
            "max-age=86400; includeSubDomains");
}

TEST_F(GatewayEdgeHeadersTest, PreflightFromAnAllowedOriginListsThePathsMethods) {
  AllowOrigins({kPortal});
  HttpResponse response =
      SendWithHeaders(http::verb::options, "/v1/shelves/s1/books/b1",
                      {{"Origin", kPortal}, {"Access-Control-Request-Method", "PUT"}});
  EXPECT_EQ(response.result_int(), 204);
  EXPECT_EQ(response[http::field::access_control_allow_origin], kPortal);
  EXPECT_EQ(response[http::field::access_control_allow_methods], "PUT");
  EXPECT_THAT(std::string(response[http::field::access_control_allow_headers]),
              HasSubstr("Authorization"));
  EXPECT_THAT(std::string(response[http::field::access_control_allow_headers]),
              HasSubstr("X-Pow-Solution"));
  EXPECT_EQ(response[http::field::vary], "Origin");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayEdgeHeadersTest, PreflightFromAnotherOriginIsRefused) {
  AllowOrigins({kPortal});
  HttpResponse response = SendWithHeaders(
      http::verb::options, "/v1/shelves/s1",
      {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(response.result_int(), 403);
  EXPECT_EQ(Reason(response), "origin_not_allowed");
  EXPECT_EQ(response.count(http::field::access_control_allow_origin), 0u);
  HttpResponse unknown =
      SendWithHeaders(http::verb::options, "/v1/nothing",
                      {{"Origin", kPortal}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_EQ(unknown.result_int(), 404);
}

TEST_F(GatewayEdgeHeadersTest, ActualRequestsEchoOnlyAllowedOrigins) {
  AllowOrigins({kPortal});
  HttpResponse allowed = SendWithHeaders(http::verb::get, "/v1/shelves/s1", {{"Origin", kPortal}});
  EXPECT_EQ(allowed.result_int(), 200);
  EXPECT_EQ(allowed[http::field::access_control_allow_origin], kPortal);
  EXPECT_THAT(std::string(allowed[http::field::access_control_expose_headers]),
              HasSubstr("Retry-After"));
  EXPECT_EQ(allowed.count(http::field::access_control_allow_credentials), 0u);
  HttpResponse other =
      SendWithHeaders(http::verb::get, "/v1/shelves/s1", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(other.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(other[http::field::vary], "Origin");
}

TEST_F(GatewayEdgeHeadersTest, WildcardAllowsAnyOriginAndNoListAllowsNone) {
  AllowOrigins({"*"});
  EXPECT_EQ(SendWithHeaders(
                http::verb::get, "/v1/shelves/s1",
                {{"Origin", "https://any.example"}})[http::field::access_control_allow_origin],
            "https://any.example");
  AllowOrigins({});
  HttpResponse response =
      SendWithHeaders(http::verb::get, "/v1/shelves/s1", {{"Origin", "https://any.example"}});
  EXPECT_EQ(response.count(http::field::access_control_allow_origin), 0u);
  EXPECT_EQ(response.count(http::field::vary), 0u);
}

TEST(ClientAddressForTest, IgnoresForwardedForUnlessProxiesAreTrusted) {
  HttpRequest request(http::verb::get, "/", 11);
  request.insert("X-Forwarded-For", "203.0.113.1");
  const ClientInfo peer{.peer_address = "10.0.0.5"};
  EXPECT_EQ(ClientAddressFor(request, peer, 0), "10.0.0.5");
  EXPECT_EQ(ClientAddressFor(request, peer, 1), "203.0.113.1");
}

TEST(ClientAddressForTest, TakesTheEntryTheOutermostTrustedProxyAdded) {
  HttpRequest request(http::verb::get, "/", 11);
  // The client forged the first entry; two proxies appended the rest.
  request.insert("X-Forwarded-For", "1.2.3.4, 203.0.113.1");
  request.insert("X-Forwarded-For", "10.0.0.7");
  const ClientInfo peer{.peer_address = "10.0.0.5"};
  EXPECT_EQ(ClientAddressFor(request, peer, 1), "10.0.0.7");
  EXPECT_EQ(ClientAddressFor(request, peer, 2), "203.0.113.1");
  EXPECT_EQ(ClientAddressFor(request, peer, 4), "10.0.0.5");  // fewer entries than hops
}

TEST(ClientAddressForTest, GarbageEntryFallsBackToThePeer) {
  HttpRequest request(http::verb::get, "/", 11);
  request.insert("X-Forwarded-For", "<script>");
  EXPECT_EQ(ClientAddressFor(request, ClientInfo{.peer_address = "10.0.0.5"}, 1), "10.0.0.5");
  EXPECT_EQ(ClientAddressFor(request, ClientInfo{}, 0), "unknown");
}

TEST_F(GatewayTest, HealthEndpoints) {
  EXPECT_EQ(Send(http::verb::get, "/healthz").result_int(), 200);
  HttpResponse ready = Send(http::verb::get, "/readyz");
  EXPECT_EQ(ready.result_int(), 200);
  EXPECT_THAT(ready.body(), HasSubstr(R"("stadt.testing.v1.Library":"serving")"));
  backends_.health = {{"stadt.testing.v1.Library", false, false}};
  HttpResponse not_ready = Send(http::verb::get, "/readyz");
  EXPECT_EQ(not_ready.result_int(), 503);
  EXPECT_EQ(Reason(not_ready), "backend_not_ready");
  EXPECT_THAT(not_ready.body(), HasSubstr(R"("stadt.testing.v1.Library":"not_serving")"));
  // Serving, but the gateway fails its calls fast: not ready either, and said so.
  backends_.health = {{"stadt.testing.v1.Library", true, true}};
  HttpResponse breaker = Send(http::verb::get, "/readyz");
  EXPECT_EQ(breaker.result_int(), 503);
  EXPECT_THAT(breaker.body(), HasSubstr(R"("stadt.testing.v1.Library":"breaker_open")"));
}

TEST_F(GatewayTest, MetricsShowOpenCircuits) {
  EXPECT_THAT(Send(http::verb::get, "/metrics").body(),
              Not(HasSubstr("stadt_gateway_circuit_open{")));
  backends_.open_circuits = {"stadt.testing.v1.Library"};
  EXPECT_THAT(Send(http::verb::get, "/metrics").body(),
              HasSubstr(R"(stadt_gateway_circuit_open{backend="stadt.testing.v1.Library"} 1)"));
}

TEST_F(GatewayTest, ServesTheOpenApiDocumentOfItsRoutes) {
  HttpResponse response = Send(http::verb::get, "/openapi.json");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  boost::system::error_code error;
  boost::json::value doc = boost::json::parse(response.body(), error);
  ASSERT_FALSE(error);
  EXPECT_EQ(doc.at("openapi").as_string(), "3.0.3");
  EXPECT_TRUE(doc.at("paths").as_object().contains("/v1/shelves/{shelf_id}/books"));
  EXPECT_TRUE(backends_.calls.empty());
}

// The old English /dashboard page is replaced by the staff app's German
// steering screen: /dashboard sends browsers there, and the old page's files
// are gone.
TEST_F(GatewayTest, DashboardRedirectsToTheStaffAppsSteeringScreen) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("stadt_gateway_dashboard_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html><title>Stadt</title>";
  absl::StatusOr<std::unique_ptr<StaticSite>> site =
      StaticSite::Load(dir.string(), "/staff/", "http://127.0.0.1:9400");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(site.ok()) << site.status();
  GatewayOptions options;
  options.staff_app = site->get();
  Rebuild(options, nullptr);

  for (const char* target : {"/dashboard", "/dashboard?refresh=1"}) {
    HttpResponse response = Send(http::verb::get, target);
    EXPECT_EQ(response.result_int(), 308) << target;
    EXPECT_EQ(response[http::field::location], "/staff/#/steering") << target;
    EXPECT_EQ(response["X-Content-Type-Options"], "nosniff") << target;
  }
  EXPECT_EQ(Send(http::verb::post, "/dashboard", "{}").result_int(), 404);
  for (const char* gone : {"/dashboard/", "/dashboard.js", "/dashboard.css", "/dashboard.html"}) {
    EXPECT_EQ(Send(http::verb::get, gone).result_int(), 404) << gone;
  }
  EXPECT_TRUE(backends_.calls.empty());
  EXPECT_THAT(
      Send(http::verb::get, "/metrics").body(),
      HasSubstr(
          R"(stadt_gateway_http_requests_total{method="GET",route="/dashboard",code="3xx"} 2)"));

  // Without the staff app there is nothing to send browsers to.
  Rebuild(GatewayOptions{}, nullptr);
  EXPECT_EQ(Send(http::verb::get, "/dashboard").result_int(), 404);
}

// The staff web app: its built files under /staff/, each with the app's own
// policy, the index also at /staff/, "/staff" sent on to "/staff/".
TEST_F(GatewayTest, ServesTheStaffAppsFilesWithItsPolicy) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("stadt_gateway_staff_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "index.html") << "<!doctype html><title>Stadt</title>";
  std::ofstream(dir / "app.js") << "export {};";
  std::ofstream(dir / "app.js.gz") << "compressed";
  absl::StatusOr<std::unique_ptr<StaticSite>> site =
      StaticSite::Load(dir.string(), "/staff/", "http://127.0.0.1:9400");
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(site.ok()) << site.status();
  GatewayOptions options;
  options.staff_app = site->get();
  Rebuild(options, nullptr);

  HttpResponse index = Send(http::verb::get, "/staff/?code=abc&state=xyz");
  EXPECT_EQ(index.result_int(), 200);
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_THAT(index.body(), HasSubstr("<title>Stadt</title>"));
  EXPECT_EQ(index["Content-Security-Policy"], (*site)->content_security_policy());
  EXPECT_EQ(index["X-Frame-Options"], "DENY");
  EXPECT_EQ(Send(http::verb::get, "/staff/app.js")[http::field::content_type],
            "text/javascript; charset=utf-8");
  EXPECT_THAT(Send(http::verb::get, "/staff/config.json").body(),
              HasSubstr(R"("issuer":"http://127.0.0.1:9400")"));
  HttpResponse bare = Send(http::verb::get, "/staff");
  EXPECT_EQ(bare.result_int(), 308);
  EXPECT_EQ(bare[http::field::location], "/staff/");
  EXPECT_EQ(Send(http::verb::get, "/staff/../etc/passwd").result_int(), 404);
  EXPECT_EQ(Send(http::verb::get, "/staff/nothing.js").result_int(), 404);
  EXPECT_EQ(Send(http::verb::post, "/staff/", "{}").result_int(), 404);
  // The compressed form to a client that takes gzip, and only to it.
  HttpRequest gzip(http::verb::get, "/staff/app.js", 11);
  gzip.set(http::field::accept_encoding, "br, gzip");
  HttpResponse compressed = Send(gzip);
  EXPECT_EQ(compressed[http::field::content_encoding], "gzip");
  EXPECT_EQ(compressed[http::field::vary], "Accept-Encoding");
  EXPECT_EQ(compressed.body(), "compressed");
  gzip.set(http::field::accept_encoding, "gzip;q=0");
  HttpResponse plain = Send(gzip);
  EXPECT_EQ(plain[http::field::content_encoding], "");
  EXPECT_EQ(plain.body(), "export {};");
  EXPECT_EQ(plain[http::field::vary], "Accept-Encoding");
  EXPECT_TRUE(backends_.calls.empty());
  EXPECT_THAT(Send(http::verb::get, "/metrics").body(),
              HasSubstr(R"(route="/staff/*",code="2xx"} 5)"));
}

TEST_F(GatewayTest, MetricsCountPerRouteTemplateWithLatency) {
  backends_.clock = &clock_;
  backends_.latency = absl::Milliseconds(40);
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/shelf-1").result_int(), 200);
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/shelf-2").result_int(), 200);
  backends_.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/shelf-3").result_int(), 503);
  EXPECT_EQ(Send(http::verb::get, "/no/such/route").result_int(), 404);

  HttpResponse response = Send(http::verb::get, "/metrics");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_THAT(std::string(response[http::field::content_type]), HasSubstr("text/plain"));
  const std::string& text = response.body();
  const std::string labels = R"(method="GET",route="/v1/shelves/{shelf_id}")";
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_requests_total{" + labels + R"(,code="2xx"} 2)"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_requests_total{" + labels + R"(,code="5xx"} 1)"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_request_errors_total{" + labels + "} 1"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_request_duration_seconds_bucket{" + labels +
                              R"(,le="0.025"} 0)"));
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_request_duration_seconds_bucket{" + labels +
                              R"(,le="0.05"} 3)"));
  EXPECT_THAT(
      text, HasSubstr("stadt_gateway_http_request_duration_seconds_sum{" + labels + "} 0.120000"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(stadt_gateway_http_requests_total{method="GET",route="unmatched",code="4xx"} 1)"));
  // The /metrics request itself is in flight while it renders.
  EXPECT_THAT(text, HasSubstr("stadt_gateway_http_requests_in_flight 1\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("shelf-1")));
  EXPECT_EQ(gateway_->metrics().in_flight(), 0);
}

TEST_F(GatewayTest, AnonymousRouteReachesBackendAndRendersJson) {
  backends_.response.set_title("Faust");
  HttpRequest request(http::verb::get, "/v1/shelves/s%201", 11);
  request.set("X-Request-Id", "req-123");
  request.set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  std::optional<HttpResponse> response;
  gateway_->Handle(request, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200);
  EXPECT_EQ((*response)["X-Request-Id"], "req-123");
  EXPECT_THAT(response->body(), HasSubstr(R"("title":"Faust")"));
  ASSERT_EQ(backends_.calls.size(), 1u);
  const BackendCall& call = backends_.calls[0];
  EXPECT_EQ(call.grpc_path, "/stadt.testing.v1.Library/GetShelf");
  EXPECT_TRUE(call.idempotent);  // A GET may be retried.
  stadt::testing::v1::GetShelfRequest sent;
  ASSERT_TRUE(sent.ParseFromString(call.request));
  EXPECT_EQ(sent.shelf_id(), "s 1");
  EXPECT_THAT(call.metadata, Contains(Pair("x-request-id", "req-123")));
  EXPECT_THAT(call.metadata, Contains(Pair("traceparent", ::testing::StartsWith("00-0af7"))));
}

TEST_F(GatewayTest, HttpBodyResponsesGoOutRawWithTheirContentType) {
  Rebuild(GatewayOptions{}, nullptr,
          monitoring::v1::HttpBody::descriptor()->file()->FindServiceByName("Monitoring"));
  monitoring::v1::HttpBody body;
  body.set_content_type("text/plain; version=0.0.4");
  body.set_data("stadt_kpi_booked_total 3\n");
  backends_.raw_response = body.SerializeAsString();
  HttpResponse response = Send(http::verb::get, "/v1/monitoring/metrics");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "text/plain; version=0.0.4");
  EXPECT_EQ(response.body(), "stadt_kpi_booked_total 3\n");
  // Other responses of the same service are still JSON.
  backends_.raw_response = monitoring::v1::ListKpisResponse().SerializeAsString();
  HttpResponse json = Send(http::verb::get, "/v1/monitoring/kpis");
  EXPECT_EQ(json.result_int(), 200);
  EXPECT_EQ(json[http::field::content_type], "application/json");
  EXPECT_THAT(json.body(), HasSubstr(R"("kpis":[])"));
}

TEST_F(GatewayTest, HttpBodyWithAHeaderSplittingContentTypeIsAServerError) {
  Rebuild(GatewayOptions{}, nullptr,
          monitoring::v1::HttpBody::descriptor()->file()->FindServiceByName("Monitoring"));
  monitoring::v1::HttpBody body;
  body.set_content_type("text/plain\r\nSet-Cookie: x=1");
  body.set_data("secret");
  backends_.raw_response = body.SerializeAsString();
  HttpResponse response = Send(http::verb::get, "/v1/monitoring/metrics");
  EXPECT_EQ(response.result_int(), 500);
  EXPECT_EQ(Reason(response), "bad_backend_response");
  EXPECT_THAT(response.body(), ::testing::Not(HasSubstr("secret")));
}

TEST_F(GatewayTest, HostileRequestIdIsReplaced) {
  HttpRequest request(http::verb::get, "/healthz", 11);
  request.set("X-Request-Id", "bad id\twith spaces");
  std::optional<HttpResponse> response;
  gateway_->Handle(request, [&](HttpResponse r) { response = std::move(r); });
  EXPECT_EQ((*response)["X-Request-Id"].size(), 32u);
}

TEST_F(GatewayTest, UnknownRouteAndWrongMethod) {
  HttpResponse missing = Send(http::verb::get, "/v1/nowhere");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(Reason(missing), "route_not_found");
  EXPECT_EQ(missing[http::field::content_type], "application/json");
  HttpResponse wrong = Send(http::verb::delete_, "/v1/books");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(wrong[http::field::allow], "POST");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/%zz").result_int(), 400);
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayTest, RoutesWithRolesNeedAToken) {
  HttpResponse response = Send(http::verb::get, "/v1/shelves/s/books");
  EXPECT_EQ(response.result_int(), 401);
  EXPECT_EQ(Reason(response), "authentication_required");
  EXPECT_EQ(response[http::field::www_authenticate], "Bearer");
}

TEST_F(GatewayTest, BadTokensAreRefused) {
  EXPECT_EQ(Reason(Send(http::verb::get, "/v1/shelves/s/books", "", "garbage")), "token_malformed");
  EXPECT_EQ(Reason(Send(http::verb::get, "/v1/shelves/s/books", "",
                        Token({"citizen"}, absl::Seconds(-120)))),
            "token_expired");
  std::string foreign =
      tokens_.Mint("x", {"citizen"}, clock_.Now(), absl::Minutes(5), "https://evil.example");
  EXPECT_EQ(Reason(Send(http::verb::get, "/v1/shelves/s/books", "", foreign)), "wrong_issuer");
  // A bad token is refused even on a route that allows anonymous callers.
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s", "", "garbage").result_int(), 401);
  HttpRequest basic(http::verb::get, "/v1/shelves/s", 11);
  basic.set(http::field::authorization, "Basic dXNlcjpwYXNz");
  std::optional<HttpResponse> response;
  gateway_->Handle(basic, [&](HttpResponse r) { response = std::move(r); });
  EXPECT_EQ(Reason(*response), "malformed_authorization");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayTest, WrongRoleIsForbiddenRightRolePasses) {
  HttpResponse denied =
      Send(http::verb::put, "/v1/shelves/s/books/b", R"({"title":"x"})", Token({"citizen"}));
  EXPECT_EQ(denied.result_int(), 403);
  EXPECT_EQ(Reason(denied), "role_not_allowed");
  EXPECT_TRUE(backends_.calls.empty());

  HttpResponse allowed = Send(http::verb::put, "/v1/shelves/s/books/b", R"({"title":"x"})",
                              Token({"office_staff", "Bad Role!"}));
  EXPECT_EQ(allowed.result_int(), 200);
  ASSERT_EQ(backends_.calls.size(), 2u);  // the action, then its audit record
  EXPECT_THAT(backends_.calls[0].metadata, Contains(Pair("x-stadt-subject", "citizen-42")));
  // Role strings that are not plain names never reach the services.
  EXPECT_THAT(backends_.calls[0].metadata, Contains(Pair("x-stadt-roles", "office_staff")));
  EXPECT_THAT(backends_.calls[0].metadata, Contains(Pair("x-stadt-scopes", "shelf:s")));
}

// PutBook is scoped to the shelf its path names ({book.shelf_id}): the right
// role with a scope for another shelf, or none, is refused before the call.
TEST_F(GatewayTest, AScopedRouteNeedsTheScopeForThePlaceInItsPath) {
  const std::string put = "/v1/shelves/s/books/b";
  for (const std::string scope : {"", "shelf:t", "office:s", "shelf:s2"}) {
    HttpResponse refused = Send(http::verb::put, put, R"({"title":"x"})",
                                Token({"office_staff"}, absl::Minutes(5), scope));
    EXPECT_EQ(refused.result_int(), 403) << scope;
    EXPECT_EQ(Reason(refused), "scope_not_granted") << scope;
  }
  EXPECT_TRUE(backends_.calls.empty());
  // The role is checked first: a wrong role hears about its role.
  EXPECT_EQ(Reason(Send(http::verb::put, put, R"({"title":"x"})",
                        Token({"citizen"}, absl::Minutes(5), "shelf:t"))),
            "role_not_allowed");
  for (const std::string scope : {"shelf:s", "shelf:*", "shelf:t shelf:s"}) {
    EXPECT_EQ(Send(http::verb::put, put, R"({"title":"x"})",
                   Token({"office_staff"}, absl::Minutes(5), scope))
                  .result_int(),
              200)
        << scope;
  }
  // Each passed call and its audit record (PutBook is audited).
  EXPECT_EQ(backends_.calls.size(), 6u);
}

TEST_F(GatewayTest, AuditedRouteAppendsOneRecordOfIdsAndOutcome) {
  backends_.response.set_title("Neu");
  HttpRequest request(http::verb::put, "/v1/shelves/s%201/books/b7", 11);
  request.set(http::field::authorization,
              "Bearer " + Token({"office_staff"}, absl::Minutes(5), "shelf:*"));
  request.set(http::field::content_type, "application/json");
  request.set("X-Request-Id", "req-77");
  request.body() = R"({"title":"Secret body text"})";
  request.prepare_payload();
  HttpResponse response = Send(request);
  EXPECT_EQ(response.result_int(), 200);
  ASSERT_EQ(backends_.calls.size(), 2u);
  const BackendCall& append = backends_.calls[1];
  EXPECT_EQ(append.grpc_path, "/stadt.audit.v1.Audit/Append");
  EXPECT_TRUE(append.idempotent);
  stadt::audit::v1::AppendRequest sent;
  ASSERT_TRUE(sent.ParseFromString(append.request));
  const stadt::audit::v1::Entry& entry = sent.entry();
  EXPECT_FALSE(entry.event_id().empty());
  EXPECT_EQ(entry.subject(), "citizen-42");
  EXPECT_THAT(entry.roles(), ::testing::ElementsAre("office_staff"));
  EXPECT_EQ(entry.rpc(), "stadt.testing.v1.Library/PutBook");
  ASSERT_EQ(entry.objects_size(), 3);
  // The path variables (a space percent-encoded) and the response's named id.
  EXPECT_EQ(entry.objects(0).name(), "book.shelf_id");
  EXPECT_EQ(entry.objects(0).id(), "s%201");
  EXPECT_EQ(entry.objects(1).id(), "b7");
  EXPECT_EQ(entry.objects(2).name(), "title");
  EXPECT_EQ(entry.objects(2).id(), "Neu");
  EXPECT_EQ(entry.request_id(), "req-77");
  EXPECT_EQ(entry.grpc_code(), 0);
  EXPECT_EQ(entry.http_status(), 200);
  // Never the body.
  EXPECT_THAT(append.request, Not(HasSubstr("Secret body text")));
}

TEST_F(GatewayTest, AuditRecordsARefusalWithItsReason) {
  backends_.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "no such shelf");
  HttpResponse response = Send(http::verb::put, "/v1/shelves/s/books/b", R"({"title":"x"})",
                               Token({"office_staff"}, absl::Minutes(5), "shelf:*"));
  EXPECT_EQ(response.result_int(), 404);
  ASSERT_EQ(backends_.calls.size(), 2u);
  stadt::audit::v1::AppendRequest sent;
  ASSERT_TRUE(sent.ParseFromString(backends_.calls[1].request));
  EXPECT_EQ(sent.entry().grpc_code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(sent.entry().http_status(), 404);
  EXPECT_EQ(sent.entry().reason(), "not_found");
}

TEST_F(GatewayTest, AuditOutageStillAnswersTheActionAndIsCounted) {
  backends_.audit_status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  HttpResponse response = Send(http::verb::put, "/v1/shelves/s/books/b", R"({"title":"x"})",
                               Token({"office_staff"}, absl::Minutes(5), "shelf:*"));
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(gateway_->metrics().audit_failures(), 1u);
  EXPECT_THAT(gateway_->metrics().Render(), HasSubstr("stadt_gateway_audit_failures_total 1"));
}

TEST_F(GatewayTest, ReadsAndRefusedCallsLeaveNoAuditRecord) {
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s1/books", "",
                 Token({"office_staff"}, absl::Minutes(5), "shelf:*"))
                .result_int(),
            200);
  EXPECT_EQ(backends_.calls.size(), 1u);
  // Refused by the gateway: nothing happened, nothing to record.
  Send(http::verb::put, "/v1/shelves/s/books/b", R"({"title":"x"})", Token({"citizen"}));
  EXPECT_EQ(backends_.calls.size(), 1u);
}

// The rule of the audit trail: every route that changes state and only staff
// or operators may call is marked `audit` in its proto option. A new staff
// route without it fails here.
TEST(AuditRuleTest, EveryStaffWriteRouteIsAudited) {
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const LinkedApi& api : LinkedApis()) services.push_back(api.service);
  absl::StatusOr<RouteTable> table = RouteTable::Build(services);
  ASSERT_TRUE(table.ok()) << table.status();
  int audited = 0;
  for (const Route& route : table->routes()) {
    const bool staff_write = route.http_method != "GET" && !route.allow_anonymous &&
                             !route.roles.empty() && !route.roles.contains("citizen");
    EXPECT_EQ(route.audit, staff_write) << route.http_method << " " << route.path_template;
    audited += route.audit ? 1 : 0;
  }
  EXPECT_GT(audited, 0);
}

TEST_F(GatewayTest, BadBodiesAreClientErrors) {
  const std::string token = Token({"office_staff"});
  HttpResponse malformed = Send(http::verb::put, "/v1/shelves/s/books/b", "{", token);
  EXPECT_EQ(malformed.result_int(), 400);
  EXPECT_EQ(Reason(malformed), "invalid_request");
  HttpResponse wrong_type =
      Send(http::verb::put, "/v1/shelves/s/books/b", R"({"pages":"many"})", token);
  EXPECT_EQ(wrong_type.result_int(), 400);
  HttpResponse not_json =
      Send(http::verb::put, "/v1/shelves/s/books/b", "title=x", token, "text/plain");
  EXPECT_EQ(not_json.result_int(), 415);
  EXPECT_TRUE(backends_.calls.empty());
}

// Found by the bad-input sweep: the JSON parser's message quotes the body, so
// bytes that are not UTF-8 made the error itself invalid JSON.
TEST_F(GatewayTest, ErrorsStayValidJsonWhateverBytesTheBodyHad) {
  const std::string token = Token({"office_staff"});
  HttpResponse response =
      Send(http::verb::put, "/v1/shelves/s/books/b", "{\"title\":\"\xff\xfe\xed\xa0\x80\"}", token);
  EXPECT_EQ(response.result_int(), 400);
  boost::system::error_code error;
  boost::json::parse(response.body(), error);
  EXPECT_FALSE(error) << response.body();
  EXPECT_EQ(Reason(response), "invalid_request");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayTest, EveryAnswerHasADate) {
  for (const char* target : {"/healthz", "/no/such/route", "/v1/shelves/s1"}) {
    HttpResponse response = Send(http::verb::get, target);
    EXPECT_FALSE(response[http::field::date].empty()) << target;
    EXPECT_TRUE(response[http::field::date].ends_with(" GMT")) << response[http::field::date];
  }
}

// The Date header is formatted once a second per thread; it still follows the
// clock to the second.
TEST_F(GatewayTest, TheDateFollowsTheClockToTheSecond) {
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::date], "Fri, 15 Jan 2027 08:00:00 GMT");
  clock_.Advance(absl::Milliseconds(999));
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::date], "Fri, 15 Jan 2027 08:00:00 GMT");
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::date], "Fri, 15 Jan 2027 08:00:01 GMT");
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(Send(http::verb::get, "/healthz")[http::field::date], "Sat, 16 Jan 2027 08:00:01 GMT");
}

TEST_F(GatewayTest, TheAccessLogLineIsWrittenOnlyWhenSwitchedOn) {
  std::ostringstream sink;
  log::SetSinkForTesting(&sink);
  Send(http::verb::get, "/v1/shelves/s1");
  EXPECT_THAT(sink.str(), HasSubstr(R"("event":"http_request")"));
  EXPECT_THAT(sink.str(), HasSubstr(R"("route":"/v1/shelves/{shelf_id}")"));
  sink.str("");
  GatewayOptions quiet;
  quiet.access_log = false;
  Rebuild(quiet, nullptr);
  Send(http::verb::get, "/v1/shelves/s1");
  EXPECT_THAT(sink.str(), Not(HasSubstr("http_request")));
  log::SetSinkForTesting(nullptr);
}

TEST_F(GatewayTest, PublicCatalogReadsCarryAnETagAndAnswer304WhenUnchanged) {
  HttpResponse first = Send(http::verb::get, "/v1/shelves/search");
  ASSERT_EQ(first.result_int(), 200);
  const std::string etag(first[http::field::etag]);
  // "<FNV-1a of the body, 16 hex digits>-<body size in hex>", quoted.
  EXPECT_THAT(etag, ::testing::MatchesRegex(R"("[0-9a-f]{16}-[0-9a-f]+")"));
  EXPECT_EQ(first[http::field::cache_control], "public, max-age=60");
  // The same answer: 304 without a body, same validator.
  HttpRequest again(http::verb::get, "/v1/shelves/search", 11);
  again.set(http::field::if_none_match, etag);
  HttpResponse unchanged = Send(again);
  EXPECT_EQ(unchanged.result_int(), 304);
  EXPECT_TRUE(unchanged.body().empty());
  EXPECT_EQ(unchanged[http::field::etag], etag);
  // Changed content: a new validator and the full answer.
  backends_.response.set_title("A new edition");
  HttpResponse changed = Send(again);
  EXPECT_EQ(changed.result_int(), 200);
  EXPECT_NE(changed[http::field::etag], etag);
  EXPECT_THAT(changed.body(), HasSubstr("A new edition"));
  // Routes that may carry personal data are never cached.
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s1")[http::field::cache_control], "no-store");
  EXPECT_TRUE(Send(http::verb::get, "/v1/shelves/s1")[http::field::etag].empty());
}

TEST_F(GatewayTest, BackendErrorsAreMappedWithoutLeakingInternals) {
  backends_.status = grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                  "failed to connect to all addresses; 10.0.0.5:50051");
  HttpResponse down = Send(http::verb::get, "/v1/shelves/s");
  EXPECT_EQ(down.result_int(), 503);
  EXPECT_EQ(Reason(down), "backend_unavailable");
  EXPECT_THAT(down.body(), ::testing::Not(HasSubstr("10.0.0.5")));

  backends_.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "shelf not found");
  HttpResponse missing = Send(http::verb::get, "/v1/shelves/s");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_THAT(missing.body(), HasSubstr("shelf not found"));

  backends_.status = grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s").result_int(), 504);
}

TEST_F(GatewayTest, EveryProxiedRequestRecordsWhetherTheBackendAnsweredWithoutA5xx) {
  FakeKpiRecorder kpis;
  GatewayOptions options;
  options.kpis = &kpis;
  Rebuild(options, nullptr);
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s").result_int(), 200);
  backends_.status = grpc::Status(grpc::StatusCode::NOT_FOUND, "shelf not found");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s").result_int(), 404);
  backends_.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s").result_int(), 503);
  // Refused by the gateway itself: not proxied, not an event.
  EXPECT_EQ(Send(http::verb::get, "/v1/nowhere").result_int(), 404);

  const std::vector<KpiSample> samples = kpis.samples("service_request_success");
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0].value, 1);
  EXPECT_EQ(samples[1].value, 1);  // a 4xx is the client's problem, the service answered
  EXPECT_EQ(samples[2].value, 0);
  for (const KpiSample& sample : samples) {
    EXPECT_THAT(sample.dimensions, ::testing::ElementsAre(Pair("service", "library")));
  }
  EXPECT_TRUE(kpis.AllDimensionsAllowed());
}

class FailingUsedChallenges final : public pow::UsedChallenges {
 public:
  absl::StatusOr<bool> MarkUsed(std::string_view, absl::Time, absl::Time) override {
    return absl::UnavailableError("down");
  }
};

class GatewayPowTest : public GatewayTest {
 protected:
  GatewayPowTest() {
    pow_ = pow::ProofOfWork::Create({.secret = std::string(32, 's'), .max_number = 50}).value();
    Protect(used_);
  }
  void Protect(pow::UsedChallenges& used) {
    guard_ = std::make_unique<pow::Guard>(*pow_, used);
    GatewayOptions options;
    options.pow_guard = guard_.get();
    options.pow_routes = {{"POST", "/v1/books"}};
    Rebuild(options, nullptr);
  }

  // Fetches a challenge from the gateway and solves it, as a client would.
  std::string Solution() {
    HttpResponse response = Send(http::verb::get, "/v1/pow/challenge");
    EXPECT_EQ(response.result_int(), 200);
    const boost::json::value json = boost::json::parse(response.body());
    pow::Challenge challenge;
    challenge.algorithm = std::string(json.at("algorithm").as_string());
    challenge.challenge = std::string(json.at("challenge").as_string());
    challenge.salt = std::string(json.at("salt").as_string());
    challenge.signature = std::string(json.at("signature").as_string());
    const std::optional<int64_t> number =
        pow::Solve(challenge.salt, challenge.challenge, json.at("maxNumber").as_int64());
    EXPECT_TRUE(number.has_value());
    return pow::EncodeSolution(challenge, number.value_or(0));
  }

  HttpResponse CreateBook(std::optional<std::string> solution,
                          std::string body = R"({"id":"b1","title":"T"})") {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + Token({"citizen"})},
                                                  {"Content-Type", "application/json"}};
    if (solution.has_value()) headers["X-Pow-Solution"] = *solution;
    HttpRequest request(http::verb::post, "/v1/books", 11);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    std::optional<HttpResponse> response;
    gateway_->Handle(request, client_, [&](HttpResponse r) { response = std::move(r); });
    return response.value_or(HttpResponse());
  }

  std::unique_ptr<pow::ProofOfWork> pow_;
  pow::InMemoryUsedChallenges used_;
  std::unique_ptr<pow::Guard> guard_;
};

TEST_F(GatewayPowTest, ChallengeEndpointServesAFreshChallenge) {
  HttpResponse response = Send(http::verb::get, "/v1/pow/challenge");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response[http::field::cache_control], "no-store");
  const boost::json::value json = boost::json::parse(response.body());
  EXPECT_EQ(json.at("algorithm").as_string(), "SHA-256");
  EXPECT_EQ(json.at("maxNumber").as_int64(), 50);
  EXPECT_EQ(json.at("expires").as_string(), "2027-01-15T08:05:00Z");
  EXPECT_NE(Send(http::verb::get, "/v1/pow/challenge").body(), response.body());
  // Anonymous, and never a backend call.
  EXPECT_TRUE(backends_.calls.empty());
  EXPECT_EQ(gateway_->metrics().RequestCount("GET", "/v1/pow/challenge", "2xx"), 2);
}

TEST_F(GatewayPowTest, ProtectedRouteNeedsASolutionAndTakesEachOnce) {
  HttpResponse missing = CreateBook(std::nullopt);
  EXPECT_EQ(missing.result_int(), 428);
  EXPECT_EQ(Reason(missing), "pow_required");
  EXPECT_TRUE(backends_.calls.empty());

  const std::string solution = Solution();
  EXPECT_EQ(CreateBook(solution).result_int(), 200);
  EXPECT_EQ(backends_.calls.size(), 1u);
  HttpResponse replayed = CreateBook(solution);
  EXPECT_EQ(replayed.result_int(), 403);
  EXPECT_EQ(Reason(replayed), "pow_replayed");
  EXPECT_EQ(backends_.calls.size(), 1u);
  EXPECT_THAT(gateway_->metrics().Render(),
              HasSubstr("stadt_gateway_pow_checks_total{outcome=\"replayed\"} 1"));
}

TEST_F(GatewayPowTest, RefusesInvalidAndExpiredSolutions) {
  for (const std::string& garbage :
       {std::string("x"), std::string("%%%"), std::string(5000, 'A'), std::string("e30=")}) {
    HttpResponse invalid = CreateBook(garbage);
    EXPECT_EQ(invalid.result_int(), 403) << garbage;
    EXPECT_EQ(Reason(invalid), "pow_invalid") << garbage;
  }
  const std::string solution = Solution();
  clock_.Advance(absl::Minutes(6));
  HttpResponse expired = CreateBook(solution);
  EXPECT_EQ(expired.result_int(), 403);
  EXPECT_EQ(Reason(expired), "pow_expired");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayPowTest, TwoSolutionHeadersAreRefused) {
  const std::string solution = Solution();
  HttpRequest request(http::verb::post, "/v1/books", 11);
  request.set(http::field::authorization, "Bearer " + Token({"citizen"}));
  request.set(http::field::content_type, "application/json");
  request.insert("X-Pow-Solution", solution);
  request.insert("X-Pow-Solution", solution);
  request.body() = R"({"id":"b1","title":"T"})";
  request.prepare_payload();
  std::optional<HttpResponse> response;
  gateway_->Handle(request, client_, [&](HttpResponse r) { response = std::move(r); });
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(Reason(*response), "pow_invalid");
}

TEST_F(GatewayPowTest, OtherChecksComeFirstAndKeepTheSolutionUnused) {
  const std::string solution = Solution();
  // Without a token: 401, before the proof of work is looked at.
  HttpRequest anonymous(http::verb::post, "/v1/books", 11);
  anonymous.set("X-Pow-Solution", solution);
  std::optional<HttpResponse> response;
  gateway_->Handle(anonymous, client_, [&](HttpResponse r) { response = std::move(r); });
  EXPECT_EQ(response->result_int(), 401);
  // A body that does not bind: 400, and the solution stays good for the retry.
  EXPECT_EQ(CreateBook(solution, R"({"nope":1})").result_int(), 400);
  EXPECT_EQ(CreateBook(solution).result_int(), 200);
}

TEST_F(GatewayPowTest, OtherRoutesNeedNoSolution) {
  EXPECT_EQ(Send(http::verb::get, "/v1/shelves/s1").result_int(), 200);
}

TEST_F(GatewayPowTest, UnreachableStoreFailsClosed) {
  FailingUsedChallenges down;
  Protect(down);
  HttpResponse response = CreateBook(Solution());
  EXPECT_EQ(response.result_int(), 503);
  EXPECT_EQ(Reason(response), "pow_unavailable");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayPowTest, OpenApiDeclaresTheHeaderOnProtectedRoutesOnly) {
  const boost::json::value doc = boost::json::parse(Send(http::verb::get, "/openapi.json").body());
  const boost::json::object& post = doc.at("paths").at("/v1/books").at("post").as_object();
  bool declared = false;
  for (const boost::json::value& parameter : post.at("parameters").as_array()) {
    declared |= parameter.at("name") == "X-Pow-Solution" && parameter.at("in") == "header" &&
                parameter.at("required") == true;
  }
  EXPECT_TRUE(declared);
  EXPECT_TRUE(post.at("responses").as_object().contains("428"));
  EXPECT_THAT(boost::json::serialize(doc.at("paths").at("/v1/shelves/{shelf_id}")),
              Not(HasSubstr("X-Pow-Solution")));
  EXPECT_TRUE(doc.at("paths").as_object().contains("/v1/pow/challenge"));
}

TEST_F(GatewayTest, WithoutProofOfWorkTheChallengeEndpointIsNotFound) {
  HttpResponse response = Send(http::verb::get, "/v1/pow/challenge");
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_EQ(Reason(response), "pow_not_enabled");
}

TEST(ParseRouteListTest, AcceptsKnownRoutesAndNamesTheFirstUnknownOne) {
  RouteTable routes =
      RouteTable::Build(
          {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
          .value();
  absl::StatusOr<std::set<std::pair<std::string, std::string>>> parsed =
      ParseRouteList(" POST /v1/books , put  /v1/shelves/{book.shelf_id}/books/{book.id},", routes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(*parsed,
              ::testing::ElementsAre(Pair("POST", "/v1/books"),
                                     Pair("PUT", "/v1/shelves/{book.shelf_id}/books/{book.id}")));
  EXPECT_TRUE(ParseRouteList("", routes).value().empty());
  for (const char* bad : {"POST /v1/book", "GET /v1/books", "/v1/books", "POST",
                          "POST /v1/books extra", "POST /v1/shelves/s1/books/b1"}) {
    absl::StatusOr<std::set<std::pair<std::string, std::string>>> refused =
        ParseRouteList(bad, routes);
    EXPECT_FALSE(refused.ok()) << bad;
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr(bad));
  }
}

TEST(PreferredLanguageTest, HighestQualityOfGermanOrEnglishElseGerman) {
  EXPECT_EQ(PreferredLanguage(""), "de");
  EXPECT_EQ(PreferredLanguage("fr-FR, it;q=0.5"), "de");
  EXPECT_EQ(PreferredLanguage("en-GB,en;q=0.9,de;q=0.8"), "en");
  EXPECT_EQ(PreferredLanguage("de-DE,de;q=0.9,en;q=0.8"), "de");
  EXPECT_EQ(PreferredLanguage("fr, de;q=0.3, EN;q=0.7"), "en");
  EXPECT_EQ(PreferredLanguage("en;q=0, de;q=0.1"), "de");
  EXPECT_EQ(PreferredLanguage("en;q=banana"), "de");
}

}  // namespace
}  // namespace stadt::gateway
