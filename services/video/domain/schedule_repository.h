#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/video/domain/catalog.h"

namespace stadt::video {

// What a caseworker (or a colleague of the department) changed of the seed
// file's schedule: the weekly availability, if set, replaces the seed's;
// absences add to the seed's.
struct ScheduleOverride {
  std::optional<std::vector<WeeklyWindow>> availability;
  std::vector<Absence> absences;
};

// Storage port of the schedules set through the routes. Errors: UNAVAILABLE.
class ScheduleRepository {
 public:
  virtual ~ScheduleRepository() = default;
  // One entry per id, in order (an empty override where nothing was set).
  virtual absl::StatusOr<std::vector<ScheduleOverride>> Get(
      const std::vector<std::string>& caseworker_ids) = 0;
  virtual absl::Status PutAvailability(const std::string& caseworker_id,
                                       const std::vector<WeeklyWindow>& windows) = 0;
  // Atomically adds the absence unless one with its id exists: then returns
  // that one, unchanged.
  virtual absl::StatusOr<Absence> AddAbsence(const std::string& caseworker_id,
                                             const Absence& absence) = 0;
};

// The seed's caseworker with what was set through the routes.
Caseworker Apply(Caseworker caseworker, const ScheduleOverride& changes);

}  // namespace stadt::video
