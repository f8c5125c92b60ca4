// The appointments service: wiring only. Reads configuration, connects Redis,
// applies the seed catalog when the file changed, serves gRPC until SIGTERM.
#include <algorithm>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/appointments/domain/cached_catalog_repository.h"
#include "services/appointments/domain/catalog_json.h"
#include "services/appointments/domain/next_free_slot_probe.h"
#include "services/appointments/domain/office_catalog.h"
#include "services/appointments/rpc/appointments_grpc_service.h"
#include "services/appointments/rpc/appointments_reactor_service.h"
#include "services/appointments/store/redis_catalog_repository.h"
#include "services/appointments/store/redis_counter_repository.h"
#include "services/common/booking/config/booking_rules_config.h"
#include "services/common/booking/domain/cached_usage_repository.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/crypto/crypto.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"

namespace stadt::appointments {
namespace {

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  std::string seed_file;
  absl::Duration seed_timeout;
  log::Level log_level;
  booking::BookingRules rules;
  std::string time_zone;
  std::string master_key;
  absl::Duration no_show_grace;
  absl::Duration reminder_interval;
  absl::Duration usage_cache_ttl;
  absl::Duration next_free_slot_period;
  KpiSettings kpi;
};

// The master key arrives base64-encoded (from a Kubernetes Secret, say).
std::string ReadMasterKey(EnvConfig& config) {
  const std::string encoded = config.RequiredString("APPOINTMENTS_SECRET_KEY");
  std::string key;
  if (!encoded.empty() && (!absl::Base64Unescape(encoded, &key) || key.size() < 32)) {
    config.Int("APPOINTMENTS_SECRET_KEY", 0, 1, 0);  // reports it as malformed
  }
  return key;
}

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "APPOINTMENTS_GRPC_ADDRESS", "127.0.0.1:50051");
  settings.redis = ReadRedisOptions(config);
  settings.seed_file = config.String("APPOINTMENTS_SEED_FILE", "");
  settings.seed_timeout = config.Duration("APPOINTMENTS_SEED_TIMEOUT", absl::Seconds(30),
                                          absl::ZeroDuration(), absl::Minutes(10));
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "appointments");
  settings.rules = booking::ReadBookingRules(
      config, {.prefix = "APPOINTMENTS_", .same_service_window = "SERVICE_WINDOW_DAYS"});
  // At an office the counter's check-in closes the booking (no cancelling after it).
  settings.rules.check_in_closes_booking = true;
  settings.time_zone = config.String("APPOINTMENTS_TIME_ZONE", "Europe/Berlin");
  settings.master_key = ReadMasterKey(config);
  // How long a search may show a day's usage as another replica saw it
  // (this replica's own writes show at once); 0 reads Redis on every search.
  settings.usage_cache_ttl = config.Duration("APPOINTMENTS_SEARCH_CACHE_TTL", absl::Seconds(1),
                                             absl::ZeroDuration(), absl::Seconds(30));
  settings.reminder_interval = config.Duration("APPOINTMENTS_REMINDER_INTERVAL", absl::Seconds(30),
                                               absl::Seconds(1), absl::Hours(1));
  // The KPI "days to the next free slot" is measured at every full period.
  settings.next_free_slot_period = config.Duration(
      "APPOINTMENTS_NEXT_FREE_SLOT_PERIOD", absl::Hours(1), absl::Minutes(1), absl::Hours(24));
  settings.no_show_grace = config.Duration("APPOINTMENTS_NO_SHOW_GRACE", absl::Minutes(15),
                                           absl::ZeroDuration(), absl::Hours(4));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  return settings;
}

