#pragma once

#include <functional>
#include <stop_token>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt {

// Runs `task` now and then every `interval` until `stop` is requested: the
// background work of a service (reminders, settling ended sessions). The task
// returns how many items it handled; the loop logs `<name>_done` with that
// count when it is not zero and `<name>_failed` with the status code when the
// task fails, and goes on either way. A stop request ends the wait at once,
// so shutdown never waits for the interval.
void RepeatUntilStopped(std::stop_token stop, std::string_view name,
                        const std::function<absl::StatusOr<int>()>& task, absl::Duration interval);

}  // namespace stadt
