// The price calculator: walks a stay in runs of minutes that share one
// classification, and prices, limits and describes charging from them.
#include "services/parking/domain/tariff.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/reason.h"

namespace stadt::parking {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr int64_t kSecondsPerDay = 24 * 60 * 60;

int64_t CeilDiv(int64_t value, int64_t divisor) { return (value + divisor - 1) / divisor; }

int64_t FloorDiv(int64_t value, int64_t divisor) {
  return value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}

// Consecutive minutes that are classified alike: one Berlin day, one UTC
// offset, no window edge inside.
struct Run {
  absl::Time start;
  int64_t minutes = 0;
  std::string_view local_date;
  int local_from_minute = 0;
  MinuteKind kind = MinuteKind::kOutsideHours;
  int64_t cents_per_hour = 0;  // the window's rate, also for its free minutes
  int window = -1;             // index of the charging window in force, -1 if none
};

// Charging hours: inside a charging window on a day that is not free.
bool InChargingHours(const Run& run) {
  return run.window >= 0 && run.kind != MinuteKind::kFreeDate;
}

// Calls visit(run) for the `minutes` whole minutes from `start`, run by run,
// until it returns false. The first `free_minutes` of them are the stay's
// free minutes. The offset is looked up only when the one in force runs out,
// and the date text only when the local day changes.
template <typename Visit>
void WalkMinutes(const BerlinCalendar& calendar, const Tariff& tariff, absl::Time start,
                 int64_t minutes, int64_t free_minutes, Visit visit) {
  absl::Time offset_valid_until = absl::InfinitePast();
  absl::Duration offset;
  int64_t current_day = INT64_MIN;
  std::string current_date;
  bool free_date = false;
  int64_t i = 0;
  while (i < minutes) {
    const absl::Time minute_start = start + absl::Minutes(i);
    if (minute_start >= offset_valid_until) {
      offset = calendar.OffsetAt(minute_start, &offset_valid_until);
    }
    const int64_t local_seconds = absl::ToUnixSeconds(minute_start + offset);
    const int64_t day = FloorDiv(local_seconds, kSecondsPerDay);
    if (day != current_day) {
      current_day = day;
      current_date = ToLocalMinute(minute_start, offset).date;
      free_date = tariff.free_dates.contains(current_date);
    }
    // 1970-01-01 was a Thursday (ISO weekday 4).
    const int weekday = static_cast<int>(((day % 7) + 7 + 3) % 7) + 1;
    const int minute_of_day = static_cast<int>((local_seconds - day * kSecondsPerDay) / 60);

    Run run;
    run.start = minute_start;
    run.local_date = current_date;
    run.local_from_minute = minute_of_day;
    int next_edge = kMinutesPerDay;
    auto note_edges = [&](const TimeWindow& window) {
      for (int edge : {window.from_minute, window.to_minute}) {
        if (edge > minute_of_day && edge < next_edge) next_edge = edge;
      }
    };
    bool free_period = false;
    for (const TimeWindow& window : tariff.free_periods) {
      note_edges(window);
      free_period = free_period || window.Contains(weekday, minute_of_day);
    }
    for (size_t w = 0; w < tariff.windows.size(); ++w) {
      note_edges(tariff.windows[w].when);
      if (run.window < 0 && tariff.windows[w].when.Contains(weekday, minute_of_day)) {
        run.window = static_cast<int>(w);
        run.cents_per_hour = tariff.windows[w].cents_per_hour;
      }
    }
    if (free_date) {
      run.kind = MinuteKind::kFreeDate;
    } else if (free_period) {
      run.kind = MinuteKind::kFreePeriod;
    } else if (run.window >= 0) {
      run.kind = i < free_minutes ? MinuteKind::kFreeMinutes : MinuteKind::kPriced;
    }

    run.minutes = std::min<int64_t>(next_edge - minute_of_day, minutes - i);
    if (i < free_minutes) run.minutes = std::min(run.minutes, free_minutes - i);
    // Minutes that start before the offset changes keep the old offset.
    const absl::Duration until_change = offset_valid_until - minute_start;
    if (until_change < absl::Minutes(run.minutes)) {
      run.minutes = absl::ToInt64Minutes(absl::Ceil(until_change, absl::Minutes(1)));
    }
    if (!visit(run)) return;
    i += run.minutes;
  }
}

// Counts the charged minutes of the current stretch of charging hours
// against the maximum parking time of the window each minute falls in.
class StretchLimit {
 public:
  explicit StretchLimit(const Tariff& tariff) : tariff_(tariff) {}

  // How many of the run's minutes fit; counts them.
  int64_t Fit(const Run& run) {
    if (!InChargingHours(run)) {
      used_ = 0;
      return run.minutes;
    }
    const int max = tariff_.windows[run.window].max_parking_minutes;
    const int64_t fit = max == 0 ? run.minutes : std::clamp<int64_t>(max - used_, 0, run.minutes);
    used_ += fit;
    return fit;
  }

