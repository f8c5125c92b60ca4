#include "services/common/service_env.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt {
namespace {

using ::testing::HasSubstr;

TEST(ReadRedisOptionsTest, DefaultsToOneServerOnLoopback) {
  EnvConfig config = EnvConfig::FromValues({});
  const redis::Options options = ReadRedisOptions(config);
  ASSERT_TRUE(config.Finish().ok());
  EXPECT_EQ(options.mode, redis::Mode::kSingle);
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 6379);
  EXPECT_TRUE(options.seeds.empty());
}

TEST(ReadRedisOptionsTest, ReadsSentinelModeWithItsSentinels) {
  EnvConfig config = EnvConfig::FromValues({{"REDIS_MODE", "sentinel"},
                                            {"REDIS_SEEDS", "s1:26379, s2:26380 ,s3:26381"},
                                            {"REDIS_SENTINEL_MASTER", "stadt"}});
  const redis::Options options = ReadRedisOptions(config);
  ASSERT_TRUE(config.Finish().ok()) << config.Finish();
  EXPECT_EQ(options.mode, redis::Mode::kSentinel);
  EXPECT_EQ(options.sentinel_master, "stadt");
  ASSERT_EQ(options.seeds.size(), 3u);
  EXPECT_EQ(options.seeds[1], (redis::Address{"s2", 26380}));
}

TEST(ReadRedisOptionsTest, ClusterModeNeedsNoSeedsBesidesTheAddress) {
  EnvConfig config =
      EnvConfig::FromValues({{"REDIS_MODE", "cluster"}, {"REDIS_ADDRESS", "redis-0:6379"}});
  const redis::Options options = ReadRedisOptions(config);
  ASSERT_TRUE(config.Finish().ok());
  EXPECT_EQ(options.mode, redis::Mode::kCluster);
  EXPECT_EQ(options.host, "redis-0");
}

TEST(ReadRedisOptionsTest, RefusesUnknownModesBadSeedsAndSentinelsMissing) {
  EnvConfig unknown = EnvConfig::FromValues({{"REDIS_MODE", "Cluster"}});
  ReadRedisOptions(unknown);
  EXPECT_THAT(std::string(unknown.Finish().message()), HasSubstr("REDIS_MODE"));

  EnvConfig bad_seed = EnvConfig::FromValues({{"REDIS_MODE", "cluster"}, {"REDIS_SEEDS", "a:1,b"}});
  ReadRedisOptions(bad_seed);
  EXPECT_THAT(std::string(bad_seed.Finish().message()), HasSubstr("REDIS_SEEDS"));

  EnvConfig no_sentinels = EnvConfig::FromValues({{"REDIS_MODE", "sentinel"}});
  ReadRedisOptions(no_sentinels);
  EXPECT_THAT(std::string(no_sentinels.Finish().message()), HasSubstr("name the Sentinels"));
}

TEST(ReadRedisOptionsTest, ReadsTheReplicaWaitAndRefusesOneNoShorterThanTheTimeout) {
  EnvConfig off = EnvConfig::FromValues({});
  EXPECT_EQ(ReadRedisOptions(off).wait_replicas, 0);
  EnvConfig on = EnvConfig::FromValues(
      {{"REDIS_WAIT_REPLICAS", "1"}, {"REDIS_WAIT_TIMEOUT", "150ms"}, {"REDIS_TIMEOUT", "1s"}});
  const redis::Options options = ReadRedisOptions(on);
  ASSERT_TRUE(on.Finish().ok()) << on.Finish();
  EXPECT_EQ(options.wait_replicas, 1);
  EXPECT_EQ(options.wait_timeout, std::chrono::milliseconds(150));
  EnvConfig too_long = EnvConfig::FromValues(
      {{"REDIS_WAIT_REPLICAS", "1"}, {"REDIS_WAIT_TIMEOUT", "2s"}, {"REDIS_TIMEOUT", "1s"}});
  ReadRedisOptions(too_long);
  EXPECT_THAT(std::string(too_long.Finish().message()), HasSubstr("REDIS_WAIT_TIMEOUT"));
}

}  // namespace
}  // namespace stadt
