#include "services/common/service_main.h"

#include <iostream>

namespace stadt {

int ExitCodeFor(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return 0;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
      return 2;
    default:
      return 1;
  }
}

int ReportStartFailure(std::string_view name, const absl::Status& status) {
  std::cerr << "stadt-" << name << ": " << status.message() << "\n";
  return ExitCodeFor(status);
}

absl::Status ServeUntilTerminated(const GrpcServerOptions& options,
                                  const std::vector<grpc::Service*>& services,
                                  redis::Client& redis) {
  return RunGrpcServer(options, services, [&redis] { return redis.Ping().ok(); });
}

}  // namespace stadt
