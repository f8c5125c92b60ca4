#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/domain/schedule.h"
#include "services/common/clock.h"

namespace stadt::appointments {

enum class VisitState { kExpected, kWaiting, kCalled, kCompleted, kNoShow };

struct DayAppointment {
  std::string booking_code;
  absl::Time start;
  std::vector<std::string> service_ids;
  VisitState state = VisitState::kExpected;
  int queue_number = 0;
};

struct Ticket {
  int queue_number = 0;
  std::string booking_code;  // empty for a walk-in
  VisitState state = VisitState::kWaiting;
  std::string counter;
};

struct DayList {
  std::vector<DayAppointment> appointments;
  int no_shows = 0;
};

// Storage port of the counter day. Check-in, call and completion are atomic
// and idempotent; CallNext hands each waiting citizen to exactly one counter.
class CounterRepository {
 public:
  virtual ~CounterRepository() = default;
  virtual absl::StatusOr<DayList> ListDay(const booking::ResourceDay& day) = 0;
  virtual absl::StatusOr<Ticket> CheckIn(const booking::ResourceDay& day, const std::string& code,
                                         absl::Time now) = 0;
  virtual absl::StatusOr<Ticket> WalkIn(const booking::ResourceDay& day,
                                        const std::vector<std::string>& service_ids,
                                        absl::Time now) = 0;
  virtual absl::StatusOr<Ticket> CallNext(const booking::ResourceDay& day,
                                          const std::string& counter) = 0;
  virtual absl::StatusOr<Ticket> Complete(const booking::ResourceDay& day, int queue_number) = 0;
  virtual absl::StatusOr<DayAppointment> MarkNoShow(const booking::ResourceDay& day,
                                                    const std::string& code, absl::Time now) = 0;
};

// The caseworker's day: input checks and the time rules (check-in only on the
// day itself, no-show only after the grace period).
class CounterDay {
 public:
  CounterDay(CounterRepository& counters, booking::BookingRepository& bookings, const Clock& clock,
             absl::TimeZone zone, absl::Duration no_show_grace)
      : counters_(counters),
        bookings_(bookings),
        clock_(clock),
        zone_(zone),
        no_show_grace_(no_show_grace) {}

  absl::StatusOr<DayList> List(const std::string& office_id, const std::string& date);
  absl::StatusOr<Ticket> CheckIn(const std::string& office_id, const std::string& date,
                                 const std::string& booking_code);
  absl::StatusOr<Ticket> WalkIn(const std::string& office_id, const std::string& date,
                                const std::vector<std::string>& service_ids);
  absl::StatusOr<Ticket> CallNext(const std::string& office_id, const std::string& date,
                                  const std::string& counter);
  absl::StatusOr<Ticket> Complete(const std::string& office_id, const std::string& date,
                                  int queue_number);
  absl::StatusOr<DayAppointment> MarkNoShow(const std::string& office_id, const std::string& date,
                                            const std::string& booking_code);

 private:
  absl::StatusOr<booking::ResourceDay> Day(const std::string& office_id,
                                           const std::string& date) const;
  absl::StatusOr<booking::ResourceDay> Today(const std::string& office_id,
                                             const std::string& date) const;

  CounterRepository& counters_;
  booking::BookingRepository& bookings_;
  const Clock& clock_;
  absl::TimeZone zone_;
  absl::Duration no_show_grace_;
};

}  // namespace stadt::appointments
