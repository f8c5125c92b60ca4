#pragma once

#include <optional>
#include <vector>

#include "services/monitoring/domain/catalog.h"

namespace stadt::monitoring {

enum class KpiStatus { kNoData, kOnTrack, kAtRisk, kOffTrack };

// On track when the value reaches the target; at risk between the target and
// the warning threshold (the threshold itself included); off track beyond the
// threshold; no data without a value. "Reaches" follows the KPI's direction.
KpiStatus EvaluateStatus(const KpiDefinition& kpi, std::optional<double> value);

// The worst status among those with data; kNoData if none has data.
KpiStatus Worst(const std::vector<KpiStatus>& statuses);

}  // namespace stadt::monitoring
