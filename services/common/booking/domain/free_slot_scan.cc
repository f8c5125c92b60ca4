#include "services/common/booking/domain/free_slot_scan.h"

#include <algorithm>

namespace stadt::booking {

absl::Status ScanFreeSlots(BookingCore& core, const std::vector<absl::CivilDay>& days,
                           const std::vector<ScanResource>& resources, size_t max_per_day,
                           const std::function<void(size_t, absl::Time)>& found,
                           const std::function<bool()>& enough) {
  // Nothing to read: no round trip at all.
  if (resources.empty()) return absl::OkStatus();
  for (size_t first = 0; first < days.size() && !enough(); first += kScanChunkDays) {
    const size_t last = std::min(days.size(), first + kScanChunkDays);
    std::vector<ResourceDay> keys;
    keys.reserve((last - first) * resources.size());
    for (size_t d = first; d < last; ++d) {
      const std::string date = FormatDate(days[d]);
      for (const ScanResource& resource : resources) keys.push_back({resource.id, date});
    }
    absl::StatusOr<std::vector<DayUsage>> usage = core.repository().GetUsage(keys, core.Now());
    if (!usage.ok()) return usage.status();
    size_t index = 0;
    for (size_t d = first; d < last && !enough(); ++d) {
      const DayClock clock(core.calendar(), days[d]);
      for (size_t r = 0; r < resources.size(); ++r) {
        const ScanResource& resource = resources[r];
        for (absl::Time start : core.FreeStartTimes(resource.plan(days[d]), (*usage)[index++],
                                                    resource.buckets, max_per_day, clock)) {
          found(r, start);
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace stadt::booking
