#pragma once

#include "absl/time/civil_time.h"
#include "services/appointments/domain/catalog.h"
#include "services/common/booking/domain/schedule.h"

namespace stadt::appointments {

// The slot grid, the calendar and the booking rules are the shared booking
// core's; the office is what fills a day with capacity.
using booking::BookingRules;
using booking::BucketsFor;
using booking::Calendar;
using booking::DayPlan;
using booking::DayUsage;
using booking::FormatDate;
using booking::FreeStarts;
using booking::GridPosition;
using booking::ParseDate;

// Capacity per bucket is the number of counters open then; none on closed dates.
DayPlan PlanDay(const Office& office, absl::CivilDay day);

}  // namespace stadt::appointments
