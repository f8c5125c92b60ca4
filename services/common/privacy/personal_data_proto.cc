#include "services/common/privacy/personal_data_proto.h"

#include <map>

#include "services/common/proto_time.h"
#include "services/common/status.h"

namespace stadt::privacy {
namespace {

type::v1::RetentionClass ToProto(RetentionClass retention) {
  switch (retention) {
    case RetentionClass::kTransient:
      return type::v1::RETENTION_CLASS_TRANSIENT;
    case RetentionClass::kServiceRecord:
      return type::v1::RETENTION_CLASS_SERVICE_RECORD;
    case RetentionClass::kTaxRecord:
      return type::v1::RETENTION_CLASS_TAX_RECORD;
  }
  return type::v1::RETENTION_CLASS_UNSPECIFIED;
}

RetentionClass FromProto(type::v1::RetentionClass retention) {
  switch (retention) {
    case type::v1::RETENTION_CLASS_TRANSIENT:
      return RetentionClass::kTransient;
    case type::v1::RETENTION_CLASS_TAX_RECORD:
      return RetentionClass::kTaxRecord;
    default:
      return RetentionClass::kServiceRecord;
  }
}

absl::Time DeleteAfter(bool has, const google::protobuf::Timestamp& timestamp) {
  if (!has) return absl::InfiniteFuture();
  absl::StatusOr<absl::Time> time = FromTimestamp(timestamp, "delete_after");
  return time.ok() ? *time : absl::InfiniteFuture();
}

}  // namespace

std::vector<Record> FromProto(const type::v1::PersonalData& data) {
  std::vector<Record> records;
  for (const type::v1::PersonalRecord& item : data.records()) {
    Record record;
    record.kind = item.kind();
    record.id = item.id();
    record.retention = FromProto(item.retention_class());
    record.delete_after = DeleteAfter(item.has_delete_after(), item.delete_after());
    std::map<std::string, std::string> sorted(item.fields().begin(), item.fields().end());
    record.fields.assign(sorted.begin(), sorted.end());
    records.push_back(std::move(record));
  }
  return records;
}

Erasure FromProto(const type::v1::ErasureReport& report) {
  Erasure erasure;
  erasure.erased = report.erased();
  for (const type::v1::KeptRecord& item : report.kept()) {
    KeptRecord kept;
    kept.kind = item.kind();
    kept.id = item.id();
    kept.retention = FromProto(item.retention_class());
    kept.delete_after = DeleteAfter(item.has_delete_after(), item.delete_after());
    kept.reason_de = item.reason_de();
    kept.reason_en = item.reason_en();
    erasure.kept.push_back(std::move(kept));
  }
  return erasure;
}

void ToProto(const std::string& service, const std::vector<Record>& records,
             type::v1::PersonalData& out) {
  out.set_service(service);
  for (const Record& record : records) {
    type::v1::PersonalRecord& item = *out.add_records();
    item.set_kind(record.kind);
    item.set_id(record.id);
    item.set_retention_class(ToProto(record.retention));
    if (record.delete_after != absl::InfiniteFuture()) {
      ToTimestamp(record.delete_after, item.mutable_delete_after());
    }
    for (const auto& [name, value] : record.fields) (*item.mutable_fields())[name] = value;
  }
}

void ToProto(const std::string& service, const Erasure& erasure, type::v1::ErasureReport& out) {
  out.set_service(service);
  out.set_erased(erasure.erased);
  for (const KeptRecord& record : erasure.kept) {
    type::v1::KeptRecord& item = *out.add_kept();
    item.set_kind(record.kind);
    item.set_id(record.id);
    item.set_retention_class(ToProto(record.retention));
    if (record.delete_after != absl::InfiniteFuture()) {
      ToTimestamp(record.delete_after, item.mutable_delete_after());
    }
    item.set_reason_de(record.reason_de);
    item.set_reason_en(record.reason_en);
  }
}

grpc::Status Answer(const std::string& service, const absl::StatusOr<std::vector<Record>>& records,
                    type::v1::PersonalData& out) {
  if (!records.ok()) return ToGrpcStatus(records.status());
  ToProto(service, *records, out);
  return grpc::Status::OK;
}

grpc::Status Answer(const std::string& service, const absl::StatusOr<Erasure>& erasure,
                    type::v1::ErasureReport& out) {
  if (!erasure.ok()) return ToGrpcStatus(erasure.status());
  ToProto(service, *erasure, out);
  return grpc::Status::OK;
}

}  // namespace stadt::privacy
