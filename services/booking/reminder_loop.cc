#include "services/booking/reminder_loop.h"

#include <condition_variable>
#include <mutex>

#include "services/common/log.h"

namespace stadt::booking {

void SendRemindersUntilStopped(std::stop_token stop,
                               const std::function<absl::StatusOr<int>()>& send_due,
                               absl::Duration interval) {
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  while (!stop.stop_requested()) {
    absl::StatusOr<int> sent = send_due();
    if (!sent.ok()) {
      log::Warn("reminders_failed",
                {{"code", std::string(absl::StatusCodeToString(sent.status().code()))}});
    } else if (*sent > 0) {
      log::Info("reminders_sent", {{"count", *sent}});
    }
    wake.wait_for(lock, stop, absl::ToChronoMilliseconds(interval), [] { return false; });
  }
}

}  // namespace stadt::booking
