#include "gateway/core/pipeline_steps.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "boost/url/parse.hpp"
#include "gateway/core/error_response.h"
#include "gateway/openapi/openapi.h"
#include "services/common/call_context.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

namespace http = boost::beast::http;
namespace pb = google::protobuf;

HttpResponse Unauthenticated(std::string_view reason, std::string_view message) {
  HttpResponse response = ErrorResponse(grpc::StatusCode::UNAUTHENTICATED, reason, message);
  response.set(http::field::www_authenticate, "Bearer");
  return response;
}

// The place a scoped route names in its path (scope_segment), or "".
std::string_view ScopedPlace(const RouteMatch& match) {
  const Route& route = *match.route;
  if (route.scope_segment < 0) return {};
  const PathSegment* segment = &route.segments[static_cast<size_t>(route.scope_segment)];
  for (const auto& [variable, value] : match.variables) {
    if (variable == segment) return value;
  }
  return {};
}

bool IsJsonContentType(const HttpRequest& request) {
  auto header = request.find(http::field::content_type);
  if (header == request.end()) return false;
  std::string_view value(header->value().data(), header->value().size());
  std::string_view media_type = value.substr(0, value.find(';'));
  return absl::EqualsIgnoreCase(absl::StripAsciiWhitespace(ToAbsl(media_type)), "application/json");
}

// The outcome label of stadt_gateway_pow_checks_total.
std::string_view PowOutcomeLabel(pow::Outcome outcome) {
  if (outcome == pow::Outcome::kPassed) return "passed";
  std::string_view reason = pow::ReasonOf(outcome);
  reason.remove_prefix(std::string_view("pow_").size());
  return reason;
}

// The answer to a request whose proof of work did not pass.
HttpResponse PowRefusal(pow::Outcome outcome) {
  const std::string_view reason = pow::ReasonOf(outcome);
  switch (outcome) {
    case pow::Outcome::kRequired:
      return ErrorResponse(grpc::StatusCode::FAILED_PRECONDITION, reason,
                           absl::StrCat("this route needs a solved proof-of-work challenge: GET ",
                                        ToAbsl(kPowChallengePath), ", solve it, send it in ",
                                        ToAbsl(kPowSolutionHeader)),
                           428);
    case pow::Outcome::kExpired:
      return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, reason,
                           "the proof-of-work challenge has expired; get a new one");
    case pow::Outcome::kReplayed:
      return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, reason,
                           "this proof-of-work solution was used before; get a new challenge");
    case pow::Outcome::kUnavailable:
      return ErrorResponse(grpc::StatusCode::UNAVAILABLE, reason,
                           "the service is temporarily unavailable");
    case pow::Outcome::kInvalid:
    case pow::Outcome::kPassed:
      break;
  }
  return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, pow::ReasonOf(pow::Outcome::kInvalid),
                       "the proof-of-work solution is not valid; get a new challenge");
}

HttpResponse BadTarget() {
  return ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "bad_target",
                       "malformed request target");
}

}  // namespace

