#include "gateway/core/gateway.h"

#include <algorithm>
#include <limits>
#include <random>
#include <span>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gateway/core/audit_trail.h"
#include "gateway/core/error_response.h"
#include "gateway/core/linked_apis.h"
#include "gateway/reasons/reason_catalog.h"
#include "gateway/transcode/transcoder.h"
#include "google/protobuf/message.h"
#include "services/common/call_context.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/log.h"
#include "services/common/reason.h"
#include "services/common/status.h"
#include "services/common/strings.h"

namespace stadt::gateway {
namespace {

namespace http = boost::beast::http;
namespace pb = google::protobuf;

// One metrics series for every file of the staff app.
constexpr std::string_view kStaffAppRouteLabel = "/staff/*";

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response;
  response.result(status);
  response.set(http::field::content_type, "application/json");
  response.body() = std::move(body);
  return response;
}

// A W3C traceparent: "00-<32 hex>-<16 hex>-<2 hex>".
bool IsValidTraceparent(std::string_view value) {
  if (value.size() != 55 || value[2] != '-' || value[35] != '-' || value[52] != '-') return false;
  for (size_t i = 0; i < value.size(); ++i) {
    if (i == 2 || i == 35 || i == 52) continue;
    if (!absl::ascii_isxdigit(value[i]) || absl::ascii_isupper(value[i])) return false;
  }
  return true;
}

// A header value without control characters (no CR/LF header splitting).
bool IsPrintableHeaderValue(std::string_view value) {
  return !value.empty() && value.size() <= 256 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

std::string LowerCodeName(grpc::StatusCode code) {
  return absl::AsciiStrToLower(ToAbsl(GrpcCodeName(code)));
}

std::vector<std::pair<std::string, std::string>> CallMetadata(
    const HttpRequest& request, const std::string& request_id,
    const std::optional<auth::Identity>& identity) {
  std::vector<std::pair<std::string, std::string>> metadata = {{kRequestIdMetadata, request_id}};
  metadata.emplace_back(kLanguageMetadata, LanguageOf(request));
  auto traceparent = request.find("traceparent");
  if (traceparent != request.end() && IsValidTraceparent(traceparent->value())) {
    metadata.emplace_back(kTraceparentMetadata, std::string(traceparent->value()));
  }
  if (!identity.has_value()) return metadata;
  metadata.emplace_back(kSubjectMetadata, identity->subject);
  std::vector<std::string> roles;
  for (const std::string& role : identity->roles) {
    if (!role.empty() && std::all_of(role.begin(), role.end(),
                                     [](char c) { return absl::ascii_islower(c) || c == '_'; })) {
      roles.push_back(role);
    }
  }
  metadata.emplace_back(kRolesMetadata, absl::StrJoin(roles, ","));
  std::vector<std::string> scopes;
  for (const std::string& scope : identity->scopes) {
    if (IsPrintableAscii(scope)) scopes.push_back(scope);
  }
  if (!scopes.empty()) metadata.emplace_back(kScopesMetadata, absl::StrJoin(scopes, " "));
  return metadata;
}

// A response message named HttpBody with a string content_type and a bytes
// data field goes out as it is, with that content type (Prometheus text, a
// CSV export) instead of JSON. A content type that could split the header is
// the backend's bug and becomes a 500.
std::optional<HttpResponse> RawBodyResponse(const pb::Message& message) {
  const pb::Descriptor* type = message.GetDescriptor();
  if (type->name() != "HttpBody") return std::nullopt;
  const pb::FieldDescriptor* content_type = type->FindFieldByName("content_type");
  const pb::FieldDescriptor* data = type->FindFieldByName("data");
  if (content_type == nullptr || data == nullptr || content_type->is_repeated() ||
      data->is_repeated() || content_type->type() != pb::FieldDescriptor::TYPE_STRING ||
      data->type() != pb::FieldDescriptor::TYPE_BYTES) {
    return std::nullopt;
  }
  const pb::Reflection* reflection = message.GetReflection();
  std::string media_type = reflection->GetString(message, content_type);
  if (!IsPrintableHeaderValue(media_type)) {
    return ErrorResponse(grpc::StatusCode::INTERNAL, "bad_backend_response", "internal error");
  }
  HttpResponse response;
  response.result(200);
  response.set(http::field::content_type, media_type);
  response.body() = reflection->GetString(message, data);
  return response;
}

// RFC 9110's IMF-fixdate, for the Date header. It changes once a second, so
// each thread formats it once a second rather than once per response.
const std::string& HttpDate(absl::Time now) {
  thread_local int64_t formatted_second = std::numeric_limits<int64_t>::min();
  thread_local std::string formatted;
  const int64_t second = absl::ToUnixSeconds(now);
  if (second != formatted_second) {
    formatted = absl::FormatTime("%a, %d %b %Y %H:%M:%S GMT", now, absl::UTCTimeZone());
    formatted_second = second;
  }
  return formatted;
}

// A strong validator from the body: FNV-1a, 64 bits. Stable across replicas
// and restarts (unlike absl::Hash), so any replica answers 304 to an ETag
// another one gave.
std::string EntityTag(std::string_view body) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : body) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return absl::StrCat("\"", absl::Hex(hash, absl::kZeroPad16), "-", absl::Hex(body.size()), "\"");
}

