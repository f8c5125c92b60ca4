#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/appointments/domain/catalog.h"

namespace stadt::appointments {

// The city's booking policy; all of it is configuration.
struct BookingRules {
  // How long before its start an appointment can still be booked.
  absl::Duration min_notice = absl::Hours(2);
  // How many days ahead citizens can book.
  int horizon_days = 60;
  // Rolling release: day D becomes bookable at this local time on D - horizon_days,
  // so a new day's slots appear every morning instead of a month in one wave.
  int release_minute_of_day = 8 * 60;
  absl::Duration hold_ttl = absl::Minutes(5);
  int max_active_bookings_per_person = 3;
  // At most one active booking per service and person within this many days.
  int same_service_window_days = 30;
  // Contact data is deleted this long after the appointment.
  int retention_days = 30;
  // The reminder goes out this long before the appointment (none if the
  // booking is made later than that).
  absl::Duration reminder_lead = absl::Hours(24);
};

// A day of one office on its slot grid: bucket i starts at i * slot_minutes
// after local midnight. Capacity is the number of counters per bucket.
struct DayPlan {
  absl::CivilDay day;
  int slot_minutes = 10;
  std::vector<int> capacity;
};

// What is taken on a day: confirmed bookings per bucket, and active holds as
// (first bucket, bucket count).
struct DayUsage {
  std::map<int, int> booked;
  std::vector<std::pair<int, int>> holds;
};

DayPlan PlanDay(const Office& office, absl::CivilDay day);
// Buckets needed for an appointment of `minutes`, rounded up to the grid.
int BucketsFor(int minutes, int slot_minutes);
// First buckets of every run of `need` buckets that has a free counter in each.
// Identical counters make this exact: when no bucket is over capacity, the
// appointments can always be spread over the counters (interval colouring).
std::vector<int> FreeStarts(const DayPlan& plan, const DayUsage& usage, int need);

std::string FormatDate(absl::CivilDay day);
absl::StatusOr<absl::CivilDay> ParseDate(const std::string& text);

// Where a slot lies on the grid.
struct GridPosition {
  absl::CivilDay day;
  int bucket = 0;
};

class Calendar {
 public:
  Calendar(BookingRules rules, absl::TimeZone zone) : rules_(rules), zone_(zone) {}

  absl::Time StartOf(absl::CivilDay day, int bucket, int slot_minutes) const;
  // INVALID_ARGUMENT unless `start` is exactly on the office's grid.
  absl::StatusOr<GridPosition> PositionOf(absl::Time start, int slot_minutes) const;
  absl::CivilDay Today(absl::Time now) const;
  // The last day whose slots are released at `now`.
  absl::CivilDay LastBookableDay(absl::Time now) const;
  // Whether an appointment starting at `start` may be booked at `now`.
  absl::Status CheckBookable(absl::Time start, absl::Time now) const;

  const BookingRules& rules() const { return rules_; }
  absl::TimeZone zone() const { return zone_; }

 private:
  BookingRules rules_;
  absl::TimeZone zone_;
};

}  // namespace stadt::appointments
