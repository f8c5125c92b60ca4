#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace stadt::booking {

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
  // With a duration: confirming a hold sends a link by e-mail and the booking
  // is made only when it is used within this time (the slot stays held until
  // then). Zero: the booking is made at once.
  absl::Duration email_confirmation_ttl = absl::ZeroDuration();
  // Whether a check-in at the counter closes the booking: then it can no
  // longer be cancelled (CheckVisitOpen; the store must be built the same way,
  // RedisBookingRepository::Options). Moving is refused after check-in always.
  bool check_in_closes_booking = false;
};

// A day of one bookable resource (an office's counters, a caseworker) on its
// slot grid: bucket i starts at i * slot_minutes after local midnight.
// Capacity is how many appointments a bucket can take at once.
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

// A plan with `slot_minutes` buckets for the whole day, all at capacity 0.
DayPlan ClosedDay(absl::CivilDay day, int slot_minutes);
// Adds `amount` to the buckets from `from_minute` up to `to_minute` (local
// minutes after midnight, on the plan's grid).
void Open(int from_minute, int to_minute, int amount, DayPlan* plan);
// 1 = Monday ... 7 = Sunday.
int IsoWeekday(absl::CivilDay day);
// Buckets needed for an appointment of `minutes`, rounded up to the grid.
int BucketsFor(int minutes, int slot_minutes);
// First buckets of every run of `need` buckets that has a free counter in each.
// Identical counters make this exact: when no bucket is over capacity, the
// appointments can always be spread over the counters (interval colouring).
std::vector<int> FreeStarts(const DayPlan& plan, const DayUsage& usage, int need);

// Ids are slugs: 1..64 of [a-z0-9-], not starting with '-'. They end up in
// Redis keys and URLs, so nothing else is allowed.
bool IsValidId(std::string_view id);
// "YYYY-MM-DD" of a real calendar day.
bool IsValidIsoDate(std::string_view date);
std::string FormatDate(absl::CivilDay day);
// `time` on the wall clock of `zone`, RFC 3339 with the offset of that
// moment ("2026-12-01T12:00:00+01:00"): what people read beside UTC. An
// infinite time (never happened) is "".
std::string FormatLocal(absl::Time time, absl::TimeZone zone);
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
  // Whether the buckets [bucket, bucket + count) of `day` are all times its
  // wall clock shows. Not so for the hour skipped when clocks go forward:
  // StartOf maps those buckets onto the hour after, where they would offer
  // the real buckets a second time (free there even when the real one is taken).
  bool OnTheClock(absl::CivilDay day, int bucket, int count, int slot_minutes) const;
  // INVALID_ARGUMENT unless `start` is exactly on the slot grid.
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

// One day's wall clock, for walking its buckets: Calendar::OnTheClock and
// Calendar::StartOf give the same answers, but a day with one UTC offset from
// midnight to midnight (all but the two days a year the clocks change) needs
// no time-zone lookup per bucket: every bucket is on the clock and starts its
// minutes after midnight. A slot search asks this for every bucket of tens of
// office-days, so the lookups were most of its cost. Other days, and minutes
// outside the day, ask the calendar.
class DayClock {
 public:
  DayClock(const Calendar& calendar, absl::CivilDay day);

  bool OnTheClock(int bucket, int count, int slot_minutes) const;
  absl::Time StartOf(int bucket, int slot_minutes) const;
  // Whether this day has one offset throughout (the fast path; for tests).
  bool steady() const { return midnight_.has_value(); }

 private:
  // The instant of `minute` after midnight, when it is on the steady day.
  std::optional<absl::Time> SteadyMinute(int minute) const;

  const Calendar& calendar_;
  absl::CivilDay day_;
  std::optional<absl::Time> midnight_;  // set on a day with one offset throughout
};

}  // namespace stadt::booking
