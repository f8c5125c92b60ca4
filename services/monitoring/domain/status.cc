#include "services/monitoring/domain/status.h"

#include <algorithm>

namespace stadt::monitoring {

KpiStatus EvaluateStatus(const KpiDefinition& kpi, std::optional<double> value) {
  if (!value.has_value()) return KpiStatus::kNoData;
  // Mirror lower-is-better onto higher-is-better so that one rule serves both.
  const double sign = kpi.direction == Direction::kHigherIsBetter ? 1 : -1;
  const double v = sign * *value;
  if (v >= sign * kpi.target) return KpiStatus::kOnTrack;
  if (v >= sign * kpi.warning_threshold) return KpiStatus::kAtRisk;
  return KpiStatus::kOffTrack;
}

KpiStatus Worst(const std::vector<KpiStatus>& statuses) {
  // The enum is ordered from no data to off track.
  KpiStatus worst = KpiStatus::kNoData;
  for (KpiStatus status : statuses) worst = std::max(worst, status);
  return worst;
}

}  // namespace stadt::monitoring
