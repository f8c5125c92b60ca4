#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace stadt::booking {

// A business refusal a client can act on carries a stable machine-readable
// reason (snake_case, declared in the service's proto as `RefusalReason`) at
// the start of its message: "[already_checked_in] Der Termin ... / The
// appointment ...". The gateway passes the message on as it is; clients read
// the reason from the brackets (until the error JSON carries it as its own
// field). The Lua scripts write the same form into their error replies.
absl::Status Refusal(absl::StatusCode code, std::string_view reason, std::string_view text);
// The reason of a refusal made by Refusal (or a script), or "" if none.
std::string ReasonOf(const absl::Status& status);

}  // namespace stadt::booking
