#include "tests/harness/stack.h"

#include <signal.h>

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "tests/harness/service_redis.h"

namespace stadt::testing {
namespace {

struct ServiceSpec {
  const char* binary;
  const char* address_variable;
  std::map<std::string, std::string> env;  // file paths relative to the source tree
};

const std::map<std::string, ServiceSpec>& Services() {
  static const auto* services = new std::map<std::string, ServiceSpec>{
      {"appointments",
       {STADT_APPOINTMENTS_BIN,
        "APPOINTMENTS_GRPC_ADDRESS",
        {{"APPOINTMENTS_SEED_FILE", "services/appointments/seed/catalog.json"},
         {"APPOINTMENTS_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ=="}}}},
      {"audit", {STADT_AUDIT_BIN, "AUDIT_GRPC_ADDRESS", {}}},
      {"daycare",
       {STADT_DAYCARE_BIN,
        "DAYCARE_GRPC_ADDRESS",
        {{"DAYCARE_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLWRheWNhcmUtbWFzdGVyLWtleS0zMiE="}}}},
      {"monitoring",
       {STADT_MONITORING_BIN,
        "MONITORING_GRPC_ADDRESS",
        {{"MONITORING_CATALOG_FILE", "services/monitoring/seed/catalog.json"}}}},
      {"notifications",
       {STADT_NOTIFICATIONS_BIN,
        "NOTIFICATIONS_GRPC_ADDRESS",
        {{"NOTIFICATIONS_TEMPLATES_DIR", "services/notifications/templates"},
         {"APPOINTMENTS_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXRlc3QtbWFzdGVyLWtleS0zMmJ5dGVzIQ=="},
         {"VIDEO_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXZpZGVvLW1hc3Rlci1rZXktMzJieXRlcyE="},
         {"NOTIFICATIONS_SMTP_TLS", "none"},
         // No mail server unless the test starts one (tests/harness/smtp_sink.h)
         // and sets NOTIFICATIONS_SMTP_PORT: mails are deferred.
         {"NOTIFICATIONS_SMTP_PORT", "9"},
         {"NOTIFICATIONS_POLL_INTERVAL", "50ms"},
         {"NOTIFICATIONS_CONSUMER", "e2e-notifications"}}}},
      {"parking",
       {STADT_PARKING_BIN,
        "PARKING_GRPC_ADDRESS",
        {{"PARKING_TARIFFS_FILE", "services/parking/seed/tariffs.json"},
         {"PARKING_ZONES_FILE", "services/parking/seed/zones.geojson"},
         {"PARKING_PERMIT_AREAS_FILE", "services/parking/seed/permit_areas.json"}}}},
      // Calls the other services: started after them (StartWith), pointed at
      // each one started (StartService).
      {"privacy", {STADT_PRIVACY_BIN, "PRIVACY_GRPC_ADDRESS", {}}},
      {"video",
       {STADT_VIDEO_BIN,
        "VIDEO_GRPC_ADDRESS",
        {{"VIDEO_SEED_FILE", "services/video/seed/catalog.json"},
         {"VIDEO_CONSENT_TEXTS_FILE", "services/video/seed/consent_texts.json"},
         {"VIDEO_SECRET_KEY", "c3RhZHRwb3J0YWwtZTJlLXZpZGVvLW1hc3Rlci1rZXktMzJieXRlcyE="},
         {"VIDEO_JITSI_APP_ID", "stadtportal"},
         {"VIDEO_JITSI_APP_SECRET", kE2eJitsiSecret},
         {"VIDEO_BASE_URL", "https://meet.stadt.test"}}}},
  };
  return *services;
}

constexpr char kPrivacy[] = "privacy";

bool IsPathVariable(const std::string& name) {
  return name.ends_with("_FILE") || name.ends_with("_DIR");
}

// How often a process is started on another port when the one picked as free
// was taken first by a parallel test.
constexpr int kPortAttempts = 5;
std::string NewTempDir() {
  std::string pattern = absl::StrCat(::testing::TempDir(), "stadt-e2e-XXXXXX");
  return mkdtemp(pattern.data());
}

// The cluster the stacks of a cluster run (STADT_TEST_REDIS_MODE=cluster)
// share, one after the other: a new cluster takes about two seconds before it
// serves (a primary waits that long after its start), longer than most
// tests. Handed to one stack at a time, emptied (FLUSHALL) and set to the
// stack's fsync policy first; dropped once a test crashed or paused its
// nodes, so the next stack starts a fresh one. Tests of a process run one
// after the other; the mutex guards against a test starting stacks from
// threads.
struct SharedCluster {
  absl::Mutex mu;
  std::shared_ptr<RedisCluster> cluster ABSL_GUARDED_BY(mu);
  bool taken ABSL_GUARDED_BY(mu) = false;
};
// A static owner, so that the nodes stop when the process exits.
SharedCluster& Shared() {
  static SharedCluster shared;
  return shared;
}

absl::Status EmptyForTheNextStack(RedisCluster& cluster, const std::string& appendfsync) {
  for (int i = 0; i < cluster.size(); ++i) {
    std::unique_ptr<redis::Client> node = cluster.ConnectTo(i);
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"FLUSHALL"},
          {"SCRIPT", "FLUSH"},
          {"CONFIG", "SET", "appendfsync", appendfsync}}) {
      if (absl::StatusOr<redis::Reply> done = node->Command(command); !done.ok()) {
        return done.status();
      }
    }
  }
  return absl::OkStatus();
}

