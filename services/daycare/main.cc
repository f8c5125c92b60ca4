// The daycare service: wiring only. Reads configuration, connects Redis, serves
// gRPC until SIGTERM. `stadt-daycare publish-round` instead runs the scheduled
// round job once (the Kubernetes CronJob): it publishes the season's next round
// when one is due and would change something, and exits.
#include <iostream>

#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/common/status_macros.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/season_service.h"
#include "services/daycare/rpc/daycare_grpc_service.h"
#include "services/daycare/store/redis_season_repository.h"

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
absl::StatusOr<Policy> ReadDefaultPolicy(const std::string& path) {
  if (path.empty()) return Policy{};
  STADT_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParsePolicy(text);
}

struct RoundJobSettings {
  redis::Options redis;
  std::string policy_file;
  std::string season;
  absl::Duration answer_time;
  KpiSettings kpi;
  log::Level log_level;
};

absl::StatusOr<RoundJobSettings> ReadRoundJobSettings() {
  EnvConfig config;
  RoundJobSettings settings;
  settings.redis = ReadRedisOptions(config);
  settings.policy_file = config.String("DAYCARE_POLICY_FILE", "");
  settings.season = config.RequiredString("DAYCARE_SEASON_ID");
  // How long parents have to answer the offers of a round this job publishes.
  settings.answer_time = config.Duration("DAYCARE_OFFER_ANSWER_TIME", absl::Hours(24 * 14),
                                         absl::Hours(1), absl::Hours(24 * 90));
  settings.kpi = ReadKpiSettings(config, "daycare");
  settings.log_level = ReadLogLevel(config);
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  return settings;
}

// Exit codes for the CronJob: 0 when a round was published or none is due (the
// period is open, offers are still open, or the season is settled), 1 when
// something is wrong and the operator must look, 2 for bad configuration.
int RunRoundJob() {
  absl::StatusOr<RoundJobSettings> settings = ReadRoundJobSettings();
  if (!settings.ok()) {
    std::cerr << "stadt-daycare publish-round: " << settings.status().message() << "\n";
    return 2;
  }
  log::Configure("daycare-round-job", settings->log_level);
  absl::StatusOr<Policy> policy = ReadDefaultPolicy(settings->policy_file);
  if (!policy.ok()) {
    std::cerr << "stadt-daycare: DAYCARE_POLICY_FILE: " << policy.status().message() << "\n";
    return 2;
  }
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings->redis);
  SystemClock clock;
  RedisSeasonRepository repository(*redis);
  season::SeasonService seasons(repository, clock, *std::move(policy));
  // Flushed when the job returns, so the round's placement KPIs are sent.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings->kpi);
  absl::StatusOr<season::RoundView> round = seasons.PublishNextRoundIfItChangesAnything(
      settings->season, clock.Now() + settings->answer_time);
  if (round.ok()) {
    RecordRoundKpis(settings->season, *round, *kpis);
    log::Info("round_published", {{"season", settings->season},
                                  {"round", static_cast<int64_t>(round->round)},
                                  {"placed", static_cast<int64_t>(round->stats.placed)}});
    return 0;
  }
  if (round.status().code() == absl::StatusCode::kFailedPrecondition) {
    log::Info("round_not_due",
              {{"season", settings->season}, {"reason", std::string(round.status().message())}});
    return 0;
  }
  log::Error("round_failed",
             {{"season", settings->season}, {"reason", std::string(round.status().message())}});
  return 1;
}

absl::Status Serve(const Settings& settings) {
  absl::StatusOr<Policy> policy = ReadDefaultPolicy(settings.policy_file);
  if (!policy.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("DAYCARE_POLICY_FILE: ", policy.status().message()));
  }
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  SystemClock clock;
  RedisSeasonRepository repository(*redis);
  season::SeasonService seasons(repository, clock, *std::move(policy));
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  DaycareGrpcService service(seasons, *kpis);
  return ServeUntilTerminated(settings.server, {&service}, *redis);
}

}  // namespace
}  // namespace stadt::daycare

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "publish-round") {
    return stadt::daycare::RunRoundJob();
  }
  if (argc != 1) {
    std::cerr << "usage: stadt-daycare [publish-round]\n";
    return 2;
  }
  return stadt::RunService<stadt::daycare::Settings>("daycare", stadt::daycare::ReadSettings,
                                                     stadt::daycare::Serve);
}
