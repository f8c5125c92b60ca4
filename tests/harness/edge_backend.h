#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/harness/process.h"
#include "tests/harness/redis_server.h"
#include "tests/harness/service_redis.h"

namespace stadt::testing {

// What the edge end-to-end tests put their own gateways in front of: a fresh
// temporary directory for logs and files, the real appointments binary on a
// free port with a Redis of its own (a redis-server, or in the `.cluster` run
// the test process' Redis Cluster: tests/harness/service_redis.h), and a
// redis-server for the gateways (rate limits, used proof-of-work challenges),
// which a test may kill without touching the service's. In the `.cluster` run
// the gateways keep their edge state on the same cluster
// (GATEWAY_REDIS_MODE=cluster, GATEWAY_REDIS_SEEDS) and there is no
// gateway_redis(): the tests that kill it are left out of that run.
class EdgeBackend {
 public:
  // `dir_prefix` starts the temporary directory's name; `service_env` is added
  // to the appointments service's environment. Returns once the service listens.
  static absl::StatusOr<std::unique_ptr<EdgeBackend>> Start(
      const std::string& dir_prefix, const std::map<std::string, std::string>& service_env = {});

  EdgeBackend(const EdgeBackend&) = delete;
  EdgeBackend& operator=(const EdgeBackend&) = delete;

  const std::string& dir() const { return dir_; }
  // Aborts in a cluster run (see above).
  RedisServer& gateway_redis();
  ServiceRedis& service_redis() { return *service_redis_; }
  Subprocess& service() { return *service_; }
  int service_port() const { return service_port_; }
  // The appointments service's log, in dir().
  std::string ServiceLog() const;

  // Starts the appointments service again on service_port() (the gateways
  // know no other), after service().Kill(), say; returns once it listens.
  absl::Status RestartService();

  // What a gateway needs to reach this back end: the appointments backend,
  // readiness of that service only, and the gateways' redis-server.
  std::map<std::string, std::string> GatewayEnv() const;

 private:
  EdgeBackend() = default;
  std::map<std::string, std::string> ServiceEnv(int port) const;

  std::string dir_;
  std::map<std::string, std::string> extra_service_env_;
  std::unique_ptr<ServiceRedis> service_redis_;
  std::unique_ptr<RedisServer> gateway_redis_;
  std::unique_ptr<Subprocess> service_;
  int service_port_ = 0;
};

}  // namespace stadt::testing
