#include "services/common/service_env.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace stadt {

namespace {

void ApplyRedisMode(EnvConfig& config, const std::string& mode, redis::Options& options) {
  if (mode == "sentinel") {
    options.mode = redis::Mode::kSentinel;
  } else if (mode == "cluster") {
    options.mode = redis::Mode::kCluster;
  } else if (mode != "single") {
    config.Reject("REDIS_MODE", "must be single, sentinel or cluster");
  }
}

// "host:port,host:port"; spaces around the commas are allowed.
void ApplyRedisSeeds(EnvConfig& config, const std::string& seeds, redis::Options& options) {
  std::vector<std::pair<std::string, int>> entries;
  if (!SplitHostPortList(seeds, &entries)) {
    config.Reject("REDIS_SEEDS", "must be host:port entries separated by commas");
    return;
  }
  for (auto& [host, port] : entries) options.seeds.push_back({std::move(host), port});
  if (options.mode == redis::Mode::kSentinel && options.seeds.empty()) {
    config.Reject("REDIS_SEEDS", "must name the Sentinels when REDIS_MODE=sentinel");
  }
}

}  // namespace

redis::Options ReadRedisOptions(EnvConfig& config) {
  redis::Options options;
  // Read here, not in the helpers: tests/k8s/check_manifests.js finds the
  // variables a service reads in the Read... functions its main calls.
  ApplyRedisMode(config, config.String("REDIS_MODE", "single"), options);
  const std::string address = config.HostPort("REDIS_ADDRESS", "127.0.0.1:6379");
  SplitHostPort(address, &options.host, &options.port);
  ApplyRedisSeeds(config, config.String("REDIS_SEEDS", ""), options);
  options.sentinel_master = config.String("REDIS_SENTINEL_MASTER", "mymaster");
  options.sentinel_password = config.String("REDIS_SENTINEL_PASSWORD", "");
  options.password = config.String("REDIS_PASSWORD", "");
  options.pool_size = config.Int("REDIS_POOL_SIZE", 8, 1, 256);
  const absl::Duration timeout =
      config.Duration("REDIS_TIMEOUT", absl::Seconds(1), absl::Milliseconds(10), absl::Seconds(30));
  options.command_timeout = absl::ToChronoMilliseconds(timeout);
  options.connect_timeout = absl::ToChronoMilliseconds(timeout);
  // Acknowledged means replicated (docs/redis-cluster.md): every script's
  // write waits for this many replicas, or the call fails UNAVAILABLE.
  options.wait_replicas = config.Int("REDIS_WAIT_REPLICAS", 0, 0, 5);
  const absl::Duration wait = config.Duration("REDIS_WAIT_TIMEOUT", absl::Milliseconds(200),
                                              absl::Milliseconds(10), absl::Seconds(5));
  options.wait_timeout = absl::ToChronoMilliseconds(wait);
  if (options.wait_replicas > 0 && wait >= timeout) {
    config.Reject("REDIS_WAIT_TIMEOUT", "must be shorter than REDIS_TIMEOUT");
  }
  return options;
}

GrpcServerOptions ReadGrpcServerOptions(EnvConfig& config, const std::string& address_variable,
                                        const std::string& default_address) {
  GrpcServerOptions options;
  options.address = config.HostPort(address_variable, default_address);
  options.readiness_interval = config.Duration("READINESS_INTERVAL", absl::Seconds(2),
                                               absl::Milliseconds(50), absl::Minutes(1));
  options.drain_timeout =
      config.Duration("DRAIN_TIMEOUT", absl::Seconds(10), absl::ZeroDuration(), absl::Minutes(5));
  return options;
}

log::Level ReadLogLevel(EnvConfig& config) {
  const std::string text = config.String("LOG_LEVEL", "info");
  log::Level level = log::Level::kInfo;
  if (!log::ParseLevel(text, &level)) {
    // Reuse the collector so the message joins the other configuration errors.
    config.Int("LOG_LEVEL", 0, 1, 0);
  }
  return level;
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace stadt
