#pragma once

#include "services/privacy/domain/data_rights.h"
#include "stadt/privacy/v1/privacy.grpc.pb.h"

namespace stadt::privacy {

// GET and DELETE /v1/me/data: the caller's export and erasure (the gateway
// lets only citizens through; the subject is theirs). Both wait for the other
// services' answers: PrivacyReactorService serves them with gRPC's callback
// API on a bounded pool (services/common/grpc_reactor.h).
class PrivacyGrpcService final {
 public:
  explicit PrivacyGrpcService(DataRights& rights) : rights_(rights) {}

  grpc::Status ExportMyData(grpc::ServerContextBase* context,
                            const v1::ExportMyDataRequest* request, v1::MyData* response);
  grpc::Status EraseMyData(grpc::ServerContextBase* context, const v1::EraseMyDataRequest* request,
                           v1::ErasureResult* response);

 private:
  DataRights& rights_;
};

}  // namespace stadt::privacy
