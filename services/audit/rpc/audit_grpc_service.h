#pragma once

#include "services/audit/domain/audit_log.h"
#include "stadt/audit/v1/audit.grpc.pb.h"

namespace stadt::audit {

// The audit trail over gRPC. Append is the gateway's (no HTTP route); the
// gateway checks the roles of the query and verification routes.
class AuditGrpcService final : public v1::Audit::Service {
 public:
  explicit AuditGrpcService(AuditLog& log) : log_(log) {}

  grpc::Status Append(grpc::ServerContext* context, const v1::AppendRequest* request,
                      v1::AppendResponse* response) override;
  grpc::Status QueryRecords(grpc::ServerContext* context, const v1::QueryRecordsRequest* request,
                            v1::QueryRecordsResponse* response) override;
  grpc::Status VerifyChain(grpc::ServerContext* context, const v1::VerifyChainRequest* request,
                           v1::VerifyChainResponse* response) override;

 private:
  AuditLog& log_;
};

}  // namespace stadt::audit
