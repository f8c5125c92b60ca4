#include "services/parking/domain/berlin_time.h"

#include <chrono>
#include <exception>

#include "absl/strings/str_format.h"
#include "date/date.h"
#include "date/tz.h"

namespace stadt::parking {

absl::StatusOr<BerlinCalendar> BerlinCalendar::Load() {
  // date/tz reports a missing zone by throwing; this runs once at start, so
  // the exception is turned into a status right here.
  try {
    return BerlinCalendar(date::locate_zone("Europe/Berlin"));
  } catch (const std::exception& error) {
    return absl::FailedPreconditionError(
        absl::StrFormat("time zone Europe/Berlin unavailable (install tzdata): %s", error.what()));
  }
}

absl::Duration BerlinCalendar::OffsetAt(absl::Time instant, absl::Time* valid_until) const {
  const date::sys_seconds at{std::chrono::seconds(absl::ToUnixSeconds(instant))};
  const date::sys_info info = zone_->get_info(at);
  if (valid_until != nullptr) {
    *valid_until = absl::FromUnixSeconds(info.end.time_since_epoch().count());
  }
  return absl::Seconds(info.offset.count());
}

LocalMinute BerlinCalendar::At(absl::Time instant) const {
  return ToLocalMinute(instant, OffsetAt(instant, nullptr));
}

LocalMinute ToLocalMinute(absl::Time instant, absl::Duration utc_offset) {
  const int64_t local_seconds = absl::ToUnixSeconds(instant + utc_offset);
  const date::sys_seconds local{std::chrono::seconds(local_seconds)};
  const date::sys_days day = date::floor<date::days>(local);
  const date::year_month_day ymd(day);
  LocalMinute out;
  out.date = absl::StrFormat("%04d-%02d-%02d", static_cast<int>(ymd.year()),
                             static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  out.weekday = static_cast<int>(date::weekday(day).iso_encoding());
  out.minute_of_day = static_cast<int>((local - day).count() / 60);
  return out;
}

}  // namespace stadt::parking
