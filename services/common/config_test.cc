#include "services/common/config.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(EnvConfigTest, ReadsTypedValuesAndDefaults) {
  EnvConfig config = EnvConfig::FromValues({{"PORT", "8080"}, {"FLAG", "yes"}, {"WAIT", "250ms"}});
  EXPECT_EQ(config.Int("PORT", 1, 1, 65535), 8080);
  EXPECT_EQ(config.Int("MISSING", 7, 1, 10), 7);
  EXPECT_TRUE(config.Bool("FLAG", false));
  EXPECT_EQ(config.Duration("WAIT", absl::Seconds(1), absl::ZeroDuration(), absl::Minutes(1)),
            absl::Milliseconds(250));
  EXPECT_EQ(config.String("NAME", "fallback"), "fallback");
  EXPECT_TRUE(config.Finish().ok());
}

TEST(EnvConfigTest, CollectsEveryBadVariable) {
  EnvConfig config =
      EnvConfig::FromValues({{"PORT", "eighty"}, {"WAIT", "-3s"}, {"ADDR", "nohost"}});
  config.Int("PORT", 1, 1, 65535);
  config.Duration("WAIT", absl::Seconds(1), absl::ZeroDuration(), absl::Minutes(1));
  config.HostPort("ADDR", "127.0.0.1:1");
  config.RequiredString("SECRET_FILE");
  absl::Status status = config.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              AllOf(HasSubstr("PORT"), HasSubstr("WAIT"), HasSubstr("ADDR"),
                    HasSubstr("SECRET_FILE: is required")));
}

TEST(EnvConfigTest, RejectsOutOfRangeInteger) {
  EnvConfig config = EnvConfig::FromValues({{"THREADS", "0"}});
  EXPECT_EQ(config.Int("THREADS", 2, 1, 64), 2);
  EXPECT_FALSE(config.Finish().ok());
}

TEST(EnvConfigTest, EmptyValueCountsAsUnset) {
  EnvConfig config = EnvConfig::FromValues({{"NAME", ""}});
  config.RequiredString("NAME");
  EXPECT_FALSE(config.Finish().ok());
}

TEST(SplitHostPortTest, AcceptsValidAndRejectsMalformed) {
  std::string host;
  int port = 0;
  EXPECT_TRUE(SplitHostPort("redis:6379", &host, &port));
  EXPECT_EQ(host, "redis");
  EXPECT_EQ(port, 6379);
  EXPECT_FALSE(SplitHostPort(":6379", &host, &port));
  EXPECT_FALSE(SplitHostPort("redis:0", &host, &port));
  EXPECT_FALSE(SplitHostPort("redis:70000", &host, &port));
  EXPECT_FALSE(SplitHostPort("redis", &host, &port));
}

TEST(SplitHostPortListTest, SplitsSeedListsAndRejectsAnyMalformedEntry) {
  std::vector<std::pair<std::string, int>> entries;
  EXPECT_TRUE(SplitHostPortList(" node-0:6379 , 10.0.0.2:7000", &entries));
  EXPECT_EQ(entries,
            (std::vector<std::pair<std::string, int>>{{"node-0", 6379}, {"10.0.0.2", 7000}}));
  std::vector<std::pair<std::string, int>> none;
  EXPECT_TRUE(SplitHostPortList("", &none));
  EXPECT_TRUE(none.empty());
  std::vector<std::pair<std::string, int>> bad;
  EXPECT_FALSE(SplitHostPortList("node-0:6379,node-1", &bad));
  EXPECT_FALSE(SplitHostPortList("node-0:6379, :6379", &bad));
}

}  // namespace
}  // namespace stadt
