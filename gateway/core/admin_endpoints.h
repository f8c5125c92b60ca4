#pragma once

#include "gateway/core/gateway.h"
#include "gateway/core/request_handler.h"

namespace stadt::gateway {

// What the admin listener (GATEWAY_ADMIN_LISTEN) serves: GET /metrics, the
// public gateway's metrics, and nothing else (404). The public listener then
// does not serve /metrics (GatewayOptions::serve_metrics off), so traffic
// figures stay inside the cluster whatever the ingress routes. Its requests
// are counted in the request metrics labelled listener="admin".
class AdminEndpoints final : public RequestHandler {
 public:
  explicit AdminEndpoints(const Gateway& gateway) : gateway_(gateway) {}
  void Handle(const HttpRequest& request, const ClientInfo& client, Done done) const override;

 private:
  const Gateway& gateway_;
};

}  // namespace stadt::gateway
