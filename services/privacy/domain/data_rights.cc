#include "services/privacy/domain/data_rights.h"

#include "services/common/status_macros.h"

namespace stadt::privacy {

absl::StatusOr<std::vector<ServiceData>> DataRights::Export(const std::string& subject,
                                                            absl::Time deadline) {
  if (subject.empty()) return absl::UnauthenticatedError("no subject");
  std::vector<ServiceData> parts;
  for (PersonalDataSource* source : sources_) {
    if (!source->exports()) continue;
    STADT_ASSIGN_OR_RETURN(std::vector<Record> records, source->Export(subject, deadline));
    parts.push_back({source->name(), std::move(records)});
  }
  return parts;
}

absl::StatusOr<std::vector<ServiceErasure>> DataRights::Erase(const std::string& subject,
                                                              absl::Time deadline) {
  STADT_ASSIGN_OR_RETURN(std::vector<ServiceData> parts, Export(subject, deadline));
  std::vector<std::string> references;
  for (const ServiceData& part : parts) {
    for (const Record& record : part.records) references.push_back(record.id);
  }
  std::vector<ServiceErasure> reports;
  for (PersonalDataSource* source : sources_) {
    STADT_ASSIGN_OR_RETURN(Erasure erasure, source->Erase(subject, references, deadline));
    reports.push_back({source->name(), std::move(erasure)});
  }
  return reports;
}

}  // namespace stadt::privacy
