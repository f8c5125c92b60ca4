#include "services/notifications/rpc/notifications_grpc_service.h"

#include "services/common/call_context.h"
#include "services/common/privacy/personal_data_proto.h"
#include "services/common/proto_time.h"
#include "services/common/status.h"

namespace stadt::notifications {
namespace {

void ToProto(const std::string& source, const DeadLetterEntry& entry, v1::DeadLetter* out) {
  out->set_source(source);
  out->set_id(entry.id);
  out->set_event_type(entry.event_type);
  out->set_event_id(entry.event_id);
  out->set_reason(entry.reason);
  out->set_attempts(entry.attempts);
  ToTimestamp(entry.failed_at, out->mutable_failed_at());
}

}  // namespace

grpc::Status NotificationsGrpcService::ListDeadLetters(grpc::ServerContextBase*,
                                                       const v1::ListDeadLettersRequest* request,
                                                       v1::ListDeadLettersResponse* response) {
  absl::StatusOr<DeadLetterPage> page =
      dead_letters_.List(request->source(), request->limit(), request->after());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const DeadLetterEntry& entry : page->entries) {
    ToProto(request->source(), entry, response->add_dead_letters());
  }
  response->set_next_after(page->next_after);
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::ReplayDeadLetter(grpc::ServerContextBase*,
                                                        const v1::ReplayDeadLetterRequest* request,
                                                        v1::DeadLetter* response) {
  absl::StatusOr<DeadLetterEntry> entry = dead_letters_.Replay(request->source(), request->id());
  if (!entry.ok()) return ToGrpcStatus(entry.status());
  ToProto(request->source(), *entry, response);
  return grpc::Status::OK;
}

grpc::Status NotificationsGrpcService::ErasePersonalData(
    grpc::ServerContextBase* context, const type::v1::PersonalDataRequest* request,
    type::v1::ErasureReport* response) {
  const std::string subject = CallerFromContext(*context).subject;
  if (subject.empty()) return ToGrpcStatus(absl::UnauthenticatedError("no subject"));
  std::vector<std::string> references(request->references().begin(), request->references().end());
  references.push_back(subject);
  return privacy::Answer("notifications", dead_letters_.ErasePersonalData(references), *response);
}

}  // namespace stadt::notifications
