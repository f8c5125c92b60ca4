#pragma once

#include <map>
#include <set>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/monitoring/domain/monitoring_repository.h"

namespace stadt::monitoring {

// The repository's contract without Redis, for unit tests of the use cases.
class InMemoryMonitoringRepository final : public MonitoringRepository {
 public:
  absl::StatusOr<IngestCounts> Ingest(const std::vector<IngestEvent>& events) override {
    absl::MutexLock lock(&mu_);
    IngestCounts counts;
    for (const IngestEvent& event : events) {
      if (!seen_.insert(event.event_id).second) {
        ++counts.duplicates;
        continue;
      }
      ++counts.accepted;
      for (const PeriodRef& period : event.periods) {
        PeriodData& data = data_[Key(event.kpi_id, period)];
        data.total.Add(event.value, event.histogram_bucket);
        for (const auto& [key, value] : event.dimensions) {
          data.by_dimension[DimensionLabel(key, value)].Add(event.value, event.histogram_bucket);
        }
      }
    }
    return counts;
  }

  absl::StatusOr<std::vector<PeriodData>> Read(const std::vector<PeriodKey>& keys) override {
    absl::MutexLock lock(&mu_);
    std::vector<PeriodData> result;
    for (const PeriodKey& key : keys) {
      auto it = data_.find(Key(key.kpi_id, key.period));
      result.push_back(it == data_.end() ? PeriodData() : it->second);
    }
    return result;
  }

 private:
  using MapKey = std::tuple<std::string, Grain, int64_t>;
  static MapKey Key(const std::string& kpi_id, const PeriodRef& period) {
    return {kpi_id, period.grain, absl::ToUnixSeconds(period.start)};
  }

  absl::Mutex mu_;
  std::set<std::string> seen_ ABSL_GUARDED_BY(mu_);
  std::map<MapKey, PeriodData> data_ ABSL_GUARDED_BY(mu_);
};

}  // namespace stadt::monitoring
