#pragma once

#include <string>
#include <vector>

#include "services/common/redis/redis_client.h"
#include "services/video/domain/schedule_repository.h"

namespace stadt::video {

// Schedules set through the routes, in Redis (under the video hash tag):
//   <b>availability:<caseworker>  JSON array of weekly windows (<b>: the
//                                 caseworker's bucket, VideoKeys())
//   <b>absences:<caseworker>      hash: absence id -> JSON
// Adding an absence is one HSETNX, so the same id declared twice at once
// keeps the first. Replacing the availability is a plain SET (the last
// writer wins; the caller checked the bookings it strands before).
class RedisScheduleRepository final : public ScheduleRepository {
 public:
  explicit RedisScheduleRepository(redis::Client& redis) : redis_(redis) {}

  absl::StatusOr<std::vector<ScheduleOverride>> Get(
      const std::vector<std::string>& caseworker_ids) override;
  absl::Status PutAvailability(const std::string& caseworker_id,
                               const std::vector<WeeklyWindow>& windows) override;
  absl::StatusOr<Absence> AddAbsence(const std::string& caseworker_id,
                                     const Absence& absence) override;

 private:
  redis::Client& redis_;
};

}  // namespace stadt::video
