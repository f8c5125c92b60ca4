#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <utility>

#include "absl/time/time.h"
#include "gateway/auth/jwt.h"
#include "gateway/core/audit_trail.h"
#include "gateway/core/backends.h"
#include "gateway/core/http_types.h"
#include "gateway/core/pipeline_steps.h"
#include "gateway/core/request_facts.h"
#include "gateway/core/request_handler.h"
#include "gateway/metrics/metrics.h"
#include "gateway/openapi/openapi.h"
#include "gateway/pow/proof_of_work.h"
#include "gateway/ratelimit/rate_limiter.h"
#include "gateway/routing/route_table.h"
#include "gateway/staffapp/static_site.h"
#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"

namespace stadt::gateway {

struct GatewayOptions {
  absl::Duration backend_timeout = absl::Seconds(5);
  absl::Duration health_timeout = absl::Seconds(1);
  OpenApiInfo openapi;
  // Serve GET /metrics on this (public) handler. The binary turns it off and
  // serves the metrics on its admin listener instead (AdminEndpoints).
  bool serve_metrics = true;
  // How many reverse proxies (e.g. the ingress) in front of the gateway
  // append to X-Forwarded-For. 0: the header is ignored and the client is the
  // TCP peer; otherwise the client is the entry the outermost trusted proxy
  // added. Never trust more hops than there really are: clients can write
  // anything into the header themselves.
  int trusted_proxy_hops = 0;
  // Browser origins ("https://portal.stadt.example") allowed to call the API
  // cross-origin; "*" allows any. Empty: no CORS headers at all.
  std::vector<std::string> cors_allowed_origins;
  // Send HSTS also on plain connections, because a proxy in front
  // terminates TLS. HSTS is always sent on the gateway's own TLS connections.
  bool assume_https = false;
  absl::Duration hsts_max_age = absl::Hours(24 * 365);
  // Receives service_request_success for every request proxied to a backend
  // (service = the backend's name). Null: no KPI events.
  KpiRecorder* kpis = nullptr;
  // Proof of work: GET /v1/pow/challenge hands out challenges, and requests
  // to `pow_routes` ((method, path template) pairs, see ParseRouteList) must
  // carry a solution in X-Pow-Solution. Null: no route needs one and the
  // challenge endpoint answers 404.
  const pow::Guard* pow_guard = nullptr;
  std::set<std::pair<std::string, std::string>> pow_routes = {};
  // The staff web app's files, served under its prefix (GET only, each with
  // the app's own policy); /dashboard redirects to its steering screen. Null:
  // no staff app (and no /dashboard).
  const StaticSite* staff_app = nullptr;
  // Write the access-log line (event http_request, level info) of every
  // request. The binary turns it off when the log level drops info lines, so
  // that they are not even built.
  bool access_log = true;
};

// Parses a comma-separated list of routes, "POST /v1/holds, POST
// /v1/video/holds", into (method, path template) pairs. INVALID_ARGUMENT
// naming the first entry that is malformed or not a route of `routes`, so a
// typo stops the gateway at start instead of leaving a route unprotected.
absl::StatusOr<std::set<std::pair<std::string, std::string>>> ParseRouteList(
    std::string_view text, const RouteTable& routes);

// Turns one HTTP request into one response: the gateway's own endpoints
// (kOwnEndpoints), then for routes the steps of kSteps in order (CORS, routing,
// rate limit, authentication, authorization, media type, binding, proof of
// work) and the backend call with JSON <-> proto. Knows nothing about sockets;
// the HTTP server only moves bytes in and out of it.
class Gateway final : public RequestHandler {
 public:
  // `verifier` may be null: then every token is refused and only anonymous
  // routes work.
  // `rate_limiter` may be null: no rate limits.
  Gateway(RouteTable routes, const auth::TokenVerifier* verifier, Backends& backends,
          const Clock& clock, GatewayOptions options, const RateLimiter* rate_limiter = nullptr);

  // Calls `done` exactly once, possibly on a gRPC thread.
  void Handle(const HttpRequest& request, const ClientInfo& client, Done done) const override;
  void Handle(const HttpRequest& request, Done done) const {
    Handle(request, ClientInfo{}, std::move(done));
  }

