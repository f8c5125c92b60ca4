#pragma once

#include <string>

#include "services/common/config.h"
#include "services/common/grpc_server.h"
#include "services/common/log.h"
#include "services/common/redis/redis_client.h"

namespace stadt {

// Settings every service reads the same way:
//   REDIS_MODE (single|sentinel|cluster, default single: see redis::Mode),
//   REDIS_ADDRESS (host:port, default 127.0.0.1:6379; single mode's server,
//   cluster mode's seed unless REDIS_SEEDS is set), REDIS_SEEDS (comma-separated
//   host:port: the Sentinels, or cluster nodes), REDIS_SENTINEL_MASTER (default
//   mymaster), REDIS_SENTINEL_PASSWORD, REDIS_PASSWORD,
//   REDIS_POOL_SIZE (1-256, default 8), REDIS_TIMEOUT (default 1s),
//   LOG_LEVEL (debug|info|warn|error, default info).
redis::Options ReadRedisOptions(EnvConfig& config);
// <address_variable> (host:port to listen on), READINESS_INTERVAL (default 2s),
// DRAIN_TIMEOUT (default 10s).
GrpcServerOptions ReadGrpcServerOptions(EnvConfig& config, const std::string& address_variable,
                                        const std::string& default_address);
log::Level ReadLogLevel(EnvConfig& config);

// Reads a whole file; NOT_FOUND / PERMISSION_DENIED with the path on failure.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace stadt
