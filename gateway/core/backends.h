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

// One backend as /readyz reports it.
struct BackendHealth {
  std::string service;  // full name
  bool serving = false;
  bool breaker_open = false;
  friend bool operator==(const BackendHealth&, const BackendHealth&) = default;
};
// Every backend readiness waits for, with its state.
using HealthDone = std::function<void(std::vector<BackendHealth> backends)>;

// The gateway's port to the gRPC services; a fake replaces it in unit tests.
class Backends {
 public:
  virtual ~Backends() = default;
  // Runs `done` exactly once, on any thread.
  virtual void Call(BackendCall call, CallDone done) = 0;
  // Asks every backend's grpc.health.v1 service; runs `done` exactly once.
  virtual void CheckHealth(absl::Duration timeout, HealthDone done) = 0;
  // Backends whose circuit breaker is open now (none without a breaker).
  virtual std::vector<std::string> OpenCircuits() const { return {}; }
};

}  // namespace stadt::gateway
