#include "services/common/privacy/personal_data_proto.h"

#include "services/common/proto_time.h"

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

}  // namespace

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

}  // namespace stadt::privacy
