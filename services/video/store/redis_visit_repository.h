#pragma once

#include <string>

#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/redis/redis_client.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

// The video service's booking keys: 64 caseworker buckets
// "video:{video:b<NN>-<n>}:" (services/common/booking/store/booking_keys.h);
// the shared booking store runs under them, and a waiting-room step runs in
// the bucket that keeps its booking, so that it can check the booking in the
// same atomic script.
const booking::BookingKeys& VideoKeys();

// The waiting room in Redis, in the booking's bucket <b>:
//   <b>visit:<code>   hash: state, consent versions, step times (ms),
//                     outcome; expires with the booking's data
//   <b>outbox         the bucket's booking outbox; steps add
//                     consultation.* events for notifications and KPIs
// Each step is one script: compare the state, check the booking is still
// confirmed, write, emit. Checking in also marks the booking as arrived, which
// makes the shared store refuse to move it.
class RedisVisitRepository final : public VisitRepository {
 public:
  // `bookings` finds the bucket of a booking (it must use VideoKeys()).
  RedisVisitRepository(redis::Client& redis, booking::RedisBookingRepository& bookings)
      : redis_(redis), bookings_(bookings) {}

  absl::StatusOr<Visit> Get(const std::string& code) override;
  absl::StatusOr<std::map<std::string, Visit>> GetMany(
      const std::vector<std::string>& codes) override;
  absl::Status Apply(const std::string& code, const VisitStep& step) override;

 private:
  // The visit's key, in the bucket that keeps booking `code`.
  absl::StatusOr<std::string> VisitKey(const std::string& code);

  redis::Client& redis_;
  booking::RedisBookingRepository& bookings_;
};

}  // namespace stadt::video
