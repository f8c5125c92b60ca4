// A tariff as the sign at the street reads, for the zone answer: one line
// per rule, German first, English second.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/substitute.h"
#include "services/parking/domain/tariff.h"

namespace stadt::parking {
namespace {

struct Words {
  const char* const* weekdays;  // index 0 = Monday
  const char* range_dash;
  const char* clock_suffix;  // after "08:00-22:00"
  std::string (*money)(int64_t cents);
  std::string (*duration)(int minutes);
  const char* per_hour;
  const char* max;
  const char* free_period;
  const char* outside;
  const char* holidays;
  const char* free_dates;
  const char* free_minutes;
  const char* unit;
  const char* minute_exact;
  const char* daily_cap;
  const char* minimum;
  const char* free_stay;
};

constexpr const char* kGermanDays[] = {"Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"};
constexpr const char* kEnglishDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

std::string GermanMoney(int64_t cents) {
  return absl::StrFormat("%d,%02d €", cents / 100, cents % 100);
}
std::string EnglishMoney(int64_t cents) {
  return absl::StrFormat("EUR %d.%02d", cents / 100, cents % 100);
}
std::string GermanDuration(int minutes) {
  if (minutes % 60 == 0) return absl::StrCat(minutes / 60, " Std.");
  return absl::StrCat(minutes, " Min.");
}
std::string EnglishDuration(int minutes) {
  if (minutes % 60 == 0) return absl::StrCat(minutes / 60, minutes == 60 ? " hour" : " hours");
  return absl::StrCat(minutes, " min");
}

const Words kGerman = {kGermanDays,
                       "–",
                       " Uhr",
                       GermanMoney,
                       GermanDuration,
                       "/Std.",
                       "Höchstparkdauer",
                       "gebührenfrei",
                       "Außerhalb dieser Zeiten gebührenfrei",
                       "An gesetzlichen Feiertagen gebührenfrei",
                       "Gebührenfrei am",
                       "Die ersten $0 jedes Parkvorgangs gebührenfrei",
                       "Abgerechnet je angefangene $0",
                       "Minutengenaue Abrechnung",
                       "Höchstens $0 pro Tag",
                       "Mindestgebühr $0",
                       "Parkvorgänge bis $0 gebührenfrei"};
const Words kEnglish = {kEnglishDays,
                        "-",
                        "",
                        EnglishMoney,
                        EnglishDuration,
                        " per hour",
                        "maximum stay",
                        "free",
                        "Free outside these hours",
                        "Free on public holidays",
                        "Free on",
                        "The first $0 of every stay are free",
                        "Charged per started $0",
                        "Charged by the minute",
                        "At most $0 per day",
                        "Minimum charge $0",
                        "Stays of up to $0 are free"};

// "Mo–Sa", "Mo, Mi, Fr": runs of three or more days as a range.
std::string Days(const std::vector<int>& weekdays, const Words& words) {
  bool on[8] = {};
  for (int day : weekdays) on[day] = true;
  std::vector<std::string> parts;
  for (int day = 1; day <= 7;) {
    if (!on[day]) {
      ++day;
      continue;
    }
    int last = day;
    while (last < 7 && on[last + 1]) ++last;
    if (last - day >= 2) {
      parts.push_back(
          absl::StrCat(words.weekdays[day - 1], words.range_dash, words.weekdays[last - 1]));
    } else {
      for (int d = day; d <= last; ++d) parts.emplace_back(words.weekdays[d - 1]);
    }
    day = last + 1;
  }
  return absl::StrJoin(parts, ", ");
}

std::string Hours(const TimeWindow& window, const Words& words) {
  return absl::StrCat(Days(window.weekdays, words), " ", FormatClock(window.from_minute),
                      words.range_dash, FormatClock(window.to_minute), words.clock_suffix);
}

std::vector<std::string> Describe(const Tariff& tariff, const Words& words) {
  std::vector<std::string> lines;
  for (const PricedWindow& window : tariff.windows) {
    std::string line = absl::StrCat(Hours(window.when, words), ": ",
                                    words.money(window.cents_per_hour), words.per_hour);
    if (window.max_parking_minutes > 0) {
      absl::StrAppend(&line, ", ", words.max, " ", words.duration(window.max_parking_minutes));
    }
    lines.push_back(std::move(line));
  }
  for (const TimeWindow& period : tariff.free_periods) {
    lines.push_back(absl::StrCat(Hours(period, words), ": ", words.free_period));
  }
  lines.emplace_back(words.outside);
  if (!tariff.holiday_calendar.empty()) lines.emplace_back(words.holidays);
  if (tariff.holiday_calendar.empty() && !tariff.free_dates.empty()) {
    lines.push_back(absl::StrCat(words.free_dates, " ", absl::StrJoin(tariff.free_dates, ", ")));
  }
  if (tariff.free_minutes > 0) {
    lines.push_back(absl::Substitute(words.free_minutes, words.duration(tariff.free_minutes)));
  }
  lines.push_back(tariff.charging_unit_minutes > 1
                      ? absl::Substitute(words.unit, words.duration(tariff.charging_unit_minutes))
                      : std::string(words.minute_exact));
  if (tariff.daily_cap_cents > 0) {
    lines.push_back(absl::Substitute(words.daily_cap, words.money(tariff.daily_cap_cents)));
  }
  if (tariff.minimum_charge_cents > 0) {
    lines.push_back(absl::Substitute(words.minimum, words.money(tariff.minimum_charge_cents)));
  }
  if (tariff.free_stay_minutes > 0) {
    lines.push_back(absl::Substitute(words.free_stay, words.duration(tariff.free_stay_minutes)));
  }
  return lines;
}

}  // namespace

std::vector<std::string> DescribeTariffGerman(const Tariff& tariff) {
  return Describe(tariff, kGerman);
}

std::vector<std::string> DescribeTariffEnglish(const Tariff& tariff) {
  return Describe(tariff, kEnglish);
}

}  // namespace stadt::parking
