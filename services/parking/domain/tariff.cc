#include "services/parking/domain/tariff.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json/parse.hpp"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/parking/domain/json_read.h"

namespace stadt::parking {
namespace {

namespace json = boost::json;

constexpr int kMinutesPerDay = 24 * 60;
constexpr int64_t kSecondsPerDay = 24 * 60 * 60;
// Guards the per-minute walk against absurd configurations: 31 days.
constexpr int kMaxParkingMinutesLimit = 31 * kMinutesPerDay;
constexpr int64_t kMaxCents = 100'000'000;

// "HH:MM" with 00:00 <= value <= 24:00.
absl::StatusOr<int> ParseClock(std::string_view where, std::string_view text) {
  int hours = 0;
  int minutes = 0;
  if (text.size() != 5 || text[2] != ':' || !absl::SimpleAtoi(ToAbsl(text.substr(0, 2)), &hours) ||
      !absl::SimpleAtoi(ToAbsl(text.substr(3, 2)), &minutes) || hours < 0 || minutes < 0 ||
      minutes > 59 || hours * 60 + minutes > kMinutesPerDay) {
    return json_read::Malformed(where, "a time \"HH:MM\" between 00:00 and 24:00");
  }
  return hours * 60 + minutes;
}

absl::StatusOr<TimeWindow> ParseWindow(const json::value& value) {
  if (!value.is_object()) return json_read::Malformed("window", "an object");
  const json::object& object = value.get_object();
  TimeWindow window;
  const json::array* days = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(object, "days", true, &days));
  for (const json::value& day : *days) {
    if (!day.is_int64() || day.get_int64() < 1 || day.get_int64() > 7) {
      return json_read::Malformed("days", "ISO weekdays 1 (Monday) to 7 (Sunday)");
    }
    window.weekdays.push_back(static_cast<int>(day.get_int64()));
  }
  std::string from;
  std::string to;
  STADT_RETURN_IF_ERROR(json_read::String(object, "from", true, &from));
  STADT_RETURN_IF_ERROR(json_read::String(object, "to", true, &to));
  absl::StatusOr<int> from_minute = ParseClock("from", from);
  if (!from_minute.ok()) return from_minute.status();
  absl::StatusOr<int> to_minute = ParseClock("to", to);
  if (!to_minute.ok()) return to_minute.status();
  window.from_minute = *from_minute;
  window.to_minute = *to_minute;
  return window;
}

absl::StatusOr<Tariff> ParseTariff(const json::value& value) {
  if (!value.is_object()) return json_read::Malformed("tariffs", "objects");
  const json::object& object = value.get_object();
  Tariff tariff;
  STADT_RETURN_IF_ERROR(json_read::String(object, "id", true, &tariff.id));
  STADT_RETURN_IF_ERROR(json_read::String(object, "name", false, &tariff.name));
  const json::array* windows = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(object, "windows", false, &windows));
  for (const json::value& entry : *windows) {
    absl::StatusOr<TimeWindow> when = ParseWindow(entry);
    if (!when.ok()) return when.status();
    int64_t rate = 0;
    STADT_RETURN_IF_ERROR(
        json_read::Int(entry.get_object(), "cents_per_hour", true, 0, kMaxCents, &rate));
    tariff.windows.push_back({*std::move(when), rate});
  }
  const json::array* free_periods = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(object, "free_periods", false, &free_periods));
  for (const json::value& entry : *free_periods) {
    absl::StatusOr<TimeWindow> when = ParseWindow(entry);
    if (!when.ok()) return when.status();
    tariff.free_periods.push_back(*std::move(when));
  }
  const json::array* free_dates = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(object, "free_dates", false, &free_dates));
  for (const json::value& entry : *free_dates) {
    if (!entry.is_string()) return json_read::Malformed("free_dates", "\"YYYY-MM-DD\" strings");
    tariff.free_dates.emplace_back(entry.get_string());
  }
  int64_t increment = tariff.billing_increment_minutes;
  int64_t max_minutes = tariff.max_parking_minutes;
  int64_t free_stay = tariff.free_stay_minutes;
  STADT_RETURN_IF_ERROR(
      json_read::Int(object, "billing_increment_minutes", false, 1, 1440, &increment));
  STADT_RETURN_IF_ERROR(json_read::Int(object, "minimum_charge_cents", false, 0, kMaxCents,
                                       &tariff.minimum_charge_cents));
  STADT_RETURN_IF_ERROR(json_read::Int(object, "max_parking_minutes", true, 1,
                                       kMaxParkingMinutesLimit, &max_minutes));
  STADT_RETURN_IF_ERROR(
      json_read::Int(object, "daily_cap_cents", false, 0, kMaxCents, &tariff.daily_cap_cents));
  STADT_RETURN_IF_ERROR(json_read::Int(object, "free_stay_minutes", false, 0, 1440, &free_stay));
  tariff.billing_increment_minutes = static_cast<int>(increment);
  tariff.max_parking_minutes = static_cast<int>(max_minutes);
  tariff.free_stay_minutes = static_cast<int>(free_stay);
  STADT_RETURN_IF_ERROR(ValidateTariff(tariff));
  return tariff;
}

