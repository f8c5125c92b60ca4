#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace stadt::gateway {

struct BackendCall {
  std::string service;    // full name, e.g. "stadt.appointments.v1.Appointments"
  std::string grpc_path;  // "/stadt.appointments.v1.Appointments/ListOffices"
  std::string request;    // serialized request message
  std::vector<std::pair<std::string, std::string>> metadata;
  absl::Duration timeout;
  // Safe to send twice (reads): only such calls are retried.
  bool idempotent = false;
};

using CallDone = std::function<void(const grpc::Status& status, std::string response)>;
// Names of the backends that did not report SERVING (empty: all ready).
using HealthDone = std::function<void(std::vector<std::string> not_serving)>;

// The gateway's port to the gRPC services; a fake replaces it in unit tests.
class Backends {
 public:
  virtual ~Backends() = default;
  // Runs `done` exactly once, on any thread.
  virtual void Call(BackendCall call, CallDone done) = 0;
  // Asks every backend's grpc.health.v1 service; runs `done` exactly once.
  virtual void CheckHealth(absl::Duration timeout, HealthDone done) = 0;
};

}  // namespace stadt::gateway
