// The daycare service: wiring only. Reads configuration, connects Redis, serves
// gRPC until SIGTERM. `stadt-daycare publish-round` instead runs the scheduled
// round job once (the Kubernetes CronJob): it publishes the season's next round
// when one is due and would change something, and exits.
#include <iostream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/common/status_macros.h"
#include "services/daycare/domain/instance_json.h"
#include "services/daycare/domain/season_service.h"
#include "services/daycare/rpc/daycare_grpc_service.h"
#include "services/daycare/rpc/daycare_reactor_service.h"
#include "services/daycare/store/redis_season_repository.h"

namespace stadt::daycare {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  std::string policy_file;
  log::Level log_level;
  KpiSettings kpi;
  // Seals the guardians' addresses for the notifications service.
  std::string contact_key;
  // Seal the applications, verdicts, explanations and rounds at rest.
  SeasonKeys season_keys;
  SeasonRetention retention;
  absl::Duration retention_sweep_interval;
  // The season whose open offers get the "about to expire" reminder, how long
  // before the deadline, and how often that is looked at.
  std::string reminder_season;
  absl::Duration offer_reminder_lead;
  absl::Duration reminder_interval;
};

// The daycare master key (base64 of at least 32 bytes, required: the
// children's and guardians' data are sealed with keys derived from it).
absl::StatusOr<std::string> MasterKeyFrom(const std::string& encoded) {
  std::string master_key;
  if (!absl::Base64Unescape(encoded, &master_key) || master_key.size() < 32) {
    return absl::InvalidArgumentError("DAYCARE_SECRET_KEY: base64 of at least 32 bytes");
  }
  return master_key;
}

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "DAYCARE_GRPC_ADDRESS", "127.0.0.1:50053");
  settings.redis = ReadRedisOptions(config);
  settings.policy_file = config.String("DAYCARE_POLICY_FILE", "");
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "daycare");
  const std::string encoded_key = config.RequiredString("DAYCARE_SECRET_KEY");
  // Retention (docs/retention.md): a season's personal data go this long after
  // its last round (or last application, without a round); a withdrawn
  // application this long after the withdrawal.
  settings.retention.season =
      config.Duration("DAYCARE_APPLICATION_RETENTION", absl::Hours(24 * 183), absl::Hours(24),
                      absl::Hours(24 * 366 * 3));
  settings.retention.withdrawn = config.Duration(
      "DAYCARE_WITHDRAWN_RETENTION", absl::Hours(24 * 30), absl::Hours(1), absl::Hours(24 * 366));
  settings.retention_sweep_interval = config.Duration(
      "DAYCARE_RETENTION_SWEEP_INTERVAL", absl::Hours(1), absl::Seconds(1), absl::Hours(24));
  settings.reminder_season = config.String("DAYCARE_SEASON_ID", "");
  settings.offer_reminder_lead = config.Duration("DAYCARE_OFFER_REMINDER_LEAD", absl::Hours(48),
                                                 absl::Seconds(1), absl::Hours(24 * 30));
  settings.reminder_interval = config.Duration("DAYCARE_REMINDER_INTERVAL", absl::Minutes(5),
                                               absl::Milliseconds(50), absl::Hours(1));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  STADT_ASSIGN_OR_RETURN(const std::string master_key, MasterKeyFrom(encoded_key));
  settings.contact_key = contact::ContactKey(master_key, "daycare");
  settings.season_keys = SeasonKeys::FromMasterKey(master_key);
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
  SeasonKeys season_keys;  // the round reads the sealed applications
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
  const std::string encoded_key = config.RequiredString("DAYCARE_SECRET_KEY");
  settings.kpi = ReadKpiSettings(config, "daycare");
  settings.log_level = ReadLogLevel(config);
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  STADT_ASSIGN_OR_RETURN(const std::string master_key, MasterKeyFrom(encoded_key));
  settings.season_keys = SeasonKeys::FromMasterKey(master_key);
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
  RedisSeasonRepository repository(*redis, settings->season_keys, clock);
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
  RedisSeasonRepository repository(*redis, settings.season_keys, clock);
  season::SeasonService seasons(repository, clock, *std::move(policy), settings.contact_key);
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  DaycareGrpcService service(seasons, *kpis);
  // Any replica may run it: each offer is reminded once per deadline, in one step.
  std::jthread reminders;
  if (!settings.reminder_season.empty()) {
    reminders = std::jthread(
        RepeatUntilStopped, "remind_expiring_offers",
        [&] {
          return seasons.RemindExpiringOffers(settings.reminder_season,
                                              settings.offer_reminder_lead);
        },
        settings.reminder_interval);
  }
  // Any replica may sweep: each erasure is idempotent. The first run also seals
  // what an older version wrote in plain (services/daycare/README.md, upgrade).
  bool sealed_old_records = false;
  std::jthread retention(
      RepeatUntilStopped, "daycare_retention_sweep",
      [&]() -> absl::StatusOr<int> {
        if (!sealed_old_records) {
          STADT_ASSIGN_OR_RETURN(int sealed, repository.SealWrittenBeforeSealing());
          log::Info("daycare_sealed_old_records", {{"values", static_cast<int64_t>(sealed)}});
          sealed_old_records = true;
        }
        STADT_ASSIGN_OR_RETURN(SweepReport report,
                               repository.SweepRetention(clock.Now(), settings.retention));
        return report.seasons_erased + report.withdrawn_erased;
      },
      settings.retention_sweep_interval);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  DaycareReactorService reactor(service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
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
