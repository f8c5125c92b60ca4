#include "services/appointments/domain/schedule.h"

#include <algorithm>

namespace stadt::appointments {

DayPlan PlanDay(const Office& office, absl::CivilDay day) {
  DayPlan plan = booking::ClosedDay(day, office.slot_minutes);
  const std::string date = FormatDate(day);
  if (std::find(office.closed_dates.begin(), office.closed_dates.end(), date) !=
      office.closed_dates.end()) {
    return plan;
  }
  const int weekday = booking::IsoWeekday(day);
  for (const CounterWindow& window : office.counters) {
    if (window.weekday == weekday) {
      booking::Open(window.from_minute, window.to_minute, window.counters, &plan);
    }
  }
  return plan;
}

}  // namespace stadt::appointments
