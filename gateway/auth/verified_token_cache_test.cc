#include "gateway/auth/verified_token_cache.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stadt::gateway::auth {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Identity Citizen(const std::string& subject) {
  return Identity{subject, {"citizen"}, {}, kNow + absl::Minutes(5)};
}

TEST(VerifiedTokenCacheTest, FindsOnlyTheSameTokenOfTheSameKeySetBeforeItsEnd) {
  VerifiedTokenCache cache(100);
  EXPECT_FALSE(cache.Find("token-a", 1, kNow).has_value());
  cache.Insert("token-a", 1, Citizen("a"), kNow + absl::Minutes(5), kNow);

  std::optional<Identity> hit = cache.Find("token-a", 1, kNow + absl::Minutes(1));
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->subject, "a");
  EXPECT_EQ(hit->roles, std::vector<std::string>{"citizen"});
  EXPECT_FALSE(cache.Find("token-a ", 1, kNow).has_value());
  EXPECT_FALSE(cache.Find("token-b", 1, kNow).has_value());
  EXPECT_FALSE(cache.Find("token-a", 2, kNow).has_value());  // the keys changed
  // The mismatch dropped the entry: it is gone for its own generation too.
  EXPECT_FALSE(cache.Find("token-a", 1, kNow).has_value());

  cache.Insert("token-c", 1, Citizen("c"), kNow + absl::Minutes(5), kNow);
  EXPECT_TRUE(cache.Find("token-c", 1, kNow + absl::Minutes(5)).has_value());
  EXPECT_FALSE(cache.Find("token-c", 1, kNow + absl::Minutes(5) + absl::Seconds(1)).has_value());
}

TEST(VerifiedTokenCacheTest, StaysWithinItsCapacity) {
  VerifiedTokenCache cache(32);
  for (int i = 0; i < 1000; ++i) {
    cache.Insert(absl::StrCat("token-", i), 1, Citizen("x"), kNow + absl::Minutes(5), kNow);
  }
  EXPECT_LE(cache.size(), 32u);
  EXPECT_GT(cache.size(), 0u);
  // The newest entry is always kept.
  EXPECT_TRUE(cache.Find("token-999", 1, kNow).has_value());
}

TEST(VerifiedTokenCacheTest, ZeroCapacityRemembersNothing) {
  VerifiedTokenCache cache(0);
  cache.Insert("token-a", 1, Citizen("a"), kNow + absl::Minutes(5), kNow);
  EXPECT_FALSE(cache.Find("token-a", 1, kNow).has_value());
  EXPECT_EQ(cache.size(), 0u);
}

}  // namespace
}  // namespace stadt::gateway::auth
