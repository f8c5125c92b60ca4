#pragma once

#include "services/audit/rpc/audit_grpc_service.h"
#include "services/common/grpc_reactor.h"
#include "stadt/audit/v1/audit.grpc.pb.h"

namespace stadt::audit {

// What the gRPC server serves: the callback (reactor) API in front of the
// adapter (services/common/grpc_reactor.h). Every call reads or writes Redis, so
// each runs on `pool` (blocking Redis I/O stays off gRPC's threads).
class AuditReactorService final : public v1::Audit::CallbackService {
 public:
  AuditReactorService(AuditGrpcService& handlers, BlockingCallPool& pool)
      : handlers_(handlers), pool_(pool) {}

  grpc::ServerUnaryReactor* Append(grpc::CallbackServerContext* context,
                                   const v1::AppendRequest* request,
                                   v1::AppendResponse* response) override;
  grpc::ServerUnaryReactor* QueryRecords(grpc::CallbackServerContext* context,
                                         const v1::QueryRecordsRequest* request,
                                         v1::QueryRecordsResponse* response) override;
  grpc::ServerUnaryReactor* VerifyChain(grpc::CallbackServerContext* context,
                                        const v1::VerifyChainRequest* request,
                                        v1::VerifyChainResponse* response) override;

 private:
  AuditGrpcService& handlers_;
  BlockingCallPool& pool_;
};

}  // namespace stadt::audit
