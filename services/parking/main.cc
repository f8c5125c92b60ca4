// The parking service: wiring only. Reads configuration, loads zones and
// tariffs, connects Redis, serves gRPC until SIGTERM.
#include <filesystem>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/clock.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/common/status_macros.h"
#include "services/common/strings.h"
#include "services/parking/domain/parking_service.h"
#include "services/parking/domain/permit_office.h"
#include "services/parking/rpc/parking_grpc_service.h"
#include "services/parking/rpc/parking_reactor_service.h"
#include "services/parking/store/redis_parking_repository.h"
#include "services/parking/store/redis_permit_repository.h"

namespace stadt::parking {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  std::string tariffs_file;
  std::string zones_file;
  std::string permit_areas_file;
  PermitPolicy permit_policy;
  ParkingSettings parking;
  log::Level log_level;
  KpiSettings kpi;
  // How often sessions that ran out by themselves are settled (revenue and
  // minutes reported); every replica may run it, the KPIs are keyed by session.
  absl::Duration settle_interval;
  // How often due "ending soon" reminders are turned into outbox events.
  absl::Duration reminder_interval;
  RedisParkingOptions store;
};

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "PARKING_GRPC_ADDRESS", "127.0.0.1:50054");
  settings.redis = ReadRedisOptions(config);
  settings.tariffs_file = config.RequiredString("PARKING_TARIFFS_FILE");
  settings.zones_file = config.RequiredString("PARKING_ZONES_FILE");
  settings.permit_areas_file = config.RequiredString("PARKING_PERMIT_AREAS_FILE");
  settings.permit_policy.max_months = config.Int("PARKING_PERMIT_MAX_MONTHS", 12, 1, 36);
  settings.parking.grace =
      config.Duration("PARKING_GRACE", absl::Minutes(5), absl::ZeroDuration(), absl::Hours(1));
  settings.parking.border_radius_meters = config.Int("PARKING_BORDER_RADIUS_METERS", 30, 0, 500);
  // The receipts' issuer: the defaults are the seed city's.
  ReceiptSettings& receipt = settings.parking.receipt;
  receipt.issuer.name = config.String("PARKING_RECEIPT_ISSUER_NAME", receipt.issuer.name);
  receipt.issuer.address = config.String("PARKING_RECEIPT_ISSUER_ADDRESS", receipt.issuer.address);
  receipt.issuer.tax_id = config.String("PARKING_RECEIPT_ISSUER_TAX_ID", receipt.issuer.tax_id);
  receipt.vat_percent = config.Int("PARKING_RECEIPT_VAT_PERCENT", receipt.vat_percent, 0, 100);
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "parking");
  settings.settle_interval = config.Duration("PARKING_SETTLE_INTERVAL", absl::Minutes(1),
                                             absl::Seconds(1), absl::Hours(1));
  settings.reminder_interval = config.Duration("PARKING_REMINDER_INTERVAL", absl::Seconds(20),
                                               absl::Milliseconds(50), absl::Minutes(10));
  settings.store.reminder_lead = config.Duration("PARKING_REMINDER_LEAD", absl::Minutes(10),
                                                 absl::Seconds(1), absl::Hours(24));
  // Optional: without it, no session can ask for a reminder by e-mail. The
  // notifications service holds the same key to open the address.
  const std::string encoded_key = config.String("PARKING_SECRET_KEY", "");
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  if (!encoded_key.empty()) {
    std::string master_key;
    if (!absl::Base64Unescape(encoded_key, &master_key) || master_key.size() < 32) {
      return absl::InvalidArgumentError("PARKING_SECRET_KEY: base64 of at least 32 bytes");
    }
    settings.parking.reminder_contact_key = contact::ContactKey(master_key, "parking");
  }
  return settings;
}

absl::StatusOr<ParkingRules> LoadRules(const Settings& settings) {
  STADT_ASSIGN_OR_RETURN(BerlinCalendar calendar, BerlinCalendar::Load());
  STADT_ASSIGN_OR_RETURN(const std::string tariffs_text, ReadFile(settings.tariffs_file));
  // Holiday files are named relative to the tariff file (one folder, as in a ConfigMap).
  const std::filesystem::path tariffs_dir =
      std::filesystem::path(settings.tariffs_file).parent_path();
  auto read_holiday_file = [&tariffs_dir](std::string_view name) -> absl::StatusOr<std::string> {
    if (name.empty() || absl::StrContains(ToAbsl(name), '/')) {
      return absl::InvalidArgumentError("expected a file name beside the tariff file");
    }
    return ReadFile((tariffs_dir / name).string());
  };
  absl::StatusOr<std::vector<Tariff>> tariffs = ParseTariffs(tariffs_text, read_holiday_file);
  if (!tariffs.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(settings.tariffs_file, " ", tariffs.status().message()));
  }
  STADT_ASSIGN_OR_RETURN(const std::string zones_text, ReadFile(settings.zones_file));
  STADT_ASSIGN_OR_RETURN(std::vector<Zone> zones, ParseZonesGeoJson(zones_text));
  STADT_ASSIGN_OR_RETURN(ZoneDirectory directory, ZoneDirectory::Create(std::move(zones)));
  ParkingRules rules(std::move(directory), *std::move(tariffs), PriceCalculator(calendar));
  STADT_RETURN_IF_ERROR(rules.Validate());
  return rules;
}

// The permit areas and their streets; every zone's permit area must be one
// of them, and each of them the area of some zone.
absl::StatusOr<PermitRules> LoadPermitRules(const Settings& settings, const ParkingRules& rules) {
  STADT_ASSIGN_OR_RETURN(BerlinCalendar calendar, BerlinCalendar::Load());
  STADT_ASSIGN_OR_RETURN(const std::string areas_text, ReadFile(settings.permit_areas_file));
  STADT_ASSIGN_OR_RETURN(PermitAreas areas, PermitAreas::Parse(areas_text));
  STADT_RETURN_IF_ERROR(areas.CheckAgainst(rules.zones()));
  return PermitRules(std::move(areas), calendar, settings.permit_policy);
}

absl::Status Serve(const Settings& settings) {
  absl::StatusOr<ParkingRules> rules = LoadRules(settings);
  if (!rules.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration invalid: ", rules.status().message()));
  }
  absl::StatusOr<PermitRules> permit_rules = LoadPermitRules(settings, *rules);
  if (!permit_rules.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration invalid: ", settings.permit_areas_file, ": ",
                     permit_rules.status().message()));
  }
  log::Info("zones_loaded", {{"zones", static_cast<int64_t>(rules->zones().zones().size())}});
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  RedisParkingRepository repository(*redis, settings.store);
  RedisPermitRepository permit_repository(*redis);
  SystemClock clock;
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  ParkingService service(*rules, repository, clock, settings.parking);
  PermitOffice permits(*permit_rules, permit_repository, clock);
  ParkingGrpcService grpc_service(service, permits, clock, *kpis);
  std::jthread settler(
      RepeatUntilStopped, "settle_ended_sessions",
      [&grpc_service] { return grpc_service.SettleEndedSessions(); }, settings.settle_interval);
  // Any replica may run it: each reminder is taken and written in one step.
  std::jthread reminders(
      RepeatUntilStopped, "send_parking_reminders",
      [&service] { return service.SendDueReminders(); }, settings.reminder_interval);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  ParkingReactorService reactor(grpc_service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::parking

int main() {
  return stadt::RunService<stadt::parking::Settings>("parking", stadt::parking::ReadSettings,
                                                     stadt::parking::Serve);
}
