#include "tests/harness/service_redis.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace stadt::testing {

bool ClusterTestRun() {
  const char* mode = std::getenv("STADT_TEST_REDIS_MODE");
  return mode != nullptr && std::string_view(mode) == "cluster";
}

RedisCluster& SharedTestCluster() {
  // A static owner, so that the nodes stop when the process exits.
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

void AbortInClusterRun(const char* accessor) {
  std::fprintf(stderr,
               "%s in a cluster run: exclude the test from the cluster run "
               "(stadt_add_cluster_test ... EXCLUDE)\n",
               accessor);
  std::abort();
}

std::map<std::string, std::string> RedisEnv(const RedisServer& server) {
  return {{"REDIS_ADDRESS", absl::StrCat("127.0.0.1:", server.port())}};
}

std::map<std::string, std::string> RedisEnv(RedisCluster& cluster) {
  std::vector<std::string> seeds;
  for (int i = 0; i < cluster.size(); ++i) {
    seeds.push_back(absl::StrCat("127.0.0.1:", cluster.node(i).port()));
  }
  return {{"REDIS_MODE", "cluster"},
          {"REDIS_ADDRESS", seeds.front()},
          {"REDIS_SEEDS", absl::StrJoin(seeds, ",")}};
}

absl::StatusOr<std::unique_ptr<ServiceRedis>> ServiceRedis::Start() {
  std::unique_ptr<ServiceRedis> redis(new ServiceRedis());
  if (!ClusterTestRun()) {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start();
    if (!server.ok()) return server.status();
    redis->server_ = *std::move(server);
    return redis;
  }
  redis->cluster_ = &SharedTestCluster();
  // What the previous test's services left behind.
  for (int i = 0; i < redis->cluster_->size(); ++i) {
    absl::StatusOr<redis::Reply> flushed = redis->cluster_->ConnectTo(i)->Command({"FLUSHALL"});
    if (!flushed.ok()) return flushed.status();
  }
  return redis;
}

std::map<std::string, std::string> ServiceRedis::Env() const {
  return cluster_ != nullptr ? RedisEnv(*cluster_) : RedisEnv(*server_);
}

RedisServer& ServiceRedis::server() {
  if (server_ == nullptr) AbortInClusterRun("ServiceRedis::server()");
  return *server_;
}

}  // namespace stadt::testing