// Whether an If-None-Match header names `etag` ("*", a list, weak forms).
bool MatchesIfNoneMatch(std::string_view header, std::string_view etag) {
  for (absl::string_view candidate : absl::StrSplit(ToAbsl(header), ',')) {
    candidate = absl::StripAsciiWhitespace(candidate);
    absl::ConsumePrefix(&candidate, "W/");
    if (candidate == "*" || candidate == ToAbsl(etag)) return true;
  }
  return false;
}

// A public catalog read: cacheable by anyone for the route's max-age, with an
// ETag; 304 without a body when the client already has this version.
HttpResponse CacheableResponse(const Route& route, HttpResponse response,
                               std::string_view if_none_match) {
  const std::string etag = EntityTag(response.body());
  if (!if_none_match.empty() && MatchesIfNoneMatch(if_none_match, etag)) {
    response.result(http::status::not_modified);
    response.body().clear();
    response.erase(http::field::content_type);
  }
  response.set(http::field::etag, etag);
  response.set(http::field::cache_control,
               absl::StrCat("public, max-age=", route.cache_max_age_seconds));
  return response;
}

// The machine-readable reason a client gets for a backend's refusal.
std::string BackendReason(const grpc::Status& safe) {
  if (safe.error_code() == grpc::StatusCode::UNAVAILABLE) return "backend_unavailable";
  if (safe.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return "backend_timeout";
  std::string reason = ReasonOf(FromGrpcStatus(safe));
  if (reason.empty()) reason = LowerCodeName(safe.error_code());
  return reason;
}

// A refusal the route does not declare is missing from the API's contract
// (OpenAPI, reason catalog): said in the log, so that it gets declared.
void WarnIfUndeclared(const Route& route, const std::string& reason) {
  const std::span<const std::string_view> common = CommonReasons();
  if (std::find(route.reasons.begin(), route.reasons.end(), reason) != route.reasons.end() ||
      std::find(common.begin(), common.end(), reason) != common.end()) {
    return;
  }
  log::Warn("undeclared_reason", {{"route", route.path_template}, {"reason", reason}});
}

HttpResponse BackendResponse(const Route& route, const grpc::Status& status,
                             const std::string& bytes) {
  if (!status.ok()) {
    // Backends already hide their internals; a transport failure message
    // (addresses, connection errors) is hidden here the same way.
    grpc::Status safe = ToGrpcStatus(FromGrpcStatus(status));
    const std::string reason = BackendReason(safe);
    WarnIfUndeclared(route, reason);
    return ErrorResponse(safe.error_code(), reason, safe.error_message());
  }
  const pb::Message* prototype =
      pb::MessageFactory::generated_factory()->GetPrototype(route.method->output_type());
  std::unique_ptr<pb::Message> response(prototype->New());
  if (!response->ParseFromString(bytes)) {
    return ErrorResponse(grpc::StatusCode::INTERNAL, "bad_backend_response", "internal error");
  }
  if (std::optional<HttpResponse> raw = RawBodyResponse(*response)) return *std::move(raw);
  absl::StatusOr<std::string> json = RenderJson(*response);
  if (!json.ok()) {
    return ErrorResponse(grpc::StatusCode::INTERNAL, "bad_backend_response", "internal error");
  }
  return JsonResponse(route.accepted ? 202 : 200, *std::move(json));
}

// Headers every response carries, whatever produced it. The API serves JSON,
// never pages: the strictest policy costs nothing and keeps a response
// rendered as a document from running or framing anything. The staff app's
// files set their own, still strict, policy before this runs; backend answers
// never carry headers of their own.
void AddSecurityHeaders(const GatewayOptions& options, bool https, HttpResponse& response) {
  // Only a public catalog read says otherwise (CacheableResponse).
  if (response.find(http::field::cache_control) == response.end()) {
    response.set(http::field::cache_control, "no-store");
  }
  response.set("X-Content-Type-Options", "nosniff");
  if (response.find("Content-Security-Policy") == response.end()) {
    response.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  if (https && options.hsts_max_age > absl::ZeroDuration()) {
    response.set(http::field::strict_transport_security,
                 absl::StrCat("max-age=", absl::ToInt64Seconds(options.hsts_max_age),
                              "; includeSubDomains"));
  }
}

void AddCorsHeaders(const GatewayOptions& options, std::string_view allowed_origin,
                    HttpResponse& response) {
  if (options.cors_allowed_origins.empty()) return;
  // Caches must keep answers for different origins apart.
  response.set(http::field::vary, "Origin");
  if (allowed_origin.empty()) return;
  response.set(http::field::access_control_allow_origin, allowed_origin);
  response.set(http::field::access_control_expose_headers, kCorsExposedHeaders);
}

std::vector<std::pair<std::string, std::string>> MetricSeries(const RouteTable& routes) {
  std::vector<std::pair<std::string, std::string>> series;
  for (std::string_view label : Gateway::OwnEndpointLabels()) {
    series.emplace_back("GET", std::string(label));
  }
  for (const Route& route : routes.routes()) {
    series.emplace_back(route.http_method, route.path_template);
  }
  return series;
}

OpenApiInfo OpenApiInfoFor(const GatewayOptions& options) {
  OpenApiInfo info = options.openapi;
  if (options.pow_guard != nullptr) info.pow_routes = options.pow_routes;
  return info;
}

// The file at `path`, gzip-compressed when it has that form and the client
// accepts it.
HttpResponse StaffAppFile(const StaticSite& site, std::string_view path,
                          std::string_view accept_encoding) {
  HttpResponse response;
  if (path.size() + 1 == site.prefix().size()) {
    // "/staff": the app's relative links need the slash.
    response.result(308);
    response.set(http::field::location, site.prefix());
    return response;
  }
  const StaticFile* file = site.Find(path);
  if (file == nullptr) {
    return ErrorResponse(grpc::StatusCode::NOT_FOUND, "route_not_found", "no such file");
  }
  response.result(200);
  response.set(http::field::content_type, file->content_type);
  response.set("Content-Security-Policy", site.content_security_policy());
  if (file->gzip_body.empty()) {
    response.body() = file->body;
    return response;
  }
  response.set(http::field::vary, "Accept-Encoding");
  if (AcceptsGzip(accept_encoding)) {
    response.set(http::field::content_encoding, "gzip");
    response.body() = file->gzip_body;
  } else {
    response.body() = file->body;
  }
  return response;
}

}  // namespace

absl::StatusOr<std::set<std::pair<std::string, std::string>>> ParseRouteList(
    std::string_view text, const RouteTable& routes) {
  std::set<std::pair<std::string, std::string>> parsed;
  for (absl::string_view entry : absl::StrSplit(ToAbsl(text), ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::vector<absl::string_view> parts = absl::StrSplit(entry, ' ', absl::SkipEmpty());
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", entry, "\": expected <METHOD> <path template>, e.g. POST /v1/holds"));
    }
    const std::string method = absl::AsciiStrToUpper(parts[0]);
    const std::string path(parts[1]);
    const bool known =
        std::any_of(routes.routes().begin(), routes.routes().end(), [&](const Route& route) {
          return route.http_method == method && route.path_template == path;
        });
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "\"", entry, "\" is not a route of this gateway (see GET /openapi.json for them)"));
    }
    parsed.emplace(method, path);
  }
  return parsed;
}

