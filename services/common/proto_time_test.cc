#include "services/common/proto_time.h"

#include "gtest/gtest.h"

namespace stadt {
namespace {

TEST(ProtoTimeTest, RoundTripsToTheNanosecond) {
  const absl::Time time = absl::FromUnixSeconds(1'800'000'000) + absl::Nanoseconds(123456789);
  google::protobuf::Timestamp message;
  ToTimestamp(time, &message);
  EXPECT_EQ(message.seconds(), 1'800'000'000);
  EXPECT_EQ(message.nanos(), 123456789);
  EXPECT_EQ(FromTimestamp(message, "start").value(), time);
}

TEST(ProtoTimeTest, RefusesWhatRfc3339CannotSay) {
  google::protobuf::Timestamp message;
  message.set_seconds(-1);
  EXPECT_EQ(FromTimestamp(message, "start").status().message(), "start: out of range");
  message.set_seconds(253402300800);  // year 10000
  EXPECT_FALSE(FromTimestamp(message, "start").ok());
  message.set_seconds(0);
  message.set_nanos(1'000'000'000);
  EXPECT_FALSE(FromTimestamp(message, "start").ok());
}

}  // namespace
}  // namespace stadt
