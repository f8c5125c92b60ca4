#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/redis/redis_client.h"
#include "tests/harness/redis_cluster.h"
#include "tests/harness/redis_server.h"

namespace stadt::testing {

// Whether this test run is against a Redis Cluster: STADT_TEST_REDIS_MODE=cluster
// in the environment, which `stadt_add_cluster_test`
// (cmake/StadtCompileOptions.cmake) sets for the binary's `.cluster` run.
bool ClusterTestRun();

// The test process' Redis Cluster: three primaries without replicas, started
// on first use (about two seconds) and stopped when the process exits; aborts
// the process if it cannot start. Shared by every test of the binary, so a
// test must not kill its nodes (start an own RedisCluster for that).
RedisCluster& SharedTestCluster();

// For an accessor of a single redis-server called in a cluster run: says
// which (`accessor`) and how to keep the test out of that run, then aborts.
[[noreturn]] void AbortInClusterRun(const char* accessor);

// The variables that point a service (services/common/service_env.cc) at
// `server`: REDIS_ADDRESS.
std::map<std::string, std::string> RedisEnv(const RedisServer& server);
// ... or at `cluster`: REDIS_MODE=cluster, REDIS_ADDRESS the first node,
// REDIS_SEEDS every node.
std::map<std::string, std::string> RedisEnv(RedisCluster& cluster);

// The Redis under the service processes a test starts itself (not through
// testing::Stack): a fresh redis-server, or in a cluster run
// (ClusterTestRun()) the shared cluster, emptied. Env() points a service at
// it either way, so the same test proves the service on both.
class ServiceRedis {
 public:
  static absl::StatusOr<std::unique_ptr<ServiceRedis>> Start();

  ServiceRedis(const ServiceRedis&) = delete;
  ServiceRedis& operator=(const ServiceRedis&) = delete;

  bool cluster_mode() const { return cluster_ != nullptr; }
  // REDIS_ADDRESS, and on a cluster REDIS_MODE and REDIS_SEEDS.
  std::map<std::string, std::string> Env() const;
  // The single server; aborts in a cluster run (a test that kills or pauses
  // it is excluded from the cluster run: stadt_add_cluster_test ... EXCLUDE).
  RedisServer& server();

 private:
  ServiceRedis() = default;

  std::unique_ptr<RedisServer> server_;
  RedisCluster* cluster_ = nullptr;  // the shared one, not owned
};

}  // namespace stadt::testing