Gateway::Gateway(RouteTable routes, const auth::TokenVerifier* verifier, Backends& backends,
                 const Clock& clock, GatewayOptions options, const RateLimiter* rate_limiter)
    : routes_(std::move(routes)),
      verifier_(verifier),
      backends_(backends),
      clock_(clock),
      options_(std::move(options)),
      rate_limiter_(rate_limiter),
      openapi_json_(boost::json::serialize(BuildOpenApi(routes_, OpenApiInfoFor(options_)))),
      metrics_(std::make_unique<HttpMetrics>(
          MetricSeries(routes_),
          std::vector<std::string>(std::begin(kRouteClasses), std::end(kRouteClasses)))) {
  for (const LinkedApi& api : LinkedApis()) backend_names_[api.service] = api.name;
  if (options_.pow_guard != nullptr) {
    for (const Route& route : routes_.routes()) {
      if (options_.pow_routes.contains({route.http_method, route.path_template})) {
        pow_routes_.insert(&route);
      }
    }
  }
}

void Gateway::RecordBackendOutcome(const Route& route, int http_status) const {
  if (options_.kpis == nullptr) return;
  const google::protobuf::ServiceDescriptor* service = route.method->service();
  auto it = backend_names_.find(service);
  // A service outside linked_apis.cc (tests) is named like its proto service.
  std::string name =
      it != backend_names_.end() ? it->second : absl::AsciiStrToLower(service->name());
  options_.kpis->Ratio(kpi::kServiceRequestSuccess, http_status < 500,
                       {{std::string(kpi::kService), std::move(name)}});
}

