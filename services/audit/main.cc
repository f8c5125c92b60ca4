// The audit service: wiring only. Reads configuration, connects Redis, serves
// the audit trail over gRPC and trims records past the retention period.
#include <thread>

#include "services/audit/domain/audit_log.h"
#include "services/audit/rpc/audit_grpc_service.h"
#include "services/audit/rpc/audit_reactor_service.h"
#include "services/audit/store/redis_audit_repository.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"

namespace stadt::audit {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  log::Level log_level;
  AuditLogOptions log;
  absl::Duration sweep_interval;
};

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "AUDIT_GRPC_ADDRESS", "127.0.0.1:50058");
  settings.redis = ReadRedisOptions(config);
  settings.log_level = ReadLogLevel(config);
  settings.log.retention = config.Duration("AUDIT_RETENTION", absl::Hours(24 * 365),
                                           absl::Hours(24), absl::Hours(24 * 365 * 30));
  settings.sweep_interval =
      config.Duration("AUDIT_SWEEP_INTERVAL", absl::Minutes(10), absl::Seconds(1), absl::Hours(24));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  return settings;
}

absl::Status Serve(const Settings& settings) {
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  RedisAuditRepository repository(*redis);
  SystemClock clock;
  AuditLog log(repository, clock, settings.log);
  // Every replica sweeps; the trim script's compare-and-set on the anchor
  // lets only one of them trim each batch.
  std::jthread sweeper(
      RepeatUntilStopped, "audit_sweep",
      [&log]() -> absl::StatusOr<int> {
        // Batch after batch until nothing is old enough (bounded, so that a
        // stop request is seen between rounds).
        int total = 0;
        for (int round = 0; round < 100; ++round) {
          absl::StatusOr<size_t> trimmed = log.SweepOnce();
          if (!trimmed.ok()) return trimmed.status();
          if (*trimmed == 0) break;
          total += static_cast<int>(*trimmed);
        }
        return total;
      },
      settings.sweep_interval);
  AuditGrpcService service(log);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  AuditReactorService reactor(service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::audit

int main() {
  return stadt::RunService<stadt::audit::Settings>("audit", stadt::audit::ReadSettings,
                                                   stadt::audit::Serve);
}
