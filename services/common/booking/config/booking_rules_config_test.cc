#include "services/common/booking/config/booking_rules_config.h"

#include <map>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::booking {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(BookingRulesConfigTest, UnsetVariablesKeepTheServicesDefaults) {
  EnvConfig config = EnvConfig::FromValues({});
  BookingRules defaults;
  defaults.min_notice = absl::Hours(1);
  defaults.horizon_days = 42;
  const BookingRules rules = ReadBookingRules(
      config, {.prefix = "VIDEO_", .same_service_window = "TOPIC_WINDOW_DAYS"}, defaults);
  ASSERT_TRUE(config.Finish().ok());
  EXPECT_EQ(rules.min_notice, absl::Hours(1));
  EXPECT_EQ(rules.horizon_days, 42);
  EXPECT_EQ(rules.hold_ttl, BookingRules().hold_ttl);
  EXPECT_EQ(rules.email_confirmation_ttl, absl::ZeroDuration());
}

TEST(BookingRulesConfigTest, ReadsEveryRuleUnderThePrefix) {
  EnvConfig config = EnvConfig::FromValues({{"APPOINTMENTS_MIN_NOTICE", "3h"},
                                            {"APPOINTMENTS_HORIZON_DAYS", "30"},
                                            {"APPOINTMENTS_RELEASE_TIME", "7h30m"},
                                            {"APPOINTMENTS_HOLD_TTL", "2m"},
                                            {"APPOINTMENTS_MAX_ACTIVE_BOOKINGS", "5"},
                                            {"APPOINTMENTS_SERVICE_WINDOW_DAYS", "14"},
                                            {"APPOINTMENTS_REMINDER_LEAD", "12h"},
                                            {"APPOINTMENTS_RETENTION_DAYS", "60"},
                                            {"APPOINTMENTS_EMAIL_CONFIRMATION", "true"},
                                            {"APPOINTMENTS_EMAIL_CONFIRMATION_TTL", "20m"}});
  const BookingRules rules = ReadBookingRules(
      config, {.prefix = "APPOINTMENTS_", .same_service_window = "SERVICE_WINDOW_DAYS"});
  ASSERT_TRUE(config.Finish().ok()) << config.Finish();
  EXPECT_EQ(rules.min_notice, absl::Hours(3));
  EXPECT_EQ(rules.horizon_days, 30);
  EXPECT_EQ(rules.release_minute_of_day, 7 * 60 + 30);
  EXPECT_EQ(rules.hold_ttl, absl::Minutes(2));
  EXPECT_EQ(rules.max_active_bookings_per_person, 5);
  EXPECT_EQ(rules.same_service_window_days, 14);
  EXPECT_EQ(rules.reminder_lead, absl::Hours(12));
  EXPECT_EQ(rules.retention_days, 60);
  EXPECT_EQ(rules.email_confirmation_ttl, absl::Minutes(20));
}

TEST(BookingRulesConfigTest, ANegativeMinNoticeOpensTheRunningSlotUpToAnHour) {
  EnvConfig running = EnvConfig::FromValues({{"APPOINTMENTS_MIN_NOTICE", "-10m"}});
  const BookingRules rules = ReadBookingRules(
      running, {.prefix = "APPOINTMENTS_", .same_service_window = "SERVICE_WINDOW_DAYS"});
  ASSERT_TRUE(running.Finish().ok()) << running.Finish();
  EXPECT_EQ(rules.min_notice, absl::Minutes(-10));

  EnvConfig too_far = EnvConfig::FromValues({{"APPOINTMENTS_MIN_NOTICE", "-2h"}});
  ReadBookingRules(too_far,
                   {.prefix = "APPOINTMENTS_", .same_service_window = "SERVICE_WINDOW_DAYS"});
  EXPECT_THAT(too_far.Finish().message(), HasSubstr("APPOINTMENTS_MIN_NOTICE"));
}

TEST(BookingRulesConfigTest, AServiceReadsOnlyTheVariablesItOffers) {
  EnvConfig config = EnvConfig::FromValues({{"VIDEO_TOPIC_WINDOW_DAYS", "7"},
                                            {"VIDEO_SERVICE_WINDOW_DAYS", "99"},
                                            {"VIDEO_RELEASE_TIME", "5h"},
                                            {"VIDEO_EMAIL_CONFIRMATION", "true"}});
  const BookingRules rules = ReadBookingRules(config, {.prefix = "VIDEO_",
                                                       .same_service_window = "TOPIC_WINDOW_DAYS",
                                                       .release_time = false,
                                                       .email_confirmation = false});
  ASSERT_TRUE(config.Finish().ok());
  EXPECT_EQ(rules.same_service_window_days, 7);
  EXPECT_EQ(rules.release_minute_of_day, BookingRules().release_minute_of_day);
  EXPECT_EQ(rules.email_confirmation_ttl, absl::ZeroDuration());
}

TEST(BookingRulesConfigTest, ReportsEveryValueOutOfBounds) {
  EnvConfig config = EnvConfig::FromValues({{"APPOINTMENTS_HOLD_TTL", "5s"},
                                            {"APPOINTMENTS_HORIZON_DAYS", "0"},
                                            {"APPOINTMENTS_RELEASE_TIME", "24h"}});
  ReadBookingRules(config,
                   {.prefix = "APPOINTMENTS_", .same_service_window = "SERVICE_WINDOW_DAYS"});
  const absl::Status status = config.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("APPOINTMENTS_HOLD_TTL"), HasSubstr("APPOINTMENTS_HORIZON_DAYS"),
                    HasSubstr("APPOINTMENTS_RELEASE_TIME")));
}

}  // namespace
}  // namespace stadt::booking
