#pragma once

#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/common/kpi/kpi_ids.h"
#include "services/common/kpi/kpi_recorder.h"

namespace stadt {

// Test double: keeps every sample. Thread-safe, like the real recorder.
class FakeKpiRecorder final : public KpiRecorder {
 public:
  void Record(KpiSample sample) override {
    absl::MutexLock lock(&mutex_);
    samples_.push_back(std::move(sample));
  }

  std::vector<KpiSample> samples() const {
    absl::MutexLock lock(&mutex_);
    return samples_;
  }
  // The samples of one KPI, in recording order.
  std::vector<KpiSample> samples(std::string_view kpi_id) const {
    absl::MutexLock lock(&mutex_);
    std::vector<KpiSample> out;
    for (const KpiSample& sample : samples_) {
      if (sample.kpi_id == kpi_id) out.push_back(sample);
    }
    return out;
  }
  // True if every recorded dimension key is one the monitoring service
  // accepts (tests assert it so that personal data cannot sneak in).
  bool AllDimensionsAllowed() const {
    absl::MutexLock lock(&mutex_);
    for (const KpiSample& sample : samples_) {
      for (const auto& [key, value] : sample.dimensions) {
        if (!kpi::IsAllowedDimensionKey(key)) return false;
      }
    }
    return true;
  }

 private:
  mutable absl::Mutex mutex_;
  std::vector<KpiSample> samples_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace stadt
