#pragma once

#include <string>
#include <vector>

#include "services/common/booking/domain/booking_repository.h"

namespace stadt::booking {

// Passes every call on to another repository; decorators (a cache, a test
// double that watches or breaks some calls) override only what they change.
class ForwardingBookingRepository : public BookingRepository {
 public:
  explicit ForwardingBookingRepository(BookingRepository& inner) : inner_(inner) {}

  bool IdFitsResource(const std::string& id, const std::string& resource_id) const override {
    return inner_.IdFitsResource(id, resource_id);
  }
  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override {
    return inner_.GetUsage(days, now);
  }
  absl::Status PutHold(const HoldRecord& hold, const SlotCapacity& capacity,
                       absl::Time now) override {
    return inner_.PutHold(hold, capacity, now);
  }
  absl::StatusOr<HoldRecord> GetHold(const std::string& hold_id) override {
    return inner_.GetHold(hold_id);
  }
  absl::StatusOr<std::string> ConfirmHold(const std::string& hold_id, const BookingRecord& booking,
                                          const PersonLimits& limits, absl::Time now,
                                          absl::Time delete_after) override {
    return inner_.ConfirmHold(hold_id, booking, limits, now, delete_after);
  }
  absl::StatusOr<HoldRecord> AwaitEmail(const std::string& hold_id, const std::string& client,
                                        const PendingEmail& pending, absl::Time until,
                                        absl::Time now) override {
    return inner_.AwaitEmail(hold_id, client, pending, until, now);
  }
  absl::StatusOr<BookingRecord> GetBooking(const std::string& code) override {
    return inner_.GetBooking(code);
  }
  absl::StatusOr<std::vector<std::string>> DayBookings(const ResourceDay& day) override {
    return inner_.DayBookings(day);
  }
  absl::StatusOr<BookingRecord> CancelBooking(const std::string& code, absl::Time now) override {
    return inner_.CancelBooking(code, now);
  }
  absl::StatusOr<int> EmitDueReminders(absl::Time now, int max) override {
    return inner_.EmitDueReminders(now, max);
  }
  absl::StatusOr<int> RequestLinks(const std::string& person_key, const std::string& request_id,
                                   const std::string& sealed_contact, absl::Time now,
                                   absl::Duration min_interval) override {
    return inner_.RequestLinks(person_key, request_id, sealed_contact, now, min_interval);
  }
  absl::StatusOr<BookingRecord> MoveBooking(const std::string& code, const BookingRecord& moved,
                                            const SlotCapacity& capacity, absl::Time now,
                                            absl::Time delete_after) override {
    return inner_.MoveBooking(code, moved, capacity, now, delete_after);
  }
  absl::StatusOr<BookingRecord> CancelBookingBecause(const std::string& code, absl::Time now,
                                                     const ChangeCause& cause) override {
    return inner_.CancelBookingBecause(code, now, cause);
  }
  absl::StatusOr<BookingRecord> MoveBookingBecause(const std::string& code,
                                                   const BookingRecord& moved,
                                                   const SlotCapacity& capacity, absl::Time now,
                                                   absl::Time delete_after,
                                                   const ChangeCause& cause) override {
    return inner_.MoveBookingBecause(code, moved, capacity, now, delete_after, cause);
  }

  absl::StatusOr<std::vector<KeptBooking>> SubjectBookings(const std::string& subject) override {
    return inner_.SubjectBookings(subject);
  }
  absl::StatusOr<int> EraseSubject(const std::string& subject, absl::Time now) override {
    return inner_.EraseSubject(subject, now);
  }

 protected:
  BookingRepository& inner() { return inner_; }

 private:
  BookingRepository& inner_;
};

}  // namespace stadt::booking
