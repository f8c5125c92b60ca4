#include "services/common/booking/domain/schedule.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "services/common/booking/domain/refusal.h"

namespace stadt::booking {
namespace {

constexpr int kMinutesPerDay = 24 * 60;
constexpr size_t kMaxIdLength = 64;

}  // namespace

DayPlan ClosedDay(absl::CivilDay day, int slot_minutes) {
  DayPlan plan;
  plan.day = day;
  plan.slot_minutes = slot_minutes > 0 ? slot_minutes : 10;
  plan.capacity.assign(kMinutesPerDay / plan.slot_minutes, 0);
  return plan;
}

void Open(int from_minute, int to_minute, int amount, DayPlan* plan) {
  for (int minute = from_minute; minute < to_minute && minute < kMinutesPerDay;
       minute += plan->slot_minutes) {
    if (minute >= 0) plan->capacity[minute / plan->slot_minutes] += amount;
  }
}

int IsoWeekday(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::monday:
      return 1;
    case absl::Weekday::tuesday:
      return 2;
    case absl::Weekday::wednesday:
      return 3;
    case absl::Weekday::thursday:
      return 4;
    case absl::Weekday::friday:
      return 5;
    case absl::Weekday::saturday:
      return 6;
    case absl::Weekday::sunday:
      return 7;
  }
  return 0;
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength || id.front() == '-') return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool IsValidIsoDate(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (date[i] < '0' || date[i] > '9') return false;
  }
  const int year = std::stoi(std::string(date.substr(0, 4)));
  const int month = std::stoi(std::string(date.substr(5, 2)));
  const int day = std::stoi(std::string(date.substr(8, 2)));
  const absl::CivilDay civil(year, month, day);
  return year >= 2000 && civil.year() == year && civil.month() == month && civil.day() == day;
}

int BucketsFor(int minutes, int slot_minutes) {
  return (minutes + slot_minutes - 1) / slot_minutes;
}

std::vector<int> FreeStarts(const DayPlan& plan, const DayUsage& usage, int need) {
  std::vector<int> taken(plan.capacity.size(), 0);
  for (const auto& [bucket, count] : usage.booked) {
    if (bucket >= 0 && bucket < static_cast<int>(taken.size())) taken[bucket] += count;
  }
  for (const auto& [first, length] : usage.holds) {
    for (int bucket = std::max(first, 0);
         bucket < first + length && bucket < static_cast<int>(taken.size()); ++bucket) {
      ++taken[bucket];
    }
  }
  std::vector<int> starts;
  starts.reserve(taken.size());  // one allocation, not one per doubling
  int run = 0;                   // free buckets ending at the current one
  for (int bucket = 0; bucket < static_cast<int>(taken.size()); ++bucket) {
    run = taken[bucket] < plan.capacity[bucket] ? run + 1 : 0;
    if (need > 0 && run >= need) starts.push_back(bucket - need + 1);
  }
  return starts;
}

std::string FormatDate(absl::CivilDay day) {
  // Written digit by digit: every key a search reads and every day it plans
  // has one, and a format string cost more than the rest of the key.
  const absl::civil_year_t year = day.year();
  if (year < 0 || year > 9999) {
    return absl::StrFormat("%04d-%02d-%02d", year, day.month(), day.day());
  }
  std::string text = "0000-00-00";
  const auto put = [&text](size_t end, int value, int digits) {
    for (int i = 1; i <= digits; ++i, value /= 10)
      text[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<int>(year), 4);
  put(7, day.month(), 2);
  put(10, day.day(), 2);
  return text;
}

std::string FormatLocal(absl::Time time, absl::TimeZone zone) {
  if (time == absl::InfinitePast() || time == absl::InfiniteFuture()) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%S%Ez", time, zone);
}

absl::StatusOr<absl::CivilDay> ParseDate(const std::string& text) {
  if (!IsValidIsoDate(text)) return absl::InvalidArgumentError("date: expected YYYY-MM-DD");
  return absl::CivilDay(std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)),
                        std::stoi(text.substr(8, 2)));
}

