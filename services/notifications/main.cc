// The notifications service: wiring only. Reads configuration, loads the mail
// templates, connects Redis and the mail server, and mails the events of the
// booking services' outboxes until SIGTERM (gRPC serves the health checks).
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/booking/domain/booking_core.h"
#include "services/common/booking/store/booking_keys.h"
#include "services/common/contact/sealed_contact.h"
#include "services/common/kpi/kpi_reporting.h"
#include "services/common/log.h"
#include "services/common/repeat.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/notifications/domain/booking_mails.h"
#include "services/notifications/domain/daycare_mails.h"
#include "services/notifications/domain/dead_letters.h"
#include "services/notifications/domain/dispatcher.h"
#include "services/notifications/domain/parking_mails.h"
#include "services/notifications/domain/routed_composer.h"
#include "services/notifications/rpc/notifications_grpc_service.h"
#include "services/notifications/rpc/notifications_reactor_service.h"
#include "services/notifications/smtp/curl_smtp_mailer.h"
#include "services/notifications/store/redis_notification_store.h"
#include "services/notifications/store/redis_places.h"
#include "services/notifications/store/redis_program_names.h"

namespace stadt::notifications {
namespace {

constexpr size_t kMinSecretBytes = 32;

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  log::Level log_level;
  KpiSettings kpi;
  std::string templates_dir;
  std::string appointments_master_key;
  std::string video_master_key;    // empty: the video outbox is not read
  std::string parking_master_key;  // empty: parking's outboxes are not read
  std::string daycare_master_key;  // empty: daycare's outbox is not read
  std::string daycare_season;      // whose outbox is read
  std::string time_zone;
  BookingMailOptions mail;
  DispatchOptions dispatch;
  RedisStoreOptions store;
  SmtpOptions smtp;
  absl::Duration poll_interval;
};

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "notifications";
  return name;
}

