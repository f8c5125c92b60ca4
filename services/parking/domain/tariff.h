#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/parking/domain/berlin_time.h"

namespace stadt::parking {

// Weekdays and a wall-clock span [from_minute, to_minute) in Europe/Berlin
// time. A span never crosses midnight: "20:00-02:00" is written as two
// windows, one ending at 24:00 and one starting at 00:00.
struct TimeWindow {
  std::vector<int> weekdays;  // ISO 1 = Monday ... 7 = Sunday
  int from_minute = 0;
  int to_minute = 0;  // up to 1440 (24:00)

  bool Contains(int weekday, int minute_of_day) const;
};

struct PricedWindow {
  TimeWindow when;
  int64_t cents_per_hour = 0;
};

// A zone's price rules, configured from JSON (see services/parking/README.md).
struct Tariff {
  std::string id;
  std::string name;
  // Minutes inside a priced window cost its hourly rate; all other minutes are free.
  std::vector<PricedWindow> windows;
  // Free even inside a priced window (e.g. a lunchtime break).
  std::vector<TimeWindow> free_periods;
  // Whole Berlin calendar days without charge (public holidays), "YYYY-MM-DD".
  std::vector<std::string> free_dates;
  // A started increment is charged in full; 1 means minute-exact.
  int billing_increment_minutes = 1;
  // A non-zero total below this is raised to it.
  int64_t minimum_charge_cents = 0;
  int max_parking_minutes = 120;
  // Most one Berlin calendar day can cost; 0 means no cap.
  int64_t daily_cap_cents = 0;
  // Stays of at most this many minutes are free altogether.
  int free_stay_minutes = 0;
};

// Parses {"tariffs": [...]} and validates every tariff.
absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text);
absl::Status ValidateTariff(const Tariff& tariff);

enum class MinuteKind { kPriced, kOutsideHours, kFreePeriod, kFreeDate };
std::string_view MinuteKindName(MinuteKind kind);

// Consecutive billed minutes of one Berlin day at one rate.
struct PriceSegment {
  absl::Time start;
  absl::Time end;
  std::string local_date;
  int local_from_minute = 0;  // Berlin wall clock at `start`
  int64_t minutes = 0;
  int64_t cents_per_hour = 0;
  MinuteKind kind = MinuteKind::kPriced;
};

struct DayTotal {
  std::string local_date;
  int64_t cents_before_cap = 0;
  int64_t cents = 0;
};

struct Quote {
  absl::Time start;
  absl::Time end;
  int64_t parked_minutes = 0;  // started minutes of the stay
  int64_t billed_minutes = 0;  // parked minutes rounded up to whole increments
  std::vector<PriceSegment> segments;
  std::vector<DayTotal> days;
  bool free_stay_applied = false;
  bool minimum_charge_applied = false;
  int64_t total_cents = 0;
};

// Prices a stay under a tariff. The rounding rule (the only one):
//  1. Time: the stay is counted in started minutes from its start and rounded
//     up to whole billing increments; every billed minute costs the rate in
//     force at its first second on the Berlin wall clock. Minutes are real
//     elapsed minutes, so the hour skipped in March is never charged and the
//     hour repeated in October is charged twice.
//  2. Money: per Berlin calendar day, sum(rate_per_hour * minutes) / 60 is
//     rounded half up to whole cents once; then the daily cap applies. The
//     total is the sum of the days, then the free stay and the minimum charge.
class PriceCalculator {
 public:
  explicit PriceCalculator(BerlinCalendar calendar) : calendar_(calendar) {}

  // INVALID_ARGUMENT if end < start; OUT_OF_RANGE if the stay exceeds the
  // tariff's maximum parking time.
  absl::StatusOr<Quote> Price(const Tariff& tariff, absl::Time start, absl::Time end) const;

 private:
  BerlinCalendar calendar_;
};

}  // namespace stadt::parking