 private:
  const Tariff& tariff_;
  int64_t used_ = 0;
};

struct DayAccount {
  std::string local_date;
  int64_t priced_minutes = 0;
  int64_t rate_minutes = 0;  // sum of rate * minutes
  int64_t last_rate = 0;
};

void AddToSegments(const Run& run, std::vector<PriceSegment>& segments) {
  const int64_t rate = run.kind == MinuteKind::kPriced ? run.cents_per_hour : 0;
  const absl::Time run_end = run.start + absl::Minutes(run.minutes);
  PriceSegment* last = segments.empty() ? nullptr : &segments.back();
  if (last != nullptr && last->local_date == run.local_date && last->kind == run.kind &&
      last->cents_per_hour == rate) {
    last->minutes += run.minutes;
    last->end = run_end;
    return;
  }
  segments.push_back({run.start, run_end, std::string(run.local_date), run.local_from_minute,
                      run.minutes, rate, run.kind});
}

void AddToDays(const Run& run, std::vector<DayAccount>& days) {
  if (days.empty() || days.back().local_date != run.local_date) {
    days.push_back({std::string(run.local_date)});
  }
  if (run.kind != MinuteKind::kPriced) return;
  DayAccount& day = days.back();
  day.priced_minutes += run.minutes;
  day.rate_minutes += run.cents_per_hour * run.minutes;
  day.last_rate = run.cents_per_hour;
}

DayTotal CloseDay(const Tariff& tariff, const DayAccount& account) {
  DayTotal day;
  day.local_date = account.local_date;
  day.charged_minutes = account.priced_minutes;
  const int64_t unit = tariff.charging_unit_minutes;
  day.billed_minutes = CeilDiv(account.priced_minutes, unit) * unit;
  const int64_t rounded_up = day.billed_minutes - account.priced_minutes;
  day.cents_before_cap = (account.rate_minutes + rounded_up * account.last_rate + 30) / 60;
  day.cents = tariff.daily_cap_cents > 0 ? std::min(day.cents_before_cap, tariff.daily_cap_cents)
                                         : day.cents_before_cap;
  return day;
}

}  // namespace

std::string FormatClock(int minute_of_day) {
  return absl::StrFormat("%02d:%02d", minute_of_day / 60, minute_of_day % 60);
}

bool TimeWindow::Contains(int weekday, int minute_of_day) const {
  return minute_of_day >= from_minute && minute_of_day < to_minute &&
         std::find(weekdays.begin(), weekdays.end(), weekday) != weekdays.end();
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
    case MinuteKind::kFreeMinutes:
      return "free_minutes";
  }
  return "priced";
}

absl::StatusOr<Quote> PriceCalculator::Price(const Tariff& tariff, absl::Time start,
                                             absl::Time end) const {
  if (end < start) {
    return WithReason(absl::InvalidArgumentError("end must not be before start"),
                      "end_not_after_start");
  }
  const int64_t seconds = absl::ToInt64Seconds(absl::Ceil(end - start, absl::Seconds(1)));
  Quote quote;
  quote.start = start;
  quote.end = end;
  quote.parked_minutes = CeilDiv(seconds, 60);
  if (quote.parked_minutes > tariff.max_stay_minutes) {
    return WithReason(absl::OutOfRangeError(absl::StrCat("exceeds the longest stay of ",
                                                         tariff.max_stay_minutes, " minutes")),
                      "end_beyond_max_stay");
  }
  StretchLimit limit(tariff);
  const PricedWindow* broken = nullptr;
  std::vector<DayAccount> days;
  WalkMinutes(calendar_, tariff, start, quote.parked_minutes, tariff.free_minutes,
              [&](const Run& run) {
                if (limit.Fit(run) < run.minutes) {
                  broken = &tariff.windows[run.window];
                  return false;
                }
                AddToSegments(run, quote.segments);
                AddToDays(run, days);
                return true;
              });
  if (broken != nullptr) {
    return WithReason(absl::OutOfRangeError(absl::StrCat(
                          "exceeds the maximum parking time of ", broken->max_parking_minutes,
                          " minutes in charging hours (", FormatClock(broken->when.from_minute),
                          "-", FormatClock(broken->when.to_minute), ")")),
                      "end_beyond_max_stay");
  }
  for (const DayAccount& account : days) {
    DayTotal day = CloseDay(tariff, account);
    quote.billed_minutes += day.billed_minutes;
    quote.total_cents += day.cents;
    quote.days.push_back(std::move(day));
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

absl::Time PriceCalculator::LatestEnd(const Tariff& tariff, absl::Time start) const {
  absl::Time latest = start + absl::Minutes(tariff.max_stay_minutes);
  StretchLimit limit(tariff);
  WalkMinutes(calendar_, tariff, start, tariff.max_stay_minutes, tariff.free_minutes,
              [&](const Run& run) {
                const int64_t fit = limit.Fit(run);
                if (fit == run.minutes) return true;
                latest = run.start + absl::Minutes(fit);
                return false;
              });
  return latest;
}

ChargeState PriceCalculator::ChargingAt(const Tariff& tariff, absl::Time now) const {
  // Walks from a day before `now` to a week after it: far enough back to see
  // when the current stretch began, far enough ahead for every weekly sign.
  constexpr int64_t kLookBackMinutes = kMinutesPerDay;
  constexpr int64_t kLookAheadMinutes = 7 * kMinutesPerDay;
  ChargeState state;
  bool seen_now = false;
  bool first = true;
  bool previous_charged = false;
  // Whole minutes, so that the instants reported are where charging starts.
  const absl::Time minute =
      absl::Floor(now - absl::UnixEpoch(), absl::Minutes(1)) + absl::UnixEpoch();
  WalkMinutes(calendar_, tariff, minute - absl::Minutes(kLookBackMinutes),
              kLookBackMinutes + kLookAheadMinutes, 0, [&](const Run& run) {
                const bool charged = run.kind == MinuteKind::kPriced;
                if (seen_now) {
                  if (charged == state.charged) return true;
                  state.next_change = run.start;
                  return false;
                }
                if (charged && !previous_charged && !first) state.charged_since = run.start;
                if (!charged) state.charged_since = absl::InfinitePast();
                first = false;
                previous_charged = charged;
                if (run.start + absl::Minutes(run.minutes) <= now) return true;
                seen_now = true;
                state.charged = charged;
                state.cents_per_hour = charged ? run.cents_per_hour : 0;
                return true;
              });
  return state;
}

}  // namespace stadt::parking
