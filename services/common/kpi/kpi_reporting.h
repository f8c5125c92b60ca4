#pragma once

#include <memory>
#include <string>

#include "services/common/config.h"
#include "services/common/kpi/kpi_recorder.h"
#include "services/common/kpi/kpi_reporter.h"

namespace stadt {

struct KpiSettings {
  // Empty: reporting is disabled.
  std::string monitoring_address;
  KpiReporterOptions reporter;
};

// MONITORING_ADDRESS (host:port; unset or empty disables reporting),
// KPI_BATCH_SIZE, KPI_FLUSH_INTERVAL, KPI_BUFFER_SIZE, KPI_SEND_TIMEOUT,
// KPI_RETRY_BACKOFF, KPI_RETRY_MAX_BACKOFF, KPI_MAX_ATTEMPTS, KPI_MAX_AGE,
// KPI_SHUTDOWN_TIMEOUT; see README.md. `service` names the reporter.
KpiSettings ReadKpiSettings(EnvConfig& config, std::string service);

// The recorder a service's main wires in: a running KpiReporter sending to
// the monitoring service, or, without an address, a no-op recorder (and one
// info log line saying so). Destroying it flushes within KPI_SHUTDOWN_TIMEOUT,
// so it must outlive everything that records.
std::unique_ptr<KpiRecorder> StartKpiReporting(const KpiSettings& settings);

}  // namespace stadt
