#include "services/common/repeat.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <sstream>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "services/common/log.h"

namespace stadt {
namespace {

// A generous bound that only a hang exceeds: the tests never measure speed.
constexpr auto kHangBound = std::chrono::seconds(60);

bool WaitFor(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + kHangBound;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

int CountLines(const std::string& text, const std::string& needle) {
  std::istringstream lines(text);
  int count = 0;
  for (std::string line; std::getline(lines, line);) count += line.find(needle) != line.npos;
  return count;
}

class RepeatUntilStoppedTest : public ::testing::Test {
 protected:
  void SetUp() override { log::SetSinkForTesting(&log_); }
  void TearDown() override { log::SetSinkForTesting(nullptr); }

  std::ostringstream log_;
};

TEST_F(RepeatUntilStoppedTest, KeepsGoingAfterFailuresAndLogsWhatEachRunDid) {
  std::atomic<int> runs{0};
  {
    std::jthread loop(
        RepeatUntilStopped, "test_task",
        [&]() -> absl::StatusOr<int> {
          const int run = ++runs;
          if (run <= 2) return absl::UnavailableError("down");
          return run == 3 ? 7 : 0;
        },
        absl::Milliseconds(1));
    ASSERT_TRUE(WaitFor([&] { return runs >= 4; })) << "the loop stopped after a failure";
  }  // joined: the log is no longer written
  const std::string log = log_.str();
  EXPECT_EQ(CountLines(log, R"("event":"test_task_failed")"), 2) << log;
  EXPECT_EQ(CountLines(log, R"("code":"UNAVAILABLE")"), 2) << log;
  // Runs that handled nothing stay quiet; the one that handled 7 says so.
  EXPECT_EQ(CountLines(log, R"("event":"test_task_done")"), 1) << log;
  EXPECT_EQ(CountLines(log, R"("count":7)"), 1) << log;
}

TEST_F(RepeatUntilStoppedTest, AStopRequestEndsTheWaitWithoutWaitingTheInterval) {
  std::atomic<int> runs{0};
  std::jthread loop(
      RepeatUntilStopped, "test_task", [&]() -> absl::StatusOr<int> { return ++runs; },
      absl::Hours(1));
  ASSERT_TRUE(WaitFor([&] { return runs == 1; }));
  std::future<void> stopped = std::async(std::launch::async, [&loop] {
    loop.request_stop();
    loop.join();
  });
  if (stopped.wait_for(kHangBound) != std::future_status::ready) {
    ADD_FAILURE() << "the loop still waits for its hour after the stop request";
    std::abort();  // the loop thread cannot be joined: end here rather than hang
  }
  EXPECT_EQ(runs.load(), 1);
}

}  // namespace
}  // namespace stadt
