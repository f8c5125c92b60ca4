// The video-consultation service: wiring only. Reads configuration and the
// seed catalog, connects Redis, serves gRPC until SIGTERM.
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/booking/config/booking_rules_config.h"
#include "services/common/booking/store/redis_booking_repository.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/video/domain/consultation_records.h"
#include "services/video/domain/consultations.h"
#include "services/video/domain/video_bookings.h"
#include "services/video/rpc/video_grpc_service.h"
#include "services/video/rpc/video_reactor_service.h"
#include "services/video/store/redis_schedule_repository.h"
#include "services/video/store/redis_visit_repository.h"

namespace stadt::video {
namespace {

constexpr size_t kMinSecretBytes = 32;

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  log::Level log_level;
  std::string seed_file;
  // Every published privacy notice and terms text, and which are current.
  std::string consent_texts_file;
  std::string time_zone;
  std::string master_key;  // decoded
  booking::BookingRules rules;
  VideoSettings video;
  absl::Duration reminder_interval;
  KpiSettings kpi;
};

booking::BookingRules ReadBookingRules(EnvConfig& config) {
  booking::BookingRules defaults;
  defaults.min_notice = absl::Hours(1);
  defaults.horizon_days = 42;
  defaults.same_service_window_days = 7;
  booking::BookingRules rules =
      booking::ReadBookingRules(config,
                                {.prefix = "VIDEO_",
                                 .same_service_window = "TOPIC_WINDOW_DAYS",
                                 .release_time = false,
                                 .email_confirmation = false},
                                defaults);
  // Once checked in to the waiting room the consultation can no longer be
  // cancelled or moved by the citizen (the proto declares already_checked_in),
  // and a closed or missed one stays completed or missed.
  rules.check_in_closes_booking = true;
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
  video.rejoin_margin = config.Duration("VIDEO_REJOIN_MARGIN", video.rejoin_margin,
                                        absl::ZeroDuration(), absl::Hours(4));
  video.no_show_grace = config.Duration("VIDEO_NO_SHOW_GRACE", video.no_show_grace,
                                        absl::ZeroDuration(), absl::Hours(2));
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
  settings.consent_texts_file = config.RequiredString("VIDEO_CONSENT_TEXTS_FILE");
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

absl::Status Serve(const Settings& settings) {
  absl::StatusOr<std::string> seed = ReadFile(settings.seed_file);
  absl::StatusOr<VideoCatalog> catalog =
      seed.ok() ? ParseVideoCatalog(*seed) : absl::StatusOr<VideoCatalog>(seed.status());
  if (!catalog.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("VIDEO_SEED_FILE: ", catalog.status().message()));
  }
  absl::StatusOr<std::string> texts_file = ReadFile(settings.consent_texts_file);
  absl::StatusOr<ConsentTexts> texts = texts_file.ok()
                                           ? ParseConsentTexts(*texts_file)
                                           : absl::StatusOr<ConsentTexts>(texts_file.status());
  if (!texts.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("VIDEO_CONSENT_TEXTS_FILE: ", texts.status().message()));
  }
  // Consent must name the versions the file marks current.
  VideoSettings video = settings.video;
  video.privacy_notice_version = texts->privacy_notice.current;
  video.terms_version = texts->terms.current;
  video.consent_texts = *std::move(texts);
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(settings.time_zone, &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone ", settings.time_zone, " (is tzdata installed?)"));
  }
  log::Info("catalog_loaded", {{"topics", static_cast<int64_t>(catalog->topics.size())},
                               {"caseworkers", static_cast<int64_t>(catalog->caseworkers.size())}});
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  booking::RedisBookingRepository bookings(
      *redis, VideoKeys(),
      booking::RedisBookingRepository::Options{.check_in_closes_booking = true});
  bookings.EraseWith({"visit"});  // the waiting-room record goes with its booking
  // A Redis not answering yet must not stop the start (the store retries);
  // bookings under the old layout must.
  absl::Status old = booking::RefuseBookingsOfOldLayout(*redis, "video:{video}:");
  if (old.code() == absl::StatusCode::kFailedPrecondition) return old;
  if (!old.ok()) log::Warn("old_layout_not_checked", {{"error", old.ToString()}});
  RedisVisitRepository visits(*redis, bookings);
  RedisScheduleRepository schedule_store(*redis);
  SystemClock clock;
  const booking::BookingSecrets secrets =
      booking::BookingSecrets::Derive(settings.master_key, "video");
  ConsultationRecords records(*catalog, bookings, visits, clock,
                              booking::Calendar(settings.rules, zone), secrets, video,
                              &schedule_store);
  VideoBookings video_bookings(records);
  Consultations consultations(records, secrets);
  CaseworkerSchedules schedules(records, schedule_store);
  // Outlives the server, so events of the last requests are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  VideoGrpcService service(video_bookings, consultations, schedules, *kpis);
  std::jthread reminders(
      RepeatUntilStopped, "reminders",
      [&video_bookings] { return video_bookings.SendDueReminders(); }, settings.reminder_interval);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  VideoReactorService reactor(service, redis_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::video

int main() {
  return stadt::RunService<stadt::video::Settings>("video", stadt::video::ReadSettings,
                                                   stadt::video::Serve);
}
