#include "services/appointments/domain/catalog.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stadt::appointments {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Office MorningOffice() {
  Office office;
  office.id = "mitte";
  office.slot_minutes = 10;
  office.counters = {{2, 8 * 60, 9 * 60, 2}, {2, 9 * 60, 10 * 60, 1}};  // Tuesdays
  office.closed_dates = {"2026-12-29"};
  return office;
}

TEST(ScheduleTest, PlansCountersOnTheGrid) {
  booking::DayPlan plan = PlanDay(MorningOffice(), absl::CivilDay(2026, 12, 1));  // a Tuesday
  ASSERT_EQ(plan.capacity.size(), 144u);
  EXPECT_EQ(plan.capacity[47], 0);                                                    // 07:50
  EXPECT_EQ(plan.capacity[48], 2);                                                    // 08:00
  EXPECT_EQ(plan.capacity[54], 1);                                                    // 09:00
  EXPECT_EQ(plan.capacity[60], 0);                                                    // 10:00
  EXPECT_EQ(PlanDay(MorningOffice(), absl::CivilDay(2026, 12, 2)).capacity[48], 0);   // Wednesday
  EXPECT_EQ(PlanDay(MorningOffice(), absl::CivilDay(2026, 12, 29)).capacity[48], 0);  // closed
}

TEST(ScheduleTest, ClosuresCapTheCountersInTheirHoursAndDays) {
  Office office = MorningOffice();
  // 8:30-9:30 on 1 and 8 December: one counter at most; 9:30-10 none.
  office.closures = {{"ill", "2026-12-01", "2026-12-08", 8 * 60 + 30, 9 * 60 + 30, 1, "Krankheit"},
                     {"it", "2026-12-01", "2026-12-01", 9 * 60 + 30, 10 * 60, 0, ""}};
  for (const Closure& closure : office.closures) ASSERT_TRUE(ValidateClosure(office, closure).ok());
  booking::DayPlan plan = PlanDay(office, absl::CivilDay(2026, 12, 1));
  EXPECT_EQ(plan.capacity[50], 2);  // 08:20, before the closure
  EXPECT_EQ(plan.capacity[51], 1);  // 08:30
  EXPECT_EQ(plan.capacity[56], 1);  // 09:20 (one counter anyway)
  EXPECT_EQ(plan.capacity[57], 0);  // 09:30, closed
  EXPECT_EQ(PlanDay(office, absl::CivilDay(2026, 12, 8)).capacity[51], 1);
  EXPECT_EQ(PlanDay(office, absl::CivilDay(2026, 12, 8)).capacity[57], 1);  // "it" was one day
  EXPECT_EQ(PlanDay(office, absl::CivilDay(2026, 12, 15)).capacity[51], 2);

  for (const Closure& bad :
       std::vector<Closure>{{"x", "2026-12-02", "2026-12-01", 0, 1440, 0, ""},  // backwards
                            {"x", "2026-12-01", "2026-12-01", 5, 1440, 0, ""},  // off the grid
                            {"x", "2026-12-01", "2026-12-01", 600, 600, 0, ""},
                            {"x", "2026-12-01", "2028-12-01", 0, 1440, 0, ""},  // more than a year
                            {"x", "01.12.2026", "2026-12-01", 0, 1440, 0, ""},
                            {"X!", "2026-12-01", "2026-12-01", 0, 1440, 0, ""},
                            {"x", "2026-12-01", "2026-12-01", 0, 1440, -1, ""}}) {
    EXPECT_FALSE(ValidateClosure(office, bad).ok()) << bad.from_date << " " << bad.from_minute;
  }
}

TEST(ScheduleTest, FreeStartsNeedConsecutiveCapacity) {
  booking::DayPlan plan = PlanDay(MorningOffice(), absl::CivilDay(2026, 12, 1));
  booking::DayUsage usage;
  usage.booked = {{54, 1}};  // 09:00 taken at the single counter
  usage.holds = {{56, 2}};   // 09:20-09:40 held
  std::vector<int> starts = booking::FreeStarts(plan, usage, 2);
  EXPECT_THAT(std::vector<int>(starts.begin(), starts.begin() + 5),
              ElementsAre(48, 49, 50, 51, 52));
  // 08:50 needs 08:50 + 09:00: 09:00 is full. 09:10 needs 09:20: held.
  EXPECT_EQ(std::count(starts.begin(), starts.end(), 53), 0);
  EXPECT_EQ(std::count(starts.begin(), starts.end(), 55), 0);
  EXPECT_THAT(std::vector<int>(starts.end() - 1, starts.end()), ElementsAre(58));
  EXPECT_THAT(booking::FreeStarts(plan, usage, 20), IsEmpty());
}

}  // namespace
}  // namespace stadt::appointments
