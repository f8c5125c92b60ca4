#include "services/audit/rpc/audit_grpc_service.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/proto_time.h"
#include "services/common/reason.h"
#include "services/common/status.h"

namespace stadt::audit {
namespace {

Entry FromProto(const v1::Entry& in) {
  Entry entry{.event_id = in.event_id(),
              .subject = in.subject(),
              .roles = {in.roles().begin(), in.roles().end()},
              .rpc = in.rpc(),
              .request_id = in.request_id(),
              .grpc_code = in.grpc_code(),
              .http_status = in.http_status(),
              .reason = in.reason()};
  for (const v1::ObjectRef& object : in.objects()) {
    entry.objects.push_back({object.name(), object.id()});
  }
  return entry;
}

void ToProto(const Record& record, v1::Record* out) {
  out->set_sequence(record.sequence);
  ToTimestamp(record.time, out->mutable_time());
  v1::Entry* entry = out->mutable_entry();
  entry->set_event_id(record.entry.event_id);
  entry->set_subject(record.entry.subject);
  for (const std::string& role : record.entry.roles) entry->add_roles(role);
  entry->set_rpc(record.entry.rpc);
  for (const ObjectRef& object : record.entry.objects) {
    v1::ObjectRef* ref = entry->add_objects();
    ref->set_name(object.name);
    ref->set_id(object.id);
  }
  entry->set_request_id(record.entry.request_id);
  entry->set_grpc_code(record.entry.grpc_code);
  entry->set_http_status(record.entry.http_status);
  entry->set_reason(record.entry.reason);
  out->set_previous_hash(record.previous_hash);
  out->set_hash(record.hash);
}

// An RFC 3339 time from a query parameter; empty: `open_end`.
absl::StatusOr<absl::Time> ParseBound(const std::string& text, const char* field,
                                      absl::Time open_end) {
  if (text.empty()) return open_end;
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return WithReason(absl::InvalidArgumentError(
                          absl::StrCat(field, ": an RFC 3339 time such as 2026-03-02T09:00:00Z")),
                      "invalid_time");
  }
  return time;
}

}  // namespace

grpc::Status AuditGrpcService::Append(grpc::ServerContextBase*, const v1::AppendRequest* request,
                                      v1::AppendResponse* response) {
  absl::StatusOr<uint64_t> sequence = log_.Append(FromProto(request->entry()));
  if (!sequence.ok()) return ToGrpcStatus(sequence.status());
  response->set_sequence(*sequence);
  return grpc::Status::OK;
}

grpc::Status AuditGrpcService::QueryRecords(grpc::ServerContextBase*,
                                            const v1::QueryRecordsRequest* request,
                                            v1::QueryRecordsResponse* response) {
  absl::StatusOr<absl::Time> from = ParseBound(request->from(), "from", absl::InfinitePast());
  if (!from.ok()) return ToGrpcStatus(from.status());
  absl::StatusOr<absl::Time> until = ParseBound(request->until(), "until", absl::InfiniteFuture());
  if (!until.ok()) return ToGrpcStatus(until.status());
  absl::StatusOr<RecordPage> page = log_.Query({.actor = request->actor(),
                                                .object_id = request->object_id(),
                                                .from = *from,
                                                .until = *until,
                                                .limit = request->limit(),
                                                .page_token = request->page_token()});
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const Record& record : page->records) ToProto(record, response->add_records());
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status AuditGrpcService::VerifyChain(grpc::ServerContextBase*, const v1::VerifyChainRequest*,
                                           v1::VerifyChainResponse* response) {
  absl::StatusOr<ChainReport> report = log_.Verify();
  if (!report.ok()) return ToGrpcStatus(report.status());
  response->set_intact(report->verdict.intact());
  response->set_first_sequence(report->anchor.first_sequence);
  response->set_last_sequence(report->last_sequence);
  response->set_checked(report->verdict.checked);
  response->set_broken_sequence(report->verdict.broken_sequence);
  response->set_problem(std::string(ChainProblemName(report->verdict.problem)));
  response->set_anchor_hash(report->anchor.previous_hash);
  return grpc::Status::OK;
}

}  // namespace stadt::audit
