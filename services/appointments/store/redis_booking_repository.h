#pragma once

#include "services/appointments/domain/bookings.h"
#include "services/common/booking/store/redis_booking_repository.h"

namespace stadt::appointments {

// Key prefix of all office booking state; the {appt} hash tag keeps it on one
// slot (the counter day's scripts read the bookings too).
inline constexpr char kBookingPrefix[] = "appt:{appt}:";

// The shared booking store under the appointments' keys.
class RedisBookingRepository final : public booking::RedisBookingRepository {
 public:
  explicit RedisBookingRepository(redis::Client& redis)
      : booking::RedisBookingRepository(redis, kBookingPrefix) {}
};

}  // namespace stadt::appointments
