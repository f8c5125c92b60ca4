#include "services/common/booking/domain/schedule.h"

#include "gtest/gtest.h"
#include "services/common/booking/domain/test_time.h"

namespace stadt::booking {
namespace {

using testing::Berlin;

TEST(ScheduleTest, ClosedDayHasNoCapacity) {
  DayPlan plan = ClosedDay(absl::CivilDay(2026, 12, 1), 15);
  ASSERT_EQ(plan.capacity.size(), 96u);
  EXPECT_EQ(std::count(plan.capacity.begin(), plan.capacity.end(), 0), 96);
  EXPECT_EQ(IsoWeekday(absl::CivilDay(2026, 12, 1)), 2);  // a Tuesday
  EXPECT_EQ(IsoWeekday(absl::CivilDay(2026, 12, 6)), 7);
}

TEST(ScheduleTest, IdsAreSlugs) {
  EXPECT_TRUE(IsValidId("mitte-2"));
  EXPECT_FALSE(IsValidId("-mitte"));
  EXPECT_FALSE(IsValidId("Mitte"));
  EXPECT_FALSE(IsValidId(""));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
}

TEST(ScheduleTest, BucketsRoundUp) {
  EXPECT_EQ(BucketsFor(15, 10), 2);
  EXPECT_EQ(BucketsFor(20, 10), 2);
  EXPECT_EQ(BucketsFor(5, 10), 1);
}

TEST(ScheduleTest, DatesParseStrictly) {
  EXPECT_EQ(ParseDate("2026-02-28").value(), absl::CivilDay(2026, 2, 28));
  EXPECT_FALSE(ParseDate("2026-02-29").ok());
  EXPECT_FALSE(ParseDate("2026-2-28").ok());
  EXPECT_FALSE(ParseDate("28.02.2026").ok());
  EXPECT_EQ(FormatDate(absl::CivilDay(2027, 1, 6)), "2027-01-06");
}

TEST(CalendarTest, GridPositionsInLocalTimeAcrossDaylightSaving) {
  Calendar calendar(BookingRules{}, Berlin());
  // 30 March 2026 is the Monday after clocks went forward: 08:00 local is 06:00 UTC.
  absl::Time start = calendar.StartOf(absl::CivilDay(2026, 3, 30), 48, 10);
  EXPECT_EQ(absl::FormatTime("%H:%M", start, absl::UTCTimeZone()), "06:00");
  absl::Time winter = calendar.StartOf(absl::CivilDay(2026, 3, 27), 48, 10);
  EXPECT_EQ(absl::FormatTime("%H:%M", winter, absl::UTCTimeZone()), "07:00");
  GridPosition position = calendar.PositionOf(start, 10).value();
  EXPECT_EQ(position.day, absl::CivilDay(2026, 3, 30));
  EXPECT_EQ(position.bucket, 48);
  EXPECT_FALSE(calendar.PositionOf(start + absl::Minutes(5), 10).ok());
  EXPECT_FALSE(calendar.PositionOf(start + absl::Seconds(1), 10).ok());
}

TEST(CalendarTest, RollingReleaseAndNotice) {
  BookingRules rules;
  rules.horizon_days = 14;
  rules.release_minute_of_day = 8 * 60;
  rules.min_notice = absl::Hours(2);
  Calendar calendar(rules, Berlin());
  const absl::Time before_release =
      absl::FromCivil(absl::CivilMinute(2026, 12, 1, 7, 59), Berlin());
  const absl::Time after_release = absl::FromCivil(absl::CivilMinute(2026, 12, 1, 8, 0), Berlin());
  EXPECT_EQ(calendar.LastBookableDay(before_release), absl::CivilDay(2026, 12, 14));
  EXPECT_EQ(calendar.LastBookableDay(after_release), absl::CivilDay(2026, 12, 15));
  const absl::Time on_15th = absl::FromCivil(absl::CivilMinute(2026, 12, 15, 9, 0), Berlin());
  EXPECT_EQ(calendar.CheckBookable(on_15th, before_release).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(calendar.CheckBookable(on_15th, after_release).ok());
  EXPECT_FALSE(calendar.CheckBookable(after_release + absl::Minutes(90), after_release).ok());
  EXPECT_FALSE(calendar.CheckBookable(after_release - absl::Hours(1), after_release).ok());
}

TEST(CalendarTest, ANegativeNoticeKeepsTheRunningSlotBookable) {
  BookingRules rules;
  rules.min_notice = absl::Minutes(-10);
  Calendar calendar(rules, Berlin());
  const absl::Time now = absl::FromCivil(absl::CivilMinute(2026, 12, 1, 9, 7), Berlin());
  const absl::Time running = absl::FromCivil(absl::CivilMinute(2026, 12, 1, 9, 0), Berlin());
  EXPECT_TRUE(calendar.CheckBookable(running, now).ok());
  EXPECT_FALSE(calendar.CheckBookable(running - absl::Minutes(10), now).ok());
}

}  // namespace
}  // namespace stadt::booking