bool IsValidDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  int year = 0, month = 0, day = 0;
  return absl::SimpleAtoi(ToAbsl(text.substr(0, 4)), &year) &&
         absl::SimpleAtoi(ToAbsl(text.substr(5, 2)), &month) &&
         absl::SimpleAtoi(ToAbsl(text.substr(8, 2)), &day) && year >= 2000 && month >= 1 &&
         month <= 12 && day >= 1 && day <= 31;
}

int64_t CeilDiv(int64_t value, int64_t divisor) { return (value + divisor - 1) / divisor; }

int64_t FloorDiv(int64_t value, int64_t divisor) {
  return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

}  // namespace

bool TimeWindow::Contains(int weekday, int minute_of_day) const {
  return minute_of_day >= from_minute && minute_of_day < to_minute &&
         std::find(weekdays.begin(), weekdays.end(), weekday) != weekdays.end();
}

absl::Status ValidateTariff(const Tariff& tariff) {
  const std::string where = absl::StrCat("tariff ", tariff.id);
  if (tariff.id.empty()) return absl::InvalidArgumentError("tariff: empty id");
  auto check_window = [&](const TimeWindow& window) -> absl::Status {
    if (window.weekdays.empty() || window.from_minute >= window.to_minute) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": a window needs weekdays and from < to (split windows at 24:00)"));
    }
    return absl::OkStatus();
  };
  for (const PricedWindow& window : tariff.windows)
    STADT_RETURN_IF_ERROR(check_window(window.when));
  for (const TimeWindow& window : tariff.free_periods) STADT_RETURN_IF_ERROR(check_window(window));
  // Overlapping priced windows would make a minute's rate depend on order.
  for (size_t i = 0; i < tariff.windows.size(); ++i) {
    for (size_t j = i + 1; j < tariff.windows.size(); ++j) {
      const TimeWindow& a = tariff.windows[i].when;
      const TimeWindow& b = tariff.windows[j].when;
      const bool share_day = std::any_of(a.weekdays.begin(), a.weekdays.end(), [&](int day) {
        return std::find(b.weekdays.begin(), b.weekdays.end(), day) != b.weekdays.end();
      });
      if (share_day && a.from_minute < b.to_minute && b.from_minute < a.to_minute) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": priced windows overlap"));
      }
    }
  }
  for (const std::string& date : tariff.free_dates) {
    if (!IsValidDate(date)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": free date ", date, " malformed"));
    }
  }
  if (tariff.billing_increment_minutes < 1 ||
      tariff.max_parking_minutes % tariff.billing_increment_minutes != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": max_parking_minutes must be a multiple of the billing increment"));
  }
  if (tariff.max_parking_minutes < 1 || tariff.max_parking_minutes > kMaxParkingMinutesLimit) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": max_parking_minutes out of range"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Tariff>> ParseTariffs(std::string_view json_text) {
  boost::system::error_code error;
  json::value root = json::parse(json_text, error);
  if (error) return absl::InvalidArgumentError("tariffs: not valid JSON");
  if (!root.is_object()) return json_read::Malformed("tariffs file", "an object");
  const json::array* entries = nullptr;
  STADT_RETURN_IF_ERROR(json_read::Array(root.get_object(), "tariffs", true, &entries));
  std::vector<Tariff> tariffs;
  std::set<std::string> ids;
  for (const json::value& entry : *entries) {
    absl::StatusOr<Tariff> tariff = ParseTariff(entry);
    if (!tariff.ok()) return tariff.status();
    if (!ids.insert(tariff->id).second) {
      return absl::InvalidArgumentError(absl::StrCat("tariff ", tariff->id, ": duplicate id"));
    }
    tariffs.push_back(*std::move(tariff));
  }
  return tariffs;
}

std::string_view MinuteKindName(MinuteKind kind) {
  switch (kind) {
    case MinuteKind::kPriced:
      return "priced";
    case MinuteKind::kOutsideHours:
      return "outside_hours";
    case MinuteKind::kFreePeriod:
      return "free_period";
    case MinuteKind::kFreeDate:
      return "free_date";
  }
  return "priced";
}

