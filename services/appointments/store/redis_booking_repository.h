#pragma once

#include "services/appointments/domain/booking_repository.h"
#include "services/common/redis/redis_client.h"

namespace stadt::appointments {

// Holds and bookings in Redis. All keys share the hash tag {appt}: the
// fair-access limits span offices, so the checks and the state change they
// guard must sit in one atomic script on one hash slot.
//   appt:{appt}:booked:<office>:<day>   hash bucket -> confirmed bookings
//   appt:{appt}:holds:<office>:<day>    zset "<hold>:<first>:<count>" -> expiry (ms)
//   appt:{appt}:hold:<hold>             hash, kept a day so a retried confirm
//                                       finds the booking it became
//   appt:{appt}:client-hold:<subject>   the client's open hold (expires with it)
//   appt:{appt}:booking:<code>          hash; expires `retention` after the
//                                       appointment, contact data with it
//   appt:{appt}:person:<key>            zset code -> start (ms): active bookings
//   appt:{appt}:person-svc:<key>:<svc>  zset code -> start (ms) per service
//   appt:{appt}:reminders               zset code -> when its reminder is due (ms)
//   appt:{appt}:outbox                  stream of events for mailers and KPIs
// An expired hold needs no sweeper: its zset score is in the past, so every
// reader ignores it and the next writer on that day removes it.
class RedisBookingRepository final : public BookingRepository {
 public:
  explicit RedisBookingRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<OfficeDay>& days,
                                                 absl::Time now) override;
  absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                       absl::Time now) override;
  absl::StatusOr<HoldRecord> GetHold(const std::string& hold_id) override;
  absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id, const BookingRecord& booking,
                                          const PersonLimits& limits, absl::Time now,
                                          absl::Time delete_after) override;
  absl::StatusOr<BookingRecord> GetBooking(const std::string& code) override;
  absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) override;
  absl::StatusOr<int> EmitDueReminders(absl::Time now, int max) override;
  absl::StatusOr<BookingRecord> MoveBooking(const std::string& code, const BookingRecord& moved,
                                            const SlotCapacity& capacity, absl::Time now,
                                            absl::Time delete_after) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::appointments
