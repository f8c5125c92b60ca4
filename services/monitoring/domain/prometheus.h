#pragma once

#include <string>
#include <vector>

#include "services/monitoring/domain/aggregation.h"
#include "services/monitoring/domain/catalog.h"

namespace stadt::monitoring {

struct PrometheusKpi {
  const KpiDefinition* kpi = nullptr;
  const PeriodData* all_time = nullptr;
  // The current period of the KPI's grain: the window of summary quantiles.
  const PeriodData* current = nullptr;
};

// Prometheus text exposition (format 0.0.4) of the KPIs, in base units
// (seconds, euros, ratios). Names are stadt_kpi_<id> with the unit suffix
// replaced by the base unit:
//  - count and sum: a counter <name>_total (all time);
//  - ratio: counters <name>_numerator_total and <name>_denominator_total, so
//    that rate(numerator) / rate(denominator) is the ratio over any window;
//  - average: a summary <name> with _sum and _count (all time);
//  - percentiles: a summary <name> with quantile 0.5/0.9/0.95/0.99 over the
//    current period and _sum/_count over all time.
// Each declared dimension key gets its own family <name>_by_<key> with that
// key as the only label, so that summing a family never double counts. No
// other labels exist.
std::string RenderPrometheus(const std::vector<PrometheusKpi>& kpis);

// The metric family name of a KPI and the factor to its base unit (exposed
// for tests).
struct PrometheusName {
  std::string name;
  double factor = 1;
};
PrometheusName PrometheusNameOf(const KpiDefinition& kpi);

}  // namespace stadt::monitoring
