#pragma once

#include <functional>
#include <stop_token>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stadt::booking {

// Runs `send_due` (e.g. BookingCore::SendDueReminders) every `interval` until
// `stop` is requested, logging what went out or failed. Every replica runs
// one; the store hands each due reminder to exactly one of them.
void SendRemindersUntilStopped(std::stop_token stop,
                               const std::function<absl::StatusOr<int>()>& send_due,
                               absl::Duration interval);

}  // namespace stadt::booking