// Null while another stack holds it.
absl::StatusOr<std::shared_ptr<RedisCluster>> TakeSharedCluster(const std::string& appendfsync) {
  SharedCluster& shared = Shared();
  absl::MutexLock lock(&shared.mu);
  if (shared.taken) return nullptr;  // another stack holds it
  if (shared.cluster != nullptr && !EmptyForTheNextStack(*shared.cluster, appendfsync).ok()) {
    shared.cluster.reset();
  }
  if (shared.cluster == nullptr) {
    absl::StatusOr<std::unique_ptr<RedisCluster>> started =
        RedisCluster::Start({.primaries = 3, .appendfsync = appendfsync});
    if (!started.ok()) return started.status();
    shared.cluster = *std::move(started);
  }
  shared.taken = true;
  return shared.cluster;
}

// `spoiled`: its nodes were crashed or paused; the next stack starts anew.
void GiveBackSharedCluster(bool spoiled) {
  SharedCluster& shared = Shared();
  absl::MutexLock lock(&shared.mu);
  shared.taken = false;
  if (spoiled) shared.cluster.reset();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Stack>> Stack::Start(
    const std::set<std::string>& services, const std::map<std::string, std::string>& service_env) {
  StackOptions options;
  options.service_env = service_env;
  return StartWith(services, options);
}

absl::StatusOr<std::unique_ptr<Stack>> Stack::StartWith(const std::set<std::string>& services,
                                                        const StackOptions& options) {
  std::unique_ptr<Stack> stack(new Stack());
  stack->dir_ = NewTempDir();
  stack->options_ = options;
  if (options.redis_cluster || ClusterTestRun()) {
    // A test that asks for a cluster itself (replicas, failover) gets its own.
    if (!options.redis_cluster && options.redis_cluster_replicas == 0) {
      absl::StatusOr<std::shared_ptr<RedisCluster>> shared =
          TakeSharedCluster(options.redis.appendfsync);
      if (!shared.ok()) return shared.status();
      stack->cluster_ = *std::move(shared);
      stack->cluster_shared_ = stack->cluster_ != nullptr;
    }
    if (stack->cluster_ == nullptr) {
      absl::StatusOr<std::unique_ptr<RedisCluster>> cluster =
          RedisCluster::Start({.primaries = 3,
                               .replicas_per_primary = options.redis_cluster_replicas,
                               .appendfsync = options.redis.appendfsync});
      if (!cluster.ok()) return cluster.status();
      stack->cluster_ = *std::move(cluster);
    }
  } else {
    absl::StatusOr<std::unique_ptr<RedisServer>> redis = RedisServer::Start(options.redis);
    if (!redis.ok()) return redis.status();
    stack->redis_ = *std::move(redis);
  }
  for (const std::string& name : services) {
    if (!Services().contains(name)) return absl::InvalidArgumentError("unknown service " + name);
    if (name == kPrivacy) continue;
    if (absl::Status status = stack->StartServiceOnFreePort(name); !status.ok()) return status;
  }
  if (services.contains(kPrivacy)) {
    if (absl::Status status = stack->StartServiceOnFreePort(kPrivacy); !status.ok()) return status;
  }
  if (absl::Status status = stack->StartGateway(); !status.ok()) return status;
  return stack;
}

Stack::~Stack() {
  // Every process that uses the cluster stops before another stack gets it.
  gateway_.reset();
  services_.clear();
  if (cluster_shared_) GiveBackSharedCluster(cluster_spoiled_);
}

std::set<std::string> Stack::KnownServices() {
  std::set<std::string> names;
  for (const auto& [name, spec] : Services()) names.insert(name);
  return names;
}

absl::Status Stack::RestartService(const std::string& name) {
  services_.at(name).reset();  // reaps it (SIGTERM first if it still runs)
  const int before = CountListening(LogPath(name));
  if (absl::Status status = StartService(name); !status.ok()) return status;
  // On its old port: the gateway knows no other.
  if (!WaitUntilListening(*services_.at(name), LogPath(name), before) ||
      !WaitForTcpPort(service_ports_.at(name), absl::Seconds(20)).ok()) {
    return absl::UnavailableError(absl::StrCat(name, " did not start again\n", Logs()));
  }
  return absl::OkStatus();
}

RedisServer& Stack::redis() {
  // Tests that only look at Redis use redis_client_options().
  if (redis_ == nullptr) AbortInClusterRun("Stack::redis()");
  return *redis_;
}

void Stack::KillRedis() {
  if (cluster_ != nullptr) {
    cluster_spoiled_ = true;
    cluster_->KillAll();
  } else {
    redis_->Kill();
  }
}

absl::Status Stack::RestartRedis() {
  return cluster_ != nullptr ? cluster_->RestartAll() : redis_->Restart();
}

void Stack::PauseRedis() {
  if (cluster_ != nullptr) {
    cluster_spoiled_ = true;
    cluster_->PauseAll();
  } else {
    redis_->Pause();
  }
}

void Stack::ResumeRedis() {
  if (cluster_ != nullptr) {
    cluster_->ResumeAll();
  } else {
    redis_->Resume();
  }
}

redis::Options Stack::redis_client_options() const {
  if (cluster_ != nullptr) return cluster_->ClientOptions();
  redis::Options options;
  options.port = redis_->port();
  return options;
}

void Stack::AddRedisEnv(std::map<std::string, std::string>* env) const {
  std::map<std::string, std::string> redis =
      cluster_ != nullptr ? RedisEnv(*cluster_) : RedisEnv(*redis_);
  for (auto& [name, value] : redis) (*env)[name] = std::move(value);
}

std::string Stack::LogPath(const std::string& name) const {
  return absl::StrCat(dir_, "/", name, ".log");
}

absl::Status Stack::StartServiceOnFreePort(const std::string& name) {
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    service_ports_[name] = PickFreePort();
    const int before = CountListening(LogPath(name));
    if (absl::Status status = StartService(name); !status.ok()) return status;
    if (WaitUntilListening(*services_.at(name), LogPath(name), before)) return absl::OkStatus();
    services_.at(name).reset();  // it exited (port taken) or hangs: reap it, try another port
  }
  return absl::UnavailableError(absl::StrCat(name, " did not start\n", Logs()));
}

