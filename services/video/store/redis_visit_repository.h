#pragma once

#include <string>

#include "services/common/redis/redis_client.h"
#include "services/video/domain/visit.h"

namespace stadt::video {

// Key prefix of all video state, bookings included (the shared booking store
// runs under it too): one hash tag, so a waiting-room step can check the
// booking it belongs to in the same atomic script.
inline constexpr char kVideoPrefix[] = "video:{video}:";

// The waiting room in Redis:
//   video:{video}:visit:<code>   hash: state, consent versions, step times (ms),
//                                outcome; expires with the booking's data
//   video:{video}:outbox         the booking outbox; steps add
//                                consultation.* events for notifications and KPIs
// Each step is one script: compare the state, check the booking is still
// confirmed, write, emit. Checking in also marks the booking as arrived, which
// makes the shared store refuse to move it.
class RedisVisitRepository final : public VisitRepository {
 public:
  explicit RedisVisitRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<Visit> Get(const std::string& code) override;
  absl::StatusOr<std::map<std::string, Visit>> GetMany(
      const std::vector<std::string>& codes) override;
  absl::Status Apply(const std::string& code, const VisitStep& step) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::video
