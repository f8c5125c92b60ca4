#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/appointments/domain/catalog_repository.h"
#include "services/appointments/domain/office_bookings.h"
#include "services/common/clock.h"
#include "services/common/kpi/kpi_recorder.h"

namespace stadt::appointments {

// One measurement: how many days (the office's calendar days, today = 0) to
// the first free slot of a service at an office; empty: none within the
// booking horizon.
struct NextFreeSlot {
  std::string office_id;
  std::string service_id;
  std::optional<int> days;
};

// Measures the KPI "days to the next free slot" itself, per office and
// service, at fixed times: at every multiple of `period` (counted from the
// Unix epoch, so 1h is every full hour, 24h 01:00 in Berlin winter time) the
// first call of MeasureIfDue searches each office's earliest free slot for
// each service it offers, as a citizen's search would, and records one event
// each. The occurrence key names office, service and the period, so that
// replicas measuring the same period count once at the monitoring service.
// What citizens search for (their dates and filters) no longer moves the KPI.
// Not thread-safe: one background loop calls it.
class NextFreeSlotProbe {
 public:
  NextFreeSlotProbe(CatalogRepository& catalog, OfficeBookings& bookings, KpiRecorder& kpis,
                    const Clock& clock, absl::Duration period)
      : catalog_(catalog), bookings_(bookings), kpis_(kpis), clock_(clock), period_(period) {}

  // Measures and records if this period has not been measured by this
  // process yet; the number of events recorded (0 when not due).
  absl::StatusOr<int> MeasureIfDue();
  // Every office x offered service, in office id order.
  absl::StatusOr<std::vector<NextFreeSlot>> Measure();
  // The start of the period `now` lies in.
  absl::Time PeriodStart(absl::Time now) const;

 private:
  absl::StatusOr<std::vector<Office>> AllOffices();

  CatalogRepository& catalog_;
  OfficeBookings& bookings_;
  KpiRecorder& kpis_;
  const Clock& clock_;
  const absl::Duration period_;
  std::optional<absl::Time> measured_period_;
};

}  // namespace stadt::appointments
