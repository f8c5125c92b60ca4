#include "services/common/kpi/kpi_reporting.h"

#include "services/common/clock.h"
#include "services/common/kpi/grpc_kpi_sink.h"
#include "services/common/log.h"

namespace stadt {
namespace {

// Owns the sink and the clock the reporter uses; the reporter is declared
// last so that its final flush runs while the sink still exists.
class GrpcKpiReporter final : public KpiRecorder {
 public:
  explicit GrpcKpiReporter(const KpiSettings& settings)
      : sink_(GrpcKpiSink::Connect(settings.monitoring_address, settings.reporter.service)),
        reporter_(settings.reporter, *sink_, clock_) {
    reporter_.Start();
  }

  void Record(KpiSample sample) override { reporter_.Record(std::move(sample)); }

 private:
  std::unique_ptr<GrpcKpiSink> sink_;
  SystemClock clock_;
  KpiReporter reporter_;
};

}  // namespace

KpiSettings ReadKpiSettings(EnvConfig& config, std::string service) {
  KpiSettings settings;
  KpiReporterOptions& options = settings.reporter;
  options.service = std::move(service);
  settings.monitoring_address = config.String("MONITORING_ADDRESS", "");
  if (!settings.monitoring_address.empty()) {
    config.HostPort("MONITORING_ADDRESS", settings.monitoring_address);
  }
  options.batch_size = config.Int("KPI_BATCH_SIZE", options.batch_size, 1, 10000);
  options.buffer_size = config.Int("KPI_BUFFER_SIZE", options.buffer_size, 1, 1000000);
  options.flush_interval = config.Duration("KPI_FLUSH_INTERVAL", options.flush_interval,
                                           absl::Milliseconds(10), absl::Minutes(10));
  options.send_timeout = config.Duration("KPI_SEND_TIMEOUT", options.send_timeout,
                                         absl::Milliseconds(10), absl::Minutes(1));
  options.initial_backoff = config.Duration("KPI_RETRY_BACKOFF", options.initial_backoff,
                                            absl::Milliseconds(10), absl::Minutes(10));
  options.max_backoff = config.Duration("KPI_RETRY_MAX_BACKOFF", options.max_backoff,
                                        absl::Milliseconds(10), absl::Hours(1));
  options.max_attempts = config.Int("KPI_MAX_ATTEMPTS", options.max_attempts, 1, 1000000);
  options.max_age =
      config.Duration("KPI_MAX_AGE", options.max_age, absl::Seconds(1), absl::Hours(24 * 7));
  options.shutdown_timeout = config.Duration("KPI_SHUTDOWN_TIMEOUT", options.shutdown_timeout,
                                             absl::ZeroDuration(), absl::Minutes(1));
  return settings;
}

std::unique_ptr<KpiRecorder> StartKpiReporting(const KpiSettings& settings) {
  if (settings.monitoring_address.empty()) {
    log::Info("kpi_reporting_disabled", {{"reason", "MONITORING_ADDRESS is not set"}});
    return std::make_unique<NoopKpiRecorder>();
  }
  log::Info("kpi_reporting_enabled", {{"monitoring_address", settings.monitoring_address},
                                      {"batch_size", settings.reporter.batch_size},
                                      {"buffer_size", settings.reporter.buffer_size}});
  return std::make_unique<GrpcKpiReporter>(settings);
}

}  // namespace stadt
