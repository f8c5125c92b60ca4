#pragma once

#include <string_view>

#include "gateway/core/http_types.h"
#include "grpcpp/support/status_code_enum.h"

namespace stadt::gateway {

// Every error leaves the gateway as the same JSON status:
//   {"code": 3, "status": "INVALID_ARGUMENT", "message": "...",
//    "details": [{"reason": "invalid_body"}]}
// `reason` is a stable machine-readable token clients can switch on; the HTTP
// status follows the design's gRPC -> HTTP table unless `http_status` is given.
HttpResponse ErrorResponse(grpc::StatusCode code, std::string_view reason, std::string_view message,
                           int http_status = 0);

}  // namespace stadt::gateway
