#pragma once

#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/grpc_server.h"
#include "services/common/log.h"
#include "services/common/mutex_tuning.h"
#include "services/common/redis/redis_client.h"

namespace stadt {

// The exit code for why a service could not start or run: 2 for configuration
// that does not hold (INVALID_ARGUMENT, NOT_FOUND and PERMISSION_DENIED of a
// configured file: a restart cannot help), 1 for anything else.
int ExitCodeFor(const absl::Status& status);

// Prints "stadt-<name>: <message>" to stderr (the operator's first look, before
// logging is configured) and returns the exit code for `status`.
int ReportStartFailure(std::string_view name, const absl::Status& status);

// Serves `services` until SIGTERM or SIGINT; healthy while Redis answers PING.
absl::Status ServeUntilTerminated(const GrpcServerOptions& options,
                                  const std::vector<grpc::Service*>& services,
                                  redis::Client& redis);

// The frame of every service's main, so that main.cc holds only its own wiring:
//   1. blocks SIGTERM/SIGINT before any thread starts (see BlockTerminationSignals)
//      and, in release builds, turns off absl's mutex deadlock detection,
//   2. reads the settings; on error reports it and exits (see ReportStartFailure),
//   3. configures JSON logging as "<name>" at settings.log_level,
//   4. runs `serve` (wiring, then usually ServeUntilTerminated): 0 when it returns
//      OK, otherwise the error is logged as service_failed and reported.
template <typename Settings>
int RunService(std::string_view name, absl::FunctionRef<absl::StatusOr<Settings>()> read_settings,
               absl::FunctionRef<absl::Status(const Settings&)> serve) {
  DisableMutexDeadlockDetectionInRelease();
  BlockTerminationSignals();
  absl::StatusOr<Settings> settings = read_settings();
  if (!settings.ok()) return ReportStartFailure(name, settings.status());
  log::Configure(std::string(name), settings->log_level);
  const absl::Status status = serve(*settings);
  if (status.ok()) return 0;
  log::Error("service_failed", {{"reason", std::string(status.message())}});
  return ReportStartFailure(name, status);
}

}  // namespace stadt