// Redis may still be starting (e.g. in a fresh cluster), so seeding retries
// until the timeout; after that the process exits and the orchestrator retries.
absl::Status SeedCatalog(CatalogRepository& repository, const Settings& settings) {
  if (settings.seed_file.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> text = ReadFile(settings.seed_file);
  if (!text.ok()) return text.status();
  absl::StatusOr<Catalog> catalog = ParseCatalog(*text);
  if (!catalog.ok()) return catalog.status();
  const absl::Time deadline = absl::Now() + settings.seed_timeout;
  while (true) {
    absl::StatusOr<bool> seeded =
        repository.ApplySeed(*catalog, crypto::Base64Url(crypto::Sha256(*text)));
    if (seeded.ok()) {
      log::Info("catalog_seed",
                {{"loaded", *seeded}, {"offices", static_cast<int64_t>(catalog->offices.size())}});
      return absl::OkStatus();
    }
    if (seeded.status().code() != absl::StatusCode::kUnavailable || absl::Now() > deadline) {
      return seeded.status();
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
}

absl::Status Serve(const Settings& settings) {
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  RedisCatalogRepository repository(*redis);
  if (absl::Status status = SeedCatalog(repository, settings); !status.ok()) {
    return absl::Status(status.code(), absl::StrCat("catalog seed: ", status.message()));
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(settings.time_zone, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone ", settings.time_zone, " (is tzdata installed?)"));
  }
  booking::RedisBookingRepository booking_repository(
      *redis, AppointmentKeys(),
      booking::RedisBookingRepository::Options{.check_in_closes_booking = true});
  ForgetErasedCodesAtCounter(booking_repository);
  // A Redis not answering yet must not stop the start (the store retries);
  // bookings under the old layout must.
  absl::Status old = booking::RefuseBookingsOfOldLayout(*redis, "appt:{appt}:");
  if (old.code() == absl::StatusCode::kFailedPrecondition) return old;
  if (!old.ok()) log::Warn("old_layout_not_checked", {{"error", old.ToString()}});
  SystemClock clock;
  // Search reads the office list on every request; a short-lived cache keeps
  // that off Redis during a rush (see CachedCatalogRepository).
  CachedCatalogRepository search_catalog(repository, clock, absl::Seconds(2));
  // The public office reads are served from it too; writes through it (office
  // edits, closures) empty it, so this replica shows its own change at once.
  OfficeCatalog catalog(search_catalog);
  // And each search reads the usage of up to 7 days x all offices: the same
  // for every citizen searching at that moment (see CachedUsageRepository).
  booking::CachedUsageRepository booking_store(booking_repository, settings.usage_cache_ttl);
  OfficeBookings bookings(search_catalog, booking_store, clock,
                          booking::Calendar(settings.rules, zone),
                          booking::BookingSecrets::Derive(settings.master_key));
  RedisCounterRepository counter_repository(*redis);
  CounterDay counter_day(counter_repository, booking_repository, repository, &bookings.core(),
                         clock, zone, settings.no_show_grace);
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  // Closures use a core of their own on the store itself, so that their
  // outbox events carry the cause.
  booking::BookingCore closure_core(booking_repository, clock,
                                    booking::Calendar(settings.rules, zone),
                                    booking::BookingSecrets::Derive(settings.master_key));
  OfficeClosures closures(search_catalog, booking_repository, closure_core);
  AppointmentsGrpcService service(catalog, bookings, counter_day, closures, *kpis);
  std::jthread reminders(
      RepeatUntilStopped, "reminders", [&bookings] { return bookings.SendDueReminders(); },
      settings.reminder_interval);
  // Looks every 30 s whether a new period began (cheap when not): measures at
  // start and then at every full period.
  NextFreeSlotProbe probe(search_catalog, bookings, *kpis, clock, settings.next_free_slot_period);
  std::jthread next_free_slot(
      RepeatUntilStopped, "next_free_slot_measured", [&probe] { return probe.MeasureIfDue(); },
      std::min(settings.next_free_slot_period, absl::Seconds(30)));
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  AppointmentsReactorService reactor(service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::appointments

int main() {
  return stadt::RunService<stadt::appointments::Settings>(
      "appointments", stadt::appointments::ReadSettings, stadt::appointments::Serve);
}
