#include "gateway/core/admin_endpoints.h"

#include "gateway/core/error_response.h"

namespace stadt::gateway {

namespace http = boost::beast::http;

void AdminEndpoints::Handle(const HttpRequest& request, const ClientInfo&, Done done) const {
  const std::string_view target(request.target().data(), request.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  HttpResponse response =
      request.method() == http::verb::get && path == "/metrics"
          ? gateway_.MetricsResponse()
          : ErrorResponse(grpc::StatusCode::NOT_FOUND, "route_not_found", "no such route");
  response.set(http::field::cache_control, "no-store");
  response.set("X-Content-Type-Options", "nosniff");
  response.prepare_payload();
  done(std::move(response));
}

}  // namespace stadt::gateway
