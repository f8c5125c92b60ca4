#include "gateway/core/admin_endpoints.h"

#include "gateway/core/error_response.h"

namespace stadt::gateway {

namespace http = boost::beast::http;

void AdminEndpoints::Handle(const HttpRequest& request, const ClientInfo&, Done done) const {
  const absl::Time start = gateway_.clock().Now();
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const bool metrics = request.method() == http::verb::get && path == "/metrics";
  HttpResponse response =
      metrics ? gateway_.MetricsResponse()
              : ErrorResponse(grpc::StatusCode::NOT_FOUND, "route_not_found", "no such route");
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.prepare_payload();
  // Counted after the body is rendered: a scrape shows the scrapes before it.
  gateway_.CountAdminRequest(
      std::string_view(request.method_string().data(), request.method_string().size()),
      metrics ? path : HttpMetrics::kUnmatched, response.result_int(),
      gateway_.clock().Now() - start);
  done(std::move(response));
}

}  // namespace stadt::gateway
