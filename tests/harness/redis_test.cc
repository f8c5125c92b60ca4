#include "tests/harness/redis_test.h"

#include "absl/status/statusor.h"

namespace stadt::testing {

RedisTest::RedisTest(int pool_size) { options_.pool_size = pool_size; }

void RedisTest::SetUp() {
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  redis_server_ = *std::move(server);
  options_.port = redis_server_->port();
  redis_ = redis::Client::Create(options_);
}

}  // namespace stadt::testing
