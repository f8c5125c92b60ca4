// The daycare service: wiring only. Reads configuration, connects Redis, serves
// gRPC until SIGTERM.
#include <iostream>

#include "services/common/clock.h"
#include "services/common/grpc_server.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/service_env.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/rpc/daycare_service.h"
#include "services/daycare/store/season_store.h"

namespace stadt::daycare {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  std::string policy_file;
  log::Level log_level;
  KpiSettings kpi;
};

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "DAYCARE_GRPC_ADDRESS", "127.0.0.1:50053");
  settings.redis = ReadRedisOptions(config);
  settings.policy_file = config.String("DAYCARE_POLICY_FILE", "");
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "daycare");
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  return settings;
}

// The city's published points catalogue, used by every season that has not been
// given a policy of its own. A bad file stops the start rather than running a
// season on defaults nobody published.
absl::StatusOr<std::string> ReadDefaultPolicy(const std::string& path) {
  if (path.empty()) return std::string("{}");
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<Policy> policy = ParsePolicy(*text);
  if (!policy.ok()) return policy.status();
  return text;
}

int Run() {
  BlockTerminationSignals();
  absl::StatusOr<Settings> settings = ReadSettings();
  if (!settings.ok()) {
    std::cerr << "stadt-daycare: " << settings.status().message() << "\n";
    return 2;
  }
  log::Configure("daycare", settings->log_level);
  absl::StatusOr<std::string> policy = ReadDefaultPolicy(settings->policy_file);
  if (!policy.ok()) {
    std::cerr << "stadt-daycare: DAYCARE_POLICY_FILE: " << policy.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings->redis);
  SystemClock clock;
  SeasonStore store(*redis, clock, *std::move(policy));
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings->kpi);
  DaycareService service(store, *kpis);
  absl::Status status =
      RunGrpcServer(settings->server, {&service}, [&redis] { return redis->Ping().ok(); });
  if (!status.ok()) {
    log::Error("server_failed", {{"reason", std::string(status.message())}});
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace stadt::daycare

int main() { return stadt::daycare::Run(); }
