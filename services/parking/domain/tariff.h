#pragma once

#include <functional>
#include <set>
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

// The charging hours of a sign: "Mo-Sa 8-22 Uhr, 3,20 EUR/h, Höchstparkdauer 2 Std.".
struct PricedWindow {
  TimeWindow when;
  int64_t cents_per_hour = 0;
  // Höchstparkdauer: the most charged minutes one uninterrupted stretch of
  // charging hours may hold while this window is in force; 0 = no maximum.
  int max_parking_minutes = 0;
};

// A zone's price rules, configured from JSON (see services/parking/README.md).
struct Tariff {
  std::string id;
  std::string name;
  // Minutes inside a charging window cost its hourly rate; all others are free.
  std::vector<PricedWindow> windows;
  // Free even inside a charging window (e.g. a lunchtime break).
  std::vector<TimeWindow> free_periods;
  // Whole Berlin calendar days without charge, "YYYY-MM-DD": the dates listed
  // in the tariff and the public holidays of its holiday calendar.
  std::set<std::string, std::less<>> free_dates;
  // The holiday calendar whose days are free ("bw"); empty = none.
  std::string holiday_calendar;
  // "Brötchentaste": the first minutes of every stay cost nothing; a longer
  // stay pays only for what follows them.
  int free_minutes = 0;
  // Each Berlin day's charged minutes are rounded up to whole units (15 =
  // "per started quarter hour"); 1 means minute-exact.
  int charging_unit_minutes = 1;
  // A non-zero total below this is raised to it.
  int64_t minimum_charge_cents = 0;
  // Most one Berlin calendar day can cost; 0 means no cap.
  int64_t daily_cap_cents = 0;
  // Stays of at most this many minutes are free altogether.
  int free_stay_minutes = 0;
  // The longest a session may run, charged or not (the app's limit, not the
  // sign's; a session without a planned end runs until the earlier of this
  // and the sign's maximum).
  int max_stay_minutes = 7 * 24 * 60;
};

// Reads a holiday file named in the tariff file (relative to that file).
using FileReader = std::function<absl::StatusOr<std::string>(std::string_view path)>;

// Parses {"holiday_calendars": {...}, "tariffs": [...]} and validates every
// tariff. Errors name the line of the tariff file they are about.
absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text,
                                                 const FileReader& read_holiday_file);
// A tariff file without holiday calendars.
absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text);
absl::Status ValidateTariff(const Tariff& tariff);

// Lines "YYYY-MM-DD name", '#' comments; every date in `year`.
absl::StatusOr<std::vector<std::string>> ParseHolidayFile(std::string_view text, int year);

enum class MinuteKind { kPriced, kOutsideHours, kFreePeriod, kFreeDate, kFreeMinutes };
std::string_view MinuteKindName(MinuteKind kind);

// Consecutive parked minutes of one Berlin day of one kind at one rate.
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
  int64_t charged_minutes = 0;  // priced minutes of the day
  int64_t billed_minutes = 0;   // rounded up to whole charging units
  int64_t cents_before_cap = 0;
  int64_t cents = 0;
};

struct Quote {
  absl::Time start;
  absl::Time end;
  int64_t parked_minutes = 0;  // started minutes of the stay
  int64_t billed_minutes = 0;  // sum of the days' billed minutes
  std::vector<PriceSegment> segments;
  std::vector<DayTotal> days;
  bool free_stay_applied = false;
  bool minimum_charge_applied = false;
  int64_t total_cents = 0;
};

// Whether a zone charges at an instant, and until when that holds.
struct ChargeState {
  bool charged = false;
  int64_t cents_per_hour = 0;  // when charged
  // Start of the current stretch of charging hours (charged), if it began
  // within the last day; InfinitePast otherwise.
  absl::Time charged_since = absl::InfinitePast();
  // When charging next starts (not charged) or ends (charged), within a
  // week; InfiniteFuture if it does not.
  absl::Time next_change = absl::InfiniteFuture();
};

// Prices stays under a tariff. The rules (the only ones):
//  1. Time: the stay is counted in started minutes from its start. Each
//     minute is classified by the Berlin wall clock at its first second:
//     free date or holiday, free period, within the free minutes of the
//     stay, priced (inside a charging window), or outside hours. Minutes are
//     real elapsed minutes, so the hour skipped in March is never charged and
//     the hour repeated in October is charged twice.
//  2. Maximum parking time: an uninterrupted stretch of charging hours
//     (priced minutes, free minutes and free periods inside a window; broken
//     by minutes outside hours or free days) may hold at most the maximum of
//     the window each of its minutes falls in.
//  3. Money: per Berlin calendar day the priced minutes are rounded up to
//     whole charging units (the added minutes cost the day's last rate);
//     sum(rate_per_hour * minutes) / 60 is rounded half up to whole cents
//     once; then the daily cap applies. The total is the sum of the days,
//     then the free stay and the minimum charge.
class PriceCalculator {
 public:
  explicit PriceCalculator(BerlinCalendar calendar) : calendar_(calendar) {}

  // INVALID_ARGUMENT if end < start; OUT_OF_RANGE if the stay breaks a
  // maximum parking time or the longest stay.
  absl::StatusOr<Quote> Price(const Tariff& tariff, absl::Time start, absl::Time end) const;
  // The latest end a stay from `start` may have (whole minutes from start).
  absl::Time LatestEnd(const Tariff& tariff, absl::Time start) const;
  ChargeState ChargingAt(const Tariff& tariff, absl::Time now) const;

 private:
  BerlinCalendar calendar_;
};

// "08:00" for 480; 1440 is "24:00".
std::string FormatClock(int minute_of_day);

// "08:00" for 480; 1440 is "24:00".
std::string FormatClock(int minute_of_day);

// The tariff as a sign reads, one line per rule, in German and in English.
std::vector<std::string> DescribeTariffGerman(const Tariff& tariff);
std::vector<std::string> DescribeTariffEnglish(const Tariff& tariff);

}  // namespace stadt::parking
