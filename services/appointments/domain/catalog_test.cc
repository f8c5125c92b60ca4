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
