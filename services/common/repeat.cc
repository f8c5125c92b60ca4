#include "services/common/repeat.h"

#include <stop_token>
#include <string>

#include "absl/synchronization/mutex.h"
#include "services/common/log.h"

namespace stadt {

void RepeatUntilStopped(std::stop_token stop, std::string_view name,
                        const std::function<absl::StatusOr<int>()>& task, absl::Duration interval) {
  const std::string done_event = std::string(name) + "_done";
  const std::string failed_event = std::string(name) + "_failed";
  // Guards nothing: the loop waits on it for a stop request, and releasing it
  // makes the waiter check its condition again, so a stop ends the wait at once.
  absl::Mutex mutex;
  const auto stopped = [&stop] { return stop.stop_requested(); };
  std::stop_callback wake_on_stop(stop, [&mutex] { absl::MutexLock lock(&mutex); });
  while (!stop.stop_requested()) {
    absl::StatusOr<int> handled = task();
    if (!handled.ok()) {
      log::Warn(failed_event,
                {{"code", std::string(absl::StatusCodeToString(handled.status().code()))}});
    } else if (*handled > 0) {
      log::Info(done_event, {{"count", *handled}});
    }
    absl::MutexLock lock(&mutex);
    mutex.AwaitWithTimeout(absl::Condition(&stopped), interval);
  }
}

}  // namespace stadt
