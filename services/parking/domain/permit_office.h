#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/clock.h"
#include "services/common/privacy/personal_data.h"
#include "services/parking/domain/permit_repository.h"
#include "services/parking/domain/permits.h"

namespace stadt::parking {

// The residents' permit use cases: citizens apply and follow their
// applications, caseworkers decide and revoke. `subject` is the caller's
// token subject; an application is visible only to its applicant (NOT_FOUND
// for any other citizen, exactly as for an unknown id) and to caseworkers.
class PermitOffice {
 public:
  PermitOffice(const PermitRules& rules, PermitRepository& repository, const Clock& clock)
      : rules_(rules), repository_(repository), clock_(clock) {}

  const PermitRules& rules() const { return rules_; }

  // A retry of the same application (same plate, area, address and dates)
  // answers the pending one; a different one for the same plate and area
  // while one is pending is ALREADY_EXISTS.
  absl::StatusOr<PermitApplication> Apply(std::string_view subject,
                                          const PermitApplicationRequest& request);
  absl::StatusOr<std::vector<PermitApplication>> OwnApplications(std::string_view subject,
                                                                 int limit);
  absl::StatusOr<PermitApplication> OwnApplication(std::string_view subject,
                                                   std::string_view application_id);

  // Caseworkers.
  absl::StatusOr<std::vector<PermitApplication>> PendingApplications(int limit);
  absl::StatusOr<PermitApplication> Approve(std::string_view caseworker,
                                            std::string_view application_id);
  absl::StatusOr<PermitApplication> Reject(std::string_view caseworker,
                                           std::string_view application_id,
                                           std::string_view reason);
  absl::StatusOr<Permit> Revoke(std::string_view country, std::string_view plate,
                                std::string_view permit_id, std::string_view reason);

  // The citizen's permit applications for an export (GDPR Art. 15), and
  // their erasure (Art. 17): an approved permit still valid stays with the
  // plate until it ends (kept, with the reason).
  absl::StatusOr<std::vector<privacy::Record>> PersonalRecords(std::string_view subject);
  absl::StatusOr<privacy::Erasure> ErasePersonalData(std::string_view subject);

 private:
  const PermitRules& rules_;
  PermitRepository& repository_;
  const Clock& clock_;
};

}  // namespace stadt::parking