struct Gateway::Exchange {
  const HttpRequest& request;
  const ClientInfo& client;
  const Target& target;
  const std::string& request_id;
  std::string_view allowed_origin;
  // For metrics and the access log: the route template once routed.
  std::string_view route_label = HttpMetrics::kUnmatched;
  std::optional<RouteMatch> match = std::nullopt;   // set by routing
  std::optional<AuthResult> caller = std::nullopt;  // see Caller()
  std::unique_ptr<pb::Message> message = nullptr;   // set by binding
  const Route& route() const { return *match->route; }
};

// The order is part of the contract: the rate limit is taken before the
// authentication verdict is returned, so that guessing tokens costs the
// guesser's address bucket too; the proof of work is checked last before the
// call, so a request that fails anything else keeps its solution unused for
// a corrected retry.
const Gateway::Step Gateway::kSteps[] = {
    {"cors", &Gateway::CorsStep},
    {"route", &Gateway::RouteStep},
    {"rate_limit", &Gateway::RateLimitStep},
    {"authentication", &Gateway::AuthenticationStep},
    {"authorization", &Gateway::AuthorizationStep},
    {"media_type", &Gateway::MediaTypeStep},
    {"binding", &Gateway::BindingStep},
    {"proof_of_work", &Gateway::PowStep},
};

// The gateway's own endpoints, all GET, answered before any route step (no
// rate limit, no token). The label names the endpoint's metrics series.
const Gateway::OwnEndpoint Gateway::kOwnEndpoints[] = {
    {"/healthz", &Gateway::IsHealthPath, &Gateway::ServeHealth},
    {"/readyz", &Gateway::IsReadyPath, &Gateway::ServeReady},
    {"/openapi.json", &Gateway::IsOpenApiPath, &Gateway::ServeOpenApi},
    {"/metrics", &Gateway::IsPublicMetricsPath, &Gateway::ServeMetrics},
    {kPowChallengePath, &Gateway::IsPowChallengePath, &Gateway::ServePowChallenge},
    {kDashboardPath, &Gateway::IsDashboardPath, &Gateway::ServeDashboard},
    {kStaffAppRouteLabel, &Gateway::IsStaffAppPath, &Gateway::ServeStaffApp},
};

std::vector<std::string_view> Gateway::StepNames() {
  std::vector<std::string_view> names;
  for (const Step& step : kSteps) names.push_back(step.name);
  return names;
}

std::vector<std::string_view> Gateway::OwnEndpointLabels() {
  std::vector<std::string_view> labels;
  for (const OwnEndpoint& endpoint : kOwnEndpoints) labels.push_back(endpoint.label);
  return labels;
}