absl::Time Calendar::StartOf(absl::CivilDay day, int bucket, int slot_minutes) const {
  return absl::FromCivil(absl::CivilMinute(day) + bucket * slot_minutes, zone_);
}

bool Calendar::OnTheClock(absl::CivilDay day, int bucket, int count, int slot_minutes) const {
  for (int i = bucket; i < bucket + count; ++i) {
    const absl::CivilMinute local = absl::CivilMinute(day) + i * slot_minutes;
    if (absl::ToCivilMinute(absl::FromCivil(local, zone_), zone_) != local) return false;
  }
  return true;
}

DayClock::DayClock(const Calendar& calendar, absl::CivilDay day) : calendar_(calendar), day_(day) {
  const absl::TimeZone zone = calendar.zone();
  const absl::TimeZone::TimeInfo midnight = zone.At(absl::CivilSecond(day));
  if (midnight.kind != absl::TimeZone::TimeInfo::UNIQUE) return;
  // A transition exactly at midnight leaves the new offset for the whole day;
  // one within the next 24 hours does not.
  absl::TimeZone::CivilTransition next;
  if (zone.NextTransition(midnight.pre, &next) &&
      zone.At(next.to).trans < midnight.pre + absl::Hours(24)) {
    return;
  }
  midnight_ = midnight.pre;
}

std::optional<absl::Time> DayClock::SteadyMinute(int minute) const {
  if (!midnight_.has_value() || minute < 0 || minute >= kMinutesPerDay) return std::nullopt;
  return *midnight_ + absl::Minutes(minute);
}

bool DayClock::OnTheClock(int bucket, int count, int slot_minutes) const {
  if (SteadyMinute(bucket * slot_minutes).has_value() &&
      SteadyMinute((bucket + count - 1) * slot_minutes).has_value()) {
    return true;
  }
  return calendar_.OnTheClock(day_, bucket, count, slot_minutes);
}

absl::Time DayClock::StartOf(int bucket, int slot_minutes) const {
  const std::optional<absl::Time> start = SteadyMinute(bucket * slot_minutes);
  return start.has_value() ? *start : calendar_.StartOf(day_, bucket, slot_minutes);
}

absl::StatusOr<GridPosition> Calendar::PositionOf(absl::Time start, int slot_minutes) const {
  const absl::CivilSecond civil = absl::ToCivilSecond(start, zone_);
  const int minute_of_day = civil.hour() * 60 + civil.minute();
  if (civil.second() != 0 || minute_of_day % slot_minutes != 0) {
    return Refusal(absl::StatusCode::kInvalidArgument, "start_off_grid",
                   "start: not on the slot grid");
  }
  GridPosition position{absl::CivilDay(civil), minute_of_day / slot_minutes};
  if (StartOf(position.day, position.bucket, slot_minutes) != start) {
    return absl::InvalidArgumentError("start: not a valid local time");
  }
  return position;
}

absl::CivilDay Calendar::Today(absl::Time now) const { return absl::ToCivilDay(now, zone_); }

absl::CivilDay Calendar::LastBookableDay(absl::Time now) const {
  const absl::CivilMinute local = absl::ToCivilMinute(now, zone_);
  const bool released_today = local.hour() * 60 + local.minute() >= rules_.release_minute_of_day;
  return absl::CivilDay(local) + rules_.horizon_days - (released_today ? 0 : 1);
}

absl::Status Calendar::CheckBookable(absl::Time start, absl::Time now) const {
  if (start < now + rules_.min_notice) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "start_too_soon",
                   "start: too soon or in the past");
  }
  if (absl::ToCivilDay(start, zone_) > LastBookableDay(now)) {
    return Refusal(absl::StatusCode::kFailedPrecondition, "day_not_released",
                   "start: this day is not released for booking yet");
  }
  return absl::OkStatus();
}

}  // namespace stadt::booking
