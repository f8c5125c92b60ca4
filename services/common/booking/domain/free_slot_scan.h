#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/domain/schedule.h"

namespace stadt::booking {

// Days of usage read from the repository at once by a slot search: a search
// usually ends within the first week, and one read per week keeps a search
// over the whole horizon to a few round trips.
inline constexpr int kScanChunkDays = 7;

// One resource a slot search looks at (an office, a caseworker).
struct ScanResource {
  std::string id;
  // The resource's day on its grid; the scan asks for each day it reaches.
  std::function<DayPlan(absl::CivilDay)> plan;
  // Buckets the searched slot covers on that grid.
  int buckets = 0;
};

// The free-slot search every booking service shares: walks `days` in order,
// reading the usage of all `resources` for kScanChunkDays days at a time, and
// passes each resource-day's free start times (earliest first, at most
// `max_per_day`, from the notice time on) to `found(resource index, start)`.
// Every slot of a day is earlier than any slot of the next, so the scan
// stops after the first day on which `enough()` holds: the caller decides
// what counts (slots, or distinct times) and sorts or trims the result.
absl::Status ScanFreeSlots(BookingCore& core, const std::vector<absl::CivilDay>& days,
                           const std::vector<ScanResource>& resources, size_t max_per_day,
                           const std::function<void(size_t, absl::Time)>& found,
                           const std::function<bool()>& enough);

}  // namespace stadt::booking
