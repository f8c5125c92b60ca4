#include "tests/harness/redis_test.h"

#include <memory>

#include "absl/status/statusor.h"
#include "tests/harness/redis_cluster.h"
#include "tests/harness/service_redis.h"

namespace stadt::testing {

RedisTest::RedisTest(int pool_size) { options_.pool_size = pool_size; }

bool RedisTest::ClusterMode() { return ClusterTestRun(); }

void RedisTest::SetUp() {
  if (ClusterMode()) {
    // One cluster per test process (starting one takes about two seconds); a
    // FLUSHALL of each primary gives every test the same empty store.
    RedisCluster& cluster = SharedTestCluster();
    for (int i = 0; i < cluster.size(); ++i) {
      absl::StatusOr<redis::Reply> flushed = cluster.ConnectTo(i)->Command({"FLUSHALL"});
      ASSERT_TRUE(flushed.ok()) << flushed.status();
    }
    const redis::Options cluster_options = cluster.ClientOptions();
    options_.mode = cluster_options.mode;
    options_.seeds = cluster_options.seeds;
    options_.port = cluster_options.seeds.front().port;
    redis_ = redis::Client::Create(options_);
    return;
  }
  absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  redis_server_ = *std::move(server);
  options_.port = redis_server_->port();
  redis_ = redis::Client::Create(options_);
}

RedisServer& RedisTest::redis_server() {
  if (redis_server_ == nullptr) AbortInClusterRun("RedisTest::redis_server()");
  return *redis_server_;
}

}  // namespace stadt::testing
