#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/appointments/domain/catalog_repository.h"
#include "services/common/booking/domain/booking.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/booking_repository.h"
#include "services/common/booking/domain/schedule.h"
#include "services/common/clock.h"

namespace stadt::appointments {

enum class VisitState { kExpected, kWaiting, kCalled, kCompleted, kNoShow, kParked, kCancelled };

// A booking or a walk-in (empty booking code; `start` is the arrival), or the
// ticket of a booking its citizen erased (empty code, not a walk-in; `start`
// is the arrival).
struct DayAppointment {
  std::string booking_code;
  absl::Time start;
  std::vector<std::string> service_ids;
  VisitState state = VisitState::kExpected;
  int queue_number = 0;
  bool walk_in = false;
  std::string counter;
  // Check-in (a walk-in: arrival) and the latest call; InfinitePast: not yet.
  absl::Time checked_in_at = absl::InfinitePast();
  absl::Time called_at = absl::InfinitePast();
  std::string sealed_contact;  // of a booking, as stored (opened for staff)
  std::string citizen_name;    // filled by CounterDay::List
};

struct Ticket {
  int queue_number = 0;
  std::string booking_code;  // empty for a walk-in
  VisitState state = VisitState::kWaiting;
  std::string counter;
  // When the number was drawn (a booking's check-in, a walk-in's arrival)
  // and last called to a counter; InfinitePast: not yet.
  absl::Time issued_at = absl::InfinitePast();
  absl::Time called_at = absl::InfinitePast();
};

struct DayList {
  // Bookings by start, walk-ins by arrival, merged in time order.
  std::vector<DayAppointment> appointments;
  int no_shows = 0;
};

struct DisplayCall {
  int queue_number = 0;
  std::string counter;
  absl::Time called_at;
};

// The waiting room's screen: the latest calls, newest first.
struct CallBoard {
  int64_t version = 0;  // raised by every call and recall
  bool changed = true;
  std::vector<DisplayCall> calls;
  std::string date;
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
  // Nobody waiting: nullopt.
  virtual absl::StatusOr<std::optional<Ticket>> CallNext(const booking::ResourceDay& day,
                                                         const std::string& counter,
                                                         absl::Time now) = 0;
  virtual absl::StatusOr<Ticket> Complete(const booking::ResourceDay& day, int queue_number) = 0;
  // Calls a waiting, called or parked ticket to `counter` (again).
  virtual absl::StatusOr<Ticket> Recall(const booking::ResourceDay& day, int queue_number,
                                        const std::string& counter, absl::Time now) = 0;
  // Out of the queue until recalled; idempotent.
  virtual absl::StatusOr<Ticket> Park(const booking::ResourceDay& day, int queue_number) = 0;
  // Out of the queue for good; a booking may check in again. Idempotent.
  virtual absl::StatusOr<Ticket> CancelTicket(const booking::ResourceDay& day, int queue_number,
                                              absl::Time now) = 0;
  // The latest `max` calls of the day, newest first.
  virtual absl::StatusOr<CallBoard> Board(const booking::ResourceDay& day, int max) = 0;
  virtual absl::StatusOr<DayAppointment> MarkNoShow(const booking::ResourceDay& day,
                                                    const std::string& code, absl::Time now) = 0;
};

// The caseworker's day: input checks and the time rules (check-in only on the
// day itself, no-show only after the grace period, walk-ins only for the
// office's services while it is open).
class CounterDay {
 public:
  static constexpr int kBoardCalls = 10;

  // `contacts` may be null: the day list shows no names.
  CounterDay(CounterRepository& counters, booking::BookingRepository& bookings,
             CatalogRepository& catalog, const booking::BookingCore* contacts, const Clock& clock,
             absl::TimeZone zone, absl::Duration no_show_grace)
      : counters_(counters),
        bookings_(bookings),
        catalog_(catalog),
        contacts_(contacts),
        clock_(clock),
        zone_(zone),
        no_show_grace_(no_show_grace) {}

  // With the booked citizens' names: the caller must be staff of the office.
  absl::StatusOr<DayList> List(const std::string& office_id, const std::string& date);
  absl::StatusOr<Ticket> Recall(const std::string& office_id, const std::string& date,
                                int queue_number, const std::string& counter);
  absl::StatusOr<Ticket> Park(const std::string& office_id, const std::string& date,
                              int queue_number);
  absl::StatusOr<Ticket> CancelTicket(const std::string& office_id, const std::string& date,
                                      int queue_number);
  // Today's board of the office; `since` is the version the screen shows.
  absl::StatusOr<CallBoard> Board(const std::string& office_id, int64_t since);
  absl::StatusOr<Ticket> CheckIn(const std::string& office_id, const std::string& date,
                                 const std::string& booking_code);
  absl::StatusOr<Ticket> WalkIn(const std::string& office_id, const std::string& date,
                                const std::vector<std::string>& service_ids);
  // Nobody waiting: nullopt.
  absl::StatusOr<std::optional<Ticket>> CallNext(const std::string& office_id,
                                                 const std::string& date,
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

  absl::StatusOr<booking::ResourceDay> Ticketed(const std::string& office_id,
                                                const std::string& date, int queue_number) const;

  CounterRepository& counters_;
  booking::BookingRepository& bookings_;
  CatalogRepository& catalog_;
  const booking::BookingCore* contacts_;
  const Clock& clock_;
  absl::TimeZone zone_;
  absl::Duration no_show_grace_;
};

}  // namespace stadt::appointments
