#include "services/privacy/rpc/privacy_grpc_service.h"

#include "services/common/call_context.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/status.h"

namespace stadt::privacy {

grpc::Status PrivacyGrpcService::ExportMyData(grpc::ServerContext* context,
                                              const v1::ExportMyDataRequest*,
                                              v1::MyData* response) {
  const std::string subject = CallerFromContext(*context).subject;
  absl::StatusOr<std::vector<ServiceData>> parts = rights_.Export(subject);
  if (!parts.ok()) return ToGrpcStatus(parts.status());
  response->set_subject(subject);
  for (const ServiceData& part : *parts)
    ToProto(part.service, part.records, *response->add_services());
  return grpc::Status::OK;
}

grpc::Status PrivacyGrpcService::EraseMyData(grpc::ServerContext* context,
                                             const v1::EraseMyDataRequest*,
                                             v1::ErasureResult* response) {
  absl::StatusOr<std::vector<ServiceErasure>> reports =
      rights_.Erase(CallerFromContext(*context).subject);
  if (!reports.ok()) return ToGrpcStatus(reports.status());
  for (const ServiceErasure& report : *reports) {
    ToProto(report.service, report.erasure, *response->add_services());
  }
  return grpc::Status::OK;
}

}  // namespace stadt::privacy
