#include "services/audit/rpc/audit_reactor_service.h"

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/audit/store/redis_audit_repository.h"
#include "services/common/fake_clock.h"
#include "services/common/grpc_reactor.h"
#include "services/common/grpc_reactor_testing.h"
#include "services/common/redis/redis_client.h"

namespace stadt::audit {
namespace {

TEST(AuditReactorServiceTest, ServesEveryMethod) {
  // No Redis behind it (port 1): each call answers, if only UNAVAILABLE or
  // INVALID_ARGUMENT; none may answer UNIMPLEMENTED.
  redis::Options options;
  options.port = 1;
  std::unique_ptr<redis::Client> redis = redis::Client::Create(options);
  RedisAuditRepository repository(*redis);
  FakeClock clock(absl::FromUnixSeconds(1'780'000'000));
  AuditLog log(repository, clock, AuditLogOptions());
  AuditGrpcService service(log);
  BlockingCallPool pool(2);
  AuditReactorService front(service, pool);
  EXPECT_THAT(stadt::testing::MethodsAnsweringUnimplemented(front, v1::Audit::service_full_name()),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace stadt::audit
