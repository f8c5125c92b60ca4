#include "tests/harness/redis_test.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "tests/harness/redis_cluster.h"

namespace stadt::testing {
namespace {

// One cluster per test process: starting one takes about two seconds, and a
// FLUSHALL of each primary gives every test the same empty store. A static
// owner, so that the nodes stop when the process exits.
RedisCluster& SharedCluster() {
  static const std::unique_ptr<RedisCluster> cluster = [] {
    absl::StatusOr<std::unique_ptr<RedisCluster>> started = RedisCluster::Start();
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start the test Redis Cluster: %s\n",
                   started.status().ToString().c_str());
      std::abort();
    }
    return *std::move(started);
  }();
  return *cluster;
}

}  // namespace

RedisTest::RedisTest(int pool_size) { options_.pool_size = pool_size; }

bool RedisTest::ClusterMode() {
  const char* mode = std::getenv("STADT_TEST_REDIS_MODE");
  return mode != nullptr && std::string_view(mode) == "cluster";
}

void RedisTest::SetUp() {
  if (ClusterMode()) {
    RedisCluster& cluster = SharedCluster();
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
  if (redis_server_ == nullptr) {
    std::fprintf(stderr,
                 "redis_server() in a cluster run: exclude this test from the cluster run "
                 "(stadt_add_cluster_test ... EXCLUDE)\n");
    std::abort();
  }
  return *redis_server_;
}

}  // namespace stadt::testing