bool IsPrintableAscii(std::string_view value) {
  return !value.empty() && value.size() <= 256 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

std::string_view RouteClassOf(const Route& route) {
  return route.http_method == "GET" ? kRouteClasses[0] : kRouteClasses[1];
}

Target ParseTarget(std::string_view target) {
  Target parsed;
  parsed.path = target.substr(0, target.find('?'));
  boost::system::result<boost::urls::url_view> url = boost::urls::parse_origin_form(target);
  if (!url) return parsed;
  Target::Decoded& decoded = parsed.decoded.emplace();
  for (std::string segment : url->segments()) decoded.segments.push_back(std::move(segment));
  for (boost::urls::param param : url->params()) {
    decoded.query.emplace_back(std::move(param.key), std::move(param.value));
  }
  return parsed;
}

std::string AllowedOrigin(const HttpRequest& request,
                          const std::vector<std::string>& allowed_origins) {
  auto header = request.find(http::field::origin);
  if (header == request.end()) return "";
  std::string_view origin(header->value().data(), header->value().size());
  for (const std::string& allowed : allowed_origins) {
    if (allowed == "*" || allowed == origin) return std::string(origin);
  }
  return "";
}

bool IsPreflight(const HttpRequest& request) {
  return request.method() == http::verb::options && request.count(http::field::origin) > 0 &&
         request.count(http::field::access_control_request_method) > 0;
}

HttpResponse Preflight(const Target& target, const RouteTable& routes,
                       std::string_view allowed_origin) {
  if (allowed_origin.empty()) {
    return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, "origin_not_allowed",
                         "this origin may not call the API from a browser");
  }
  if (!target.decoded.has_value()) return BadTarget();
  // No route answers OPTIONS, so the match lists every method the path has.
  MatchResult match = routes.Match("OPTIONS", target.decoded->segments);
  if (match.allowed_methods.empty()) {
    return ErrorResponse(grpc::StatusCode::NOT_FOUND, "route_not_found", "no such route");
  }
  HttpResponse response;
  response.result(http::status::no_content);
  response.set(http::field::access_control_allow_methods,
               absl::StrJoin(match.allowed_methods, ", "));
  response.set(http::field::access_control_allow_headers, kCorsAllowedHeaders);
  response.set(http::field::access_control_max_age, kCorsMaxAgeSeconds);
  return response;
}

Routed RouteRequest(std::string_view method, const Target& target, const RouteTable& routes) {
  Routed routed;
  if (!target.decoded.has_value()) {
    routed.refusal = BadTarget();
    return routed;
  }
  MatchResult match = routes.Match(method, target.decoded->segments);
  if (match.kind == MatchResult::Kind::kNoSuchPath) {
    routed.refusal = ErrorResponse(grpc::StatusCode::NOT_FOUND, "route_not_found", "no such route");
  } else if (match.kind == MatchResult::Kind::kMethodNotAllowed) {
    routed.refusal = ErrorResponse(grpc::StatusCode::UNIMPLEMENTED, "method_not_allowed",
                                   "method not allowed on this route", 405);
    routed.refusal->set(http::field::allow, absl::StrJoin(match.allowed_methods, ", "));
  } else {
    routed.match = std::move(match.match);
  }
  return routed;
}

std::optional<HttpResponse> CheckRateLimit(const RateLimiter* limiter, const Route& route,
                                           std::string_view client_address,
                                           std::string_view subject, absl::Time now,
                                           HttpMetrics& metrics) {
  if (limiter == nullptr) return std::nullopt;
  const std::string_view route_class = RouteClassOf(route);
  RateLimitOutcome outcome = limiter->Check(route_class, client_address, subject, now);
  switch (outcome.kind) {
    case RateLimitOutcome::Kind::kAllowed:
      return std::nullopt;
    case RateLimitOutcome::Kind::kUnavailableOpen:
      metrics.RateLimiterUnavailable(/*failed_open=*/true);
      return std::nullopt;
    case RateLimitOutcome::Kind::kUnavailableClosed:
      metrics.RateLimiterUnavailable(/*failed_open=*/false);
      return ErrorResponse(grpc::StatusCode::UNAVAILABLE, "rate_limiter_unavailable",
                           "the service is temporarily unavailable");
    case RateLimitOutcome::Kind::kLimited:
      break;
  }
  metrics.RateLimited(route_class);
  HttpResponse response = ErrorResponse(grpc::StatusCode::RESOURCE_EXHAUSTED, "rate_limited",
                                        "too many requests; retry later", 429);
  // Whole seconds, rounded up: retrying earlier would only be refused again.
  const int64_t seconds =
      std::max<int64_t>(1, absl::ToInt64Seconds(absl::Ceil(outcome.retry_after, absl::Seconds(1))));
  response.set(http::field::retry_after, absl::StrCat(seconds));
  return response;
}