absl::Status Stack::StartService(const std::string& name) {
  const ServiceSpec& spec = Services().at(name);
  const int port = service_ports_.at(name);
  std::map<std::string, std::string> env = {
      {spec.address_variable, absl::StrCat("127.0.0.1:", port)},
      // The production default: a loaded CI machine can hold a Redis command
      // for a few hundred milliseconds. Still below the gateway's backend
      // timeout (2 s), so a hung Redis is the service's 503, not a 504.
      {"REDIS_TIMEOUT", "1s"},
      {"READINESS_INTERVAL", "100ms"}};
  AddRedisEnv(&env);
  for (const auto& [key, value] : spec.env) {
    env[key] = IsPathVariable(key) ? absl::StrCat(STADT_SOURCE_DIR, "/", value) : value;
  }
  if (name == kPrivacy) {
    for (const auto& [other, other_port] : service_ports_) {
      if (other == kPrivacy || other == "monitoring") continue;  // no personal data there
      env[absl::StrCat("PRIVACY_", absl::AsciiStrToUpper(other), "_ADDRESS")] =
          absl::StrCat("127.0.0.1:", other_port);
    }
  }
  for (const auto& [key, value] : options_.service_env) env[key] = value;
  absl::StatusOr<std::unique_ptr<Subprocess>> process =
      Subprocess::Start(spec.binary, {}, env, LogPath(name));
  if (!process.ok()) return process.status();
  services_[name] = *std::move(process);
  return absl::OkStatus();
}

