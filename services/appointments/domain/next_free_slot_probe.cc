#include "services/appointments/domain/next_free_slot_probe.h"

#include "absl/strings/str_cat.h"
#include "services/common/kpi/kpi_ids.h"

namespace stadt::appointments {
namespace {

constexpr int kOfficesPerPage = 200;

}  // namespace

absl::Time NextFreeSlotProbe::PeriodStart(absl::Time now) const {
  return absl::UnixEpoch() + absl::Floor(now - absl::UnixEpoch(), period_);
}

absl::StatusOr<std::vector<Office>> NextFreeSlotProbe::AllOffices() {
  std::vector<Office> offices;
  std::string after_id;
  while (true) {
    absl::StatusOr<std::vector<Office>> page = catalog_.ListOffices("", after_id, kOfficesPerPage);
    if (!page.ok()) return page.status();
    offices.insert(offices.end(), page->begin(), page->end());
    if (static_cast<int>(page->size()) < kOfficesPerPage) return offices;
    after_id = page->back().id;
  }
}

absl::StatusOr<std::vector<NextFreeSlot>> NextFreeSlotProbe::Measure() {
  absl::StatusOr<std::vector<Office>> offices = AllOffices();
  if (!offices.ok()) return offices.status();
  const absl::TimeZone zone = bookings_.core().calendar().zone();
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), zone);
  std::vector<NextFreeSlot> measured;
  for (const Office& office : *offices) {
    for (const std::string& service_id : office.service_ids) {
      absl::StatusOr<std::vector<SlotView>> first = bookings_.SearchSlots(
          {.service_ids = {service_id}, .office_ids = {office.id}, .limit = 1});
      if (!first.ok()) {
        // A service removed from the catalog but still listed by the office
        // has no slots to measure; storage trouble ends this round.
        if (first.status().code() == absl::StatusCode::kNotFound ||
            first.status().code() == absl::StatusCode::kFailedPrecondition) {
          continue;
        }
        return first.status();
      }
      NextFreeSlot entry{office.id, service_id, std::nullopt};
      if (!first->empty()) {
        entry.days = static_cast<int>(absl::ToCivilDay(first->front().start, zone) - today);
      }
      measured.push_back(std::move(entry));
    }
  }
  return measured;
}

absl::StatusOr<int> NextFreeSlotProbe::MeasureIfDue() {
  const absl::Time period = PeriodStart(clock_.Now());
  if (measured_period_ == period) return 0;
  absl::StatusOr<std::vector<NextFreeSlot>> measured = Measure();
  if (!measured.ok()) return measured.status();  // tried again on the next call
  // Nothing free within the horizon counts as one day beyond it: the wait
  // is at least that long, and leaving it out would flatter the average.
  const int beyond_horizon = bookings_.core().rules().horizon_days + 1;
  const std::string period_name = absl::StrCat(absl::ToUnixSeconds(period));
  for (const NextFreeSlot& entry : *measured) {
    kpis_.Observe(kpi::kAppointmentsDaysToNextFreeSlot, entry.days.value_or(beyond_horizon),
                  {{std::string(kpi::kOffice), entry.office_id},
                   {std::string(kpi::kService), entry.service_id}},
                  absl::StrCat(entry.office_id, "/", entry.service_id, "/", period_name));
  }
  measured_period_ = period;
  return static_cast<int>(measured->size());
}

}  // namespace stadt::appointments
