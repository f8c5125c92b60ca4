// The privacy service: the citizen's export and erasure across every service
// (GDPR Art. 15, 17). Wiring only: reads the services' addresses, serves gRPC
// until SIGTERM. It keeps no data of its own; Redis is only its health check,
// as for every service.
#include <memory>

#include "grpcpp/grpcpp.h"
#include "services/common/service_env.h"
#include "services/common/service_main.h"
#include "services/privacy/rpc/grpc_personal_data_source.h"
#include "services/privacy/rpc/privacy_grpc_service.h"
#include "services/privacy/rpc/privacy_reactor_service.h"
#include "stadt/appointments/v1/appointments.grpc.pb.h"
#include "stadt/daycare/v1/daycare.grpc.pb.h"
#include "stadt/notifications/v1/notifications.grpc.pb.h"
#include "stadt/parking/v1/parking.grpc.pb.h"
#include "stadt/video/v1/video.grpc.pb.h"

namespace stadt::privacy {
namespace {

// How many exports and erasures run at once (more wait for a thread).
constexpr int kConcurrentCalls = 8;

struct Settings {
  GrpcServerOptions server;
  redis::Options redis;
  log::Level log_level;
  std::string appointments;
  std::string video;
  std::string daycare;
  std::string parking;
  std::string notifications;
  absl::Duration timeout;
};

absl::StatusOr<Settings> ReadSettings() {
  EnvConfig config;
  Settings settings;
  settings.server = ReadGrpcServerOptions(config, "PRIVACY_GRPC_ADDRESS", "127.0.0.1:50057");
  settings.redis = ReadRedisOptions(config);
  settings.log_level = ReadLogLevel(config);
  settings.appointments = config.String("PRIVACY_APPOINTMENTS_ADDRESS", "127.0.0.1:50051");
  settings.video = config.String("PRIVACY_VIDEO_ADDRESS", "127.0.0.1:50052");
  settings.daycare = config.String("PRIVACY_DAYCARE_ADDRESS", "127.0.0.1:50053");
  settings.parking = config.String("PRIVACY_PARKING_ADDRESS", "127.0.0.1:50054");
  settings.notifications = config.String("PRIVACY_NOTIFICATIONS_ADDRESS", "127.0.0.1:50056");
  settings.timeout = config.Duration("PRIVACY_SERVICE_TIMEOUT", absl::Seconds(10), absl::Seconds(1),
                                     absl::Minutes(2));
  if (absl::Status status = config.Finish(); !status.ok()) return status;
  return settings;
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address) {
  // Inside the cluster's network policy, as the gateway reaches the services.
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

absl::Status Serve(const Settings& settings) {
  std::unique_ptr<redis::Client> redis = redis::Client::Create(settings.redis);
  // Parking first: it may refuse (a running session) before anything is erased.
  GrpcPersonalDataSource<parking::v1::Parking> parking("parking", Channel(settings.parking),
                                                       settings.timeout);
  GrpcPersonalDataSource<appointments::v1::Appointments> appointments(
      "appointments", Channel(settings.appointments), settings.timeout);
  GrpcPersonalDataSource<video::v1::Video> video("video", Channel(settings.video),
                                                 settings.timeout);
  GrpcPersonalDataSource<daycare::v1::Daycare> daycare("daycare", Channel(settings.daycare),
                                                       settings.timeout);
  // Last: it erases the queued mails by the ids the others exported.
  GrpcPersonalDataSource<notifications::v1::Notifications> notifications(
      "notifications", Channel(settings.notifications), settings.timeout, /*exports=*/false);
  DataRights rights({&parking, &appointments, &video, &daycare, &notifications});
  PrivacyGrpcService service(rights);
  // Each call waits for the services' answers on one of these threads. Export
  // and erasure are a citizen's rare requests: a few at once is plenty, and a
  // call that waits here still keeps its deadline (the sources get what is left
  // of it). It outlives the server (declared after what its calls use).
  BlockingCallPool fan_out_calls(kConcurrentCalls);
  PrivacyReactorService reactor(service, fan_out_calls);
  return ServeUntilTerminated(settings.server, {&reactor}, *redis);
}

}  // namespace
}  // namespace stadt::privacy

int main() {
  return stadt::RunService<stadt::privacy::Settings>("privacy", stadt::privacy::ReadSettings,
                                                     stadt::privacy::Serve);
}