absl::StatusOr<Quote> PriceCalculator::Price(const Tariff& tariff, absl::Time start,
                                             absl::Time end) const {
  if (end < start) return absl::InvalidArgumentError("end must not be before start");
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(end - start, absl::Seconds(1)));
  Quote quote;
  quote.start = start;
  quote.end = end;
  quote.parked_minutes = CeilDiv(seconds, 60);
  if (quote.parked_minutes > tariff.max_parking_minutes) {
    return absl::OutOfRangeError(absl::StrCat("exceeds the maximum parking time of ",
                                              tariff.max_parking_minutes, " minutes"));
  }
  const int64_t increment = tariff.billing_increment_minutes;
  quote.billed_minutes = CeilDiv(quote.parked_minutes, increment) * increment;

  // Walk the billed minutes in runs that share one rate: a run ends at the
  // next window edge, at local midnight, when the UTC offset changes, or at
  // the end of the stay. The offset is looked up only when the one in force
  // runs out, and the date text only when the local day changes.
  absl::Time offset_valid_until = absl::InfinitePast();
  absl::Duration offset;
  int64_t current_day = INT64_MIN;
  std::string current_date;
  bool free_date = false;
  std::vector<int64_t> rate_minutes;  // per entry of quote.days: sum of rate * minutes
  int64_t i = 0;
  while (i < quote.billed_minutes) {
    const absl::Time minute_start = start + absl::Minutes(i);
    if (minute_start >= offset_valid_until) {
      offset = calendar_.OffsetAt(minute_start, &offset_valid_until);
    }
    const int64_t local_seconds = absl::ToUnixSeconds(minute_start + offset);
    const int64_t day = FloorDiv(local_seconds, kSecondsPerDay);
    if (day != current_day) {
      current_day = day;
      current_date = ToLocalMinute(minute_start, offset).date;
      free_date = std::find(tariff.free_dates.begin(), tariff.free_dates.end(), current_date) !=
                  tariff.free_dates.end();
      quote.days.push_back({current_date, 0, 0});
      rate_minutes.push_back(0);
    }
    // 1970-01-01 was a Thursday (ISO weekday 4).
    const int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;
    const int minute_of_day = static_cast<int>((local_seconds - day * kSecondsPerDay) / 60);

    MinuteKind kind = MinuteKind::kOutsideHours;
    int64_t rate = 0;
    int next_edge = kMinutesPerDay;
    auto note_edges = [&](const TimeWindow& window) {
      for (int edge : {window.from_minute, window.to_minute}) {
        if (edge > minute_of_day && edge < next_edge) next_edge = edge;
      }
    };
    for (const TimeWindow& window : tariff.free_periods) {
      note_edges(window);
      if (kind == MinuteKind::kOutsideHours && window.Contains(weekday, minute_of_day)) {
        kind = MinuteKind::kFreePeriod;
      }
    }
    for (const PricedWindow& window : tariff.windows) {
      note_edges(window.when);
      if (kind == MinuteKind::kOutsideHours && window.when.Contains(weekday, minute_of_day)) {
        kind = MinuteKind::kPriced;
        rate = window.cents_per_hour;
      }
    }
    if (free_date) {
      kind = MinuteKind::kFreeDate;
      rate = 0;
    }

    int64_t run = std::min<int64_t>(next_edge - minute_of_day, quote.billed_minutes - i);
    // Minutes that start before the offset changes keep the old offset.
    const absl::Duration until_change = offset_valid_until - minute_start;
    if (until_change < absl::Minutes(run)) {
      run = absl::ToInt64Minutes(absl::Ceil(until_change, absl::Minutes(1)));
    }
    rate_minutes.back() += rate * run;

    PriceSegment* last = quote.segments.empty() ? nullptr : &quote.segments.back();
    const absl::Time run_end = minute_start + absl::Minutes(run);
    if (last != nullptr && last->local_date == current_date && last->kind == kind &&
        last->cents_per_hour == rate) {
      last->minutes += run;
      last->end = run_end;
    } else {
      quote.segments.push_back(
          {minute_start, run_end, current_date, minute_of_day, run, rate, kind});
    }
    i += run;
  }

  for (size_t d = 0; d < quote.days.size(); ++d) {
    DayTotal& day = quote.days[d];
    day.cents_before_cap = (rate_minutes[d] + 30) / 60;
    day.cents = tariff.daily_cap_cents > 0 ? std::min(day.cents_before_cap, tariff.daily_cap_cents)
                                           : day.cents_before_cap;
    quote.total_cents += day.cents;
  }
  if (quote.parked_minutes <= tariff.free_stay_minutes) {
    quote.free_stay_applied = quote.total_cents > 0;
    quote.total_cents = 0;
  }
  if (quote.total_cents > 0 && quote.total_cents < tariff.minimum_charge_cents) {
    quote.total_cents = tariff.minimum_charge_cents;
    quote.minimum_charge_applied = true;
  }
  return quote;
}

}  // namespace stadt::parking
