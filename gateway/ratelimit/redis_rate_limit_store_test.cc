#include "gateway/ratelimit/redis_rate_limit_store.h"

#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/harness/redis_test.h"

namespace stadt::gateway {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

// A short command timeout, so that calls to a killed server fail fast.
redis::Options ClientOptions() {
  redis::Options options;
  options.command_timeout = std::chrono::milliseconds(300);
  return options;
}

class RedisRateLimitStoreTest : public testing::RedisTest {
 protected:
  RedisRateLimitStoreTest() : RedisTest(ClientOptions()) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = std::make_unique<RedisRateLimitStore>(redis());
  }

  RateDecision Take(const std::vector<BucketRequest>& buckets, absl::Time now) {
    absl::StatusOr<RateDecision> decision = store_->Take(buckets, now);
    EXPECT_TRUE(decision.ok()) << decision.status();
    return decision.value_or(RateDecision{});
  }

  std::unique_ptr<RedisRateLimitStore> store_;
};

const BucketRequest kThreePerMinute{"ratelimit:{rl}:read:address:a", {3, absl::Minutes(1)}};
const BucketRequest kTenPerMinute{"ratelimit:{rl}:read:subject:s", {10, absl::Minutes(1)}};

TEST_F(RedisRateLimitStoreTest, BurstUpToCapacityThenRefusesWithRetryAfter) {
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Take({kThreePerMinute}, kStart).allowed) << i;
  RateDecision refused = Take({kThreePerMinute}, kStart);
  EXPECT_FALSE(refused.allowed);
  // One token refills every 20 s.
  EXPECT_EQ(refused.retry_after, absl::Seconds(20));
  EXPECT_EQ(Take({kThreePerMinute}, kStart + absl::Seconds(5)).retry_after, absl::Seconds(15));
}

TEST_F(RedisRateLimitStoreTest, RefillsWithTimeButNotBeyondCapacity) {
  for (int i = 0; i < 3; ++i) Take({kThreePerMinute}, kStart);
  EXPECT_TRUE(Take({kThreePerMinute}, kStart + absl::Seconds(20)).allowed);
  EXPECT_FALSE(Take({kThreePerMinute}, kStart + absl::Seconds(20)).allowed);
  // An hour idle refills to the burst of 3, not to 180.
  const absl::Time later = kStart + absl::Hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(Take({kThreePerMinute}, later).allowed) << i;
  EXPECT_FALSE(Take({kThreePerMinute}, later).allowed);
}

TEST_F(RedisRateLimitStoreTest, RefusalByOneBucketTakesNothingFromTheOthers) {
  for (int i = 0; i < 3; ++i) Take({kThreePerMinute}, kStart);
  EXPECT_FALSE(Take({kTenPerMinute, kThreePerMinute}, kStart).allowed);
  // The ten-per-minute bucket still holds all ten tokens.
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(Take({kTenPerMinute}, kStart).allowed) << i;
  EXPECT_FALSE(Take({kTenPerMinute}, kStart).allowed);
}

TEST_F(RedisRateLimitStoreTest, LaggingClockDoesNotMoveTheBucketBack) {
  for (int i = 0; i < 3; ++i) Take({kThreePerMinute}, kStart + absl::Seconds(30));
  // A replica 30 s behind sees an empty bucket and gains nothing from its past.
  EXPECT_FALSE(Take({kThreePerMinute}, kStart).allowed);
  EXPECT_FALSE(Take({kThreePerMinute}, kStart + absl::Seconds(30)).allowed);
  EXPECT_TRUE(Take({kThreePerMinute}, kStart + absl::Seconds(50)).allowed);
}

TEST_F(RedisRateLimitStoreTest, BucketExpiresOnceItWouldBeFullAgain) {
  Take({kThreePerMinute}, kStart);
  absl::StatusOr<redis::Reply> ttl = redis().Command({"PTTL", kThreePerMinute.key});
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  // One token used: full again after 20 s (plus a second of slack).
  EXPECT_GT(ttl->integer, 19'000);
  EXPECT_LE(ttl->integer, 21'000);
}

TEST_F(RedisRateLimitStoreTest, ConcurrentTakersNeverExceedTheCapacity) {
  const BucketRequest bucket{"ratelimit:{rl}:write:address:c", {50, absl::Hours(1)}};
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 30; ++i) {
        absl::StatusOr<RateDecision> decision = store_->Take({bucket}, kStart);
        if (decision.ok() && decision->allowed) ++allowed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(allowed.load(), 50);
}

TEST_F(RedisRateLimitStoreTest, UnreachableRedisIsUnavailable) {
  redis_server().Kill();
  absl::StatusOr<RateDecision> decision = store_->Take({kThreePerMinute}, kStart);
  EXPECT_EQ(decision.status().code(), absl::StatusCode::kUnavailable) << decision.status();
}

}  // namespace
}  // namespace stadt::gateway
