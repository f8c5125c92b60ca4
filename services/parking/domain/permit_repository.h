#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/parking/domain/permits.h"
#include "services/parking/domain/sessions.h"

namespace stadt::parking {

// Storage of permit applications and of the decisions on them. Every
// decision is one atomic step that re-checks the state it changes (the table
// of DecisionOn) and is idempotent: repeating it answers what it did.
class PermitRepository {
 public:
  virtual ~PermitRepository() = default;

  struct Created {
    PermitApplication application;
    // False: the applicant already had a pending application for this plate
    // and area, which `application` is (nothing was written).
    bool created = false;
  };
  // Stores a pending application under a fresh id.
  virtual absl::StatusOr<Created> CreateApplication(const PermitApplication& application) = 0;
  // NOT_FOUND for an unknown (or malformed) id.
  virtual absl::StatusOr<PermitApplication> GetApplication(std::string_view id) = 0;
  // The applicant's applications, newest first.
  virtual absl::StatusOr<std::vector<PermitApplication>> ListApplications(
      std::string_view applicant, int limit) = 0;
  // Pending applications of everyone, oldest first.
  virtual absl::StatusOr<std::vector<PermitApplication>> ListPendingApplications(int limit) = 0;

  // Approves `application` (as read) by issuing `permit` (whose id is the
  // application's), drops its address. A repeat answers the approved
  // application without a second permit; FAILED_PRECONDITION with the reason
  // when it was rejected or revoked meanwhile.
  virtual absl::StatusOr<PermitApplication> Approve(const PermitApplication& application,
                                                    const Permit& permit,
                                                    std::string_view caseworker,
                                                    absl::Time now) = 0;
  // Rejects a pending application with `reason`, drops its address. A repeat
  // answers the rejected application unchanged; FAILED_PRECONDITION when it
  // was approved meanwhile.
  virtual absl::StatusOr<PermitApplication> Reject(const PermitApplication& application,
                                                   std::string_view reason,
                                                   std::string_view caseworker, absl::Time now) = 0;
  // Revokes the plate's permit `permit_id` (and marks its application
  // revoked). NOT_FOUND unless the plate has that permit; a repeat answers
  // the revoked permit unchanged.
  virtual absl::StatusOr<Permit> Revoke(std::string_view plate, std::string_view permit_id,
                                        std::string_view reason, absl::Time now) = 0;

  // Erases the applicant's applications and their index (GDPR Art. 17); an
  // approved permit stays with the plate until it ends. Returns how many
  // records went (0 on a retry). A store without the index erases nothing.
  virtual absl::StatusOr<int> EraseApplicant(std::string_view applicant) {
    (void)applicant;
    return 0;
  }
};

}  // namespace stadt::parking
