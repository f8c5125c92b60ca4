#include "gateway/ratelimit/rate_limiter.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FakeStore final : public RateLimitStore {
 public:
  absl::StatusOr<RateDecision> Take(const std::vector<BucketRequest>& buckets,
                                    absl::Time) override {
    calls.push_back(buckets);
    return answer;
  }
  std::vector<std::vector<BucketRequest>> calls;
  absl::StatusOr<RateDecision> answer = RateDecision{};
};

RateLimitPolicy Policy(bool fail_open = true) {
  RateLimitPolicy policy;
  policy.per_address["read"] = {100, absl::Minutes(1)};
  policy.per_address["write"] = {10, absl::Minutes(1)};
  policy.per_subject["write"] = {5, absl::Minutes(1)};
  policy.fail_open = fail_open;
  return policy;
}

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(ParseTokenBucketLimitTest, AcceptsRequestsPerDurationAndOff) {
  absl::StatusOr<std::optional<TokenBucketLimit>> limit = ParseTokenBucketLimit("60/1m");
  ASSERT_TRUE(limit.ok()) << limit.status();
  ASSERT_TRUE(limit->has_value());
  EXPECT_EQ((*limit)->capacity, 60);
  EXPECT_EQ((*limit)->period, absl::Minutes(1));
  limit = ParseTokenBucketLimit("off");
  ASSERT_TRUE(limit.ok());
  EXPECT_FALSE(limit->has_value());
}

TEST(ParseTokenBucketLimitTest, RejectsMalformedAndOutOfRange) {
  for (const char* text : {"", "60", "60/", "/1m", "x/1m", "60/soon", "0/1m", "-1/1m", "60/0s",
                           "60/48h", "2000000/1s"}) {
    EXPECT_FALSE(ParseTokenBucketLimit(text).ok()) << text;
  }
}

TEST(BucketKeyTest, SharesOneHashTagAndHidesTheIdentity) {
  const std::string key = BucketKey("write", "address", "203.0.113.7");
  EXPECT_THAT(key, ::testing::StartsWith("ratelimit:{rl}:write:address:"));
  EXPECT_THAT(key, Not(HasSubstr("203.0.113.7")));
  EXPECT_EQ(key, BucketKey("write", "address", "203.0.113.7"));
  EXPECT_NE(key, BucketKey("write", "address", "203.0.113.8"));
  EXPECT_NE(key, BucketKey("read", "address", "203.0.113.7"));
}

TEST(RateLimiterTest, AnonymousCallerUsesOnlyTheAddressBucketOfTheClass) {
  FakeStore store;
  RateLimiter limiter(store, Policy());
  EXPECT_EQ(limiter.Check("write", "203.0.113.7", "", kNow).kind, RateLimitOutcome::Kind::kAllowed);
  ASSERT_EQ(store.calls.size(), 1u);
  ASSERT_EQ(store.calls[0].size(), 1u);
  EXPECT_EQ(store.calls[0][0].key, BucketKey("write", "address", "203.0.113.7"));
  EXPECT_EQ(store.calls[0][0].limit.capacity, 10);
}

TEST(RateLimiterTest, AuthenticatedCallerAlsoUsesTheSubjectBucket) {
  FakeStore store;
  RateLimiter limiter(store, Policy());
  limiter.Check("write", "203.0.113.7", "citizen-1", kNow);
  ASSERT_EQ(store.calls.size(), 1u);
  ASSERT_EQ(store.calls[0].size(), 2u);
  EXPECT_EQ(store.calls[0][1].key, BucketKey("write", "subject", "citizen-1"));
  EXPECT_EQ(store.calls[0][1].limit.capacity, 5);
}

TEST(RateLimiterTest, ClassWithoutLimitsNeverAsksTheStore) {
  FakeStore store;
  RateLimitPolicy policy;
  RateLimiter limiter(store, policy);
  EXPECT_EQ(limiter.Check("read", "203.0.113.7", "citizen-1", kNow).kind,
            RateLimitOutcome::Kind::kAllowed);
  EXPECT_TRUE(store.calls.empty());
}

TEST(RateLimiterTest, RefusalCarriesRetryAfter) {
  FakeStore store;
  store.answer = RateDecision{.allowed = false, .retry_after = absl::Milliseconds(1500)};
  RateLimiter limiter(store, Policy());
  RateLimitOutcome outcome = limiter.Check("read", "203.0.113.7", "", kNow);
  EXPECT_EQ(outcome.kind, RateLimitOutcome::Kind::kLimited);
  EXPECT_EQ(outcome.retry_after, absl::Milliseconds(1500));
}

TEST(RateLimiterTest, UnreachableStoreFailsOpenOrClosedAsConfigured) {
  FakeStore store;
  store.answer = absl::UnavailableError("redis down");
  EXPECT_EQ(RateLimiter(store, Policy(/*fail_open=*/true)).Check("read", "a", "", kNow).kind,
            RateLimitOutcome::Kind::kUnavailableOpen);
  EXPECT_EQ(RateLimiter(store, Policy(/*fail_open=*/false)).Check("read", "a", "", kNow).kind,
            RateLimitOutcome::Kind::kUnavailableClosed);
}

}  // namespace
}  // namespace stadt::gateway