SmtpOptions::Tls ReadTls(EnvConfig& config) {
  const std::string tls = config.String("NOTIFICATIONS_SMTP_TLS", "starttls");
  if (tls == "none") return SmtpOptions::Tls::kNone;
  if (tls == "implicit") return SmtpOptions::Tls::kImplicit;
  if (tls != "starttls") config.Int("NOTIFICATIONS_SMTP_TLS", 0, 1, 0);  // reports it as malformed
  return SmtpOptions::Tls::kStartTls;
}

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "NOTIFICATIONS_GRPC_ADDRESS", "127.0.0.1:50056");
  settings.redis = ReadRedisOptions(config);
  settings.log_level = ReadLogLevel(config);
  settings.kpi = ReadKpiSettings(config, "notifications");
  settings.templates_dir =
      config.String("NOTIFICATIONS_TEMPLATES_DIR", "/usr/share/stadt/notifications/templates");
  const std::string encoded_key = config.RequiredString("APPOINTMENTS_SECRET_KEY");
  // Optional: with it, video consultations are mailed too.
  const std::string encoded_video_key = config.String("VIDEO_SECRET_KEY", "");
  // Optional: with it, parking's "ending soon" reminders are mailed.
  const std::string encoded_parking_key = config.String("PARKING_SECRET_KEY", "");
  // Optional: with it, the parents of the season DAYCARE_SEASON_ID are mailed.
  const std::string encoded_daycare_key = config.String("DAYCARE_SECRET_KEY", "");
  settings.daycare_season = config.String("DAYCARE_SEASON_ID", "");
  settings.time_zone = config.String("NOTIFICATIONS_TIME_ZONE", "Europe/Berlin");
  settings.mail.portal_url = config.String("NOTIFICATIONS_PORTAL_URL", "http://127.0.0.1:8080");
  settings.dispatch.from_address =
      config.String("NOTIFICATIONS_FROM_ADDRESS", "termine@stadt.example");
  settings.dispatch.from_name = config.String("NOTIFICATIONS_FROM_NAME", "Stadtportal");
  settings.mail.organizer_address = settings.dispatch.from_address;
  settings.dispatch.consumer = config.String("NOTIFICATIONS_CONSUMER", HostName());
  settings.dispatch.batch_size = config.Int("NOTIFICATIONS_BATCH_SIZE", 100, 1, 10000);
  settings.dispatch.record_batch = config.Int("NOTIFICATIONS_RECORD_BATCH", 8, 1, 100);
  settings.dispatch.retry_base = config.Duration("NOTIFICATIONS_RETRY_BASE", absl::Seconds(30),
                                                 absl::Milliseconds(10), absl::Hours(1));
  settings.dispatch.retry_max = config.Duration("NOTIFICATIONS_RETRY_MAX", absl::Minutes(30),
                                                absl::Milliseconds(10), absl::Hours(24));
  settings.dispatch.retry_horizon = config.Duration("NOTIFICATIONS_RETRY_HORIZON", absl::Hours(24),
                                                    absl::Seconds(1), absl::Hours(24 * 7));
  settings.dispatch.dead_letter_retention =
      config.Duration("NOTIFICATIONS_DEAD_LETTER_RETENTION", absl::Hours(24 * 30), absl::Hours(1),
                      absl::Hours(24 * 365));
  settings.store.claim_idle = config.Duration("NOTIFICATIONS_CLAIM_IDLE", absl::Minutes(5),
                                              absl::Milliseconds(100), absl::Hours(1));
  settings.store.record_ttl = config.Duration("NOTIFICATIONS_RECORD_TTL", absl::Hours(24 * 14),
                                              absl::Minutes(1), absl::Hours(24 * 90));
  settings.poll_interval = config.Duration("NOTIFICATIONS_POLL_INTERVAL", absl::Milliseconds(500),
                                           absl::Milliseconds(10), absl::Minutes(1));
  settings.smtp.host = config.String("NOTIFICATIONS_SMTP_HOST", "127.0.0.1");
  settings.smtp.port = config.Int("NOTIFICATIONS_SMTP_PORT", 25, 1, 65535);
  settings.smtp.tls = ReadTls(config);
  settings.smtp.verify_certificate = config.Bool("NOTIFICATIONS_SMTP_TLS_VERIFY", true);
  settings.smtp.ca_file = config.String("NOTIFICATIONS_SMTP_CA_FILE", "");
  settings.smtp.username = config.String("NOTIFICATIONS_SMTP_USERNAME", "");
  settings.smtp.password = config.String("NOTIFICATIONS_SMTP_PASSWORD", "");
  settings.smtp.connect_timeout =
      config.Duration("NOTIFICATIONS_SMTP_CONNECT_TIMEOUT", absl::Seconds(10),
                      absl::Milliseconds(100), absl::Minutes(5));
  settings.smtp.send_timeout = config.Duration("NOTIFICATIONS_SMTP_SEND_TIMEOUT", absl::Seconds(30),
                                               absl::Seconds(1), absl::Minutes(10));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  if (!absl::Base64Unescape(encoded_key, &settings.appointments_master_key) ||
      settings.appointments_master_key.size() < kMinSecretBytes) {
    return absl::InvalidArgumentError("APPOINTMENTS_SECRET_KEY: base64 of at least 32 bytes");
  }
  if (!encoded_video_key.empty() &&
      (!absl::Base64Unescape(encoded_video_key, &settings.video_master_key) ||
       settings.video_master_key.size() < kMinSecretBytes)) {
    return absl::InvalidArgumentError("VIDEO_SECRET_KEY: base64 of at least 32 bytes");
  }
  if (!encoded_parking_key.empty() &&
      (!absl::Base64Unescape(encoded_parking_key, &settings.parking_master_key) ||
       settings.parking_master_key.size() < kMinSecretBytes)) {
    return absl::InvalidArgumentError("PARKING_SECRET_KEY: base64 of at least 32 bytes");
  }
  if (!encoded_daycare_key.empty() &&
      (!absl::Base64Unescape(encoded_daycare_key, &settings.daycare_master_key) ||
       settings.daycare_master_key.size() < kMinSecretBytes)) {
    return absl::InvalidArgumentError("DAYCARE_SECRET_KEY: base64 of at least 32 bytes");
  }
  if (!settings.daycare_master_key.empty() && settings.daycare_season.empty()) {
    return absl::InvalidArgumentError("DAYCARE_SECRET_KEY needs DAYCARE_SEASON_ID");
  }
  return settings;
}

absl::StatusOr<Templates> LoadTemplates(const std::string& dir) {
  std::map<std::string, std::string> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".tmpl") continue;
    absl::StatusOr<std::string> text = ReadFile(entry.path().string());
    if (!text.ok()) return text.status();
    files[entry.path().filename().string()] = *std::move(text);
  }
  if (error || files.empty()) {
    return absl::NotFoundError(absl::StrCat("no mail templates (*.tmpl) in ", dir));
  }
  return Templates::Parse(files);
}

