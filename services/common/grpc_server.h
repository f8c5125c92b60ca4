#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace grpc {
class Service;
}

namespace stadt {

struct GrpcServerOptions {
  std::string address;  // host:port to listen on
  // How often readiness is re-checked and published on grpc.health.v1.
  absl::Duration readiness_interval = absl::Seconds(2);
  // How long in-flight calls may finish after SIGTERM before they are cancelled.
  absl::Duration drain_timeout = absl::Seconds(10);
};

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// later, so that RunGrpcServer can wait for them synchronously. Call it first
// thing in main, before any library starts threads.
void BlockTerminationSignals();

// Serves `services` plus the standard grpc.health.v1 health service until
// SIGTERM or SIGINT, then drains. `ready` (e.g. "Redis answers PING") decides
// whether health reports SERVING; it is polled every readiness_interval.
absl::Status RunGrpcServer(const GrpcServerOptions& options,
                           const std::vector<grpc::Service*>& services,
                           const std::function<bool()>& ready);

}  // namespace stadt
