#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/appointments/domain/catalog.h"
#include "services/appointments/domain/catalog_repository.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/clock.h"

namespace stadt::appointments {

enum class ClosureAction {
  kList,    // only list the affected bookings
  kMove,    // to the nearest free slot (same office or a named one), else cancel
  kCancel,  // cancel them, with the reason
};

enum class ClosureOutcome { kAffected, kMoved, kCancelled };

struct AffectedBooking {
  std::string booking_code;
  absl::Time start;  // where it was
  ClosureOutcome outcome = ClosureOutcome::kAffected;
  // After a move: where it is now.
  std::string office_id;
  absl::Time new_start;
};

struct ClosureReport {
  Closure closure;
  std::vector<AffectedBooking> bookings;
  int moved = 0;
  int cancelled = 0;
};

// Closures and reduced staffing of an office, and what becomes of the bookings
// they affect. Declaring stores the closure with the office (from then on the
// plan has no room in it: no new booking lands there, the search shows it);
// resolving moves or cancels every affected booking, each in one atomic step
// with exactly one outbox event (cause "closure"). Retrying either changes
// nothing: a booking already moved or cancelled is no longer affected. Nor is
// one whose visit has begun (checked in, completed, missed): it is not listed,
// and if it begins between listing and resolving, the store's atomic step
// refuses to touch it and the batch goes on without it.
class OfficeClosures {
 public:
  static constexpr int kMaxReasonLength = 200;

  // `bookings` must be the store itself (its outbox events carry the cause).
  OfficeClosures(CatalogRepository& catalog, booking::BookingRepository& bookings,
                 booking::BookingCore& core);

  // Stores the closure and lists the bookings it affects. The same closure
  // declared again is a no-op; another one under the same id is refused
  // (ALREADY_EXISTS [closure_exists]).
  absl::StatusOr<ClosureReport> Declare(const std::string& office_id, const Closure& closure);
  // Lists (kList), moves or cancels the affected bookings. `target_office_id`
  // (moves only; empty: the same office) must offer the bookings' services,
  // else they are cancelled. `reason` goes to the citizens.
  absl::StatusOr<ClosureReport> Resolve(const std::string& office_id, const std::string& closure_id,
                                        ClosureAction action, const std::string& target_office_id,
                                        const std::string& reason);
  // The office to store for a replacement (PUT): with the closures it has,
  // unless the new opening would strand future bookings:
  // FAILED_PRECONDITION [bookings_stranded] naming how many, until a closure
  // covering them has been resolved.
  absl::StatusOr<Office> PrepareReplacement(const Office& office);

 private:
  // Future confirmed bookings of `office` that its plan no longer holds
  // (in start order), on the days from `from` to `to`.
  absl::StatusOr<std::vector<booking::BookingRecord>> StrandedBookings(const Office& office,
                                                                       absl::CivilDay from,
                                                                       absl::CivilDay to);
  absl::StatusOr<std::vector<booking::BookingRecord>> StrandedBy(const Office& office,
                                                                 const Closure& closure);

  CatalogRepository& catalog_;
  booking::BookingRepository& bookings_;
  booking::BookingCore& core_;
};

}  // namespace stadt::appointments
