#pragma once

#include "services/appointments/domain/counter_day.h"
#include "services/common/redis/redis_client.h"

namespace stadt::appointments {

// The counter day in Redis, beside the bookings (same {appt} hash tag):
//   appt:{appt}:day:<office>:<day>         zset booking code -> start (ms)
//   appt:{appt}:present:<office>:<day>     zset queue number -> order (ms):
//                                          appointment time, or arrival for walk-ins
//   appt:{appt}:ticket:<office>:<day>:<n>  hash: code, state, counter
//   appt:{appt}:ticket-seq:<office>:<day>  last queue number handed out
//   appt:{appt}:no-shows:<office>:<day>    count
class RedisCounterRepository final : public CounterRepository {
 public:
  explicit RedisCounterRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<DayList> ListDay(const OfficeDay& day) override;
  absl::StatusOr<Ticket> CheckIn(const OfficeDay& day, const std::string& code,
                                 absl::Time now) override;
  absl::StatusOr<Ticket> WalkIn(const OfficeDay& day, const std::vector<std::string>& service_ids,
                                absl::Time now) override;
  absl::StatusOr<Ticket> CallNext(const OfficeDay& day, const std::string& counter) override;
  absl::StatusOr<Ticket> Complete(const OfficeDay& day, int queue_number) override;
  absl::StatusOr<DayAppointment> MarkNoShow(const OfficeDay& day, const std::string& code,
                                            absl::Time now) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::appointments
