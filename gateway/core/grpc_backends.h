#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "gateway/core/backends.h"
#include "grpcpp/generic/generic_stub.h"

namespace stadt::gateway {

// Calls the services with gRPC's generic stub: the gateway moves serialized
// messages and never needs a generated client per service.
class GrpcBackends final : public Backends {
 public:
  // service full name -> "host:port". `readiness` names the services whose
  // health /readyz waits for (full names); all of them when empty.
  explicit GrpcBackends(const std::map<std::string, std::string>& addresses,
                        const std::set<std::string>& readiness = {});

  void Call(BackendCall call, CallDone done) override;
  void CheckHealth(absl::Duration timeout, HealthDone done) override;

 private:
  struct Backend {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<grpc::GenericStub> stub;
  };
  std::map<std::string, Backend> backends_;
  std::set<std::string> readiness_;
};

// Decodes a grpc.health.v1.HealthCheckResponse without its generated code:
// field 1 (status) == 1 means SERVING.
bool IsServingHealthResponse(const std::string& serialized);

}  // namespace stadt::gateway
