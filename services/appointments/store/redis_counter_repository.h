#pragma once

#include "services/appointments/domain/counter_day.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/redis/redis_client.h"

namespace stadt::appointments {

// The appointments' booking keys (booking::RedisBookingRepository is built
// with them): 64 office buckets "appt:{appt:b<NN>-<n>}:" (booking_keys.h).
// The counter day of an office lives in the office's bucket beside its
// bookings, because the counter's scripts change both in one step:
//   <b>day:<office>:<day>         zset booking code -> start (ms)
//   <b>present:<office>:<day>     zset queue number -> order (ms):
//                                 appointment time, or arrival for walk-ins
//   <b>ticket:<office>:<day>:<n>  hash: code, state, counter (walk-ins:
//                                 services, arrived_ms); erased: 1 once
//                                 the citizen's erasure blanked code
//   <b>ticket-seq:<office>:<day>  last queue number handed out
//   <b>no-shows:<office>:<day>    count
//   <b>display:<office>:<day>     list "n|counter|ms", newest first (20)
//   <b>display-version:<office>:<day>  raised by every call and recall
const booking::BookingKeys& AppointmentKeys();

// Makes a citizen's erasure (GDPR Art. 17, in the same Lua step) blank the
// erased bookings' codes in the counter's tickets; the tickets stay (queue
// number, state, times) so the day and its counts stay whole.
inline void ForgetErasedCodesAtCounter(booking::RedisBookingRepository& bookings) {
  bookings.ForgetCodeIn({"ticket"});
}

class RedisCounterRepository final : public CounterRepository {
 public:
  explicit RedisCounterRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<DayList> ListDay(const booking::ResourceDay& day) override;
  absl::StatusOr<Ticket> CheckIn(const booking::ResourceDay& day, const std::string& code,
                                 absl::Time now) override;
  absl::StatusOr<Ticket> WalkIn(const booking::ResourceDay& day,
                                const std::vector<std::string>& service_ids,
                                absl::Time now) override;
  absl::StatusOr<std::optional<Ticket>> CallNext(const booking::ResourceDay& day,
                                                 const std::string& counter,
                                                 absl::Time now) override;
  absl::StatusOr<Ticket> Complete(const booking::ResourceDay& day, int queue_number) override;
  absl::StatusOr<Ticket> Recall(const booking::ResourceDay& day, int queue_number,
                                const std::string& counter, absl::Time now) override;
  absl::StatusOr<Ticket> Park(const booking::ResourceDay& day, int queue_number) override;
  absl::StatusOr<Ticket> CancelTicket(const booking::ResourceDay& day, int queue_number,
                                      absl::Time now) override;
  absl::StatusOr<CallBoard> Board(const booking::ResourceDay& day, int max) override;
  absl::StatusOr<DayAppointment> MarkNoShow(const booking::ResourceDay& day,
                                            const std::string& code, absl::Time now) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::appointments
