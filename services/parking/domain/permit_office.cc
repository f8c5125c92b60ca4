#include "services/parking/domain/permit_office.h"

#include "absl/strings/str_cat.h"
#include "services/common/reason.h"
#include "services/parking/domain/plate.h"

namespace stadt::parking {
namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

absl::Status RequireSubject(std::string_view subject) {
  if (subject.empty()) return absl::UnauthenticatedError("sign-in required");
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int limit) {
  if (limit < 0 || limit > kMaxPageSize) {
    return WithReason(
        absl::InvalidArgumentError(absl::StrCat("page_size must be 0-", kMaxPageSize)),
        "invalid_page_size");
  }
  return limit == 0 ? kDefaultPageSize : limit;
}

bool SameRequest(const PermitApplication& a, const PermitApplication& b) {
  return a.applicant == b.applicant && a.plate == b.plate && a.area == b.area &&
         a.street == b.street && a.house_number == b.house_number && a.first_day == b.first_day &&
         a.last_day == b.last_day;
}

}  // namespace

absl::StatusOr<PermitApplication> PermitOffice::Apply(std::string_view subject,
                                                      const PermitApplicationRequest& request) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<PermitApplication> planned =
      rules_.PlanApplication(subject, request, clock_.Now());
  if (!planned.ok()) return planned.status();
  absl::StatusOr<PermitRepository::Created> stored = repository_.CreateApplication(*planned);
  if (!stored.ok()) return stored.status();
  if (!stored->created && !SameRequest(stored->application, *planned)) {
    return WithReason(absl::AlreadyExistsError(absl::StrCat(
                          "you already have a pending application for this plate and area: ",
                          stored->application.id)),
                      "permit_application_exists");
  }
  return stored->application;
}

absl::StatusOr<std::vector<PermitApplication>> PermitOffice::OwnApplications(
    std::string_view subject, int limit) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<int> page = PageSize(limit);
  if (!page.ok()) return page.status();
  return repository_.ListApplications(subject, *page);
}

absl::StatusOr<PermitApplication> PermitOffice::OwnApplication(std::string_view subject,
                                                               std::string_view application_id) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<PermitApplication> application = repository_.GetApplication(application_id);
  if (!application.ok()) return application.status();
  if (application->applicant != subject) {
    return WithReason(absl::NotFoundError("permit application not found"),
                      "permit_application_not_found");
  }
  return application;
}

absl::StatusOr<std::vector<PermitApplication>> PermitOffice::PendingApplications(int limit) {
  absl::StatusOr<int> page = PageSize(limit);
  if (!page.ok()) return page.status();
  return repository_.ListPendingApplications(*page);
}

absl::StatusOr<PermitApplication> PermitOffice::Approve(std::string_view caseworker,
                                                        std::string_view application_id) {
  if (absl::Status status = RequireSubject(caseworker); !status.ok()) return status;
  absl::StatusOr<PermitApplication> application = repository_.GetApplication(application_id);
  if (!application.ok()) return application.status();
  absl::StatusOr<DecisionEffect> effect = DecisionOn(*application, Decision::kApprove);
  if (!effect.ok()) return effect.status();
  if (*effect == DecisionEffect::kRepeat) return application;
  const absl::Time now = clock_.Now();
  absl::StatusOr<Permit> permit = rules_.PlanApproval(*application, now);
  if (!permit.ok()) return permit.status();
  return repository_.Approve(*application, *permit, caseworker, now);
}

absl::StatusOr<PermitApplication> PermitOffice::Reject(std::string_view caseworker,
                                                       std::string_view application_id,
                                                       std::string_view reason) {
  if (absl::Status status = RequireSubject(caseworker); !status.ok()) return status;
  absl::StatusOr<std::string> text = ValidateReason(reason);
  if (!text.ok()) return text.status();
  absl::StatusOr<PermitApplication> application = repository_.GetApplication(application_id);
  if (!application.ok()) return application.status();
  absl::StatusOr<DecisionEffect> effect = DecisionOn(*application, Decision::kReject);
  if (!effect.ok()) return effect.status();
  if (*effect == DecisionEffect::kRepeat) return application;
  return repository_.Reject(*application, *text, caseworker, clock_.Now());
}

absl::StatusOr<Permit> PermitOffice::Revoke(std::string_view country, std::string_view plate,
                                            std::string_view permit_id, std::string_view reason) {
  absl::StatusOr<Plate> parsed = ParsePlate(country, plate);
  if (!parsed.ok()) return parsed.status();
  absl::StatusOr<std::string> text = ValidateReason(reason);
  if (!text.ok()) return text.status();
  return repository_.Revoke(parsed->key, permit_id, *text, clock_.Now());
}

namespace {

// Applications read for an export or erasure: all the store keeps.
constexpr int kAllApplications = 100'000;

}  // namespace

absl::StatusOr<std::vector<privacy::Record>> PermitOffice::PersonalRecords(
    std::string_view subject) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<std::vector<PermitApplication>> applications =
      repository_.ListApplications(subject, kAllApplications);
  if (!applications.ok()) return applications.status();
  std::vector<privacy::Record> records;
  for (const PermitApplication& application : *applications) {
    privacy::Record record;
    record.kind = "parking_permit_application";
    record.id = application.id;
    record.retention = privacy::RetentionClass::kServiceRecord;
    record.fields = {{"country", application.plate.country},
                     {"plate", application.plate.registration},
                     {"area", application.area},
                     {"street", application.street},
                     {"house_number", application.house_number},
                     {"first_day", absl::FormatCivilTime(application.first_day)},
                     {"last_day", absl::FormatCivilTime(application.last_day)},
                     {"status", std::string(ApplicationStatusName(application.status))},
                     {"reason", application.reason}};
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<privacy::Erasure> PermitOffice::ErasePersonalData(std::string_view subject) {
  if (absl::Status status = RequireSubject(subject); !status.ok()) return status;
  absl::StatusOr<std::vector<PermitApplication>> applications =
      repository_.ListApplications(subject, kAllApplications);
  if (!applications.ok()) return applications.status();
  absl::StatusOr<int> erased = repository_.EraseApplicant(subject);
  if (!erased.ok()) return erased.status();
  privacy::Erasure erasure;
  erasure.erased = *erased;
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone());
  for (const PermitApplication& application : *applications) {
    if (application.status != ApplicationStatus::kApproved || application.last_day < today) {
      continue;
    }
    privacy::KeptRecord kept;
    kept.kind = "parking_permit";
    kept.id = application.permit_id.empty() ? application.id : application.permit_id;
    kept.retention = privacy::RetentionClass::kServiceRecord;
    kept.reason_de = absl::StrCat("Gültiger Anwohnerparkausweis bis ",
                                  absl::FormatCivilTime(application.last_day),
                                  ": die Parkkontrolle braucht Kennzeichen und Gebiet bis zu "
                                  "seinem Ende, ohne Bezug zu Ihnen");
    kept.reason_en = absl::StrCat(
        "Valid residents' permit until ", absl::FormatCivilTime(application.last_day),
        ": the parking check needs plate and area until it ends, without a link to you");
    erasure.kept.push_back(std::move(kept));
  }
  return erasure;
}

}  // namespace stadt::parking
