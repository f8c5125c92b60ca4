#include "services/common/log.h"

#include <sstream>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"

namespace stadt::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Configure("unit", Level::kInfo);
    SetSinkForTesting(&out_);
  }
  void TearDown() override { SetSinkForTesting(nullptr); }
  std::ostringstream out_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Info("office_listed", {{"count", 3}, {"office_id", "mitte"}});
  boost::json::value line = boost::json::parse(out_.str());
  const boost::json::object& object = line.as_object();
  EXPECT_EQ(object.at("event").as_string(), "office_listed");
  EXPECT_EQ(object.at("component").as_string(), "unit");
  EXPECT_EQ(object.at("level").as_string(), "info");
  EXPECT_EQ(object.at("count").as_int64(), 3);
  EXPECT_TRUE(object.contains("ts"));
}

TEST_F(LogTest, EscapesHostileText) {
  Warn("odd\"event\n{", {});
  std::string text = out_.str();
  ASSERT_EQ(text.back(), '\n');
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // A value cannot forge a second line.
  EXPECT_EQ(boost::json::parse(text).as_object().at("event").as_string(), "odd\"event\n{");
}

TEST_F(LogTest, DropsLinesBelowMinimumLevel) {
  Write(Level::kDebug, "noise");
  EXPECT_TRUE(out_.str().empty());
}

TEST(ParseLevelTest, KnownAndUnknownNames) {
  Level level = Level::kInfo;
  EXPECT_TRUE(ParseLevel("warn", &level));
  EXPECT_EQ(level, Level::kWarn);
  EXPECT_FALSE(ParseLevel("verbose", &level));
}

}  // namespace
}  // namespace stadt::log
