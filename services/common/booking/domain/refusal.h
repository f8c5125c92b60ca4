#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace stadt::booking {

// A business refusal a client can act on carries a stable machine-readable
// reason (snake_case, declared in the service's proto as `RefusalReason`),
// attached as in services/common/reason.h; the gateway answers it as
// `details[0].reason`. The Lua scripts write the same reason at the start of
// their error replies ("[already_checked_in] Der Termin ... / The appointment
// ..."), which ReasonOf reads too and the gRPC boundary moves out of the
// message.
absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view text);
// The reason of a refusal made by Refusal (or a script), or "" if none.
std::string ReasonOf(const absl::Status& status);

}  // namespace stadt::booking