absl::Status Serve(const Settings& settings) {
  // A lease must outlast the sending of one group of mails, or a replica could
  // take over mails this one is still sending (README.md).
  const absl::Duration group_time =
      settings.dispatch.record_batch * (settings.smtp.connect_timeout + settings.smtp.send_timeout);
  if (settings.store.claim_idle <= group_time) {
    log::Warn("claim_idle_short",
              {{"claim_idle_s", absl::ToInt64Seconds(settings.store.claim_idle)},
               {"record_batch_send_time_s", absl::ToInt64Seconds(group_time)}});
  }
  absl::StatusOr<Templates> templates = LoadTemplates(settings.templates_dir);
  if (!templates.ok()) return templates.status();
  BookingMailOptions mail_options = settings.mail;
  if (!absl::LoadTimeZone(settings.time_zone, &mail_options.time_zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone ", settings.time_zone, " (is tzdata installed?)"));
  }
  // The booking services' outboxes: one per office or caseworker bucket
  // (services/common/booking/store/booking_keys.h), each read on its own
  // (one consumer group per stream; a read of several streams is cross-slot).
  std::map<std::string, BookingSource> sources;
  std::map<std::string, std::vector<std::string>> dead_letter_sources;
  const BookingSource appointments{
      .name = "appointments",
      .secrets = booking::BookingSecrets::Derive(settings.appointments_master_key)};
  for (const std::string& outbox : booking::BookingKeys::Spread("appt").Outboxes()) {
    sources[outbox] = appointments;
    dead_letter_sources["appointments"].push_back(outbox);
  }
  if (!settings.video_master_key.empty()) {
    const BookingSource video{
        .name = "video",
        .secrets = booking::BookingSecrets::Derive(settings.video_master_key, "video"),
        .template_prefix = "video_",
        .product = "Video consultations",
        .manage_path = "/videoberatung/verwalten",
        .resource_is_place = false};
    for (const std::string& outbox : booking::BookingKeys::Spread("video").Outboxes()) {
      sources[outbox] = video;
      dead_letter_sources["video"].push_back(outbox);
    }
  }
  std::vector<std::string> streams;
  streams.reserve(sources.size());
  for (const auto& [stream, source] : sources) streams.push_back(stream);
  std::string daycare_stream;
  if (!settings.daycare_master_key.empty()) {
    daycare_stream = DaycareMails::Outbox(settings.daycare_season);
    streams.push_back(daycare_stream);
    dead_letter_sources["daycare"] = {daycare_stream};
  }
  std::set<std::string> parking_streams;
  if (!settings.parking_master_key.empty()) {
    parking_streams = ParkingMails::Outboxes();
    streams.insert(streams.end(), parking_streams.begin(), parking_streams.end());
    // Their dead letters are kept per outbox (park:{pXX}:notify:dead); the
    // operators' source "parking" lists them merged.
    dead_letter_sources["parking"].assign(parking_streams.begin(), parking_streams.end());
  }
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  RedisNotificationStore store(*redis, streams, settings.store);
  SystemClock clock;
  // Office and service names change rarely; a mail may show one a few minutes old.
  RedisPlaces places(*redis, clock, absl::Minutes(5));
  std::map<std::string, const MailComposer*> by_stream;
  for (const auto& [stream, source] : sources) by_stream[stream] = nullptr;
  BookingMails booking_mails(*templates, clock, mail_options, std::move(sources), &places);
  for (auto& [stream, composer] : by_stream) composer = &booking_mails;
  ParkingMails parking_mails(
      *templates, clock,
      {.portal_url = mail_options.portal_url, .time_zone = mail_options.time_zone},
      contact::ContactKey(settings.parking_master_key, "parking"), parking_streams);
  for (const std::string& stream : parking_streams) by_stream[stream] = &parking_mails;
  // Program names change rarely; a mail may show one a few minutes old.
  RedisProgramNames program_names(*redis, clock, settings.daycare_season, absl::Minutes(5));
  DaycareMails daycare_mails(
      *templates, clock,
      {.portal_url = mail_options.portal_url, .time_zone = mail_options.time_zone},
      contact::ContactKey(settings.daycare_master_key, "daycare"), daycare_stream, &program_names);
  if (!daycare_stream.empty()) by_stream[daycare_stream] = &daycare_mails;
  RoutedComposer composer(std::move(by_stream));
  CurlSmtpMailer mailer(settings.smtp);
  // Outlives the dispatcher, so the last KPIs are flushed on exit.
  std::unique_ptr<KpiRecorder> kpis = StartKpiReporting(settings.kpi);
  Dispatcher dispatcher(store, composer, mailer, *kpis, clock, settings.dispatch);
  std::jthread worker(
      RepeatUntilStopped, "notifications", [&dispatcher] { return dispatcher.RunOnce(); },
      settings.poll_interval);
  DeadLetters dead_letters(store, clock, std::move(dead_letter_sources));
  NotificationsGrpcService service(dead_letters);
  // Redis-bound calls wait on these threads, as many as there are Redis
  // connections; it outlives the server (declared after what its calls use).
  BlockingCallPool redis_calls(settings.redis.pool_size);
  NotificationsReactorService reactor(service, redis_calls);
  absl::Status served = ServeUntilTerminated(settings.server, {&reactor}, *redis);
  // The worker finishes the group of mails it is sending, then stops.
  dispatcher.Stop();
  return served;
}

}  // namespace
}  // namespace stadt::notifications

int main() {
  return stadt::RunService<stadt::notifications::Settings>(
      "notifications", stadt::notifications::ReadSettings, stadt::notifications::Serve);
}