absl::Status Stack::StartGateway() {
  const std::string key_file = absl::StrCat(dir_, "/keys.json");
  std::ofstream(key_file) << tokens_.KeyFileJson();
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    gateway_port_ = PickFreePort();
    const int before = CountListening(LogPath("gateway"));
    if (absl::Status status = StartGatewayOn(key_file); !status.ok()) return status;
    if (WaitUntilListening(*gateway_, LogPath("gateway"), before)) return absl::OkStatus();
    gateway_.reset();  // the port was taken: try another
  }
  return absl::UnavailableError(absl::StrCat("gateway did not start\n", Logs()));
}

absl::Status Stack::StartGatewayOn(const std::string& key_file) {
  std::map<std::string, std::string> env = {{"GATEWAY_PORT", absl::StrCat(gateway_port_)},
                                            {"GATEWAY_JWT_KEYS_FILE", key_file},
                                            {"GATEWAY_JWT_ISSUER", kTestIssuer},
                                            {"GATEWAY_JWT_AUDIENCE", kTestAudience},
                                            {"GATEWAY_MAX_BODY_BYTES", "4096"},
                                            {"GATEWAY_BACKEND_TIMEOUT", "2s"}};
  for (const auto& [name, port] : service_ports_) {
    env[absl::StrCat("GATEWAY_BACKEND_", absl::AsciiStrToUpper(name))] =
        absl::StrCat("127.0.0.1:", port);
  }
  for (const auto& [key, value] : options_.gateway_env) env[key] = value;
  absl::StatusOr<std::unique_ptr<Subprocess>> gateway =
      Subprocess::Start(STADT_GATEWAY_BIN, {}, env, LogPath("gateway"));
  if (!gateway.ok()) return gateway.status();
  gateway_ = *std::move(gateway);
  return absl::OkStatus();
}

absl::Status Stack::Stop() {
  std::vector<std::pair<std::string, Subprocess*>> processes = {{"gateway", gateway_.get()}};
  for (const auto& [name, process] : services_) processes.emplace_back(name, process.get());
  std::string problems;
  for (const auto& [name, process] : processes) {
    if (process == nullptr) continue;
    process->Signal(SIGTERM);
    if (const int code = process->Wait(); code != 0) {
      absl::StrAppend(&problems, name, " exited with ", code, "\n");
    }
  }
  const std::string logs = Logs();
  for (const char* report : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    if (logs.find(report) != std::string::npos)
      absl::StrAppend(&problems, "a log has ", report, "\n");
  }
  if (problems.empty()) return absl::OkStatus();
  return absl::InternalError(absl::StrCat(problems, logs));
}

std::string Stack::Logs() const {
  std::string logs;
  std::vector<std::string> names = {"gateway"};
  for (const auto& [name, process] : services_) names.push_back(name);
  for (const std::string& name : names) {
    std::ifstream in(absl::StrCat(dir_, "/", name, ".log"));
    absl::StrAppend(&logs, "--- ", name, "\n", std::string(std::istreambuf_iterator<char>(in), {}));
  }
  return logs;
}

HttpResult Stack::Fetch(const std::string& method, const std::string& target,
                        const std::string& body, const std::string& token,
                        std::map<std::string, std::string> headers) const {
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  absl::StatusOr<HttpResult> result = HttpFetch(gateway_port_, method, target, body, headers);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.value_or(HttpResult());
}

bool Stack::WaitUntil(int status, const std::string& target) const {
  for (int attempt = 0; attempt < 200; ++attempt) {
    absl::StatusOr<HttpResult> result = HttpFetch(gateway_port_, "GET", target);
    if (result.ok() && result->status == status) return true;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return false;
}

boost::json::value Json(const HttpResult& result) {
  boost::system::error_code error;
  boost::json::value json = boost::json::parse(result.body, error);
  EXPECT_FALSE(error) << result.body;
  return json;
}

std::string Reason(const HttpResult& result) {
  boost::json::value json = Json(result);
  if (!json.is_object() || !json.as_object().contains("details")) return "";
  return std::string(json.at("details").at(0).at("reason").as_string());
}

}  // namespace stadt::testing
