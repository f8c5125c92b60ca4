#pragma once

#include "services/privacy/domain/data_rights.h"
#include "stadt/privacy/v1/privacy.grpc.pb.h"

namespace stadt::privacy {

// GET and DELETE /v1/me/data: the caller's export and erasure (the gateway
// lets only citizens through; the subject is theirs).
class PrivacyGrpcService final : public v1::Privacy::Service {
 public:
  explicit PrivacyGrpcService(DataRights& rights) : rights_(rights) {}

  grpc::Status ExportMyData(grpc::ServerContext* context, const v1::ExportMyDataRequest* request,
                            v1::MyData* response) override;
  grpc::Status EraseMyData(grpc::ServerContext* context, const v1::EraseMyDataRequest* request,
                           v1::ErasureResult* response) override;

 private:
  DataRights& rights_;
};

}  // namespace stadt::privacy
