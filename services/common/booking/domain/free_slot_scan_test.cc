#include "services/common/booking/domain/free_slot_scan.h"

#include <utility>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/common/booking/domain/forwarding_booking_repository.h"
#include "services/common/booking/domain/in_memory_booking_repository.h"
#include "services/common/booking/domain/test_time.h"
#include "services/common/fake_clock.h"

namespace stadt::booking {
namespace {

using testing::Berlin;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
constexpr auto Local = testing::December;

// Open 10-11 h with a single place, on a 15-minute grid.
DayPlan HourPlan(absl::CivilDay day) {
  DayPlan plan = ClosedDay(day, 15);
  for (int bucket = 40; bucket < 44; ++bucket) plan.capacity[bucket] = 1;
  return plan;
}

DayPlan ClosedPlan(absl::CivilDay day) { return ClosedDay(day, 15); }

// Counts the usage reads and the days each one asks for.
class CountingRepository final : public ForwardingBookingRepository {
 public:
  using ForwardingBookingRepository::ForwardingBookingRepository;
  absl::StatusOr<std::vector<DayUsage>> GetUsage(const std::vector<ResourceDay>& days,
                                                 absl::Time now) override {
    reads.push_back(days.size());
    if (!fail.ok()) return fail;
    return ForwardingBookingRepository::GetUsage(days, now);
  }
  std::vector<size_t> reads;
  absl::Status fail = absl::OkStatus();
};

class FreeSlotScanTest : public ::testing::Test {
 protected:
  // `count` days from 2 December 2037 on.
  static std::vector<absl::CivilDay> Days(int count) {
    std::vector<absl::CivilDay> days;
    days.reserve(count);
    for (int i = 0; i < count; ++i) days.push_back(absl::CivilDay(2037, 12, 2) + i);
    return days;
  }

  // Every start found, as (resource index, start).
  absl::Status Scan(const std::vector<absl::CivilDay>& days,
                    const std::vector<ScanResource>& resources, size_t max_per_day, size_t enough) {
    return ScanFreeSlots(
        core_, days, resources, max_per_day,
        [this](size_t resource, absl::Time start) { found_.emplace_back(resource, start); },
        [this, enough] { return found_.size() >= enough; });
  }

  FakeClock clock_{Local(1, 8, 0)};
  InMemoryBookingRepository bookings_;
  CountingRepository counting_{bookings_};
  BookingCore core_{counting_, clock_, Calendar(BookingRules{}, Berlin()),
                    BookingSecrets::Derive("scan test key", "test")};
  std::vector<std::pair<size_t, absl::Time>> found_;
};

TEST_F(FreeSlotScanTest, ReportsEachResourceDayInOrderWithoutTakenBuckets) {
  absl::StatusOr<GridPosition> position = core_.Locate(Local(2, 10, 15), 15);
  ASSERT_TRUE(position.ok()) << position.status();
  absl::StatusOr<PlacedSlot> slot = core_.Fit("anna", HourPlan(position->day), *position, 15);
  ASSERT_TRUE(slot.ok()) << slot.status();
  ASSERT_TRUE(core_.Hold("citizen", *slot, {"x"}).ok());

  ASSERT_TRUE(Scan(Days(2), {{"anna", HourPlan, 1}, {"ben", HourPlan, 2}}, 10, 100).ok());
  EXPECT_THAT(
      found_,
      ElementsAre(Pair(0, Local(2, 10, 0)), Pair(0, Local(2, 10, 30)), Pair(0, Local(2, 10, 45)),
                  Pair(1, Local(2, 10, 0)), Pair(1, Local(2, 10, 15)), Pair(1, Local(2, 10, 30)),
                  Pair(0, Local(3, 10, 0)), Pair(0, Local(3, 10, 15)), Pair(0, Local(3, 10, 30)),
                  Pair(0, Local(3, 10, 45)), Pair(1, Local(3, 10, 0)), Pair(1, Local(3, 10, 15)),
                  Pair(1, Local(3, 10, 30))));
}

TEST_F(FreeSlotScanTest, AtMostMaxPerDayOfOneResourceDay) {
  ASSERT_TRUE(Scan(Days(1), {{"anna", HourPlan, 1}, {"ben", HourPlan, 1}}, 2, 100).ok());
  EXPECT_THAT(found_, ElementsAre(Pair(0, Local(2, 10, 0)), Pair(0, Local(2, 10, 15)),
                                  Pair(1, Local(2, 10, 0)), Pair(1, Local(2, 10, 15))));
}

TEST_F(FreeSlotScanTest, StopsAfterTheDayThatIsEnoughButFinishesThatDay) {
  // Enough after anna's first slot, yet ben's slots of the same day come too:
  // they may be earlier than anna's later ones.
  ASSERT_TRUE(Scan(Days(20), {{"anna", HourPlan, 1}, {"ben", HourPlan, 1}}, 1, 1).ok());
  EXPECT_THAT(found_, ElementsAre(Pair(0, Local(2, 10, 0)), Pair(1, Local(2, 10, 0))));
  EXPECT_THAT(counting_.reads, ElementsAre(14u));  // one chunk of 7 days x 2
}

TEST_F(FreeSlotScanTest, ReadsUsageAWeekAtATime) {
  ASSERT_TRUE(Scan(Days(10), {{"anna", ClosedPlan, 1}}, 10, 1).ok());
  EXPECT_THAT(found_, IsEmpty());
  EXPECT_THAT(counting_.reads, ElementsAre(7u, 3u));
}

TEST_F(FreeSlotScanTest, NoResourcesReadNothing) {
  ASSERT_TRUE(Scan(Days(10), {}, 10, 1).ok());
  EXPECT_THAT(counting_.reads, IsEmpty());
}

TEST_F(FreeSlotScanTest, ARepositoryErrorEndsTheScan) {
  counting_.fail = absl::UnavailableError("down");
  EXPECT_EQ(Scan(Days(10), {{"anna", HourPlan, 1}}, 10, 1).code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(found_, IsEmpty());
}

}  // namespace
}  // namespace stadt::booking
