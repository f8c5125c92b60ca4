#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/monitoring/domain/aggregation.h"

namespace stadt::monitoring {

// One period an event is counted in.
struct PeriodRef {
  Grain grain = Grain::kDay;
  absl::Time start;  // the Unix epoch for Grain::kAll
};

// A validated event, ready to be counted once.
struct IngestEvent {
  std::string event_id;
  std::string kpi_id;
  double value = 0;
  // The histogram bucket for percentile KPIs, else -1.
  int histogram_bucket = -1;
  // Every period the event falls into: its hour, day, month and all time.
  std::vector<PeriodRef> periods;
  // Sorted by key; keys are the KPI's declared ones.
  std::vector<std::pair<std::string, std::string>> dimensions;
};

struct IngestCounts {
  int accepted = 0;
  int duplicates = 0;
  // Dimension values not kept because their key already has too many.
  int dimension_values_refused = 0;
};

struct PeriodKey {
  std::string kpi_id;
  PeriodRef period;
};

// Where aggregates live. Ingest is atomic per batch: an event id seen before
// (within the dedup window) counts nothing, a new one counts in all of its
// periods, and a batch is either counted completely or not at all.
class MonitoringRepository {
 public:
  virtual ~MonitoringRepository() = default;
  virtual absl::StatusOr<IngestCounts> Ingest(const std::vector<IngestEvent>& events) = 0;
  // The stored periods, in the order of `keys`; an empty PeriodData for a
  // period without events.
  virtual absl::StatusOr<std::vector<PeriodData>> Read(const std::vector<PeriodKey>& keys) = 0;
};

}  // namespace stadt::monitoring
