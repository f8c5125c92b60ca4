// Each step of the request pipeline alone, with only what it needs; the
// Gateway's own tests (gateway_test.cc) check them together.
#include "gateway/core/pipeline_steps.h"

#include "boost/json/parse.hpp"
#include "gateway/core/admin_endpoints.h"
#include "gateway/core/gateway.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "stadt/testing/v1/routes_test.pb.h"
#include "tests/harness/test_tokens.h"

namespace stadt::gateway {
namespace {

namespace http = boost::beast::http;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

RouteTable LibraryRoutes() {
  return RouteTable::Build(
             {stadt::testing::v1::Book::descriptor()->file()->FindServiceByName("Library")})
      .value();
}

std::string Reason(const HttpResponse& response) {
  boost::json::value json = boost::json::parse(response.body());
  return std::string(json.at("details").at(0).at("reason").as_string());
}

HttpRequest Request(http::verb method, std::string target,
                    std::map<std::string, std::string> headers = {}, std::string body = "") {
  HttpRequest request(method, target, 11);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

// A route of the table, matched as the routing step would.
RouteMatch Match(const RouteTable& routes, std::string_view method, std::string_view target) {
  Routed routed = RouteRequest(method, ParseTarget(target), routes);
  EXPECT_TRUE(routed.match.has_value()) << method << " " << target;
  return routed.match.value_or(RouteMatch{});
}

HttpMetrics Metrics() {
  return HttpMetrics({},
                     std::vector<std::string>(std::begin(kRouteClasses), std::end(kRouteClasses)));
}

TEST(PipelineOrderTest, TheStepsRunInTheDeclaredOrder) {
  EXPECT_THAT(Gateway::StepNames(),
              ElementsAre("cors", "route", "rate_limit", "authentication", "authorization",
                          "media_type", "binding", "proof_of_work"));
  EXPECT_THAT(Gateway::OwnEndpointLabels(),
              ElementsAre("/healthz", "/readyz", "/openapi.json", "/metrics", "/v1/pow/challenge",
                          "/dashboard", "/staff/*"));
}

TEST(ParseTargetTest, KeepsTheRawPathAndDecodesSegmentsAndQueryOnce) {
  const Target target = ParseTarget("/v1/shelves/a%20b/books?page_size=2&x=%C3%A4");
  EXPECT_EQ(target.path, "/v1/shelves/a%20b/books");
  ASSERT_TRUE(target.decoded.has_value());
  EXPECT_THAT(target.decoded->segments, ElementsAre("v1", "shelves", "a b", "books"));
  EXPECT_THAT(target.decoded->query, ElementsAre(Pair("page_size", "2"), Pair("x", "ä")));

  const Target malformed = ParseTarget("/healthz?%zz");
  EXPECT_EQ(malformed.path, "/healthz");  // the own endpoints still match it
  EXPECT_FALSE(malformed.decoded.has_value());
}

TEST(CorsStepTest, PreflightNeedsAnAllowedOriginAndAPathWithRoutes) {
  const RouteTable routes = LibraryRoutes();
  const HttpRequest preflight =
      Request(http::verb::options, "/v1/shelves/s",
              {{"Origin", "https://portal.test"}, {"Access-Control-Request-Method", "GET"}});
  EXPECT_TRUE(IsPreflight(preflight));
  EXPECT_FALSE(IsPreflight(Request(http::verb::options, "/v1/shelves/s")));
  EXPECT_EQ(AllowedOrigin(preflight, {"https://portal.test"}), "https://portal.test");
  EXPECT_EQ(AllowedOrigin(preflight, {"*"}), "https://portal.test");
  EXPECT_EQ(AllowedOrigin(preflight, {"https://other.test"}), "");

  HttpResponse allowed = Preflight(ParseTarget("/v1/shelves/s"), routes, "https://portal.test");
  EXPECT_EQ(allowed.result_int(), 204);
  EXPECT_EQ(allowed[http::field::access_control_allow_methods], "GET");
  EXPECT_THAT(std::string(allowed[http::field::access_control_allow_headers]),
              HasSubstr("X-Pow-Solution"));
  HttpResponse refused = Preflight(ParseTarget("/v1/shelves/s"), routes, "");
  EXPECT_EQ(refused.result_int(), 403);
  EXPECT_EQ(Reason(refused), "origin_not_allowed");
  EXPECT_EQ(Reason(Preflight(ParseTarget("/v1/nothing"), routes, "https://portal.test")),
            "route_not_found");
  EXPECT_EQ(Reason(Preflight(ParseTarget("/v1/%zz"), routes, "https://portal.test")), "bad_target");
}

TEST(RouteStepTest, MatchesOrRefusesWith400404Or405) {
  const RouteTable routes = LibraryRoutes();
  Routed found = RouteRequest("GET", ParseTarget("/v1/shelves/s"), routes);
  ASSERT_TRUE(found.match.has_value());
  EXPECT_EQ(found.match->route->path_template, "/v1/shelves/{shelf_id}");
  EXPECT_FALSE(found.refusal.has_value());

  Routed wrong_method = RouteRequest("DELETE", ParseTarget("/v1/shelves/s"), routes);
  ASSERT_TRUE(wrong_method.refusal.has_value());
  EXPECT_EQ(wrong_method.refusal->result_int(), 405);
  EXPECT_EQ((*wrong_method.refusal)[http::field::allow], "GET");
  EXPECT_EQ(RouteRequest("GET", ParseTarget("/v1/none"), routes).refusal->result_int(), 404);
  EXPECT_EQ(Reason(*RouteRequest("GET", ParseTarget("/v1/%zz"), routes).refusal), "bad_target");
}

class CountingStore final : public RateLimitStore {
 public:
  absl::StatusOr<RateDecision> Take(const std::vector<BucketRequest>& buckets,
                                    absl::Time) override {
    calls.push_back(buckets);
    return answer;
  }
  std::vector<std::vector<BucketRequest>> calls;
  absl::StatusOr<RateDecision> answer = RateDecision{};
};

TEST(RateLimitStepTest, RefusesWith429AndRetryAfterInWholeSecondsRoundedUp) {
  const RouteTable routes = LibraryRoutes();
  const RouteMatch match = Match(routes, "GET", "/v1/shelves/s");
  CountingStore store;
  RateLimitPolicy policy;
  policy.per_address["read"] = {10, absl::Minutes(1)};
  RateLimiter limiter(store, policy);
  HttpMetrics metrics = Metrics();

  EXPECT_FALSE(CheckRateLimit(&limiter, *match.route, "198.51.100.9", "", kNow, metrics));
  EXPECT_EQ(store.calls.size(), 1u);
  store.answer = RateDecision{.allowed = false, .retry_after = absl::Milliseconds(1500)};
  std::optional<HttpResponse> limited =
      CheckRateLimit(&limiter, *match.route, "198.51.100.9", "", kNow, metrics);
  ASSERT_TRUE(limited.has_value());
  EXPECT_EQ(limited->result_int(), 429);
  EXPECT_EQ((*limited)[http::field::retry_after], "2");
  EXPECT_EQ(Reason(*limited), "rate_limited");
  EXPECT_THAT(metrics.Render(),
              HasSubstr(R"(stadt_gateway_rate_limited_total{route_class="read"} 1)"));
  // No limiter: no limits.
  EXPECT_FALSE(CheckRateLimit(nullptr, *match.route, "198.51.100.9", "", kNow, metrics));
}

TEST(AuthenticationStepTest, AnonymousValidOrRefusedWithTheReason) {
  stadt::testing::TestTokens tokens;
  std::unique_ptr<auth::JwtVerifier> verifier =
      auth::JwtVerifier::Create(tokens.Keys(), {.issuer = stadt::testing::kTestIssuer,
                                                .audience = stadt::testing::kTestAudience})
          .value();
  AuthResult anonymous = Authenticate(Request(http::verb::get, "/"), verifier.get(), kNow);
  EXPECT_FALSE(anonymous.identity.has_value());
  EXPECT_FALSE(anonymous.error.has_value());

  const std::string token = tokens.Mint("citizen-42", {"citizen"}, kNow);
  AuthResult valid = Authenticate(
      Request(http::verb::get, "/", {{"Authorization", "Bearer " + token}}), verifier.get(), kNow);
  ASSERT_TRUE(valid.identity.has_value());
  EXPECT_EQ(valid.identity->subject, "citizen-42");

  AuthResult malformed = Authenticate(
      Request(http::verb::get, "/", {{"Authorization", "Basic abc"}}), verifier.get(), kNow);
  ASSERT_TRUE(malformed.error.has_value());
  EXPECT_EQ(malformed.error->result_int(), 401);
  EXPECT_EQ(Reason(*malformed.error), "malformed_authorization");
  EXPECT_EQ((*malformed.error)[http::field::www_authenticate], "Bearer");
  AuthResult no_keys = Authenticate(
      Request(http::verb::get, "/", {{"Authorization", "Bearer " + token}}), nullptr, kNow);
  EXPECT_EQ(Reason(*no_keys.error), "tokens_not_accepted");
  AuthResult expired =
      Authenticate(Request(http::verb::get, "/", {{"Authorization", "Bearer " + token}}),
                   verifier.get(), kNow + absl::Hours(2));
  ASSERT_TRUE(expired.error.has_value());
  EXPECT_EQ(expired.error->result_int(), 401);
}

TEST(AuthorizationStepTest, AnonymousRolesAndScopes) {
  const RouteTable routes = LibraryRoutes();
  const RouteMatch anonymous_route = Match(routes, "GET", "/v1/shelves/s");
  const RouteMatch citizen_route = Match(routes, "GET", "/v1/shelves/s/books");
  const RouteMatch scoped_route = Match(routes, "PUT", "/v1/shelves/s/books/b");
  EXPECT_FALSE(Authorize(anonymous_route, std::nullopt));
  EXPECT_EQ(Reason(*Authorize(citizen_route, std::nullopt)), "authentication_required");

  const auto identity = [](std::vector<std::string> roles, std::vector<std::string> scopes) {
    auth::Identity made;
    made.subject = "someone";
    made.roles = std::move(roles);
    made.scopes = std::move(scopes);
    return made;
  };
  const auth::Identity citizen = identity({"citizen"}, {});
  EXPECT_FALSE(Authorize(citizen_route, citizen));
  EXPECT_EQ(Reason(*Authorize(scoped_route, citizen)), "role_not_allowed");
  const auth::Identity staff_of_s = identity({"office_staff"}, {"shelf:s"});
  const auth::Identity staff_of_t = identity({"office_staff"}, {"shelf:t"});
  EXPECT_FALSE(Authorize(scoped_route, staff_of_s));
  std::optional<HttpResponse> other_place = Authorize(scoped_route, staff_of_t);
  ASSERT_TRUE(other_place.has_value());
  EXPECT_EQ(other_place->result_int(), 403);
  EXPECT_EQ(Reason(*other_place), "scope_not_granted");
}

TEST(MediaTypeStepTest, ABodyMustBeJson) {
  EXPECT_FALSE(CheckMediaType(Request(http::verb::get, "/")));
  EXPECT_FALSE(CheckMediaType(
      Request(http::verb::post, "/", {{"Content-Type", "Application/JSON; charset=utf-8"}}, "{}")));
  std::optional<HttpResponse> refused =
      CheckMediaType(Request(http::verb::post, "/", {{"Content-Type", "text/plain"}}, "{}"));
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->result_int(), 415);
  EXPECT_EQ(Reason(*refused), "unsupported_media_type");
  EXPECT_EQ(CheckMediaType(Request(http::verb::post, "/", {}, "{}"))->result_int(), 415);
}

TEST(BindingStepTest, PathQueryAndBodyFillTheMessageOrGive400) {
  const RouteTable routes = LibraryRoutes();
  const Target target = ParseTarget("/v1/books");
  const RouteMatch create = Match(routes, "POST", "/v1/books");
  Bound bound = BindMessage(create, target.decoded->query, R"({"id":"b1","title":"T"})");
  ASSERT_FALSE(bound.refusal.has_value());
  const auto& book = dynamic_cast<const stadt::testing::v1::Book&>(*bound.message);
  EXPECT_EQ(book.id(), "b1");
  EXPECT_EQ(book.title(), "T");

  Bound bad = BindMessage(create, target.decoded->query, R"({"id":)");
  ASSERT_TRUE(bad.refusal.has_value());
  EXPECT_EQ(bad.refusal->result_int(), 400);
  EXPECT_EQ(Reason(*bad.refusal), "invalid_request");
}

TEST(PowStepTest, ProtectedRoutesNeedOneSolutionUnprotectedOnesNone) {
  std::unique_ptr<pow::ProofOfWork> pow =
      pow::ProofOfWork::Create({.secret = std::string(32, 's'), .max_number = 50}).value();
  pow::InMemoryUsedChallenges used;
  pow::Guard guard(*pow, used);
  HttpMetrics metrics = Metrics();
  const HttpRequest without = Request(http::verb::post, "/v1/books");
  EXPECT_FALSE(CheckPow(&guard, /*route_protected=*/false, without, kNow, metrics));
  EXPECT_FALSE(CheckPow(nullptr, /*route_protected=*/true, without, kNow, metrics));
  std::optional<HttpResponse> required = CheckPow(&guard, true, without, kNow, metrics);
  ASSERT_TRUE(required.has_value());
  EXPECT_EQ(required->result_int(), 428);
  EXPECT_EQ(Reason(*required), "pow_required");

  const pow::Challenge challenge = pow->NewChallenge(kNow);
  const std::string solution =
      pow::EncodeSolution(challenge, pow::Solve(challenge.salt, challenge.challenge, 50).value());
  const HttpRequest solved = Request(http::verb::post, "/v1/books", {{"X-Pow-Solution", solution}});
  EXPECT_FALSE(CheckPow(&guard, true, solved, kNow, metrics));
  EXPECT_EQ(Reason(*CheckPow(&guard, true, solved, kNow, metrics)), "pow_replayed");
  HttpRequest twice = solved;
  twice.insert("X-Pow-Solution", solution);
  EXPECT_EQ(Reason(*CheckPow(&guard, true, twice, kNow, metrics)), "pow_invalid");
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_pow_checks_total{outcome="passed"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(stadt_gateway_pow_checks_total{outcome="required"} 1)"));
}

// A gateway that never calls a backend: the admin tests need only its metrics.
class NoBackends final : public Backends {
 public:
  void Call(BackendCall, CallDone done) override { done(grpc::Status::OK, ""); }
  void CheckHealth(absl::Duration, HealthDone done) override { done({}); }
};

HttpResponse Answer(const RequestHandler& handler, http::verb method, std::string target) {
  std::optional<HttpResponse> response;
  handler.Handle(Request(method, std::move(target)), ClientInfo{},
                 [&](HttpResponse r) { response = std::move(r); });
  EXPECT_TRUE(response.has_value());
  return response.value_or(HttpResponse());
}

TEST(AdminEndpointsTest, ServeTheMetricsThatThePublicHandlerThenDoesNot) {
  NoBackends backends;
  FakeClock clock{kNow};
  GatewayOptions options;
  options.serve_metrics = false;  // as the binary runs it
  const Gateway gateway(LibraryRoutes(), nullptr, backends, clock, options);
  const AdminEndpoints admin(gateway);

  EXPECT_EQ(Answer(gateway, http::verb::get, "/healthz").result_int(), 200);
  HttpResponse hidden = Answer(gateway, http::verb::get, "/metrics");
  EXPECT_EQ(hidden.result_int(), 404);

  HttpResponse metrics = Answer(admin, http::verb::get, "/metrics");
  EXPECT_EQ(metrics.result_int(), 200);
  EXPECT_EQ(metrics[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  // The public requests above, counted by the public handler.
  EXPECT_THAT(
      metrics.body(),
      HasSubstr(
          R"(stadt_gateway_http_requests_total{method="GET",route="/healthz",code="2xx"} 1)"));
  EXPECT_THAT(metrics.body(), HasSubstr("stadt_gateway_circuit_open"));
  EXPECT_EQ(Answer(admin, http::verb::get, "/metrics?x=1").result_int(), 200);
  EXPECT_EQ(Answer(admin, http::verb::post, "/metrics").result_int(), 404);
  EXPECT_EQ(Answer(admin, http::verb::get, "/v1/shelves/s").result_int(), 404);
  EXPECT_EQ(Answer(admin, http::verb::get, "/healthz").result_int(), 404);
}

}  // namespace
}  // namespace stadt::gateway
