#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/kpi/kpi_recorder.h"

namespace stadt {

// An event as it is delivered: the sample plus a unique id and its time.
struct KpiEvent {
  std::string event_id;
  std::string kpi_id;
  absl::Time time;
  double value = 0;
  KpiDimensions dimensions;

  friend bool operator==(const KpiEvent&, const KpiEvent&) = default;
};

// Transport of event batches to the monitoring service.
class KpiSink {
 public:
  virtual ~KpiSink() = default;
  // OK once the monitoring service has taken the batch (events it refuses as
  // invalid count as taken: resending would not change its mind).
  // INVALID_ARGUMENT: the batch can never be delivered and is dropped. Any
  // other error: the reporter retries the batch later with the same ids.
  // Must return within about `timeout`.
  virtual absl::Status Send(const std::vector<KpiEvent>& batch, absl::Duration timeout) = 0;
};

}  // namespace stadt
