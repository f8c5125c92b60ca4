// The video-consultation service: wiring only. Reads configuration and the
// seed catalog, connects Redis, serves gRPC until SIGTERM.
#include <iostream>
#include <thread>

#include "absl/strings/escaping.h"
#include "services/booking/store/redis_booking_repository.h"
#include "services/common/grpc_server.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/video/domain/video_service.h"
#include "services/video/rpc/video_grpc_service.h"
#include "services/video/store/redis_visit_repository.h"

namespace stadt::video {
namespace {

constexpr size_t kMinSecretBytes = 32;

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  log::Level log_level;
  std::string seed_file;
  std::string time_zone;
  std::string master_key;  // decoded
  booking::BookingRules rules;
  VideoSettings video;
  absl::Duration reminder_interval;
  KpiSettings kpi;
};

booking::BookingRules ReadBookingRules(EnvConfig& config) {
  booking::BookingRules rules;
  rules.min_notice = config.Duration("VIDEO_MIN_NOTICE", absl::Hours(1), absl::ZeroDuration(),
                                     absl::Hours(24 * 14));
  rules.horizon_days = config.Int("VIDEO_HORIZON_DAYS", 42, 1, 365);
  rules.hold_ttl =
      config.Duration("VIDEO_HOLD_TTL", rules.hold_ttl, absl::Seconds(30), absl::Minutes(30));
  rules.max_active_bookings_per_person = config.Int("VIDEO_MAX_ACTIVE_BOOKINGS", 3, 1, 100);
  rules.same_service_window_days = config.Int("VIDEO_TOPIC_WINDOW_DAYS", 7, 0, 365);
  rules.reminder_lead = config.Duration("VIDEO_REMINDER_LEAD", rules.reminder_lead,
                                        absl::ZeroDuration(), absl::Hours(24 * 14));
  rules.retention_days = config.Int("VIDEO_RETENTION_DAYS", 30, 0, 3650);
  return rules;
}

VideoSettings ReadVideoSettings(EnvConfig& config) {
  VideoSettings video;
  video.jitsi.app_id = config.RequiredString("VIDEO_JITSI_APP_ID");
  video.jitsi.app_secret = config.RequiredString("VIDEO_JITSI_APP_SECRET");
  video.jitsi.base_url = config.RequiredString("VIDEO_BASE_URL");
  while (video.jitsi.base_url.ends_with('/')) video.jitsi.base_url.pop_back();
  video.jitsi.audience = config.String("VIDEO_JITSI_AUDIENCE", video.jitsi.audience);
  video.jitsi.domain = config.String("VIDEO_JITSI_DOMAIN", "");
  video.join_lead =
      config.Duration("VIDEO_JOIN_LEAD", video.join_lead, absl::ZeroDuration(), absl::Hours(2));
  video.no_show_grace = config.Duration("VIDEO_NO_SHOW_GRACE", video.no_show_grace,
                                        absl::ZeroDuration(), absl::Hours(2));
  video.privacy_notice_version =
      config.String("VIDEO_PRIVACY_NOTICE_VERSION", video.privacy_notice_version);
  video.terms_version = config.String("VIDEO_TERMS_VERSION", video.terms_version);
  return video;
}

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "VIDEO_GRPC_ADDRESS", "127.0.0.1:50052");
  settings.redis = ReadRedisOptions(config);
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "video");
  settings.seed_file = config.RequiredString("VIDEO_SEED_FILE");
  settings.time_zone = config.String("VIDEO_TIME_ZONE", "Europe/Berlin");
  const std::string encoded_key = config.RequiredString("VIDEO_SECRET_KEY");
  settings.rules = ReadBookingRules(config);
  settings.video = ReadVideoSettings(config);
  settings.reminder_interval = config.Duration("VIDEO_REMINDER_INTERVAL", absl::Seconds(30),
                                               absl::Seconds(1), absl::Hours(1));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  // Base64 (a Kubernetes Secret, say) of at least 32 random bytes; the
  // Jitsi secret is checked for length too, as a short one can be guessed.
  if (!absl::Base64Unescape(encoded_key, &settings.master_key) ||
      settings.master_key.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError("VIDEO_SECRET_KEY: base64 of at least 32 bytes");
  }
  if (settings.video.jitsi.app_secret.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError("VIDEO_JITSI_APP_SECRET: at least 32 characters");
  }
  return settings;
}

int Run() {
  BlockTerminationSignals();
  absl::StatusOr<Settings> settings = ReadSettings();
  if (!settings.ok()) {
    std::cerr << "stadt-video: " << settings.status().message() << "\n";
    return 2;
  }
  log::Configure("video", settings->log_level);
  absl::StatusOr<std::string> seed = ReadFile(settings->seed_file);
  absl::StatusOr<VideoCatalog> catalog =
      seed.ok() ? ParseVideoCatalog(*seed) : absl::StatusOr<VideoCatalog>(seed.status());
  if (!catalog.ok()) {
    std::cerr << "stadt-video: VIDEO_SEED_FILE: " << catalog.status().message() << "\n";
    return 2;
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(settings->time_zone, &zone)) {
    std::cerr << "stadt-video: unknown time zone " << settings->time_zone
              << " (is tzdata installed?)\n";
    return 2;
  }
  log::Info("catalog_loaded", {{"topics", static_cast<int64_t>(catalog->topics.size())},
                               {"caseworkers", static_cast<int64_t>(catalog->caseworkers.size())}});
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings->redis);
  booking::RedisBookingRepository bookings(*redis, kVideoPrefix);
  RedisVisitRepository visits(*redis);
  SystemClock clock;
  VideoService consultations(
      *catalog, bookings, visits, clock, booking::Calendar(settings->rules, zone),
      booking::BookingSecrets::Derive(settings->master_key, "video"), settings->video);
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings->kpi);
  VideoGrpcService service(consultations, *kpis);
  std::jthread reminders(
      RepeatUntilStopped, "reminders",
      [&consultations] { return consultations.SendDueReminders(); }, settings->reminder_interval);
  absl::Status status =
      RunGrpcServer(settings->server, {&service}, [&redis] { return redis->Ping().ok(); });
  if (!status.ok()) {
    log::Error("server_failed", {{"reason", std::string(status.message())}});
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace stadt::video

int main() { return stadt::video::Run(); }
