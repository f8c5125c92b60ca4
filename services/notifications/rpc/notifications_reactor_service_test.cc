#include "services/notifications/rpc/notifications_reactor_service.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/fake_clock.h"
#include "services/common/grpc_reactor.h"
#include "services/common/grpc_reactor_testing.h"
#include "services/common/redis/redis_client.h"
#include "services/notifications/store/redis_notification_store.h"

namespace stadt::notifications {
namespace {

TEST(NotificationsReactorServiceTest, ServesEveryMethodButTheExportItHasNot) {
  // No Redis behind it (port 1): each call answers, if only UNAVAILABLE or
  // INVALID_ARGUMENT.
  redis::Options options;
  options.port = 1;
  std::unique_ptr<redis::Client> redis = redis::Client::Create(options);
  RedisNotificationStore store(*redis, {"appt:outbox"}, RedisStoreOptions());
  FakeClock clock(absl::FromUnixSeconds(1'780'000'000));
  DeadLetters dead_letters(store, clock, {{"appointments", {"appt:outbox"}}});
  NotificationsGrpcService service(dead_letters);
  BlockingCallPool pool(2);
  NotificationsReactorService front(service, pool);
  // The export is the services' (the privacy service does not ask here), as
  // with the synchronous server before.
  EXPECT_THAT(
      stadt::testing::MethodsAnsweringUnimplemented(front, v1::Notifications::service_full_name()),
      ::testing::ElementsAre("ExportPersonalData"));
}

}  // namespace
}  // namespace stadt::notifications
