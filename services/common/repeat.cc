#include "services/common/repeat.h"

#include <condition_variable>
#include <mutex>
#include <string>

#include "services/common/log.h"

namespace stadt {

void RepeatUntilStopped(std::stop_token stop, std::string_view name,
                        const std::function<absl::StatusOr<int>()>& task, absl::Duration interval) {
  const std::string done_event = std::string(name) + "_done";
  const std::string failed_event = std::string(name) + "_failed";
  std::mutex mutex;
  std::condition_variable_any wake;
  std::unique_lock lock(mutex);
  while (!stop.stop_requested()) {
    absl::StatusOr<int> handled = task();
    if (!handled.ok()) {
      log::Warn(failed_event,
                {{"code", std::string(absl::StatusCodeToString(handled.status().code()))}});
    } else if (*handled > 0) {
      log::Info(done_event, {{"count", *handled}});
    }
    wake.wait_for(lock, stop, absl::ToChronoMilliseconds(interval), [] { return false; });
  }
}

}  // namespace stadt
