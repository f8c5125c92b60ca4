#pragma once

#include <functional>
#include <string>

#include "gateway/core/http_types.h"

namespace stadt::gateway {

// What the HTTP server knows about the connection a request came on.
struct ClientInfo {
  std::string peer_address;  // TCP peer, e.g. "203.0.113.7"
  bool tls = false;
};

// Turns one HTTP request into one response; what an HttpServer serves. The
// public listener serves the Gateway, the admin listener AdminEndpoints.
class RequestHandler {
 public:
  using Done = std::function<void(HttpResponse)>;
  virtual ~RequestHandler() = default;
  // Calls `done` exactly once, possibly on another thread.
  virtual void Handle(const HttpRequest& request, const ClientInfo& client, Done done) const = 0;
};

}  // namespace stadt::gateway
