#include "services/common/grpc_reactor.h"

#include <atomic>
#include <set>

#include "gtest/gtest.h"

namespace stadt {
namespace {

TEST(BlockingCallPoolTest, RunsEveryTaskQueuedBeforeItIsDestroyed) {
  std::atomic<int> ran{0};
  {
    BlockingCallPool pool(2);
    for (int i = 0; i < 100; ++i) pool.Run([&ran] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(BlockingCallPoolTest, RunsTasksOnItsOwnThreadsAndNoMoreThanItHas) {
  absl::Mutex mutex;
  std::set<std::thread::id> threads;
  {
    BlockingCallPool pool(3);
    for (int i = 0; i < 50; ++i) {
      pool.Run([&] {
        absl::MutexLock lock(&mutex);
        threads.insert(std::this_thread::get_id());
      });
    }
  }
  EXPECT_FALSE(threads.contains(std::this_thread::get_id()));
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), 3u);
}

TEST(BlockingCallPoolTest, AtLeastOneThreadEvenIfAskedForNone) {
  std::atomic<bool> ran{false};
  {
    BlockingCallPool pool(0);
    pool.Run([&ran] { ran = true; });
  }
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace stadt
