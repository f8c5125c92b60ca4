#include "services/common/booking/domain/schedule.h"

#include <string>
#include <vector>

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
  EXPECT_EQ(FormatDate(absl::CivilDay(2026, 12, 31)), "2026-12-31");
  EXPECT_EQ(FormatDate(absl::CivilDay(987, 10, 1)), "0987-10-01");
  EXPECT_EQ(FormatDate(absl::CivilDay(9999, 12, 31)), "9999-12-31");
  EXPECT_EQ(FormatDate(absl::CivilDay(10000, 1, 1)), "10000-01-01");
  EXPECT_EQ(FormatDate(absl::CivilDay(-1, 1, 1)), "-001-01-01");
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

// DayClock must answer exactly as the calendar does, bucket by bucket, on
// every day: zones with clock changes at 02:00 (Berlin), at midnight (Sao Paulo
// until 2019, Havana), by 30 minutes (Lord Howe), a skipped day (Apia,
// 30 December 2011) and none at all (UTC). Grids of 10, 15 and 7 minutes
// (the last does not divide the day), appointments of 1 to 3 buckets. Every
// bucket on the days whose offset at midnight differs from the next midnight's
// (the clock changes) and on those DayClock finds unsteady; the first, second,
// middle and last bucket on the others (every bucket of all days is slow at -O0).
TEST(DayClockTest, AnswersAsTheCalendarOnEveryDay) {
  for (const char* name : {"Europe/Berlin", "America/Sao_Paulo", "America/Havana",
                           "Australia/Lord_Howe", "Pacific/Apia", "UTC"}) {
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
    const Calendar calendar(BookingRules{}, zone);
    int unsteady_days = 0;
    for (absl::CivilDay day(2011, 1, 1); day < absl::CivilDay(2020, 1, 1); ++day) {
      const DayClock clock(calendar, day);
      if (!clock.steady()) ++unsteady_days;
      const absl::Time midnight = absl::FromCivil(day, zone);
      const bool clocks_change =
          zone.At(midnight).offset != zone.At(absl::FromCivil(day + 1, zone)).offset;
      for (int slot_minutes : {10, 15, 7}) {
        const int buckets = 24 * 60 / slot_minutes;
        std::vector<int> checked;
        if (clocks_change || !clock.steady()) {
          for (int bucket = 0; bucket < buckets; ++bucket) checked.push_back(bucket);
        } else {
          checked = {0, 1, buckets / 2, buckets - 1};
        }
        for (int bucket : checked) {
          ASSERT_EQ(clock.StartOf(bucket, slot_minutes),
                    calendar.StartOf(day, bucket, slot_minutes))
              << name << " " << day << " bucket " << bucket << " of " << slot_minutes;
          for (int count = 1; count <= 3; ++count) {
            ASSERT_EQ(clock.OnTheClock(bucket, count, slot_minutes),
                      calendar.OnTheClock(day, bucket, count, slot_minutes))
                << name << " " << day << " bucket " << bucket << " of " << slot_minutes << " count "
                << count;
          }
        }
      }
    }
    // The fast path is taken on all but the days with a clock change.
    if (std::string(name) == "UTC") {
      EXPECT_EQ(unsteady_days, 0);
    } else if (std::string(name) == "Europe/Berlin") {
      EXPECT_EQ(unsteady_days, 2 * 9);
    } else {
      EXPECT_GT(unsteady_days, 0) << name;
      EXPECT_LE(unsteady_days, 2 * 9 + 2) << name;
    }
  }
}

TEST(DayClockTest, OnlyBerlinsClockChangeDaysAskTheTimeZone) {
  const Calendar calendar(BookingRules{}, Berlin());
  EXPECT_FALSE(DayClock(calendar, absl::CivilDay(2027, 3, 28)).steady());
  EXPECT_FALSE(DayClock(calendar, absl::CivilDay(2027, 10, 31)).steady());
  EXPECT_TRUE(DayClock(calendar, absl::CivilDay(2027, 3, 27)).steady());
  EXPECT_TRUE(DayClock(calendar, absl::CivilDay(2027, 3, 29)).steady());
  EXPECT_TRUE(DayClock(calendar, absl::CivilDay(2027, 10, 30)).steady());
  EXPECT_TRUE(DayClock(calendar, absl::CivilDay(2027, 11, 1)).steady());
  // The skipped hour (02:00-02:50, buckets 12-17) is not on the clock.
  const DayClock spring(calendar, absl::CivilDay(2027, 3, 28));
  EXPECT_TRUE(spring.OnTheClock(11, 1, 10));
  EXPECT_FALSE(spring.OnTheClock(11, 2, 10));
  EXPECT_FALSE(spring.OnTheClock(17, 1, 10));
  EXPECT_TRUE(spring.OnTheClock(18, 1, 10));
}

}  // namespace
}  // namespace stadt::booking
