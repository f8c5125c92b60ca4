#pragma once

#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace stadt {

// The one place where statuses cross between layers.
//
// Domain and store code return absl::Status. At the gRPC boundary, messages of
// codes that describe our own failures (INTERNAL, UNKNOWN, DATA_LOSS) and of
// UNAVAILABLE are replaced by a fixed text: internal error text (Redis replies,
// host names) never reaches a client. A reason attached with WithReason
// (reason.h) crosses with the status; the gateway answers it as details[0].reason.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The message of an UNAVAILABLE a service answers when its own dependency
// (Redis) is down. The gateway tells it apart from a service it cannot reach:
// the service is up and will answer as soon as its dependency is back, so its
// circuit breaker must not open over it.
inline constexpr std::string_view kDependencyUnavailableMessage =
    "service temporarily unavailable, retry later";
bool IsDependencyUnavailable(const grpc::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

// HTTP status for a gRPC code, as the gateway answers it (the table in README.md, "API").
int HttpStatusForGrpcCode(grpc::StatusCode code);
// Canonical upper-case name, e.g. "INVALID_ARGUMENT".
std::string_view GrpcCodeName(grpc::StatusCode code);

}  // namespace stadt
