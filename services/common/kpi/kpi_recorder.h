#pragma once

#include <map>
#include <string>
#include <string_view>

namespace stadt {

// Low-cardinality labels of an event, e.g. {{"office", "mitte"}}. Keys must be
// from the allowed set in kpi_ids.h.
using KpiDimensions = std::map<std::string, std::string, std::less<>>;

// One observation as the domain or rpc code sees it; the recorder adds the id
// and the time.
struct KpiSample {
  std::string kpi_id;
  // Count KPIs: the increment; ratio KPIs: 1 or 0; others: the measured value.
  double value = 0;
  KpiDimensions dimensions;
  // Optional: names the occurrence (e.g. "a booking code was confirmed") so
  // that a replayed request produces the same event id and the monitoring
  // service counts it once. Only a hash of it leaves the process.
  std::string occurrence_key;
};

// Where code records KPI events without knowing how they travel. Record never
// blocks on I/O and never fails the caller: KPIs must not cost a citizen a
// request.
class KpiRecorder {
 public:
  virtual ~KpiRecorder() = default;
  virtual void Record(KpiSample sample) = 0;

  // A count KPI: one more occurrence.
  void Count(std::string_view kpi_id, KpiDimensions dimensions,
             std::string occurrence_key = std::string()) {
    Record({std::string(kpi_id), 1, std::move(dimensions), std::move(occurrence_key)});
  }
  // A ratio KPI: whether this case lands in the numerator.
  void Ratio(std::string_view kpi_id, bool hit, KpiDimensions dimensions,
             std::string occurrence_key = std::string()) {
    Record(
        {std::string(kpi_id), hit ? 1.0 : 0.0, std::move(dimensions), std::move(occurrence_key)});
  }
  // A sum, average or percentile KPI: the measured value in the KPI's unit.
  void Observe(std::string_view kpi_id, double value, KpiDimensions dimensions,
               std::string occurrence_key = std::string()) {
    Record({std::string(kpi_id), value, std::move(dimensions), std::move(occurrence_key)});
  }
};

// A dimension value that came from a client (e.g. a district typed by a
// parent): "unknown" when empty, cut to 64 bytes so that one odd value cannot
// blow up the monitoring service's series.
inline std::string KpiDimensionValue(std::string_view value) {
  constexpr size_t kMaxBytes = 64;
  if (value.empty()) return "unknown";
  return std::string(value.substr(0, kMaxBytes));
}

// For binaries without a monitoring service and for tests that do not care.
class NoopKpiRecorder final : public KpiRecorder {
 public:
  void Record(KpiSample) override {}
};

}  // namespace stadt