  const HttpMetrics& metrics() const { return *metrics_; }
  // GET /metrics: the Prometheus text of the request metrics and the open
  // circuits; served here or by the admin listener.
  HttpResponse MetricsResponse() const;
  // Counts a request the admin listener answered, in its own series
  // (HttpMetrics::AdminRequestFinished); the time is measured on clock().
  void CountAdminRequest(std::string_view method, std::string_view route, int status,
                         absl::Duration latency) const {
    metrics_->AdminRequestFinished(method, route, status, latency);
  }
  const Clock& clock() const { return clock_; }
  // The names of the route steps, in the order they run.
  static std::vector<std::string_view> StepNames();
  // The metrics route labels of the gateway's own endpoints.
  static std::vector<std::string_view> OwnEndpointLabels();

 private:
  struct Exchange;  // one request on its way through the steps (gateway.cc)
  // What the answer to a request needs to know about it.
  struct RequestFacts {
    std::string request_id;
    std::string method;
    absl::Time start;
    bool https = false;
    std::string allowed_origin;  // empty: none
    std::string language;
  };
  // Finishes every answer (headers, metrics, access log), then calls `done`.
  using Finish = std::function<void(HttpResponse)>;
  Finish Finisher(RequestFacts facts, std::string_view route_label, Done done) const;
  struct Step {
    std::string_view name;
    std::optional<HttpResponse> (Gateway::*run)(Exchange&) const;
  };
  static const Step kSteps[];
  struct OwnEndpoint {
    std::string_view label;  // the exact path, except for the staff app's files
    bool (Gateway::*matches)(std::string_view path) const;
    void (Gateway::*serve)(const HttpRequest& request, std::string_view path,
                           const Done& done) const;
  };
  static const OwnEndpoint kOwnEndpoints[];

  // The own endpoints (GET only).
  const OwnEndpoint* FindOwnEndpoint(const HttpRequest& request, std::string_view path) const;
  bool IsHealthPath(std::string_view path) const { return path == "/healthz"; }
  bool IsReadyPath(std::string_view path) const { return path == "/readyz"; }
  bool IsOpenApiPath(std::string_view path) const { return path == "/openapi.json"; }
  bool IsPublicMetricsPath(std::string_view path) const;
  bool IsPowChallengePath(std::string_view path) const;
  bool IsDashboardPath(std::string_view path) const;
  bool IsStaffAppPath(std::string_view path) const;
  void ServeHealth(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServeReady(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServeOpenApi(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServeMetrics(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServePowChallenge(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServeDashboard(const HttpRequest& request, std::string_view path, const Done& done) const;
  void ServeStaffApp(const HttpRequest& request, std::string_view path, const Done& done) const;

  // The route steps, thin adapters from the exchange to pipeline_steps.h.
  std::optional<HttpResponse> CorsStep(Exchange& exchange) const;
  std::optional<HttpResponse> RouteStep(Exchange& exchange) const;
  std::optional<HttpResponse> RateLimitStep(Exchange& exchange) const;
  std::optional<HttpResponse> AuthenticationStep(Exchange& exchange) const;
  std::optional<HttpResponse> AuthorizationStep(Exchange& exchange) const;
  std::optional<HttpResponse> MediaTypeStep(Exchange& exchange) const;
  std::optional<HttpResponse> BindingStep(Exchange& exchange) const;
  std::optional<HttpResponse> PowStep(Exchange& exchange) const;
  // The caller, authenticated once per request by whichever step asks first.
  const AuthResult& Caller(Exchange& exchange) const;

  // Calls the route's backend; takes `facts` over once the call is built.
  void CallBackend(Exchange& exchange, RequestFacts& facts, Done done) const;
  // Prometheus lines of the backends whose circuit is open now.
  std::string BreakerMetrics() const;
  void RecordBackendOutcome(const Route& route, int http_status) const;
  // Appends the audit record of an audited call, then answers `response`.
  void AppendAudit(const Route& route, AuditContext context, const grpc::Status& status,
                   const std::string& bytes, HttpResponse response, Done done) const;

  RouteTable routes_;
  const auth::TokenVerifier* verifier_;
  Backends& backends_;
  const Clock& clock_;
  GatewayOptions options_;
  const RateLimiter* rate_limiter_;
  std::set<const Route*> pow_routes_;  // into routes_
  std::string openapi_json_;           // Rendered once: routes never change while running.
  std::unique_ptr<HttpMetrics> metrics_;
  // Service -> backend name as in linked_apis.cc, for the KPI dimension.
  std::map<const google::protobuf::ServiceDescriptor*, std::string> backend_names_;
};

// Where /dashboard sends browsers: the staff app's steering screen, which
// replaced the old English dashboard page.
inline constexpr std::string_view kDashboardPath = "/dashboard";
inline constexpr std::string_view kDashboardLocation = "/staff/#/steering";

}  // namespace stadt::gateway
