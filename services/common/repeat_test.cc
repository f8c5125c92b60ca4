#include "services/common/repeat.h"

#include <atomic>
#include <thread>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace stadt {
namespace {

TEST(RepeatUntilStoppedTest, RunsAtOnceKeepsGoingAfterFailuresAndStopsWithoutWaitingTheInterval) {
  std::atomic<int> runs{0};
  std::atomic<bool> third_run{false};
  {
    // A failing run does not end the loop: the third run happens only after
    // two failures.
    std::jthread loop(
        RepeatUntilStopped, "test_task",
        [&]() -> absl::StatusOr<int> {
          const int run = ++runs;
          if (run < 3) return absl::UnavailableError("down");
          third_run = true;
          return 0;
        },
        absl::Milliseconds(1));
    while (!third_run) std::this_thread::yield();
  }
  EXPECT_GE(runs.load(), 3);

  std::atomic<int> slow_runs{0};
  {
    std::jthread loop(
        RepeatUntilStopped, "test_task", [&]() -> absl::StatusOr<int> { return ++slow_runs; },
        absl::Hours(1));
    while (slow_runs == 0) std::this_thread::yield();
  }  // joins: returns only because the stop request woke the wait
  EXPECT_EQ(slow_runs.load(), 1);
}

}  // namespace
}  // namespace stadt
