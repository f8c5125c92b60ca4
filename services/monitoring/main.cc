// The strategy-monitoring service: wiring only. Reads configuration, loads
// and validates the KPI catalog, connects Redis, serves gRPC until SIGTERM.
#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/common/log.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/monitoring/domain/monitoring_service.h"
#include "services/monitoring/rpc/monitoring_grpc_service.h"
#include "services/monitoring/rpc/monitoring_reactor_service.h"
#include "services/monitoring/store/redis_monitoring_repository.h"

namespace stadt::monitoring {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  std::string catalog_file;
  std::string time_zone;
  MonitoringSettings monitoring;
  RedisMonitoringOptions store;
  log::Level log_level;
};

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "MONITORING_GRPC_ADDRESS", "127.0.0.1:50055");
  settings.redis = ReadRedisOptions(config);
  settings.catalog_file = config.RequiredString("MONITORING_CATALOG_FILE");
  settings.time_zone = config.String("MONITORING_TIME_ZONE", "Europe/Berlin");
  settings.monitoring.max_event_age = config.Duration("MONITORING_MAX_EVENT_AGE", absl::Hours(48),
                                                      absl::Minutes(10), absl::Hours(24 * 14));
  settings.monitoring.max_batch_events = config.Int("MONITORING_MAX_BATCH_EVENTS", 5000, 1, 100000);
  settings.store.max_dimension_values =
      config.Int("MONITORING_MAX_DIMENSION_VALUES", 200, 1, 10000);
  // Every event that can still be accepted is remembered: no retry within
  // the accepted age can be counted twice.
  settings.store.dedup_ttl = settings.monitoring.max_event_age + absl::Hours(1);
  settings.log_level = ReadLogLevel(config);
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  if (!absl::LoadTimeZone(settings.time_zone, &settings.monitoring.zone)) {
    return absl::InvalidArgumentError("MONITORING_TIME_ZONE: unknown time zone " +
                                      settings.time_zone);
  }
  return settings;
}

absl::StatusOr<Catalog> LoadCatalog(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Catalog> catalog = ParseCatalog(*text);
  if (!catalog.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", catalog.status().message()));
  }
  return catalog;
}

absl::Status Serve(const Settings& settings) {
  absl::StatusOr<Catalog> catalog = LoadCatalog(settings.catalog_file);
  if (!catalog.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("catalog invalid: ", catalog.status().message()));
  }
  log::Info("catalog_loaded", {{"version", catalog->version()},
                               {"kpis", static_cast<int64_t>(catalog->kpis().size())},
                               {"measures", static_cast<int64_t>(catalog->measures().size())}});
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  RedisMonitoringRepository repository(*redis, settings.store);
  SystemClock clock;
  MonitoringService service(*catalog, repository, clock, settings.monitoring);
  MonitoringGrpcService grpc_service(service);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  MonitoringReactorService reactor(grpc_service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::monitoring

int main() {
  return stadt::RunService<stadt::monitoring::Settings>(
      "monitoring", stadt::monitoring::ReadSettings, stadt::monitoring::Serve);
}
