#pragma once

#include "services/audit/domain/audit_log.h"
#include "stadt/audit/v1/audit.grpc.pb.h"

namespace stadt::audit {

// The audit trail over gRPC. Append is the gateway's (no HTTP route); the
// gateway checks the roles of the query and verification routes. Every call
// blocks on Redis: AuditReactorService serves them with gRPC's callback API on
// a bounded pool (services/common/grpc_reactor.h).
class AuditGrpcService final {
 public:
  explicit AuditGrpcService(AuditLog& log) : log_(log) {}

  grpc::Status Append(grpc::ServerContextBase* context, const v1::AppendRequest* request,
                      v1::AppendResponse* response);
  grpc::Status QueryRecords(grpc::ServerContextBase* context,
                            const v1::QueryRecordsRequest* request,
                            v1::QueryRecordsResponse* response);
  grpc::Status VerifyChain(grpc::ServerContextBase* context, const v1::VerifyChainRequest* request,
                           v1::VerifyChainResponse* response);

 private:
  AuditLog& log_;
};

}  // namespace stadt::audit