void Gateway::Handle(const HttpRequest& request, const ClientInfo& client, Done done) const {
  metrics_->RequestStarted();
  RequestFacts facts{.request_id = RequestIdFor(request),
                     .method = std::string(request.method_string()),
                     .start = clock_.Now(),
                     .https = client.tls || options_.assume_https,
                     .allowed_origin = AllowedOrigin(request, options_.cors_allowed_origins),
                     .language = LanguageOf(request)};
  const Target target =
      ParseTarget(std::string_view(request.target().data(), request.target().size()));
  if (const OwnEndpoint* endpoint = FindOwnEndpoint(request, target.path)) {
    (this->*endpoint->serve)(request, target.path,
                             Finisher(std::move(facts), endpoint->label, std::move(done)));
    return;
  }
  Exchange exchange{.request = request,
                    .client = client,
                    .target = target,
                    .request_id = facts.request_id,
                    .allowed_origin = facts.allowed_origin};
  for (const Step& step : kSteps) {
    if (std::optional<HttpResponse> answer = (this->*step.run)(exchange)) {
      Finisher(std::move(facts), exchange.route_label, std::move(done))(*std::move(answer));
      return;
    }
  }
  CallBackend(exchange, facts, std::move(done));
}

// What every answer gets, whatever produced it: the localized error text, the
// security and CORS headers, the request id and date, its metrics and the
// access-log line. `route_label` points at a route template or an endpoint
// label, which live as long as the gateway.
Gateway::Finish Gateway::Finisher(RequestFacts facts, std::string_view route_label,
                                  Done done) const {
  return [this, facts = std::move(facts), route_label,
          done = std::move(done)](HttpResponse response) {
    LocalizeError(response, facts.language);
    AddSecurityHeaders(options_, facts.https, response);
    AddCorsHeaders(options_, facts.allowed_origin, response);
    const absl::Time now = clock_.Now();
    metrics_->RequestFinished(facts.method, route_label, response.result_int(), now - facts.start);
    // Built only when it is written: the fields copy their strings.
    if (options_.access_log) {
      log::Info("http_request", {{"request_id", facts.request_id},
                                 {"method", facts.method},
                                 {"route", route_label},
                                 {"status", response.result_int()},
                                 {"duration_ms", absl::ToDoubleMilliseconds(now - facts.start)}});
    }
    response.set("X-Request-Id", facts.request_id);
    response.set(http::field::date, HttpDate(now));
    response.prepare_payload();
    done(std::move(response));
  };
}

// --- The own endpoints

const Gateway::OwnEndpoint* Gateway::FindOwnEndpoint(const HttpRequest& request,
                                                     std::string_view path) const {
  if (request.method() != http::verb::get) return nullptr;
  for (const OwnEndpoint& endpoint : kOwnEndpoints) {
    if ((this->*endpoint.matches)(path)) return &endpoint;
  }
  return nullptr;
}

bool Gateway::IsPublicMetricsPath(std::string_view path) const {
  return options_.serve_metrics && path == "/metrics";
}
bool Gateway::IsPowChallengePath(std::string_view path) const { return path == kPowChallengePath; }
bool Gateway::IsDashboardPath(std::string_view path) const {
  return options_.staff_app != nullptr && path == kDashboardPath;
}
bool Gateway::IsStaffAppPath(std::string_view path) const {
  return options_.staff_app != nullptr && options_.staff_app->Covers(path);
}

void Gateway::ServeHealth(const HttpRequest&, std::string_view, const Done& done) const {
  done(JsonResponse(200, R"({"status":"ok"})"));
}

void Gateway::ServeOpenApi(const HttpRequest&, std::string_view, const Done& done) const {
  done(JsonResponse(200, openapi_json_));
}

void Gateway::ServeMetrics(const HttpRequest&, std::string_view, const Done& done) const {
  done(MetricsResponse());
}

HttpResponse Gateway::MetricsResponse() const {
  HttpResponse response;
  response.result(200);
  response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
  response.body() = metrics_->Render() + BreakerMetrics();
  return response;
}

