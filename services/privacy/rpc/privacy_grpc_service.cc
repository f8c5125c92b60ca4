#include "services/privacy/rpc/privacy_grpc_service.h"

#include "services/common/call_context.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/status.h"

namespace stadt::privacy {
namespace {

// The deadline the caller (the gateway) gave this request; infinite without one.
absl::Time IncomingDeadline(const grpc::ServerContextBase& context) {
  const auto deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

}  // namespace

grpc::Status PrivacyGrpcService::ExportMyData(grpc::ServerContextBase* context,
                                              const v1::ExportMyDataRequest*,
                                              v1::MyData* response) {
  const std::string subject = CallerFromContext(*context).subject;
  absl::StatusOr<std::vector<ServiceData>> parts =
      rights_.Export(subject, IncomingDeadline(*context));
  if (!parts.ok()) return ToGrpcStatus(parts.status());
  response->set_subject(subject);
  for (const ServiceData& part : *parts)
    ToProto(part.service, part.records, *response->add_services());
  return grpc::Status::OK;
}

grpc::Status PrivacyGrpcService::EraseMyData(grpc::ServerContextBase* context,
                                             const v1::EraseMyDataRequest*,
                                             v1::ErasureResult* response) {
  absl::StatusOr<std::vector<ServiceErasure>> reports =
      rights_.Erase(CallerFromContext(*context).subject, IncomingDeadline(*context));
  if (!reports.ok()) return ToGrpcStatus(reports.status());
  for (const ServiceErasure& report : *reports) {
    ToProto(report.service, report.erasure, *response->add_services());
  }
  return grpc::Status::OK;
}

}  // namespace stadt::privacy