AuthResult Authenticate(const HttpRequest& request, const auth::TokenVerifier* verifier,
                        absl::Time now) {
  AuthResult result;
  auto header = request.find(http::field::authorization);
  if (header == request.end()) return result;
  std::string_view value(header->value().data(), header->value().size());
  if (!absl::StartsWithIgnoreCase(ToAbsl(value), "Bearer ") || value.size() <= 7) {
    result.error = Unauthenticated("malformed_authorization", "expected: Bearer <token>");
    return result;
  }
  if (verifier == nullptr) {
    result.error = Unauthenticated("tokens_not_accepted", "this gateway accepts no tokens");
    return result;
  }
  absl::StatusOr<auth::Identity> identity = verifier->Verify(value.substr(7), now);
  if (!identity.ok()) {
    result.error =
        Unauthenticated(FromAbsl(identity.status().message()), "the bearer token was refused");
    return result;
  }
  if (!IsPrintableAscii(identity->subject)) {
    result.error = Unauthenticated("bad_subject", "the token's subject is not usable");
    return result;
  }
  result.identity = *std::move(identity);
  return result;
}

// A refusal here saves the call; the service checks the scope again against
// the object it loads.
std::optional<HttpResponse> Authorize(const RouteMatch& match,
                                      const std::optional<auth::Identity>& identity) {
  const Route& route = *match.route;
  if (!identity.has_value()) {
    if (route.allow_anonymous) return std::nullopt;
    return Unauthenticated("authentication_required", "this route needs a bearer token");
  }
  if (route.roles.empty()) return std::nullopt;
  const bool role_allowed =
      std::any_of(identity->roles.begin(), identity->roles.end(),
                  [&](const std::string& role) { return route.roles.contains(role); });
  if (!role_allowed) {
    return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, "role_not_allowed",
                         "your role may not use this route");
  }
  const std::string_view place = ScopedPlace(match);
  if (!place.empty() && !ScopesGrant(identity->scopes, route.scope, place)) {
    return ErrorResponse(grpc::StatusCode::PERMISSION_DENIED, "scope_not_granted",
                         "your token is not scoped to this place");
  }
  return std::nullopt;
}

std::optional<HttpResponse> CheckMediaType(const HttpRequest& request) {
  if (request.body().empty() || IsJsonContentType(request)) return std::nullopt;
  return ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "unsupported_media_type",
                       "send the body as application/json", 415);
}

Bound BindMessage(const RouteMatch& match, const QueryParams& query, std::string_view body) {
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(match.route->method->input_type());
  Bound bound;
  bound.message.reset(prototype->New());
  if (absl::Status status = BindRequest(match, query, body, bound.message.get()); !status.ok()) {
    bound.refusal = ErrorResponse(grpc::StatusCode::INVALID_ARGUMENT, "invalid_request",
                                  FromAbsl(status.message()));
  }
  return bound;
}

std::optional<HttpResponse> CheckPow(const pow::Guard* guard, bool route_protected,
                                     const HttpRequest& request, absl::Time now,
                                     HttpMetrics& metrics) {
  if (guard == nullptr || !route_protected) return std::nullopt;
  auto [begin, end] = request.equal_range(
      boost::beast::string_view(kPowSolutionHeader.data(), kPowSolutionHeader.size()));
  pow::Outcome outcome;
  if (begin == end) {
    outcome = guard->Check(std::nullopt, now);
  } else if (std::next(begin) != end) {
    // Two solutions in one request: which one counts would be up to us; neither.
    outcome = pow::Outcome::kInvalid;
  } else {
    outcome = guard->Check(std::string_view(begin->value().data(), begin->value().size()), now);
  }
  metrics.PowChecked(PowOutcomeLabel(outcome));
  if (outcome == pow::Outcome::kPassed) return std::nullopt;
  return PowRefusal(outcome);
}

}  // namespace stadt::gateway
