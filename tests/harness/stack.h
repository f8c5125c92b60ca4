#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "tests/harness/http_client.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_cluster.h"
#include "tests/harness/redis_server.h"
#include "tests/harness/test_tokens.h"

namespace stadt::testing {

// The Jitsi app secret the stack gives the video service, so tests can check
// its join tokens as a Jitsi server would.
inline constexpr char kE2eJitsiSecret[] = "e2e-jitsi-app-secret-of-at-least-32-bytes";

struct StackOptions {
  // Added to every service's environment.
  std::map<std::string, std::string> service_env;
  // Added to the gateway's environment, overriding the harness' defaults.
  std::map<std::string, std::string> gateway_env;
  RedisServer::Options redis;
  // Runs the services against a three-primary Redis Cluster (REDIS_MODE=cluster,
  // every node a seed) instead of one redis-server; of `redis` only the
  // appendfsync policy then applies (to every node).
  // STADT_TEST_REDIS_MODE=cluster in the environment sets it for every stack
  // (stadt_add_cluster_test runs an e2e binary so).
  bool redis_cluster = false;
  // With redis_cluster: replicas per primary (failover tests use 1).
  int redis_cluster_replicas = 0;
};

// The real binaries of the local stack, started for an end-to-end test:
// redis-server, the chosen services and the gateway, each on a free port, the
// gateway pointed at the services and accepting tokens from tokens().
class Stack {
 public:
  // `services`: names as in gateway/core/linked_apis.cc ("appointments",
  // "parking", "video"). `service_env` is added to every service's environment.
  static absl::StatusOr<std::unique_ptr<Stack>> Start(
      const std::set<std::string>& services,
      const std::map<std::string, std::string>& service_env = {});
  static absl::StatusOr<std::unique_ptr<Stack>> StartWith(const std::set<std::string>& services,
                                                          const StackOptions& options);
  // Every service Start can run, by name.
  static std::set<std::string> KnownServices();
  ~Stack();

  int gateway_port() const { return gateway_port_; }
  // The single redis-server (not in a cluster stack: see redis_client_options()).
  RedisServer& redis();
  // The stack's Redis Cluster, or nullptr in a single-server stack.
  RedisCluster* redis_cluster() {
    cluster_spoiled_ = true;  // the caller may change it: not handed on
    return cluster_.get();
  }
  // Redis failures for fault tests, single server or cluster alike: a crash
  // of the single server or of every cluster node (SIGKILL), its restart on
  // the same ports and data (returns once it answers again), and a silence
  // with the connections open (SIGSTOP, SIGCONT).
  void KillRedis();
  absl::Status RestartRedis();
  void PauseRedis();
  void ResumeRedis();
  // Client options reaching the stack's Redis, single or cluster.
  redis::Options redis_client_options() const;
  Subprocess& gateway() { return *gateway_; }
  Subprocess& service(const std::string& name) { return *services_.at(name); }
  // The gRPC port of a service, for tests that call it directly.
  int service_port(const std::string& name) const { return service_ports_.at(name); }
  const TestTokens& tokens() const { return tokens_; }
  // Starts a service again, on its port and with its environment (after
  // service(name).Kill(), say); returns once the port accepts connections.
  absl::Status RestartService(const std::string& name);
  // Stops the gateway, then every service, with SIGTERM. An error names each
  // process that did not exit 0 and each sanitizer report in the logs (a
  // sanitizer build reports use-after-free and leaks only on the way out).
  absl::Status Stop();
  // Everything the binaries wrote, for failure messages.
  std::string Logs() const;

  // One request to the gateway; a failed connection is a test failure.
  HttpResult Fetch(const std::string& method, const std::string& target,
                   const std::string& body = "", const std::string& token = "",
                   std::map<std::string, std::string> headers = {}) const;
  // Polls a GET until it answers `status`, within a bounded number of tries.
  bool WaitUntil(int status, const std::string& target) const;

 private:
  Stack() = default;
  absl::Status StartService(const std::string& name);
  // Starts the service on a port picked as free, on another one if a parallel
  // test took it first; returns once the service's log says it listens.
  absl::Status StartServiceOnFreePort(const std::string& name);
  // The same for the gateway.
  absl::Status StartGateway();
  absl::Status StartGatewayOn(const std::string& key_file);
  std::string LogPath(const std::string& name) const;
  // REDIS_ADDRESS, and for a cluster REDIS_MODE and REDIS_SEEDS.
  void AddRedisEnv(std::map<std::string, std::string>* env) const;

  std::string dir_;
  StackOptions options_;
  std::map<std::string, int> service_ports_;
  TestTokens tokens_;
  std::unique_ptr<RedisServer> redis_;
  // In a cluster run shared with the process' later stacks (stack.cc,
  // TakeSharedCluster), unless this stack crashed or paused its nodes.
  std::shared_ptr<RedisCluster> cluster_;
  bool cluster_shared_ = false;
  bool cluster_spoiled_ = false;
  std::map<std::string, std::unique_ptr<Subprocess>> services_;
  std::unique_ptr<Subprocess> gateway_;
  int gateway_port_ = 0;
};

// The parsed JSON body (null if it is not JSON: a test failure).
boost::json::value Json(const HttpResult& result);
// details[0].reason of an error body, or "" if there is none.
std::string Reason(const HttpResult& result);

}  // namespace stadt::testing
