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

// An error in the caller's language ("de" or "en"): where the reason catalog
// (gateway/reasons) knows `details[0].reason`, its text for people becomes the
// `message`, and the message the error was made with (the service's text for
// developers) moves to `details[0].detail`; Content-Language names the
// language. Errors are made in many places that do not know the language, so
// this runs once on the way out; anything but an error body stays as it is.
void LocalizeError(HttpResponse& response, std::string_view language);

}  // namespace stadt::gateway
