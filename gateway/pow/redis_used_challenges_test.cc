#include "gateway/pow/redis_used_challenges.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"
#include "tests/harness/redis_test.h"

namespace stadt::gateway::pow {
namespace {

// Thursday 2037-01-15 08:00 UTC: far enough ahead that Redis expiries computed
// from it lie in the future whenever the test runs.
const absl::Time kNow = absl::FromUnixSeconds(2'115'619'200);

// The value of a MarkUsed answer; nullopt for an error.
std::optional<bool> Value(const absl::StatusOr<bool>& first_use) {
  return first_use.ok() ? std::optional<bool>(*first_use) : std::nullopt;
}

// A short command timeout, so that calls to a killed server fail fast.
redis::Options ClientOptions() {
  redis::Options options;
  options.command_timeout = std::chrono::milliseconds(300);
  return options;
}

class RedisUsedChallengesTest : public testing::RedisTest {
 protected:
  RedisUsedChallengesTest() : RedisTest(ClientOptions()) {}

  void SetUp() override {
    RedisTest::SetUp();
    if (HasFatalFailure()) return;
    used_ = std::make_unique<RedisUsedChallenges>(redis());
  }

  std::unique_ptr<RedisUsedChallenges> used_;
};

TEST_F(RedisUsedChallengesTest, FirstUseWinsAndTheKeyExpiresWithTheChallenge) {
  EXPECT_EQ(Value(used_->MarkUsed("c1", kNow + absl::Minutes(6), kNow)), true);
  EXPECT_EQ(Value(used_->MarkUsed("c1", kNow + absl::Minutes(6), kNow)), false);
  EXPECT_EQ(Value(used_->MarkUsed("c2", kNow + absl::Minutes(6), kNow)), true);
  absl::StatusOr<redis::Reply> ttl = redis().Command({"PTTL", UsedChallengeKey("c1")});
  ASSERT_TRUE(ttl.ok()) << ttl.status();
  EXPECT_GT(ttl->integer, 5 * 60 * 1000);
  EXPECT_LE(ttl->integer, 6 * 60 * 1000);
  EXPECT_EQ(UsedChallengeKey("c1"), "pow:used:c1");
}

TEST_F(RedisUsedChallengesTest, AnEntryIsForgottenAfterItsTime) {
  EXPECT_EQ(Value(used_->MarkUsed("c1", kNow + absl::Milliseconds(50), kNow)), true);
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(Value(used_->MarkUsed("c1", kNow + absl::Minutes(1), kNow)), true);
  // A keep_until in the past still stores the key, briefly.
  EXPECT_EQ(Value(used_->MarkUsed("c3", kNow - absl::Minutes(1), kNow)), true);
}

TEST_F(RedisUsedChallengesTest, ExactlyOneOfManyConcurrentUsesWins) {
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      absl::StatusOr<bool> first = used_->MarkUsed("shared", kNow + absl::Minutes(1), kNow);
      if (first.ok() && *first) ++wins;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(RedisUsedChallengesTest, UnreachableRedisIsUnavailable) {
  redis_server().Kill();
  absl::StatusOr<bool> first = used_->MarkUsed("c1", kNow + absl::Minutes(1), kNow);
  EXPECT_EQ(first.status().code(), absl::StatusCode::kUnavailable) << first.status();
}

}  // namespace
}  // namespace stadt::gateway::pow
