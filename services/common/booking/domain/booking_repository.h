#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/schedule.h"

namespace stadt::booking {

// One bookable resource on one local day.
struct ResourceDay {
  std::string resource_id;
  std::string day;  // YYYY-MM-DD
};

// Capacity of the buckets a slot covers, in order; the store checks against it.
using SlotCapacity = std::vector<int>;

struct PersonLimits {
  int max_active_bookings = 3;
  absl::Duration same_service_window = absl::Hours(24 * 30);
};

// Why the office (not the citizen) changed a booking; the outbox event carries
// it (fields `cause`, `cause_ref`, `cause_reason`), so the notice can say so.
struct ChangeCause {
  std::string kind;       // e.g. "closure"
  std::string reference;  // e.g. the closure's id
  std::string reason;     // for the citizen, e.g. "Krankheit"
};

// A citizen's booking as kept, with when the store deletes it.
struct KeptBooking {
  BookingRecord record;
  absl::Time delete_after = absl::InfiniteFuture();
};

// Storage port for holds and bookings. Every method that changes state is
// atomic: concurrent callers can never put more on a bucket than its capacity.
// Errors: UNAVAILABLE (storage down), NOT_FOUND, ABORTED (slot taken),
// FAILED_PRECONDITION (hold expired, limit reached), ALREADY_EXISTS (code clash).
class BookingRepository {
 public:
  virtual ~BookingRepository() = default;

  // Whether `id` (a new booking code or hold id) names a record of
  // `resource_id` where this store keeps that resource's records without a
  // detour: a store spread over slots keeps each resource's records in its
  // bucket and finds a record by the id's bucket (docs/redis-cluster.md).
  // New ids are drawn until they fit; one that does not still works, at the
  // cost of one more read per lookup.
  virtual bool IdFitsResource(const std::string& /*id*/, const std::string& /*resource_id*/) const {
    return true;
  }
  // Usage of each day, in order; expired holds are ignored.
  virtual absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                         absl::Time now) = 0;
  // Takes the slot for hold.expires_at; releases the client's previous hold.
  virtual absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                               absl::Time now) = 0;
  virtual absl::StatusOr<HoldRecord> GetHold(const std::string& hold_id) = 0;
  // Turns the hold into `booking` if the hold is still active and belongs to
  // `booking.client`, and the person's limits allow it. Returns the code of the
  // booking the hold became: `booking.code`, or the earlier booking's code when
  // the hold was confirmed before (a retried request).
  virtual absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id,
                                                  const BookingRecord& booking,
                                                  const PersonLimits& limits, absl::Time now,
                                                  absl::Time delete_after) = 0;
  // Keeps the client's active hold until `until` while the citizen confirms
  // by e-mail, stores `pending` with it and writes the mail's outbox event,
  // in one step. A hold that already awaits its e-mail is left as it is (a
  // retried request sends no second mail). Returns the hold as stored.
  // NOT_FOUND unless it is the client's hold; FAILED_PRECONDITION if it
  // expired or already became a booking.
  virtual absl::StatusOr<HoldRecord> AwaitEmail(const std::string& hold_id,
                                                const std::string& client,
                                                const PendingEmail& pending, absl::Time until,
                                                absl::Time now) = 0;
  virtual absl::StatusOr<BookingRecord> GetBooking(const std::string& code) = 0;
  // Codes of the confirmed bookings of one resource-day, by start time.
  virtual absl::StatusOr<std::vector<std::string>> DayBookings(const ResourceDay& day) = 0;
  // Idempotent: cancelling a cancelled booking changes nothing.
  virtual absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) = 0;
  // Takes the new slot, then frees the old one, in one step.
  // Writes a reminder event to the outbox for every booking whose reminder is
  // due at `now` (at most `max`), each exactly once even with many replicas
  // calling concurrently. Returns how many went out.
  virtual absl::StatusOr<int> EmitDueReminders(absl::Time now, int max) = 0;
  virtual absl::StatusOr<BookingRecord> MoveBooking(const std::string& code,
                                                    const BookingRecord& moved,
                                                    const SlotCapacity& capacity, absl::Time now,
                                                    absl::Time delete_after) = 0;
  // As CancelBooking and MoveBooking, with the office's cause in the outbox
  // event. A store that keeps no outbox (test doubles) ignores the cause. The
  // office never cancels a booking whose visit has begun or ended (checked in,
  // completed, missed): with a cause that is FAILED_PRECONDITION with the
  // visit's reason (as CheckVisitOpen), even where the citizen may still cancel.
  virtual absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code,
                                                             absl::Time now,
                                                             const ChangeCause& /*cause*/) {
    return CancelBooking(code, now);
  }
  virtual absl::StatusOr<BookingRecord> MoveBookingBecause(const std::string& code,
                                                           const BookingRecord& moved,
                                                           const SlotCapacity& capacity,
                                                           absl::Time now, absl::Time delete_after,
                                                           const ChangeCause& /*cause*/) {
    return MoveBooking(code, moved, capacity, now, delete_after);
  }
  // Writes a booking.links_requested event (the manage links of the person's
  // active bookings, to `sealed_contact`, sealed to `request_id`) unless the
  // person has none, or one was written for them within `min_interval`.
  // Returns how many bookings it lists (0: nothing written).
  virtual absl::StatusOr<int> RequestLinks(const std::string& person_key,
                                           const std::string& request_id,
                                           const std::string& sealed_contact, absl::Time now,
                                           absl::Duration min_interval) = 0;
  // The citizen's own bookings by token subject (any status, while kept), for
  // an export (GDPR Art. 15). A store without that index keeps none by subject.
  virtual absl::StatusOr<std::vector<KeptBooking>> SubjectBookings(const std::string& subject) {
    (void)subject;
    return std::vector<KeptBooking>{};
  }
  // Erases them, their holds and the outbox events naming them in one atomic
  // step (GDPR Art. 17); a booking still to come gives its slot back. Returns
  // how many records went (0 on a retry).
  virtual absl::StatusOr<int> EraseSubject(const std::string& subject, absl::Time now) {
    (void)subject;
    (void)now;
    return 0;
  }
};

}  // namespace stadt::booking
