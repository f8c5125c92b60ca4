#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::video {

// Where a consultation stands on its day. Moves only forward:
// booked -> consented -> waiting -> admitted -> closed, or booked/consented ->
// no-show.
enum class VisitState { kBooked, kConsented, kWaiting, kAdmitted, kClosed, kNoShow };

std::string_view VisitStateName(VisitState state);
VisitState VisitStateFromName(std::string_view name);  // unknown: kBooked

// The waiting-room record of one consultation. Times are InfinitePast until
// the step happened.
struct Visit {
  VisitState state = VisitState::kBooked;
  std::string privacy_notice_version;
  std::string terms_version;
  absl::Time consented_at = absl::InfinitePast();
  absl::Time waiting_since = absl::InfinitePast();
  absl::Time admitted_at = absl::InfinitePast();
  absl::Time identity_checked_at = absl::InfinitePast();
  absl::Time ended_at = absl::InfinitePast();  // closed or marked as no-show
  std::string outcome;
};

// One step of the waiting room, decided by the domain and applied by the store
// only if the visit is still in `from` (compare and set) and the booking is
// still confirmed, in one atomic operation that also writes `event` to the
// outbox. ABORTED if the visit moved on meanwhile.
struct VisitStep {
  VisitState from = VisitState::kBooked;
  Visit to;
  std::string event;  // e.g. "consultation.admitted"
  // Keep the record until the booking's own data goes.
  absl::Time delete_after;
};

// Storage port of the waiting room.
class VisitRepository {
 public:
  virtual ~VisitRepository() = default;
  // A visit that has no record yet is kBooked.
  virtual absl::StatusOr<Visit> Get(const std::string& code) = 0;
  virtual absl::StatusOr<std::map<std::string, Visit>> GetMany(
      const std::vector<std::string>& codes) = 0;
  virtual absl::Status Apply(const std::string& code, const VisitStep& step) = 0;
};

}  // namespace stadt::video
