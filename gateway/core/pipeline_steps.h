#pragma once

// The steps a request to a route passes before its backend call, each a
// function of what it needs and nothing else, so each is tested alone
// (pipeline_steps_test.cc). A step answers std::nullopt to let the request
// on, or the response that ends it. The order is declared once, in
// Gateway::kSteps (gateway.cc).

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "gateway/auth/jwt.h"
#include "gateway/core/http_types.h"
#include "gateway/metrics/metrics.h"
#include "gateway/pow/proof_of_work.h"
#include "gateway/ratelimit/rate_limiter.h"
#include "gateway/routing/route_table.h"
#include "gateway/transcode/transcoder.h"
#include "google/protobuf/message.h"

namespace stadt::gateway {

// The request target, parsed once: the raw path (for the gateway's own
// endpoints, which match it literally) and, when the target is well-formed
// origin-form, its decoded segments and query parameters (for routes).
struct Target {
  struct Decoded {
    std::vector<std::string> segments;
    QueryParams query;
  };
  std::string_view path;           // into the request; up to the '?'
  std::optional<Decoded> decoded;  // absent: malformed target
};
Target ParseTarget(std::string_view target);

// --- CORS
// The Origin header when `allowed_origins` admits it ("*" admits any); empty
// otherwise.
std::string AllowedOrigin(const HttpRequest& request,
                          const std::vector<std::string>& allowed_origins);
// OPTIONS with Origin and Access-Control-Request-Method.
bool IsPreflight(const HttpRequest& request);
// The answer to a preflight: which methods and headers a browser may use on
// the path (403 for an origin not allowed, 404 for a path without routes).
HttpResponse Preflight(const Target& target, const RouteTable& routes,
                       std::string_view allowed_origin);
inline constexpr std::string_view kCorsAllowedHeaders =
    "Authorization, Content-Type, X-Request-Id, traceparent, X-Pow-Solution";
inline constexpr std::string_view kCorsExposedHeaders = "Retry-After, X-Request-Id";
inline constexpr std::string_view kCorsMaxAgeSeconds = "600";

// --- Routing: the route of method and target, or 400 bad_target, 404
// route_not_found, 405 method_not_allowed with Allow.
struct Routed {
  std::optional<RouteMatch> match;
  std::optional<HttpResponse> refusal;
};
Routed RouteRequest(std::string_view method, const Target& target, const RouteTable& routes);

// --- Rate limit: one token of the route class's buckets of the client
// address and (with a valid token) the subject; 429 with Retry-After when
// empty; 503 when the limiter is unreachable and configured to fail closed.
// A null limiter lets everything through.
std::optional<HttpResponse> CheckRateLimit(const RateLimiter* limiter, const Route& route,
                                           std::string_view client_address,
                                           std::string_view subject, absl::Time now,
                                           HttpMetrics& metrics);

// --- Authentication: the caller's identity from a bearer token. Both absent:
// an anonymous caller. An error is a refusal (401) to answer after the rate
// limit, so that guessing tokens costs the guesser's address bucket too.
struct AuthResult {
  std::optional<auth::Identity> identity;
  std::optional<HttpResponse> error;
};
AuthResult Authenticate(const HttpRequest& request, const auth::TokenVerifier* verifier,
                        absl::Time now);

// --- Authorization: the route's roles, then, where the path names the place,
// the token's scope for it.
std::optional<HttpResponse> Authorize(const RouteMatch& match,
                                      const std::optional<auth::Identity>& identity);

// --- Media type: a body must be application/json (415 otherwise).
std::optional<HttpResponse> CheckMediaType(const HttpRequest& request);

// --- Binding: path variables, query and JSON body into the route's request
// message (400 invalid_request when they do not fit).
struct Bound {
  std::unique_ptr<google::protobuf::Message> message;
  std::optional<HttpResponse> refusal;
};
Bound BindMessage(const RouteMatch& match, const QueryParams& query, std::string_view body);

// --- Proof of work: the X-Pow-Solution header on a protected route (428,
// 403 or 503 when it does not pass); counted in the metrics. Unprotected
// routes pass.
std::optional<HttpResponse> CheckPow(const pow::Guard* guard, bool route_protected,
                                     const HttpRequest& request, absl::Time now,
                                     HttpMetrics& metrics);

// Rate limit class of a route: "read" for GET, "write" for every method that
// changes something.
std::string_view RouteClassOf(const Route& route);
inline constexpr std::string_view kRouteClasses[] = {"read", "write"};

// Identity values go out as gRPC metadata, which allows only printable ASCII.
bool IsPrintableAscii(std::string_view value);

}  // namespace stadt::gateway
