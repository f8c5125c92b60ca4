// Fuzzes the appointments catalog parser (services/appointments/seed/catalog.json),
// then does with every accepted office what the service does with it: stores
// it as JSON and reads it back (must round-trip), and plans its days on the
// slot grid, including a closed date and a day of every weekday.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "absl/time/civil_time.h"
#include "services/appointments/domain/catalog_json.h"
#include "services/common/booking/domain/schedule.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<stadt::appointments::Catalog> catalog = stadt::appointments::ParseCatalog(text);
  if (!catalog.ok()) return 0;
  for (const stadt::appointments::ServiceType& service : catalog->services) {
    if (!stadt::appointments::ServiceTypeFromJson(stadt::appointments::ServiceTypeToJson(service))
             .ok()) {
      std::abort();
    }
  }
  const absl::CivilDay monday(2026, 11, 30);
  for (const stadt::appointments::Office& office : catalog->offices) {
    if (!stadt::appointments::OfficeFromJson(stadt::appointments::OfficeToJson(office)).ok()) {
      std::abort();
    }
    for (int offset = 0; offset < 7; ++offset) {
      const stadt::booking::DayPlan plan = stadt::appointments::PlanDay(office, monday + offset);
      (void)stadt::booking::FreeStarts(plan, {}, 1);
      (void)stadt::booking::FreeStarts(plan, {}, stadt::booking::BucketsFor(45, plan.slot_minutes));
    }
  }
  return 0;
}