void Gateway::ServePowChallenge(const HttpRequest&, std::string_view, const Done& done) const {
  if (options_.pow_guard == nullptr) {
    return done(ErrorResponse(grpc::StatusCode::NOT_FOUND, "pow_not_enabled",
                              "this gateway asks for no proof of work"));
  }
  done(JsonResponse(200, pow::ChallengeJson(options_.pow_guard->pow().NewChallenge(clock_.Now()))));
}

// The old English page is gone; its place is the staff app's German steering
// screen (which signs the user in first).
void Gateway::ServeDashboard(const HttpRequest&, std::string_view, const Done& done) const {
  HttpResponse response;
  response.result(http::status::permanent_redirect);
  response.set(http::field::location, kDashboardLocation);
  done(std::move(response));
}

void Gateway::ServeStaffApp(const HttpRequest& request, std::string_view path,
                            const Done& done) const {
  const auto accept_encoding = request[http::field::accept_encoding];
  done(StaffAppFile(*options_.staff_app, path,
                    std::string_view(accept_encoding.data(), accept_encoding.size())));
}

// --- The route steps

std::optional<HttpResponse> Gateway::CorsStep(Exchange& exchange) const {
  if (!IsPreflight(exchange.request)) return std::nullopt;
  return Preflight(exchange.target, routes_, exchange.allowed_origin);
}

std::optional<HttpResponse> Gateway::RouteStep(Exchange& exchange) const {
  const auto method = exchange.request.method_string();
  Routed routed =
      RouteRequest(std::string_view(method.data(), method.size()), exchange.target, routes_);
  if (routed.refusal.has_value()) return std::move(routed.refusal);
  exchange.match = std::move(routed.match);
  exchange.route_label = exchange.route().path_template;
  return std::nullopt;
}

const AuthResult& Gateway::Caller(Exchange& exchange) const {
  if (!exchange.caller.has_value()) {
    exchange.caller = Authenticate(exchange.request, verifier_, clock_.Now());
  }
  return *exchange.caller;
}

std::optional<HttpResponse> Gateway::RateLimitStep(Exchange& exchange) const {
  const AuthResult& caller = Caller(exchange);
  return CheckRateLimit(
      rate_limiter_, exchange.route(),
      ClientAddressFor(exchange.request, exchange.client, options_.trusted_proxy_hops),
      caller.identity.has_value() ? std::string_view(caller.identity->subject) : std::string_view(),
      clock_.Now(), *metrics_);
}

std::optional<HttpResponse> Gateway::AuthenticationStep(Exchange& exchange) const {
  return Caller(exchange).error;
}

std::optional<HttpResponse> Gateway::AuthorizationStep(Exchange& exchange) const {
  return Authorize(*exchange.match, Caller(exchange).identity);
}

std::optional<HttpResponse> Gateway::MediaTypeStep(Exchange& exchange) const {
  return CheckMediaType(exchange.request);
}

std::optional<HttpResponse> Gateway::BindingStep(Exchange& exchange) const {
  Bound bound =
      BindMessage(*exchange.match, exchange.target.decoded->query, exchange.request.body());
  if (bound.refusal.has_value()) return std::move(bound.refusal);
  exchange.message = std::move(bound.message);
  return std::nullopt;
}

std::optional<HttpResponse> Gateway::PowStep(Exchange& exchange) const {
  return CheckPow(options_.pow_guard, pow_routes_.contains(&exchange.route()), exchange.request,
                  clock_.Now(), *metrics_);
}

// --- The backend call

