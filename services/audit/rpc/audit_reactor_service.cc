#include "services/audit/rpc/audit_reactor_service.h"

namespace stadt::audit {

grpc::ServerUnaryReactor* AuditReactorService::Append(grpc::CallbackServerContext* context,
                                                      const v1::AppendRequest* request,
                                                      v1::AppendResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.Append(context, request, response); });
}

grpc::ServerUnaryReactor* AuditReactorService::QueryRecords(grpc::CallbackServerContext* context,
                                                            const v1::QueryRecordsRequest* request,
                                                            v1::QueryRecordsResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.QueryRecords(context, request, response); });
}

grpc::ServerUnaryReactor* AuditReactorService::VerifyChain(grpc::CallbackServerContext* context,
                                                           const v1::VerifyChainRequest* request,
                                                           v1::VerifyChainResponse* response) {
  return ServeOnPool(pool_, context,
                     [=, this] { return handlers_.VerifyChain(context, request, response); });
}

}  // namespace stadt::audit
