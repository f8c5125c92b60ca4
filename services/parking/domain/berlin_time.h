#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace date {
class time_zone;
}

namespace stadt::parking {

// An instant as it reads on a Europe/Berlin wall clock.
struct LocalMinute {
  std::string date;  // "2026-03-29"
  int weekday = 1;   // ISO: 1 = Monday ... 7 = Sunday
  int minute_of_day = 0;
};

// Europe/Berlin wall-clock rules from the system tz database (tzdata), read
// through Howard Hinnant's date/tz. Cheap to copy; the zone data is shared.
class BerlinCalendar {
 public:
  // Fails with FAILED_PRECONDITION when the tz database has no Europe/Berlin.
  static absl::StatusOr<BerlinCalendar> Load();

  LocalMinute At(absl::Time instant) const;
  // Offset from UTC in force at `instant`, and the instant it next changes.
  absl::Duration OffsetAt(absl::Time instant, absl::Time* valid_until) const;

 private:
  explicit BerlinCalendar(const date::time_zone* zone) : zone_(zone) {}

  const date::time_zone* zone_;
};

// LocalMinute of an instant given the UTC offset in force then.
LocalMinute ToLocalMinute(absl::Time instant, absl::Duration utc_offset);

}  // namespace stadt::parking
