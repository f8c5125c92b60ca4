#include "tests/harness/edge_backend.h"

#include <stdlib.h>

#include <fstream>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stadt::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

absl::StatusOr<std::unique_ptr<EdgeBackend>> EdgeBackend::Start(
    const std::string& dir_prefix, const std::map<std::string, std::string>& service_env) {
  std::unique_ptr<EdgeBackend> backend(new EdgeBackend());
  std::string pattern = absl::StrCat(::testing::TempDir(), dir_prefix, "XXXXXX");
  backend->dir_ = mkdtemp(pattern.data());
  backend->extra_service_env_ = service_env;
  absl::StatusOr<std::unique_ptr<ServiceRedis>> service_redis = ServiceRedis::Start();
  if (!service_redis.ok()) return service_redis.status();
  backend->service_redis_ = *std::move(service_redis);
  if (!backend->service_redis_->cluster_mode()) {
    absl::StatusOr<std::unique_ptr<RedisServer>> gateway_redis = RedisServer::Start();
    if (!gateway_redis.ok()) return gateway_redis.status();
    backend->gateway_redis_ = *std::move(gateway_redis);
  }

  absl::StatusOr<ListeningProcess> service = StartOnFreePort(
      STADT_APPOINTMENTS_BIN, [&backend](int port) { return backend->ServiceEnv(port); },
      backend->ServiceLog());
  if (!service.ok()) {
    return absl::Status(service.status().code(),
                        absl::StrCat(service.status().message(), "\n--- appointments\n",
                                     ReadFile(backend->ServiceLog())));
  }
  backend->service_ = std::move(service->process);
  backend->service_port_ = service->port;
  return backend;
}

std::string EdgeBackend::ServiceLog() const { return absl::StrCat(dir_, "/appointments.log"); }

absl::Status EdgeBackend::RestartService() {
  const int before = CountListening(ServiceLog());
  absl::StatusOr<std::unique_ptr<Subprocess>> service =
      Subprocess::Start(STADT_APPOINTMENTS_BIN, {}, ServiceEnv(service_port_), ServiceLog());
  if (!service.ok()) return service.status();
  service_ = *std::move(service);
  if (!WaitUntilListening(*service_, ServiceLog(), before)) {
    return absl::UnavailableError("appointments did not start again");
  }
  return absl::OkStatus();
}

RedisServer& EdgeBackend::gateway_redis() {
  if (gateway_redis_ == nullptr) AbortInClusterRun("EdgeBackend::gateway_redis()");
  return *gateway_redis_;
}

std::map<std::string, std::string> EdgeBackend::GatewayEnv() const {
  std::map<std::string, std::string> env = {
      {"GATEWAY_BACKEND_APPOINTMENTS", absl::StrCat("127.0.0.1:", service_port_)},
      {"GATEWAY_READINESS_BACKENDS", "appointments"},  // the only service started here
      // The production default (50 ms) is a latency budget; on two cores shared with a
      // parallel sanitizer run a first connection plus command took longer, and a proof of
      // work then failed closed with 503 `pow_unavailable`. A killed Redis still fails at once.
      {"GATEWAY_REDIS_TIMEOUT", "2s"}};
  if (gateway_redis_ != nullptr) {
    env["GATEWAY_REDIS_ADDRESS"] = absl::StrCat("127.0.0.1:", gateway_redis_->port());
    return env;
  }
  // A cluster run: the gateways' edge state on the service's cluster (without
  // the mode, a gateway pointed at one node fails the proof-of-work walk).
  const std::map<std::string, std::string> cluster = service_redis_->Env();
  env["GATEWAY_REDIS_MODE"] = cluster.at("REDIS_MODE");
  env["GATEWAY_REDIS_ADDRESS"] = cluster.at("REDIS_ADDRESS");
  env["GATEWAY_REDIS_SEEDS"] = cluster.at("REDIS_SEEDS");
  return env;
}

std::map<std::string, std::string> EdgeBackend::ServiceEnv(int port) const {
  std::map<std::string, std::string> env = service_redis_->Env();
  env.insert(
      {{"APPOINTMENTS_GRPC_ADDRESS", absl::StrCat("127.0.0.1:", port)},
       {"READINESS_INTERVAL", "100ms"},
       {"APPOINTMENTS_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ=="},
       {"APPOINTMENTS_SEED_FILE",
        absl::StrCat(STADT_SOURCE_DIR, "/services/appointments/seed/catalog.json")}});
  for (const auto& [name, value] : extra_service_env_) env[name] = value;
  return env;
}

}  // namespace stadt::testing