void Gateway::CallBackend(Exchange& exchange, RequestFacts& facts, Done done) const {
  const Route& route = exchange.route();
  const std::optional<auth::Identity>& identity = Caller(exchange).identity;
  BackendCall call;
  call.service = route.method->service()->full_name();
  call.grpc_path = route.grpc_path;
  call.request = exchange.message->SerializeAsString();
  call.metadata = CallMetadata(exchange.request, exchange.request_id, identity);
  call.timeout = options_.backend_timeout;
  call.idempotent = route.http_method == "GET";
  std::string if_none_match;
  if (auto header = exchange.request.find(http::field::if_none_match);
      header != exchange.request.end()) {
    if_none_match = std::string(header->value());
  }
  // Null for every route that is not audited: they pay one pointer.
  std::shared_ptr<AuditContext> audit;
  if (route.audit) {
    audit = std::make_shared<AuditContext>(
        MakeAuditContext(*exchange.match, *identity, exchange.request_id));
  }
  // Last: the exchange reads the request id from `facts` until here.
  Done finish = Finisher(std::move(facts), exchange.route_label, std::move(done));
  backends_.Call(std::move(call),
                 [this, &route, if_none_match = std::move(if_none_match), audit = std::move(audit),
                  done = std::move(finish)](const grpc::Status& status, const std::string& bytes) {
                   HttpResponse response = BackendResponse(route, status, bytes);
                   RecordBackendOutcome(route, response.result_int());
                   if (route.cache_max_age_seconds > 0 && response.result_int() == 200) {
                     response = CacheableResponse(route, std::move(response), if_none_match);
                   }
                   if (audit == nullptr) return done(std::move(response));
                   AppendAudit(route, std::move(*audit), status, bytes, std::move(response), done);
                 });
}

std::string Gateway::BreakerMetrics() const {
  std::string text =
      "# HELP stadt_gateway_circuit_open 1 while the gateway fails calls to this backend fast "
      "(its circuit breaker is open); closed circuits are not listed.\n"
      "# TYPE stadt_gateway_circuit_open gauge\n";
  for (const std::string& backend : backends_.OpenCircuits()) {
    absl::StrAppend(&text, "stadt_gateway_circuit_open{backend=\"", backend, "\"} 1\n");
  }
  return text;
}

// Ready when every backend it waits for is serving and reachable through a
// closed circuit; the body names each backend's state for operators.
void Gateway::ServeReady(const HttpRequest&, std::string_view, const Done& done) const {
  backends_.CheckHealth(
      options_.health_timeout, [done](const std::vector<BackendHealth>& backends) {
        boost::json::object states;
        std::vector<std::string> not_ready;
        for (const BackendHealth& backend : backends) {
          const char* state = backend.breaker_open ? "breaker_open"
                              : backend.serving    ? "serving"
                                                   : "not_serving";
          states[backend.service] = state;
          if (backend.breaker_open || !backend.serving) not_ready.push_back(backend.service);
        }
        if (not_ready.empty()) {
          done(JsonResponse(200, boost::json::serialize(boost::json::object{
                                     {"status", "ready"}, {"backends", states}})));
          return;
        }
        HttpResponse response =
            ErrorResponse(grpc::StatusCode::UNAVAILABLE, "backend_not_ready",
                          absl::StrCat("not ready: ", absl::StrJoin(not_ready, ", ")));
        boost::json::value body = boost::json::parse(response.body());
        body.as_object()["backends"] = std::move(states);
        response.body() = boost::json::serialize(body);
        done(std::move(response));
      });
}

// The action is done when its backend answered; its record is appended before
// the client hears of it, so a client that saw the answer can rely on the
// record. If the audit service fails, the client still gets the action's true
// outcome (refusing it now would not undo it): the failure is counted
// (stadt_gateway_audit_failures_total) and logged with ids only, for
// operators to alert on. /readyz waits for the audit service like every
// backend, so a gateway without it takes no traffic in the first place.
void Gateway::AppendAudit(const Route& route, AuditContext context, const grpc::Status& status,
                          const std::string& bytes, HttpResponse response, Done done) const {
  const std::string reason =
      status.ok() ? std::string() : BackendReason(ToGrpcStatus(FromGrpcStatus(status)));
  std::string request_id = context.request_id;
  BackendCall call = AuditAppendCall(route, std::move(context), status, response.result_int(),
                                     reason, bytes, options_.backend_timeout);
  auto answer = std::make_shared<HttpResponse>(std::move(response));
  backends_.Call(
      std::move(call), [this, &route, request_id = std::move(request_id), answer,
                        done = std::move(done)](const grpc::Status& appended, const std::string&) {
        if (!appended.ok()) {
          metrics_->AuditFailed();
          log::Error("audit_append_failed", {{"request_id", request_id},
                                             {"rpc", route.grpc_path},
                                             {"code", static_cast<int>(appended.error_code())}});
        }
        done(std::move(*answer));
      });
}

}  // namespace stadt::gateway
