#pragma once

#include "services/common/grpc_reactor.h"
#include "services/privacy/rpc/privacy_grpc_service.h"
#include "stadt/privacy/v1/privacy.grpc.pb.h"

namespace stadt::privacy {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Both calls wait for the other services'
// answers (blocking gRPC calls), so each runs on `pool`, off gRPC's threads.
class PrivacyReactorService final : public v1::Privacy::CallbackService {
 public:
  PrivacyReactorService(PrivacyGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* ExportMyData(grpc::CallbackServerContext* context,
                                         const v1::ExportMyDataRequest* request,
                                         v1::MyData* response) override;
  grpc::ServerUnaryReactor* EraseMyData(grpc::CallbackServerContext* context,
                                        const v1::EraseMyDataRequest* request,
                                        v1::ErasureResult* response) override;

 private:
  PrivacyGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::privacy
